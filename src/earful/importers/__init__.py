"""Importing posts from files: Earful JSONL, CSV, X account archives and X API v2 / twarc2.

:func:`import_file` streams a file into a store in one transaction (all or nothing unless
``skip_bad`` is given), in batches, with constant memory. See docs/importing.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, TYPE_CHECKING

from earful.errors import InputError
from earful.importers.base import ImportReport, Progress, ReadContext, Reader, run_import

if TYPE_CHECKING:
    from earful.store.sqlite import SQLiteStore

FORMATS = ("auto", "jsonl", "csv", "x-archive", "twarc")
SNIFF_BYTES = 64 << 10
MAX_FIRST_LINE = 64 << 20
PARALLEL_BYTES = 8 << 20
# Keys of an X API v2 tweet that Earful JSONL never has (a flattened twarc2 line).
TWEET_KEYS = ("author_id", "public_metrics", "edit_history_tweet_ids", "__twarc")


def import_file(
    store: SQLiteStore,
    path: Path,
    *,
    fmt: str = "auto",
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    skip_bad: Path | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Import ``path`` into ``store``; returns how many posts were inserted, updated, rejected.

    ``fmt`` is one of :data:`FORMATS`; ``mapping`` (FIELD → column) applies to CSV only;
    ``source`` names the source where the format carries none (CSV; the X formats default
    to ``x``). Bad records raise :class:`~earful.errors.InputError` naming file, line and
    field, and nothing is written, unless ``skip_bad`` names a file to write them to.
    ``workers`` processes parse line-oriented files while this one writes (default: one per
    CPU for files over :data:`PARALLEL_BYTES`; 0 parses here).
    """
    path = Path(path)
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "auto":
        fmt = sniff_format(path)
    if mapping and fmt != "csv":
        raise InputError(f"--map applies to CSV files only, not {fmt}", file=str(path))
    ctx = ReadContext(path=path, source=source, mapping=dict(mapping or {}))
    reader = _reader(fmt)
    if workers is None:
        workers = _auto_workers(path)
    from earful.importers.parallel import supports

    if not supports(reader):
        workers = 0
    return run_import(
        store, ctx, reader, skip_bad=skip_bad, progress=progress, workers=workers
    )


def _auto_workers(path: Path) -> int:
    import os

    try:
        size = path.stat().st_size
    except OSError:
        return 0
    return min(os.cpu_count() or 1, 4) if size >= PARALLEL_BYTES else 0


def parse_mapping(items: list[str]) -> dict[str, str]:
    """Parse ``--map FIELD=COLUMN`` items (FIELD an Earful JSONL name, dotted when nested)."""
    from earful.importers.csv import parse_mapping as parse

    return parse(items)


def _reader(fmt: str) -> Reader:
    if fmt == "jsonl":
        from earful.importers.jsonl import read_jsonl

        return read_jsonl
    if fmt == "csv":
        from earful.importers.csv import read_csv

        return read_csv
    if fmt == "x-archive":
        from earful.importers.x_archive import read_x_archive

        return read_x_archive
    from earful.importers.twarc import read_twarc

    return read_twarc


def sniff_format(path: Path) -> str:
    """Guess the format from the file's start and extension (see docs/importing.md)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
            fh.seek(0)
            first = _first_line(fh)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from None
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    suffix = path.suffix.lower()
    if start.startswith(b"window.YTD."):
        return "x-archive"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if start.startswith(b"{") and first is not None:
        kind = _json_kind(first)
        if kind:
            return kind
    if suffix in (".jsonl", ".ndjson", ".json", ".jsonlines"):
        return "jsonl"
    raise InputError(
        "cannot tell the format; pass --format jsonl, csv, x-archive or twarc", file=str(path)
    )


def _first_line(fh: IO[bytes]) -> bytes | None:
    """The first non-blank line (None when over :data:`MAX_FIRST_LINE`)."""
    while True:
        line = fh.readline(MAX_FIRST_LINE)
        if not line:
            return None
        if len(line) >= MAX_FIRST_LINE and not line.endswith(b"\n"):
            return None
        if line.strip():
            return line.removeprefix(b"\xef\xbb\xbf")


def _json_kind(line: bytes) -> str | None:
    try:
        obj = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(obj, dict):
        return None
    if "data" in obj and ("includes" in obj or "meta" in obj):
        return "twarc"
    if "id" in obj and "text" in obj and any(key in obj for key in TWEET_KEYS):
        return "twarc"
    return "jsonl"


__all__ = ["FORMATS", "ImportReport", "import_file", "parse_mapping", "sniff_format"]
