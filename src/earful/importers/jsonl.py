"""Earful JSONL reader: one post object per line (docs/jsonl.md).

Blank lines are skipped. A line that is not valid UTF-8 or JSON, or not a valid post, is
rejected with its line (and, for JSON syntax errors, its column).
"""

from __future__ import annotations

import json
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
    for item in _parse(fh, ctx, None):
        yield item if isinstance(item, Rejected) else item[0]


def prepare_jsonl(fh: IO[bytes], ctx: ReadContext) -> Iterator[Prepared | Rejected]:
    """:func:`read_jsonl` with each post prepared for the store; a line that is its post's raw
    payload as it stands (no ``source`` filled in) is stored as the raw payload itself."""
    from earful.store.posts import prepare

    for item in _parse(fh, ctx, _fast_loads()):
        yield item if isinstance(item, Rejected) else prepare(*item)


def _fast_loads() -> Callable[[bytes], Any] | None:
    """orjson's loads where installed (about twice as fast as json's), else None."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return orjson.loads


def _load_post(
    data: bytes, text: str, default_source: str | None, fast: Callable[[bytes], Any] | None
) -> tuple[Post, str | None]:
    """The post on a line and the line when it is the post's raw payload as it stands.

    orjson is tried first; json decides whenever orjson refuses the line (NaN, lone
    surrogates, syntax errors), the post is invalid (orjson reads integers over 64 bits as
    floats, which no post field accepts) or the object must be serialised again (``source``
    filled in), so posts, payloads and error messages are exactly json's.
    """
    if fast is not None:
        try:
            obj = fast(data)
        except ValueError:
            obj = None
        if type(obj) is dict and (not default_source or obj.get("source") is not None):
            try:
                return post_from_dict(obj, obj), text  # the object is ours alone: no copy
            except InputError:
                pass
    obj = json.loads(text)
    line: str | None = text
    if default_source and isinstance(obj, dict) and obj.get("source") is None:
        obj["source"] = default_source
        line = None
    return post_from_dict(obj, obj if isinstance(obj, dict) else None), line


def _parse(
    fh: IO[bytes], ctx: ReadContext, fast: Callable[[bytes], Any] | None
) -> Iterator[tuple[Post, str | None] | Rejected]:
    """(post, its line when that is the raw payload unchanged) or a rejected line.

    ``fast`` (orjson) may parse lines whose posts are prepared at once: it can read an
    unchecked field differently (an integer over 64 bits as a float) in ``Post.raw``, which
    a prepared post does not use, its raw payload being the line.
    """
    default_source = ctx.source
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
            yield _load_post(data, text, default_source, fast)
        except json.JSONDecodeError as exc:
            error = ctx.error(f"invalid JSON: {exc.msg}", line=lineno, column=exc.colno)
            yield Rejected(error, text)
        except InputError as exc:
            yield Rejected(exc.located(file=ctx.name, line=lineno), text)
