"""SQL for engagement: answer-queue states, the relationship log and the ROI ledger.

Plain functions over a :class:`sqlite3.Connection`. Items are keyed by the post's
``(source, id)`` so a state survives re-imports of the same post.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from earful.store.migrations import migration

T = TypeVar("T")

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


# -- results cached under a data watermark ----------------------------------------------------


@migration("0510_engage_cache")
def create_result_cache(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE result_cache (
            name TEXT NOT NULL,
            key TEXT NOT NULL,
            watermark TEXT NOT NULL,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (name, key)
        ) WITHOUT ROWID"""
    )


_WATERMARK_PARTS = (
    ("posts", "SELECT max(rowid), count(*) FROM posts"),
    ("labels", "SELECT count(*), max(post_rowid) FROM labels"),
    ("labellers", "SELECT labeller, version FROM labels ORDER BY labeller, version LIMIT 1"),
    (
        "labellers_last",
        "SELECT labeller, version FROM labels ORDER BY labeller DESC, version DESC LIMIT 1",
    ),
    ("label_state", "SELECT count(*), max(labelled_at), total(post_rev) FROM label_state"),
    ("corrections", "SELECT count(*), max(created_at) FROM corrections"),
    ("themes", "SELECT count(*), max(updated_at) FROM themes"),
    ("members", "SELECT count(*), max(assigned_at), total(theme_id) FROM theme_members"),
    ("edits", "SELECT max(id) FROM theme_edits"),
)


def data_watermark(conn: sqlite3.Connection) -> str:
    """What cached results depend on, cheaply: a new or deleted post, a label run (also one
    that relabels edited posts), a correction, a theme run or edit each change it (every part
    reads an index or a small table). An in-place edit of a stored post in an unlabelled store
    is seen at the next of these."""
    parts = []
    for name, sql in _WATERMARK_PARTS:
        try:
            row = conn.execute(sql).fetchone()
        except sqlite3.OperationalError:  # table of a feature not installed
            row = None
        parts.append(f"{name}={row!r}")
    return ";".join(parts)


def cache_get(conn: sqlite3.Connection, name: str, key: str, watermark: str) -> str | None:
    """The value stored for (name, key) when it was computed at ``watermark``, else None."""
    try:
        row = conn.execute(
            "SELECT value FROM result_cache WHERE name = ? AND key = ? AND watermark = ?",
            (name, key, watermark),
        ).fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else str(row[0])


def cache_put(
    conn: sqlite3.Connection, name: str, key: str, watermark: str, value: str, at: str
) -> bool:
    """Store a result; False (and nothing changed) when the database is busy or read-only,
    or ``conn`` is inside a transaction. It never waits for another writer: a reader must
    not stall behind an import just to save a cache entry.

    Results of older watermarks under ``name`` are dropped with it.
    """
    if conn.in_transaction:
        return False
    waited = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(waited)}")
    try:
        conn.execute(
            "DELETE FROM result_cache WHERE name = ? AND watermark != ?", (name, watermark)
        )
        conn.execute(
            "INSERT OR REPLACE INTO result_cache (name, key, watermark, value, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (name, key, watermark, value, at),
        )
    except sqlite3.Error:
        conn.execute("ROLLBACK")
        return False
    conn.execute("COMMIT")
    return True


def remember(
    conn: sqlite3.Connection,
    name: str,
    key: object,
    compute: Callable[[], T],
    dump: Callable[[T], object],
    load: Callable[[Any], T],
) -> T:
    """``compute()``, or the result stored for (``name``, ``key``) at the current watermark.

    ``dump`` turns the result into JSON-able data and ``load`` turns that back; ``key`` is any
    JSON-able value. A store that cannot be written (busy, read-only) just recomputes.
    """
    mark = data_watermark(conn)
    text_key = json.dumps(key, sort_keys=True, default=str)
    hit = cache_get(conn, name, text_key, mark)
    if hit is not None:
        return load(json.loads(hit))
    value = compute()
    at = datetime.now(UTC).isoformat(timespec="seconds")
    cache_put(conn, name, text_key, mark, json.dumps(dump(value), ensure_ascii=False), at)
    return value


def config_key(*parts: object) -> str:
    """A short stable digest of configuration objects (their repr) for cache keys."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
