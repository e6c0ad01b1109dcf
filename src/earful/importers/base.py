"""The import driver shared by every format: batching, all-or-nothing, rejects and progress.

A format reader is a generator over an open binary file that yields a :class:`~earful.models.Post`
for every good record and a :class:`Rejected` for every bad one; problems that make the rest of
the file unreadable (a truncated archive, a CSV header without the mapped columns) are raised as
:class:`~earful.errors.InputError` and always abort the import.

:func:`run_import` writes everything inside one store transaction, in batches, so a failure leaves
the database as it was. With ``skip_bad`` the rejected records go to a JSON-lines file instead
(see docs/importing.md) and the rest is imported.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from earful.errors import InputError
from earful.models import Post

if TYPE_CHECKING:
    import sqlite3

    from earful.store.posts import Prepared
    from earful.store.sqlite import SQLiteStore

BATCH = 1000
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: posts inserted, posts updated and records rejected."""

    inserted: int = 0
    updated: int = 0
    rejected: int = 0


@dataclass(frozen=True, slots=True)
class Rejected:
    """A bad record: the located error and the record's original text."""

    error: InputError
    raw: str


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What a reader needs besides the file."""

    path: Path
    source: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.path)

    def error(
        self,
        reason: str,
        *,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> InputError:
        return InputError(reason, file=self.name, line=line, column=column, field=field)

    def locate(self, exc: InputError, line: int, prefix: str = "") -> InputError:
        """``exc`` with this file, ``line`` and (optionally) a prefix on its field."""
        name = f"{prefix}.{exc.field}" if prefix and exc.field else (prefix or exc.field)
        return InputError(exc.reason, file=self.name, line=line, column=exc.column, field=name)


Reader = Callable[[IO[bytes], ReadContext], Iterator["Post | Rejected"]]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Records ready to write: prepared posts, rejects (in file order), file position after."""

    prepared: list[Prepared]
    rejected: list[Rejected]
    position: int


def run_import(
    store: SQLiteStore,
    ctx: ReadContext,
    reader: Reader,
    *,
    skip_bad: Path | None = None,
    progress: Progress | None = None,
    workers: int = 0,
) -> ImportReport:
    """Stream ``ctx.path`` through ``reader`` into ``store`` in one transaction.

    With ``workers`` > 0 and a line-oriented reader, lines are parsed and prepared in that
    many worker processes while this one writes (see :mod:`earful.importers.parallel`).
    """
    path = ctx.path
    try:
        total = path.stat().st_size
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from None
    with fh, _no_cycle_collection():
        if workers > 0:
            from earful.importers.parallel import parallel_chunks

            chunks = parallel_chunks(fh, ctx, reader, workers)
        else:
            chunks = serial_chunks(fh, ctx, reader)
        return write_chunks(store, chunks, total, skip_bad=skip_bad, source=path, progress=progress)


def prepared_records(
    fh: IO[bytes], ctx: ReadContext, reader: Reader
) -> Iterator[Prepared | Rejected]:
    """What ``reader`` yields, each post prepared for the store (JSONL keeps its lines as raw)."""
    from earful.importers.jsonl import prepare_jsonl, read_jsonl
    from earful.store.posts import prepare

    if reader is read_jsonl:
        yield from prepare_jsonl(fh, ctx)
        return
    for item in reader(fh, ctx):
        yield prepare(item) if isinstance(item, Post) else item


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector (workers forked meanwhile inherit the pause).

    An import allocates millions of short-lived tuples and no reference cycles; the collector
    would walk the chunks in flight over and over (a third of the cost of unpickling them).
    Reference counting still frees everything at once, so memory stays constant.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# SQLite page cache during an import (KiB). The store's everyday cache is 64 MiB; a million-post
# import into that outgrows it and re-reads index pages (1M newest-first posts: 20,200/s at
# 64 MiB, 21,700/s at 128 MiB, peak RSS 200 -> 266 MB). Bounded, so memory stays constant.
IMPORT_CACHE_KIB = 131_072


