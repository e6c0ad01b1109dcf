"""SQL for engagement: answer-queue states, the relationship log and the ROI ledger.

Plain functions over a :class:`sqlite3.Connection`. Items are keyed by the post's
``(source, id)`` so a state survives re-imports of the same post.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from earful.store.migrations import migration

if TYPE_CHECKING:
    from earful.models import Post

ENGAGE_SCHEMA = (
    """CREATE TABLE engage_queue (
        source TEXT NOT NULL,
        post_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('new', 'answered', 'dismissed', 'snoozed')),
        snooze_until TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (source, post_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE engage_relations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('followed', 'unfollowed', 'talked')),
        at TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX engage_relations_handle ON engage_relations (network, handle, at)",
    """CREATE TABLE engage_ledger (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        minutes REAL NOT NULL CHECK (minutes >= 0),
        target TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX engage_ledger_at ON engage_ledger (at)",
)


@migration("0500_engage")
def create_engage(conn: sqlite3.Connection) -> None:
    for statement in ENGAGE_SCHEMA:
        conn.execute(statement)


# -- answer queue --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueState:
    source: str
    post_id: str
    state: str
    snooze_until: str | None
    updated_at: str


def set_queue_state(
    conn: sqlite3.Connection,
    source: str,
    post_id: str,
    state: str,
    updated_at: str,
    snooze_until: str | None = None,
) -> None:
    conn.execute(
        "INSERT INTO engage_queue (source, post_id, state, snooze_until, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, post_id) DO UPDATE SET"
        " state = excluded.state, snooze_until = excluded.snooze_until,"
        " updated_at = excluded.updated_at",
        (source, post_id, state, snooze_until, updated_at),
    )


def queue_states(conn: sqlite3.Connection) -> dict[tuple[str, str], QueueState]:
    rows = conn.execute("SELECT source, post_id, state, snooze_until, updated_at FROM engage_queue")
    return {(r[0], r[1]): QueueState(*r) for r in rows}


# -- relationship log ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RelationRow:
    id: int
    network: str
    handle: str
    action: str
    at: str
    note: str


def add_relation(
    conn: sqlite3.Connection, network: str, handle: str, action: str, at: str, note: str = ""
) -> int:
    cur = conn.execute(
        "INSERT INTO engage_relations (network, handle, action, at, note) VALUES (?, ?, ?, ?, ?)",
        (network, handle, action, at, note),
    )
    return int(cur.lastrowid or 0)


def relations(conn: sqlite3.Connection) -> list[RelationRow]:
    rows = conn.execute(
        "SELECT id, network, handle, action, at, note FROM engage_relations ORDER BY at, id"
    )
    return [RelationRow(*r) for r in rows]


# -- ledger --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LedgerRow:
    id: int
    at: str
    action: str
    minutes: float
    target: str
    note: str


def add_ledger(
    conn: sqlite3.Connection, at: str, action: str, minutes: float, target: str, note: str
) -> int:
    cur = conn.execute(
        "INSERT INTO engage_ledger (at, action, minutes, target, note) VALUES (?, ?, ?, ?, ?)",
        (at, action, float(minutes), target, note),
    )
    return int(cur.lastrowid or 0)


def ledger(conn: sqlite3.Connection, actions: Iterable[str] | None = None) -> list[LedgerRow]:
    rows = [
        LedgerRow(*r)
        for r in conn.execute(
            "SELECT id, at, action, minutes, target, note FROM engage_ledger ORDER BY at, id"
        )
    ]
    if actions is None:
        return rows
    wanted = set(actions)
    return [r for r in rows if r.action in wanted]


def label_map(
    conn: sqlite3.Connection, rowids: Iterable[int]
) -> dict[int, dict[str, tuple[str, float | None]]]:
    """Effective labels (corrections win) of ``rowids``: rowid -> field -> (value, score).

    Multi-valued fields keep the highest-scored value.
    """
    out: dict[int, dict[str, tuple[str, float | None]]] = {}
    wanted = list(dict.fromkeys(rowids))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        sql = (
            "SELECT post_rowid, field, value, score, labeller FROM effective_labels"
            f" WHERE post_rowid IN ({marks})"
        )
        for rowid, fld, value, score, labeller in conn.execute(sql, chunk):
            fields = out.setdefault(int(rowid), {})
            best = fields.get(fld)
            eff = 1.0 if labeller == "user" else score
            if best is None or (eff or 0.0) > (best[1] or 0.0):
                fields[fld] = (str(value), eff)
    return out


def post_link_canonicals(conn: sqlite3.Connection, rowids: Iterable[int]) -> dict[int, list[str]]:
    """Canonical (expanded) links recorded for ``rowids`` by the links package, if any."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'post_links'"
    ).fetchone()
    out: dict[int, list[str]] = {}
    if exists is None:
        return out
    wanted = list(dict.fromkeys(rowids))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for rowid, canonical in conn.execute(
            f"SELECT post_rowid, canonical FROM post_links WHERE post_rowid IN ({marks})"
            " ORDER BY post_rowid, url",
            chunk,
        ):
            out.setdefault(int(rowid), []).append(str(canonical))
    return out


def link_meta(
    conn: sqlite3.Connection, canonicals: Iterable[str]
) -> dict[str, tuple[str | None, str | None, str | None]]:
    """canonical -> (title, description, site_name) of fetched links ending at it."""
    out: dict[str, tuple[str | None, str | None, str | None]] = {}
    wanted = list(dict.fromkeys(canonicals))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for canonical, title, desc, site in conn.execute(
            f"SELECT canonical, title, description, site_name FROM links"
            f" WHERE canonical IN ({marks}) AND (title IS NOT NULL OR description IS NOT NULL)",
            chunk,
        ):
            out.setdefault(str(canonical), (title, desc, site))
    return out


# -- windows of posts read without building Post objects -------------------------------------


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
