"""Read and write helpers the web app needs beyond :class:`SQLiteStore`'s methods.

Labels and corrections go through the store's and :mod:`earful.labelling`'s functions. Per-day
series and link rows read the store's connection here until the store has methods for them
(``store.timeseries``, ``store.links_of``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from earful.errors import InputError

if TYPE_CHECKING:
    from earful.store.sqlite import SQLiteStore

DAY = 86400


@dataclass(frozen=True, slots=True)
class Label:
    field: str
    value: str
    score: float | None
    labeller: str


def labels_of(store: SQLiteStore, rowids: Sequence[int]) -> dict[int, list[Label]]:
    """Effective labels (corrections win) of each post in ``rowids`` (``store.labels_of``)."""
    found = store.labels_of(list(rowids))
    return {
        r: [
            Label(field, value, score, by)
            for field, values in sorted(found.get(r, {}).items())
            for value, score, by in values
        ]
        for r in rowids
    }


def correct(store: SQLiteStore, config: Any, rowid: int, field: str, values: Sequence[str]) -> None:
    """Record the user's correction of ``field`` (empty ``values``: remove it).

    Values are checked by :func:`earful.labelling.parse_assignment`, as ``earful correct`` does.
    """
    if not values:
        store.clear_correction(rowid, field)
        return
    try:
        from earful.labelling import parse_assignment

        name, checked = parse_assignment(f"{field}={','.join(values)}", config)
    except ImportError:  # the label models are not installed in this build
        name, checked = field, _plain_values(field, values)
    store.set_correction(rowid, name, checked)


def _plain_values(field: str, values: Sequence[str]) -> list[str]:
    for value in values:
        if not re.fullmatch(r"[a-z0-9_:.-]{1,64}", value):
            raise InputError(
                f"bad value {value!r}: use lower-case letters, digits, _ : . -", field=field
            )
    return list(dict.fromkeys(values))


def label_values(store: SQLiteStore) -> dict[str, list[str]]:
    """Every (field → values) seen in labels and corrections, for the correction menus."""
    out: dict[str, list[str]] = {"sentiment": ["negative", "neutral", "positive"]}
    rows = store.conn.execute(
        "SELECT field, value FROM labels UNION SELECT field, value FROM corrections"
        " ORDER BY 1, 2 LIMIT 500"
    )
    for field, value in rows:
        values = out.setdefault(field, [])
        if value not in values:
            values.append(value)
    return out


def _where(query: str | None, context: Any) -> tuple[str, list[Any]]:
    if query is None or not query.strip():
        return "1", []
    from earful.query import parse
    from earful.store.sqlquery import compile_where

    sql, params = compile_where(parse(query), context)
    return sql, list(params)


def validate_query(query: str, context: Any) -> None:
    """Raise :class:`~earful.errors.QueryError` when ``query`` cannot be run."""
    _where(query, context)


def timeseries(
    store: SQLiteStore, query: str | None, context: Any, *, days: int = 90
) -> dict[str, Any]:
    """Posts per UTC day (by source) and sentiment per day, for the last ``days`` days of data."""
    if not 1 <= days <= 3650:
        raise InputError("must be between 1 and 3650", field="days")
    where, params = _where(query, context)
    newest = store.conn.execute("SELECT max(created_ts) FROM posts").fetchone()[0]
    if newest is None:
        return {"days": [], "volume": {}, "sentiment": {}}
    start = (int(newest) // DAY - days + 1) * DAY
    volume: dict[str, dict[str, int]] = {}
    sql = (
        f"SELECT p.created_ts / {DAY}, p.source, count(*) FROM posts AS p"
        f" WHERE p.created_ts >= ? AND ({where}) GROUP BY 1, 2"
    )
    for day, source, n in store.conn.execute(sql, [start, *params]):
        volume.setdefault(source, {})[_day(day)] = int(n)
    sentiment: dict[str, dict[str, int]] = {}
    sql = (
        f"SELECT p.created_ts / {DAY}, e.value, count(*) FROM posts AS p"
        " JOIN effective_labels AS e ON e.post_rowid = p.rowid AND e.field = 'sentiment'"
        f" WHERE p.created_ts >= ? AND ({where}) GROUP BY 1, 2"
    )
    for day, value, n in store.conn.execute(sql, [start, *params]):
        sentiment.setdefault(value, {})[_day(day)] = int(n)
    axis = [_day(start // DAY + i) for i in range(days)]
    return {"days": axis, "volume": volume, "sentiment": sentiment}


def _day(day: int) -> str:
    return datetime.fromtimestamp(int(day) * DAY, UTC).strftime("%Y-%m-%d")


def links_of(store: SQLiteStore, rowids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The stored links (url, title, site) of each post, when the links tables exist."""
    out: dict[int, list[dict[str, Any]]] = {r: [] for r in rowids}
    if not rowids:
        return out
    marks = ",".join("?" * len(rowids))
    try:
        rows = store.conn.execute(
            "SELECT pl.post_rowid, l.url, coalesce(l.final_url, l.url), l.title, l.site_name"
            " FROM post_links AS pl JOIN links AS l ON l.url = pl.url"
            f" WHERE pl.post_rowid IN ({marks}) ORDER BY pl.url",
            list(rowids),
        )
        for rowid, url, final, title, site in rows:
            out[int(rowid)].append({"url": url, "final_url": final, "title": title, "site": site})
    except sqlite3.OperationalError:  # no links tables in this workspace yet
        pass
    return out
