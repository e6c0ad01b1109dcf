"""Earful JSONL reader: one post object per line (docs/jsonl.md).

Blank lines are skipped. A line that is not valid UTF-8 or JSON, or not a valid post, is
rejected with its line (and, for JSON syntax errors, its column).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from earful.errors import InputError
from earful.formats.earful_jsonl import post_from_dict
from earful.importers.base import ReadContext, Rejected
from earful.models import Post


def read_jsonl(fh: IO[bytes], ctx: ReadContext) -> Iterator[Post | Rejected]:
    """Posts from an Earful JSONL file; ``ctx.source`` fills ``source`` where a line has none."""
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
            if default_source and isinstance(obj, dict) and obj.get("source") is None:
                obj["source"] = default_source
            yield post_from_dict(obj)
        except json.JSONDecodeError as exc:
            error = ctx.error(f"invalid JSON: {exc.msg}", line=lineno, column=exc.colno)
            yield Rejected(error, text)
        except InputError as exc:
            yield Rejected(exc.located(file=ctx.name, line=lineno), text)
