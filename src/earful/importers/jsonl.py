"""Earful JSONL reader: one post object per line (docs/jsonl.md).

Blank lines are skipped. A line that is not valid UTF-8 or JSON, or not a valid post, is
rejected with its line (and, for JSON syntax errors, its column).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

from earful.errors import InputError
from earful.formats.earful_jsonl import post_from_dict
from earful.importers.base import ReadContext, Rejected
from earful.models import Post

if TYPE_CHECKING:
    from earful.store.posts import Prepared


def read_jsonl(fh: IO[bytes], ctx: ReadContext) -> Iterator[Post | Rejected]:
    """Posts from an Earful JSONL file; ``ctx.source`` fills ``source`` where a line has none."""
    for item in _parse(fh, ctx):
        yield item if isinstance(item, Rejected) else item[0]


def prepare_jsonl(fh: IO[bytes], ctx: ReadContext) -> Iterator[Prepared | Rejected]:
    """:func:`read_jsonl` with each post prepared for the store; a line that is its post's raw
    payload as it stands (no ``source`` filled in) is stored as the raw payload itself."""
    from earful.store.posts import prepare

    for item in _parse(fh, ctx):
        yield item if isinstance(item, Rejected) else prepare(*item)


_LONG_NUMBER = re.compile(rb"\d{20}")


def _fast_loads() -> Callable[[bytes], Any] | None:
    """orjson's loads where installed (about twice as fast).

    orjson reads integers over 64 bits as floats, so lines with 20 digits in a row go to
    json; callers hand whatever orjson refuses (NaN, lone surrogates, syntax errors) to
    :func:`json.loads` too, so results and error messages stay json's.
    """
    try:
        import orjson
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    fast = orjson.loads
    long_number = _LONG_NUMBER.search

    def loads(data: bytes) -> Any:
        if long_number(data):
            raise ValueError("an integer json reads exactly")
        return fast(data)

    return loads


def _parse(fh: IO[bytes], ctx: ReadContext) -> Iterator[tuple[Post, str | None] | Rejected]:
    """(post, its line when that is the raw payload unchanged) or a rejected line."""
    default_source = ctx.source
    fast_loads = _fast_loads()
    loads = json.loads
    first = getattr(fh, "first_line", 1)  # set when reading a block of a larger file
    for lineno, data in enumerate(fh, first):
        if lineno == 1 and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if data.isspace() or not data:
            continue
        try:
            text = data.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            error = ctx.error(f"not UTF-8: {exc.reason}", line=lineno, column=exc.start + 1)
            yield Rejected(error, data.decode("utf-8", "replace").rstrip("\r\n"))
            continue
        try:
            try:
                obj = fast_loads(data) if fast_loads else loads(text)
            except ValueError:
                obj = loads(text)
            line: str | None = text
            if default_source and isinstance(obj, dict) and obj.get("source") is None:
                obj["source"] = default_source
                line = None
            # The object is ours alone: it can be the post's raw payload without a copy.
            yield post_from_dict(obj, obj if isinstance(obj, dict) else None), line
        except json.JSONDecodeError as exc:
            error = ctx.error(f"invalid JSON: {exc.msg}", line=lineno, column=exc.colno)
            yield Rejected(error, text)
        except InputError as exc:
            yield Rejected(exc.located(file=ctx.name, line=lineno), text)
