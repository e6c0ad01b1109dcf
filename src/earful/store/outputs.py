"""SQL for outputs: the outbox (one row per message and channel), links from themes to tracker
issues, and the log of what was published to the networks.

No secret is ever stored here: a channel is recorded by its name, a tracker by its kind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from earful.store.migrations import migration

OUTPUTS_SCHEMA = (
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        subject TEXT NOT NULL,
        body_text TEXT NOT NULL,
        body_html TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        UNIQUE (channel, kind, ref)
    )""",
    "CREATE INDEX outbox_due ON outbox (state, next_attempt_at)",
    """CREATE TABLE tracker_links (
        theme_id INTEGER NOT NULL,
        tracker TEXT NOT NULL,
        issue_id TEXT NOT NULL,
        issue_key TEXT NOT NULL,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL,
        created INTEGER NOT NULL,
        linked_at TEXT NOT NULL,
        synced_at TEXT,
        closed_at TEXT,
        loop_closed_at TEXT,
        PRIMARY KEY (theme_id, tracker)
    )""",
    """CREATE TABLE published (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        text TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        remote_url TEXT,
        published_at TEXT NOT NULL,
        UNIQUE (network, kind, target)
    )""",
)

OUTBOX_STATES = ("pending", "sent", "failed", "dead")


@migration("0600_outputs")
def outputs_schema(conn: sqlite3.Connection) -> None:
    for statement in OUTPUTS_SCHEMA:
        conn.execute(statement)


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Apply this module's migration on a store opened before the module was imported."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'published'"
        " AND sql LIKE '%claimed_at%'"
    ).fetchone()
    if row is None:
        from earful.store.migrations import apply_migrations

        apply_migrations(conn)


