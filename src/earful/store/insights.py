"""SQL for feedback intelligence: themes (stable ids, members, user edits) and alerts.

Themes keep their integer id for life. ``theme_members`` holds the current assignment of each
post (one theme per post); ``theme_edits`` is the log of user renames, merges and splits that
every later run replays. Alerts are keyed by a dedupe key and carry a state
(``new`` → ``acknowledged`` → ``resolved``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from earful.errors import InputError
from earful.store.insight_reads import FeedbackPost as FeedbackPost  # re-exported
from earful.store.insight_reads import fill_text as fill_text
from earful.store.insight_reads import label_fields as label_fields
from earful.store.insight_reads import load_posts as load_posts
from earful.store.migrations import migration

INSIGHTS_SCHEMA = (
    """CREATE TABLE themes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        scope TEXT NOT NULL DEFAULT '',
        label TEXT NOT NULL DEFAULT '',
        user_label TEXT,
        status TEXT NOT NULL DEFAULT 'active',
        merged_into INTEGER,
        locked INTEGER NOT NULL DEFAULT 0,
        embedder TEXT NOT NULL DEFAULT '',
        centroid BLOB,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX themes_scope ON themes (scope, status)",
    """CREATE TABLE theme_members (
        post_rowid INTEGER PRIMARY KEY,
        theme_id INTEGER NOT NULL,
        similarity REAL,
        dup_of INTEGER,
        pinned INTEGER NOT NULL DEFAULT 0,
        assigned_at TEXT NOT NULL
    )""",
    "CREATE INDEX theme_members_theme ON theme_members (theme_id)",
    """CREATE TABLE theme_edits (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        theme_id INTEGER NOT NULL,
        detail TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dedupe_key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        product TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL,
        severity TEXT NOT NULL,
        score REAL NOT NULL,
        state TEXT NOT NULL DEFAULT 'new',
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        explanation TEXT NOT NULL,
        state_changed_at TEXT,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX alerts_state ON alerts (state, score)",
)

ALERT_STATES = ("new", "acknowledged", "resolved")


@migration("0400_insights")
def insights_schema(conn: sqlite3.Connection) -> None:
    for statement in INSIGHTS_SCHEMA:
        conn.execute(statement)


@migration("0410_alerts_product")
def alerts_product_index(conn: sqlite3.Connection) -> None:
    """Alert dedupe reads one product's alerts (``list_alerts(product=...)``)."""
    conn.execute("CREATE INDEX IF NOT EXISTS alerts_product ON alerts (product, state)")


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Apply this module's migration on a store opened before the module was imported."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'themes'"
    ).fetchone()
    if row is None:
        from earful.store.migrations import apply_migrations

        apply_migrations(conn)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- themes ------------------------------------------------------------------------------------


@dataclass(slots=True)
class ThemeRow:
    id: int
    scope: str
    label: str
    user_label: str | None
    status: str
    merged_into: int | None
    locked: bool
    centroid: bytes | None

    @property
    def name(self) -> str:
        return self.user_label or self.label


def themes(conn: sqlite3.Connection, scope: str, status: str | None = "active") -> list[ThemeRow]:
    sql = (
        "SELECT id, scope, label, user_label, status, merged_into, locked, centroid FROM themes"
        " WHERE scope = ?"
    )
    params: list[Any] = [scope]
    if status is not None:
        sql += " AND status = ?"
        params.append(status)
    return [_theme(r) for r in conn.execute(sql + " ORDER BY id", params)]


def _theme(r: Sequence[Any]) -> ThemeRow:
    return ThemeRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7])


def get_theme(conn: sqlite3.Connection, theme_id: int) -> ThemeRow:
    row = conn.execute(
        "SELECT id, scope, label, user_label, status, merged_into, locked, centroid FROM themes"
        " WHERE id = ?",
        (theme_id,),
    ).fetchone()
    if row is None:
        raise InputError(f"no theme {theme_id}", field="theme")
    return _theme(row)


def create_theme(conn: sqlite3.Connection, scope: str, label: str, *, locked: bool = False) -> int:
    ts = now_iso()
    cur = conn.execute(
        "INSERT INTO themes (scope, label, locked, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        (scope, label, int(locked), ts, ts),
    )
    return int(cur.lastrowid or 0)


def update_theme(
    conn: sqlite3.Connection,
    theme_id: int,
    *,
    label: str | None = None,
    centroid: bytes | None = None,
    embedder: str | None = None,
) -> None:
    conn.execute(
        "UPDATE themes SET label = coalesce(?, label), centroid = coalesce(?, centroid),"
        " embedder = coalesce(?, embedder), updated_at = ? WHERE id = ?",
        (label, centroid, embedder, now_iso(), theme_id),
    )


def set_theme_fields(conn: sqlite3.Connection, theme_id: int, **values: Any) -> None:
    allowed = {"user_label", "status", "merged_into", "locked"}
    if not values or set(values) - allowed:
        raise ValueError(f"cannot set {sorted(set(values) - allowed)}")
    cols = ", ".join(f"{k} = ?" for k in values)
    conn.execute(
        f"UPDATE themes SET {cols}, updated_at = ? WHERE id = ?",
        [*values.values(), now_iso(), theme_id],
    )


def members(conn: sqlite3.Connection, theme_ids: Iterable[int] | None = None) -> dict[int, int]:
    """post rowid -> theme id (restricted to ``theme_ids`` when given)."""
    rows = conn.execute("SELECT post_rowid, theme_id FROM theme_members")
    wanted = None if theme_ids is None else set(theme_ids)
    return {p: t for p, t in rows if wanted is None or t in wanted}