@contextmanager
def _import_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """Raise the page cache to :data:`IMPORT_CACHE_KIB` for the import, then put it back."""
    (previous,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(previous)}")


def serial_chunks(fh: IO[bytes], ctx: ReadContext, reader: Reader) -> Iterator[Chunk]:
    """Chunks of :data:`BATCH` records read and prepared in this process."""
    prepared: list[Prepared] = []
    rejected: list[Rejected] = []
    for item in prepared_records(fh, ctx, reader):
        if isinstance(item, Rejected):
            rejected.append(item)
        else:
            prepared.append(item)
        if len(prepared) + len(rejected) >= BATCH:
            yield Chunk(prepared, rejected, fh.tell())
            prepared, rejected = [], []
    yield Chunk(prepared, rejected, fh.tell())


def write_chunks(
    store: SQLiteStore,
    chunks: Iterator[Chunk],
    total: int,
    *,
    skip_bad: Path | None,
    source: Path,
    progress: Progress | None,
) -> ImportReport:
    """Write ``chunks`` in one transaction; the first reject aborts unless ``skip_bad``."""
    from earful.store.posts import PostWriter

    rejects = _RejectWriter(skip_bad, source) if skip_bad is not None else None
    report = progress or _no_progress
    try:
        with _import_cache(store.conn), store.transaction() as conn:
            writer = PostWriter(conn)
            report(0, total)
            for chunk in chunks:
                if chunk.rejected:
                    if rejects is None:
                        raise chunk.rejected[0].error
                    for item in chunk.rejected:
                        rejects.write(item)
                writer.write(chunk.prepared)
                report(chunk.position, total)
            counts = writer.close()
            if rejects is not None:
                rejects.commit()
        report(total, total)
    except BaseException:
        if rejects is not None:
            rejects.discard()
        raise
    return ImportReport(counts.inserted, counts.updated, rejects.count if rejects else 0)


def _no_progress(done: int, total: int) -> None:
    return None


class _RejectWriter:
    """Rejected records as JSON lines, written to a temporary file renamed on success."""

    def __init__(self, target: Path, source: Path) -> None:
        try:
            same = target.exists() and target.resolve() == source.resolve()
        except OSError:
            same = False
        if same:
            raise InputError("--skip-bad must name a file other than the input", file=str(target))
        self.target = target
        self.tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            self.fh: IO[str] = self.tmp.open("w", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise InputError(
                f"cannot write rejects: {exc.strerror or exc}", file=str(target)
            ) from None
        self.count = 0

    def write(self, item: Rejected) -> None:
        err = item.error
        record: dict[str, Any] = {"file": err.file, "line": err.line}
        if err.column is not None:
            record["column"] = err.column
        if err.field is not None:
            record["field"] = err.field
        record["error"] = err.reason
        record["raw"] = item.raw
        self.fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.count += 1

    def commit(self) -> None:
        self.fh.close()
        os.replace(self.tmp, self.target)

    def discard(self) -> None:
        self.fh.close()
        self.tmp.unlink(missing_ok=True)


# -- small converters shared by the X readers -------------------------------------------------


def opt_str(obj: Mapping[str, Any], key: str, field: str | None = None) -> str | None:
    """A string (or integer id) value, None when absent; anything else is an error."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise InputError(f"expected a string, got {type(value).__name__}", field=field or key)


def opt_int(obj: Mapping[str, Any], key: str, field: str | None = None) -> int | None:
    """A non-negative integer (digit strings accepted), None when absent."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise InputError(f"expected a non-negative integer, got {value!r}", field=field or key)


def opt_obj(obj: Mapping[str, Any], key: str, field: str | None = None) -> Mapping[str, Any]:
    """A nested object, empty when absent."""
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InputError(f"expected an object, got {type(value).__name__}", field=field or key)
    return value


def opt_list(obj: Mapping[str, Any], key: str, field: str | None = None) -> list[Any]:
    """A list, empty when absent."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"expected a list, got {type(value).__name__}", field=field or key)
    return value


def unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
