"""Reads for engagement that stay within a time window: rowids are time-ordered
(:func:`earful.store.posts.post_key`), so ``[since, until)`` bounds the rowid range and the cost
follows the window, not the store. Rows come back as plain tuples or small records where the
caller does not need whole :class:`~earful.models.Post` objects.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from earful.models import Post


@dataclass(frozen=True, slots=True)
class GraphRow:
    """What the experts ranking needs of one post (handles folded by the caller)."""

    rowid: int
    source: str
    id: str
    handle: str | None  # the author's current handle (authors.handle), None without author
    name: str | None
    bio: str | None
    followers: int | None
    following: int | None
    reply_to_handle: str | None
    reply_to_id: str | None
    repost_of: str | None
    quote_of: str | None
    is_rt: bool  # text starts with "RT @"
    mentions: str  # JSON list, as stored


_GRAPH_ROWS = """
SELECT p.rowid, p.source, p.id, CASE WHEN p.author_id IS NULL THEN NULL
       ELSE coalesce(a.handle, p.author_handle, p.author_id) END,
       a.name, a.bio, a.followers, a.following, p.reply_to_handle, p.reply_to_id, p.repost_of,
       p.quote_of, substr(p.text, 1, 4) = 'RT @', p.mentions
FROM posts AS p LEFT JOIN authors AS a ON a.source = p.source AND a.id = p.author_id
WHERE p.rowid >= ? AND p.rowid < ? AND p.created_ts >= ? AND p.created_ts < ?
ORDER BY p.rowid
"""

_NO_LIMIT = 2**62


def rowid_range(since_ts: int | None, until_ts: int | None) -> tuple[int, int]:
    """Rowid bounds covering posts created in [since_ts, until_ts) (rowids are time-ordered)."""
    lo = max(since_ts, 0) << 20 if since_ts is not None else -_NO_LIMIT
    hi = (max(until_ts, 0) << 20) + 64 if until_ts is not None else _NO_LIMIT
    return lo, hi


def graph_rows(
    conn: sqlite3.Connection, since_ts: int | None, until_ts: int | None
) -> list[GraphRow]:
    """Posts created in [since_ts, until_ts), oldest first, with their interaction columns."""
    lo, hi = rowid_range(since_ts, until_ts)
    params = (lo, hi, -_NO_LIMIT if since_ts is None else since_ts, until_ts or _NO_LIMIT)
    out = []
    for r in conn.execute(_GRAPH_ROWS, params):
        out.append(
            GraphRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                r[10],
                r[11],
                bool(r[12]),
                r[13],
            )
        )
    return out


def matching_rowids(
    conn: sqlite3.Connection,
    where: str,
    params: Iterable[object],
    since_ts: int | None,
    until_ts: int | None,
) -> set[int]:
    """Rowids of posts in [since_ts, until_ts) that satisfy a compiled query ``where``."""
    lo, hi = rowid_range(since_ts, until_ts)
    sql = (
        "SELECT p.rowid FROM posts AS p WHERE p.rowid >= ? AND p.rowid < ?"
        f" AND p.created_ts >= ? AND p.created_ts < ? AND ({where})"
    )
    bounds = [lo, hi, -_NO_LIMIT if since_ts is None else since_ts, until_ts or _NO_LIMIT]
    return {int(r[0]) for r in conn.execute(sql, [*bounds, *params])}


def field_labels(
    conn: sqlite3.Connection, name: str, since_ts: int | None, until_ts: int | None
) -> dict[int, str]:
    """Effective value of label field ``name`` (as :func:`label_map` picks it) per post rowid."""
    lo, hi = rowid_range(since_ts, until_ts)
    best: dict[int, tuple[str, float | None]] = {}
    for rowid, value, score, labeller in conn.execute(
        "SELECT post_rowid, value, score, labeller FROM effective_labels"
        " WHERE field = ? AND post_rowid >= ? AND post_rowid < ?",
        (name, lo, hi),
    ):
        _keep_best(best, int(rowid), str(value), 1.0 if labeller == "user" else score)
    return {r: v for r, (v, _s) in best.items()}


def _keep_best(
    out: dict[int, tuple[str, float | None]], key: int, value: str, eff: float | None
) -> None:
    held = out.get(key)
    if held is None or (eff or 0.0) > (held[1] or 0.0):
        out[key] = (value, eff)


def window_posts(
    conn: sqlite3.Connection,
    where: str,
    params: Iterable[object],
    since_ts: int | None,
    until_ts: int | None,
) -> list[tuple[int, Post]]:
    """(rowid, post) of posts in [since_ts, until_ts) matching ``where``, oldest first.

    One statement bounded by time-ordered rowids: the window costs, not the store.
    """
    from earful.store.posts import SELECT_POSTS, row_to_post

    lo, hi = rowid_range(since_ts, until_ts)
    sql = (
        f"{SELECT_POSTS} WHERE p.rowid >= ? AND p.rowid < ? AND p.created_ts >= ?"
        f" AND p.created_ts < ? AND ({where}) ORDER BY p.rowid"
    )
    bounds = [lo, hi, -_NO_LIMIT if since_ts is None else since_ts, until_ts or _NO_LIMIT]
    return [(int(r[0]), row_to_post(r)) for r in conn.execute(sql, [*bounds, *params])]


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def daily_counts(conn: sqlite3.Connection, since_ts: int, until_ts: int) -> dict[int, int]:
    """Posts per UTC day index (``created_ts // 86400``) in [since_ts, until_ts), by index."""
    rows = conn.execute(
        "SELECT created_ts / 86400, count(*) FROM posts WHERE created_ts >= ? AND created_ts < ?"
        " GROUP BY 1",
        (since_ts, until_ts),
    )
    return {int(d): int(n) for d, n in rows}
