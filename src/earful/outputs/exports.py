"""Exports of any query or insight as CSV, JSONL or Parquet.

Posts (a query) use :data:`earful.exporters.CSV_COLUMNS` for CSV and Parquet and full Earful
JSONL objects for JSONL. Insights -- ``themes``, ``alerts``, ``queue`` (answer queue),
``articles`` (share queue), ``links`` (theme ↔ tracker issues) -- are written as rows of
their ``to_dict()``; nested values become JSON text in CSV and Parquet. Parquet needs
``pyarrow``: ``pip install 'earful[parquet]'``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from earful.errors import InputError

if TYPE_CHECKING:
    from earful.workspace import Workspace

FORMATS = ("csv", "jsonl", "parquet")
INSIGHTS = ("themes", "alerts", "queue", "articles", "links")


def insight_rows(
    workspace: Workspace, kind: str, *, product: str | None = None
) -> list[dict[str, Any]]:
    """The rows of one insight, as the library computes it now."""
    store, config = workspace.store(), workspace.config
    if kind == "themes":
        from earful.insights.scope import Scope
        from earful.insights.themes import theme_summaries

        return [t.to_dict() for t in theme_summaries(store, config, Scope(product))]
    if kind == "alerts":
        from earful.store import insights as idb

        idb.ensure_schema(store.conn)
        alerts = idb.list_alerts(store.conn, idb.ALERT_STATES, limit=100_000)
        return [
            {k: getattr(a, k) for k in a.__slots__}
            for a in alerts
            if product is None or a.product == product
        ]
    if kind == "queue":
        from earful.engage.queue import answer_queue

        return [q.to_dict() for q in answer_queue(store, config, limit=None)]
    if kind == "articles":
        from earful.engage.articles import share_queue

        return [a.to_dict() for a in share_queue(store, config, limit=None)]
    if kind == "links":
        from earful.store import outputs as db

        db.ensure_schema(store.conn)
        return [link.to_dict() for link in db.links(store.conn)]
    raise InputError(f"unknown insight {kind!r} (one of {', '.join(INSIGHTS)})", field="insight")


def post_rows(workspace: Workspace, query: str) -> Iterator[dict[str, Any]]:
    """Earful JSONL objects for every post matching ``query`` ('' for all)."""
    from earful.formats.earful_jsonl import post_to_dict

    store = workspace.store()
    for _rowid, post in store.iter_posts(query, context=workspace.query_context()):
        yield post_to_dict(post)


def export_query(workspace: Workspace, query: str, path: Path, fmt: str) -> int:
    """Write the posts matching ``query`` to ``path``; returns how many."""
    _check(fmt)
    if fmt == "parquet":
        return write_parquet(_flat_posts(workspace, query), path)
    from earful.exporters import export_posts

    store = workspace.store()
    posts = (p for _r, p in store.iter_posts(query, context=workspace.query_context()))
    with _atomic(path) as fh:
        return export_posts(posts, fh, fmt)


def export_insight(
    workspace: Workspace, kind: str, path: Path, fmt: str, *, product: str | None = None
) -> int:
    _check(fmt)
    return write_rows(insight_rows(workspace, kind, product=product), path, fmt)


def write_rows(rows: Iterable[dict[str, Any]], path: Path, fmt: str) -> int:
    """Write dict rows as CSV (columns from the first row), JSONL or Parquet."""
    _check(fmt)
    if fmt == "parquet":
        return write_parquet(rows, path)
    count = 0
    with _atomic(path) as fh:
        if fmt == "jsonl":
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
                count += 1
            return count
        writer: Any = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(fh, fieldnames=list(row), extrasaction="ignore")
                writer.writeheader()
            writer.writerow({k: _cell(v) for k, v in row.items()})
            count += 1
    return count


def write_parquet(rows: Iterable[dict[str, Any]], path: Path) -> int:
    """Write rows with pyarrow (imported here; a clear error names the extra when missing)."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]
    except ModuleNotFoundError:
        raise InputError(
            "Parquet export needs pyarrow: pip install 'earful[parquet]'", field="format"
        ) from None
    data = [{k: _cell(v) for k, v in row.items()} for row in rows]
    table = pa.Table.from_pylist(data) if data else pa.table({})
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)
    return len(data)


def _flat_posts(workspace: Workspace, query: str) -> Iterator[dict[str, Any]]:
    from earful.exporters import CSV_COLUMNS
    from earful.formats.earful_jsonl import format_time

    store = workspace.store()
    for _rowid, p in store.iter_posts(query, context=workspace.query_context()):
        values = [
            p.source, p.id, format_time(p.created_at), p.author_handle or "",
            p.author.name if p.author and p.author.name else "", p.text, p.url or "",
            p.lang or "", p.metrics.likes, p.metrics.reposts, p.metrics.replies,
            p.metrics.quotes, " ".join(p.hashtags), " ".join(p.mentions), " ".join(p.urls),
        ]  # fmt: skip
        yield dict(zip(CSV_COLUMNS, values, strict=True))


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list | tuple | set):
        return json.dumps(
            sorted(value) if isinstance(value, set) else value, ensure_ascii=False, default=str
        )
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return value
    return str(value)


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})", field="format")


class _atomic:
    """Write to ``path.tmp`` and rename over ``path`` only when everything was written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")

    def __enter__(self) -> Any:
        self.fh = self.tmp.open("w", encoding="utf-8", newline="")
        return self.fh

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.fh.close()
        if exc_type is None:
            self.tmp.replace(self.path)
        else:
            self.tmp.unlink(missing_ok=True)