def pinned_members(conn: sqlite3.Connection) -> set[int]:
    return {r[0] for r in conn.execute("SELECT post_rowid FROM theme_members WHERE pinned = 1")}


def assign(
    conn: sqlite3.Connection,
    rows: Iterable[tuple[int, int, float | None, int | None]],
    *,
    pinned: bool = False,
) -> None:
    """Upsert (post_rowid, theme_id, similarity, dup_of) assignments."""
    ts = now_iso()
    conn.executemany(
        "INSERT INTO theme_members (post_rowid, theme_id, similarity, dup_of, pinned, assigned_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (post_rowid) DO UPDATE SET"
        " theme_id = excluded.theme_id, similarity = excluded.similarity,"
        " dup_of = excluded.dup_of, pinned = max(pinned, excluded.pinned)",
        ((p, t, s, d, int(pinned), ts) for p, t, s, d in rows),
    )


def move_members(conn: sqlite3.Connection, src: int, dst: int) -> None:
    conn.execute("UPDATE theme_members SET theme_id = ? WHERE theme_id = ?", (dst, src))


def record_edit(conn: sqlite3.Connection, kind: str, theme_id: int, detail: dict[str, Any]) -> int:
    cur = conn.execute(
        "INSERT INTO theme_edits (kind, theme_id, detail, created_at) VALUES (?, ?, ?, ?)",
        (kind, theme_id, json.dumps(detail, sort_keys=True), now_iso()),
    )
    return int(cur.lastrowid or 0)


def edits(conn: sqlite3.Connection) -> list[tuple[int, str, int, dict[str, Any]]]:
    return [
        (r[0], r[1], r[2], json.loads(r[3]))
        for r in conn.execute("SELECT id, kind, theme_id, detail FROM theme_edits ORDER BY id")
    ]


# -- alerts ------------------------------------------------------------------------------------


@dataclass(slots=True)
class AlertRow:
    id: int
    dedupe_key: str
    kind: str
    product: str
    subject: str
    severity: str
    score: float
    state: str
    first_seen: str
    last_seen: str
    explanation: dict[str, Any]


_ALERT_COLS = (
    "id, dedupe_key, kind, product, subject, severity, score, state, first_seen, last_seen,"
    " explanation"
)


def _alert(row: Sequence[Any]) -> AlertRow:
    return AlertRow(*row[:10], explanation=json.loads(row[10]))  # type: ignore[misc]


def upsert_alert(
    conn: sqlite3.Connection,
    *,
    dedupe_key: str,
    kind: str,
    product: str,
    subject: str,
    severity: str,
    score: float,
    seen: str,
    explanation: dict[str, Any],
) -> tuple[int, bool]:
    """Insert or refresh an alert (its kind may change: a novel phrase that keeps growing is
    later a spike); a resolved alert with newer evidence opens again.

    Returns (id, created)."""
    ts = now_iso()
    body = json.dumps(explanation, ensure_ascii=False, sort_keys=True)
    row = conn.execute(
        "SELECT id, state, last_seen FROM alerts WHERE dedupe_key = ?", (dedupe_key,)
    ).fetchone()
    if row is None:
        cur = conn.execute(
            "INSERT INTO alerts (dedupe_key, kind, product, subject, severity, score, state,"
            " first_seen, last_seen, explanation, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?)",
            (dedupe_key, kind, product, subject, severity, score, seen, seen, body, ts),
        )
        return int(cur.lastrowid or 0), True
    alert_id, state, last_seen = row
    reopen = state == "resolved" and seen > last_seen
    conn.execute(
        "UPDATE alerts SET kind = ?, subject = ?, severity = ?, score = ?, explanation = ?,"
        " last_seen = max(last_seen, ?), updated_at = ?,"
        " state = CASE WHEN ? THEN 'new' ELSE state END WHERE id = ?",
        (kind, subject, severity, score, body, seen, ts, int(reopen), alert_id),
    )
    return int(alert_id), False


def list_alerts(
    conn: sqlite3.Connection,
    states: Sequence[str] = ("new", "acknowledged"),
    limit: int | None = 50,
    *,
    product: str | None = None,
) -> list[AlertRow]:
    """Alerts in ``states``, highest score first (then oldest). ``product`` keeps one product's
    alerts (``""``: those of no product); ``limit=None`` returns every match."""
    marks = ", ".join("?" for _ in states)
    where = f"state IN ({marks})"
    params: list[Any] = list(states)
    if product is not None:
        where += " AND product = ?"
        params.append(product)
    sql = f"SELECT {_ALERT_COLS} FROM alerts WHERE {where} ORDER BY score DESC, id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_alert(r) for r in conn.execute(sql, params)]


def get_alert(conn: sqlite3.Connection, alert_id: int) -> AlertRow:
    row = conn.execute(f"SELECT {_ALERT_COLS} FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    if row is None:
        raise InputError(f"no alert {alert_id}", field="alert")
    return _alert(row)


def set_alert_state(conn: sqlite3.Connection, alert_id: int, state: str) -> AlertRow:
    if state not in ALERT_STATES:
        raise InputError(f"unknown state {state!r} ({', '.join(ALERT_STATES)})", field="state")
    get_alert(conn, alert_id)
    conn.execute(
        "UPDATE alerts SET state = ?, state_changed_at = ?, updated_at = ? WHERE id = ?",
        (state, now_iso(), now_iso(), alert_id),
    )
    return get_alert(conn, alert_id)


def iter_alert_keys(conn: sqlite3.Connection) -> Iterator[str]:
    for (key,) in conn.execute("SELECT dedupe_key FROM alerts"):
        yield key
