"""A progress bar for long operations (quiet when stderr is not a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager


@contextmanager
def progress_bar(description: str, *, unit: str = "items") -> Iterator[Callable[[int, int], None]]:
    """Yields ``update(done, total)``; draws a bar on an interactive stderr.

    ``unit`` is ``"bytes"`` (sizes, e.g. of a file being imported) or ``"items"`` (done/total).
    """
    import sys

    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TimeRemainingColumn,
    )

    counter = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        counter,
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def byte_progress(description: str) -> AbstractContextManager[Callable[[int, int], None]]:
    """:func:`progress_bar` counting bytes."""
    return progress_bar(description, unit="bytes")