def iso(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


# -- outbox ------------------------------------------------------------------------------------


@dataclass(slots=True)
class OutboxRow:
    id: int
    channel: str
    kind: str
    ref: str
    subject: str
    body_text: str
    body_html: str
    payload: str
    state: str
    attempts: int
    next_attempt_at: str
    last_error: str | None
    created_at: str
    sent_at: str | None

    def to_dict(self) -> dict[str, Any]:
        skip = {"body_text", "body_html", "payload"}
        return {k: getattr(self, k) for k in self.__slots__ if k not in skip}


_OUTBOX_COLS = (
    "id, channel, kind, ref, subject, body_text, body_html, payload, state, attempts,"
    " next_attempt_at, last_error, created_at, sent_at"
)


def enqueue(
    conn: sqlite3.Connection,
    *,
    channel: str,
    kind: str,
    ref: str,
    subject: str,
    body_text: str,
    body_html: str,
    payload: str,
    now: datetime,
) -> bool:
    """Queue a message unless this channel already has one for (kind, ref); True if queued."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO outbox (channel, kind, ref, subject, body_text, body_html, payload,"
        " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (channel, kind, ref, subject, body_text, body_html, payload, iso(now), iso(now)),
    )
    return cur.rowcount > 0


def due(conn: sqlite3.Connection, now: datetime) -> list[OutboxRow]:
    rows = conn.execute(
        f"SELECT {_OUTBOX_COLS} FROM outbox WHERE state IN ('pending', 'failed')"
        " AND next_attempt_at <= ? ORDER BY id",
        (iso(now),),
    )
    return [OutboxRow(*r) for r in rows]


def list_outbox(
    conn: sqlite3.Connection, states: Sequence[str] = OUTBOX_STATES, limit: int = 100
) -> list[OutboxRow]:
    marks = ",".join("?" * len(states))
    rows = conn.execute(
        f"SELECT {_OUTBOX_COLS} FROM outbox WHERE state IN ({marks}) ORDER BY id DESC"
        f" LIMIT {int(limit)}",
        list(states),
    )
    return [OutboxRow(*r) for r in rows]


def mark_sent(conn: sqlite3.Connection, row_id: int, now: datetime) -> None:
    conn.execute(
        "UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?,"
        " last_error = NULL WHERE id = ?",
        (iso(now), row_id),
    )


def mark_failed(
    conn: sqlite3.Connection, row_id: int, error: str, next_at: datetime | None
) -> None:
    """Record a failed attempt; ``next_at`` None means no more tries (state ``dead``)."""
    conn.execute(
        "UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ?,"
        " next_attempt_at = coalesce(?, next_attempt_at) WHERE id = ?",
        ("dead" if next_at is None else "failed", error[:500], next_at and iso(next_at), row_id),
    )


def retry_now(conn: sqlite3.Connection, row_id: int, now: datetime) -> bool:
    cur = conn.execute(
        "UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE id = ?"
        " AND state IN ('failed', 'dead')",
        (iso(now), row_id),
    )
    return cur.rowcount > 0


def last_ref(conn: sqlite3.Connection, kind: str) -> str | None:
    row = conn.execute("SELECT max(ref) FROM outbox WHERE kind = ?", (kind,)).fetchone()
    return None if row is None else row[0]


# -- tracker links -----------------------------------------------------------------------------


@dataclass(slots=True)
class TrackerLink:
    theme_id: int
    tracker: str
    issue_id: str
    issue_key: str
    url: str
    title: str
    state: str
    created: bool
    linked_at: str
    synced_at: str | None
    closed_at: str | None
    loop_closed_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


_LINK_COLS = (
    "theme_id, tracker, issue_id, issue_key, url, title, state, created, linked_at, synced_at,"
    " closed_at, loop_closed_at"
)


def _link(r: Sequence[Any]) -> TrackerLink:
    return TrackerLink(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), *r[8:])


def save_link(conn: sqlite3.Connection, link: TrackerLink) -> None:
    conn.execute(
        f"INSERT OR REPLACE INTO tracker_links ({_LINK_COLS}) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            link.theme_id,
            link.tracker,
            link.issue_id,
            link.issue_key,
            link.url,
            link.title,
            link.state,
            int(link.created),
            link.linked_at,
            link.synced_at,
            link.closed_at,
            link.loop_closed_at,
        ),
    )


def links(
    conn: sqlite3.Connection, theme_id: int | None = None, tracker: str | None = None
) -> list[TrackerLink]:
    sql, params = f"SELECT {_LINK_COLS} FROM tracker_links WHERE 1", list[Any]()
    if theme_id is not None:
        sql += " AND theme_id = ?"
        params.append(theme_id)
    if tracker is not None:
        sql += " AND tracker = ?"
        params.append(tracker)
    return [_link(r) for r in conn.execute(sql + " ORDER BY theme_id, tracker", params)]


def set_link_state(
    conn: sqlite3.Connection, theme_id: int, tracker: str, state: str, now: datetime
) -> None:
    conn.execute(
        "UPDATE tracker_links SET state = ?, synced_at = ?,"
        " closed_at = CASE WHEN ? = 'closed' THEN coalesce(closed_at, ?) ELSE NULL END"
        " WHERE theme_id = ? AND tracker = ?",
        (state, iso(now), state, iso(now), theme_id, tracker),
    )


def mark_loop_closed(conn: sqlite3.Connection, theme_id: int, tracker: str, now: datetime) -> None:
    conn.execute(
        "UPDATE tracker_links SET loop_closed_at = ? WHERE theme_id = ? AND tracker = ?",
        (iso(now), theme_id, tracker),
    )


# -- published ---------------------------------------------------------------------------------
# A publish first claims its (network, kind, target) row as 'sending' (the UNIQUE key is taken
# before the network call, so two processes cannot both send), then marks it 'sent' with the
# remote id, or deletes its claim if the send failed. Rows from before 0610 are 'sent'.


@migration("0610_published_state")
def published_state(conn: sqlite3.Connection) -> None:
    """``published.state`` ('sending' while a publish holds the row, then 'sent') and
    ``claimed_at`` (when it was claimed; NULL on rows recorded before this migration)."""
    conn.execute(
        "ALTER TABLE published ADD COLUMN state TEXT NOT NULL DEFAULT 'sent'"
        " CHECK (state IN ('sending', 'sent'))"
    )
    conn.execute("ALTER TABLE published ADD COLUMN claimed_at TEXT")


@migration("0620_published_unknown")
def published_unknown(conn: sqlite3.Connection) -> None:
    """``published.unknown``: 1 on a 'sending' row whose send failed after the request may have
    reached the network (no retry is safe until the user has looked)."""
    conn.execute("ALTER TABLE published ADD COLUMN unknown INTEGER NOT NULL DEFAULT 0")


def claim_iso(moment: datetime) -> str:
    """A claim's time, to the microsecond: it also identifies the claim (see finish/release)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class PublishedRow:
    state: str  # 'sending' | 'sent'
    remote_id: str  # '' while sending
    claimed_at: datetime | None  # None on rows recorded before claims existed
    unknown: bool = False  # the send failed in a way that may have published it


def published_row(
    conn: sqlite3.Connection, network: str, kind: str, target: str
) -> PublishedRow | None:
    row = conn.execute(
        "SELECT state, remote_id, claimed_at, unknown FROM published"
        " WHERE network = ? AND kind = ? AND target = ?",
        (network, kind, target),
    ).fetchone()
    if row is None:
        return None
    claimed = datetime.fromisoformat(row[2]) if row[2] else None
    return PublishedRow(str(row[0]), str(row[1]), claimed, bool(row[3]))


def claim_published(
    conn: sqlite3.Connection, *, network: str, kind: str, target: str, text: str, now: datetime
) -> bool:
    """Reserve (network, kind, target) as 'sending'; False if any row holds it already."""
    cur = conn.execute(
        "INSERT INTO published (network, kind, target, text, remote_id, remote_url,"
        " published_at, state, claimed_at) VALUES (?, ?, ?, ?, '', NULL, ?, 'sending', ?)"
        " ON CONFLICT (network, kind, target) DO NOTHING",
        (network, kind, target, text, iso(now), claim_iso(now)),
    )
    return cur.rowcount > 0


def take_over_published(
    conn: sqlite3.Connection,
    *,
    network: str,
    kind: str,
    target: str,
    text: str,
    claimed_before: datetime,
    now: datetime,
) -> bool:
    """Re-claim a 'sending' row claimed at or before ``claimed_before`` (a stale one)."""
    cur = conn.execute(
        "UPDATE published SET text = ?, published_at = ?, claimed_at = ?, unknown = 0"
        " WHERE network = ? AND kind = ? AND target = ? AND state = 'sending'"
        " AND claimed_at <= ?",
        (text, iso(now), claim_iso(now), network, kind, target, claim_iso(claimed_before)),
    )
    return cur.rowcount > 0


def mark_published_unknown(
    conn: sqlite3.Connection, *, network: str, kind: str, target: str, claimed_at: datetime
) -> None:
    """Keep the claim made at ``claimed_at`` but mark it: its send may have published it."""
    conn.execute(
        "UPDATE published SET unknown = 1"
        " WHERE network = ? AND kind = ? AND target = ? AND state = 'sending' AND claimed_at = ?",
        (network, kind, target, claim_iso(claimed_at)),
    )


def finish_published(
    conn: sqlite3.Connection,
    *,
    network: str,
    kind: str,
    target: str,
    text: str,
    remote_id: str,
    remote_url: str | None,
    claimed_at: datetime,
    now: datetime,
) -> bool:
    """Mark the claim made at ``claimed_at`` 'sent'. The post is public either way, so if that
    claim is gone (taken over, released) the row is written anyway; False then."""
    key = (network, kind, target)
    cur = conn.execute(
        "UPDATE published SET state = 'sent', remote_id = ?, remote_url = ?, published_at = ?"
        " WHERE network = ? AND kind = ? AND target = ? AND state = 'sending'"
        " AND claimed_at = ?",
        (remote_id, remote_url, iso(now), *key, claim_iso(claimed_at)),
    )
    if cur.rowcount:
        return True
    conn.execute(
        "INSERT INTO published (network, kind, target, text, remote_id, remote_url,"
        " published_at, state, claimed_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'sent', ?)"
        " ON CONFLICT (network, kind, target) DO UPDATE SET state = 'sent',"
        " text = excluded.text, remote_id = excluded.remote_id,"
        " remote_url = excluded.remote_url, published_at = excluded.published_at",
        (*key, text, remote_id, remote_url, iso(now), claim_iso(claimed_at)),
    )
    return False


def release_published(
    conn: sqlite3.Connection, *, network: str, kind: str, target: str, claimed_at: datetime
) -> bool:
    """Drop the claim made at ``claimed_at`` if it is still 'sending' (its send failed)."""
    cur = conn.execute(
        "DELETE FROM published WHERE network = ? AND kind = ? AND target = ?"
        " AND state = 'sending' AND claimed_at = ?",
        (network, kind, target, claim_iso(claimed_at)),
    )
    return cur.rowcount > 0
