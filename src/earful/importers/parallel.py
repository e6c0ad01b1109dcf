"""Parsing line-oriented files in worker processes while the caller writes to the store.

The parent reads raw lines in blocks and hands each block, with its first line number, to a
process pool; workers decode, validate and :func:`~earful.store.posts.prepare` the posts (pure,
picklable tuples) and send back a :class:`~earful.importers.base.Chunk`. Blocks are consumed in
file order with a bounded number in flight, so memory stays constant and errors keep their
order. Only readers in :data:`LINE_READERS` (one record per line, no state across lines) qualify.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import IO

from earful.importers.base import BATCH, Chunk, ReadContext, Reader, Rejected

BLOCK_LINES = 4 * BATCH


def _reader_name(reader: Reader) -> str:
    return f"{reader.__module__}:{reader.__qualname__}"


LINE_READERS = ("earful.importers.jsonl:read_jsonl",)


def supports(reader: Reader) -> bool:
    return _reader_name(reader) in LINE_READERS


def _prepare_block(reader_name: str, ctx: ReadContext, first_line: int, data: bytes) -> Chunk:
    import importlib

    from earful.importers.base import prepared_records

    module, _, name = reader_name.partition(":")
    reader: Reader = getattr(importlib.import_module(module), name)
    prepared = []
    rejected: list[Rejected] = []
    for item in prepared_records(_Offset(data, first_line), ctx, reader):
        if isinstance(item, Rejected):
            rejected.append(item)
        else:
            prepared.append(item)
    return Chunk(prepared, rejected, 0)


class _Offset(io.BytesIO):
    """A block of lines that a line reader numbers from ``first_line``."""

    def __init__(self, data: bytes, first_line: int) -> None:
        super().__init__(data)
        self.first_line = first_line


def parallel_chunks(
    fh: IO[bytes], ctx: ReadContext, reader: Reader, workers: int
) -> Iterator[Chunk]:
    import multiprocessing

    name = _reader_name(reader)
    # fork: workers start at once and never re-import the caller's __main__.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method))
    pending: deque[tuple[Future[Chunk], int]] = deque()
    try:
        line = 1
        while True:
            lines = fh.readlines(BLOCK_LINES * 512)
            if not lines:
                break
            pending.append(
                (pool.submit(_prepare_block, name, ctx, line, b"".join(lines)), fh.tell())
            )
            line += len(lines)
            while len(pending) > 2 * workers:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:
        for future, _pos in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _result(item: tuple[Future[Chunk], int]) -> Chunk:
    future, position = item
    chunk = future.result()
    return Chunk(chunk.prepared, chunk.rejected, position)
