"""Reads the dashboard needs: posts and sentiment per UTC day, stored links, label values.

Plain functions over a connection, wrapped by thin :class:`SQLiteStore` methods (``timeseries``,
``links_of``, ``label_values``), so the web layer never writes SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

DAY = 86400


def _day(day: int) -> str:
    return datetime.fromtimestamp(int(day) * DAY, UTC).strftime("%Y-%m-%d")


def timeseries(
    conn: sqlite3.Connection, where: str, params: Sequence[Any], days: int
) -> dict[str, Any]:
    """Posts per UTC day by source, and effective sentiment per day, over the last ``days``
    days of data among posts matching ``where`` (a compiled query over ``posts AS p``)."""
    newest = conn.execute("SELECT max(created_ts) FROM posts").fetchone()[0]
    if newest is None:
        return {"days": [], "volume": {}, "sentiment": {}}
    start = (int(newest) // DAY - days + 1) * DAY
    volume: dict[str, dict[str, int]] = {}
    sql = (
        f"SELECT p.created_ts / {DAY}, p.source, count(*) FROM posts AS p"
        f" WHERE p.created_ts >= ? AND ({where}) GROUP BY 1, 2"
    )
    for day, source, n in conn.execute(sql, [start, *params]):
        volume.setdefault(source, {})[_day(day)] = int(n)
    sentiment: dict[str, dict[str, int]] = {}
    sql = (
        f"SELECT p.created_ts / {DAY}, e.value, count(*) FROM posts AS p"
        " JOIN effective_labels AS e ON e.post_rowid = p.rowid AND e.field = 'sentiment'"
        f" WHERE p.created_ts >= ? AND ({where}) GROUP BY 1, 2"
    )
    for day, value, n in conn.execute(sql, [start, *params]):
        sentiment.setdefault(value, {})[_day(day)] = int(n)
    axis = [_day(start // DAY + i) for i in range(days)]
    return {"days": axis, "volume": volume, "sentiment": sentiment}


def links_of(conn: sqlite3.Connection, rowids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The stored links (url, final_url, title, site) of each post; empty without links tables."""
    out: dict[int, list[dict[str, Any]]] = {r: [] for r in rowids}
    if not rowids:
        return out
    marks = ",".join("?" * len(rowids))
    try:
        rows = conn.execute(
            "SELECT pl.post_rowid, l.url, coalesce(l.final_url, l.url), l.title, l.site_name"
            " FROM post_links AS pl JOIN links AS l ON l.url = pl.url"
            f" WHERE pl.post_rowid IN ({marks}) ORDER BY pl.url",
            list(rowids),
        ).fetchall()
    except sqlite3.OperationalError:  # no links tables in this workspace yet
        return out
    for rowid, url, final, title, site in rows:
        out[int(rowid)].append({"url": url, "final_url": final, "title": title, "site": site})
    return out


def label_values(conn: sqlite3.Connection, limit: int = 500) -> list[tuple[str, str]]:
    """Distinct (field, value) pairs seen in labels and corrections, sorted."""
    rows = conn.execute(
        "SELECT field, value FROM labels UNION SELECT field, value FROM corrections"
        f" ORDER BY 1, 2 LIMIT {int(limit)}"
    )
    return [(str(f), str(v)) for f, v in rows]
