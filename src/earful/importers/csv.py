"""CSV reader with a column mapping (``--map FIELD=COLUMN``).

FIELD is an Earful JSONL name, dotted for nested ones (``author.handle``, ``metrics.likes``).
Without an explicit mapping a column whose header is a field name (or one of the column names
``earful export --format csv`` writes) maps to that field. Every cell is a string: ids stay
strings, counts must be digits, entity columns are split on spaces and commas, and timestamps
are read by :func:`parse_csv_time`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from earful.errors import InputError
from earful.formats.earful_jsonl import post_from_dict
from earful.importers.base import ReadContext, Rejected
from earful.models import Post

FIELDS = (
    "source", "id", "created_at", "text", "url", "lang",
    "author.id", "author.handle", "author.name", "author.bio",
    "author.followers", "author.following",
    "reply_to.post_id", "reply_to.author_handle",
    "quote_of", "repost_of", "conversation_id",
    "metrics.likes", "metrics.reposts", "metrics.replies", "metrics.quotes",
    "hashtags", "mentions", "urls",
)  # fmt: skip
REQUIRED = ("id", "created_at", "text")
LIST_FIELDS = ("hashtags", "mentions", "urls")
# Header names `earful export --format csv` writes for nested fields.
EXPORT_COLUMNS = {
    "author_handle": "author.handle",
    "author_name": "author.name",
    "likes": "metrics.likes",
    "reposts": "metrics.reposts",
    "replies": "metrics.replies",
    "quotes": "metrics.quotes",
}

_SPLIT = re.compile(r"[\s,]+")
_MANGLED_ID = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_EPOCH = re.compile(r"^(\d{9,11}(\.\d+)?|\d{13})$")
_SPACE_OFFSET = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) ?([+-]\d{2}:?\d{2}|Z|UTC)?$")  # noqa: E501
_X_CLASSIC = "%a %b %d %H:%M:%S %z %Y"
TIME_FORMATS_HELP = (
    "RFC 3339 (2015-02-24T19:35:52Z), 'YYYY-MM-DD HH:MM[:SS] [+-HHMM|UTC]' (no zone means UTC),"
    " 'Wed Oct 10 20:19:24 +0000 2018', or epoch seconds (13 digits: milliseconds)"
)


def parse_mapping(items: list[str]) -> dict[str, str]:
    """``["text=body", "author.handle=user"]`` → ``{"text": "body", "author.handle": "user"}``."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, column = item.partition("=")
        name, column = name.strip(), column.strip()
        if not sep or not name or not column:
            raise InputError(f"bad --map {item!r}: expected FIELD=COLUMN", field=name or None)
        if name not in FIELDS:
            raise InputError(
                f"unknown field in --map {item!r}; fields: {', '.join(FIELDS)}", field=name
            )
        if name in out:
            raise InputError(f"field mapped twice in --map {item!r}", field=name)
        out[name] = column
    return out


def parse_csv_time(value: str, field: str = "created_at") -> datetime:
    """A CSV timestamp in one of :data:`TIME_FORMATS_HELP` as aware UTC."""
    text = value.strip()
    if _EPOCH.match(text):
        seconds = float(text) / (1000 if len(text) == 13 else 1)
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    m = _SPACE_OFFSET.match(text)
    if m:
        day, clock, zone = m.groups()
        if zone in (None, "Z", "UTC"):
            zone = "+00:00"
        elif ":" not in zone:
            zone = f"{zone[:3]}:{zone[3:]}"
        try:
            return datetime.fromisoformat(f"{day}T{clock}{zone}").astimezone(UTC)
        except ValueError:
            pass
    else:
        try:
            return datetime.strptime(text, _X_CLASSIC).astimezone(UTC)
        except ValueError:
            pass
    raise InputError(f"unrecognised timestamp {value!r}; use {TIME_FORMATS_HELP}", field=field)


def read_csv(fh: IO[bytes], ctx: ReadContext) -> Iterator[Post | Rejected]:
    """Posts from a CSV file with a header row, mapped by ``ctx.mapping``."""
    buffer: list[str] = []
    lines = _lines(fh, ctx, buffer)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ctx.error("empty file: expected a header row", line=1) from None
    except csv.Error as exc:
        raise ctx.error(f"bad CSV header: {exc}", line=1) from None
    columns = _columns(header, ctx)
    width = len(header)
    last = reader.line_num
    while True:
        buffer.clear()
        start = last + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            last = reader.line_num
            yield Rejected(ctx.error(f"bad CSV: {exc}", line=start), "".join(buffer))
            continue
        last = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            error = ctx.error(f"expected {width} columns, got {len(row)}", line=start)
            yield Rejected(error, "".join(buffer))
            continue
        try:
            yield _post(row, columns, header, ctx)
        except InputError as exc:
            yield Rejected(exc.located(file=ctx.name, line=start), "".join(buffer))


def _lines(fh: IO[bytes], ctx: ReadContext, buffer: list[str]) -> Iterator[str]:
    """Decoded lines; each is also appended to ``buffer`` so a record's raw text is known."""
    for lineno, data in enumerate(fh, 1):
        if lineno == 1 and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ctx.error(f"not UTF-8: {exc.reason}", line=lineno, column=exc.start + 1) from None
        buffer.append(text)
        yield text


def _columns(header: list[str], ctx: ReadContext) -> dict[str, int]:
    """FIELD → column index, from the explicit mapping plus matching header names."""
    names = [h.strip() for h in header]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)
    columns: dict[str, int] = {}
    for i, name in enumerate(names):
        guess = name if name in FIELDS else EXPORT_COLUMNS.get(name)
        if guess is not None and guess not in ctx.mapping and guess not in columns:
            columns[guess] = i
    for name, column in ctx.mapping.items():
        if column not in index:
            raise ctx.error(
                f"--map {name}={column}: no column {column!r}; the header has "
                + ", ".join(repr(n) for n in names),
                line=1,
                field=name,
            )
        columns[name] = index[column]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ctx.error(
            "no column for " + ", ".join(missing) + "; add --map "
            + " --map ".join(f"{m}=COLUMN" for m in missing),
            line=1,
            field=missing[0],
        )
    if "source" not in columns and not ctx.source:
        raise ctx.error("no source: pass --source NAME or --map source=COLUMN", field="source")
    return columns


def _post(row: list[str], columns: Mapping[str, int], header: list[str], ctx: ReadContext) -> Post:
    obj: dict[str, Any] = {}
    for name, i in columns.items():
        value = row[i].strip()
        if not value:
            continue
        if name in LIST_FIELDS:
            obj[name] = [v for v in _SPLIT.split(value) if v]
            continue
        if name == "created_at":
            value = parse_csv_time(value).isoformat()
        elif name == "id" and _MANGLED_ID.match(value):
            raise InputError(
                f"id {value!r} looks like a number rounded by a spreadsheet; ids must be"
                " exact strings",
                field="id",
            )
        parent, _, child = name.partition(".")
        if child:
            obj.setdefault(parent, {})[child] = value
        else:
            obj[name] = value
    if obj.get("source") is None:
        obj["source"] = ctx.source
    for key in REQUIRED:
        if key not in obj and key != "text":
            raise InputError("empty required field", field=key)
    obj.setdefault("text", "")
    return post_from_dict(obj, raw=dict(zip(header, row, strict=True)))
