"""Earful JSONL reader: one post object per line (docs/jsonl.md).

Blank lines are skipped. A line that is not valid UTF-8 or JSON, or not a valid post, is
rejected with its line (and, for JSON syntax errors, its column).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

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


def _parse(fh: IO[bytes], ctx: ReadContext) -> Iterator[tuple[Post, str | None] | Rejected]:
    """(post, its line when that is the raw payload unchanged) or a rejected line."""
    default_source = ctx.source
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
