"""Sync state: per-(watch, source) cursors and per-source health, on the open connection.

Cursors are written inside the same transaction as the page of posts they follow, so a crash
never separates the two. ``source_state`` is what ``earful sources`` shows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class SourceState:
    source: str
    last_success: str | None
    last_error: str | None
    last_error_at: str | None
    rate_limit: Mapping[str, Any] | None
    posts_collected: int
    requests: int
    quota_used: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "last_success": self.last_success,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at,
            "rate_limit": dict(self.rate_limit) if self.rate_limit else None,
            "posts_collected": self.posts_collected,
            "requests": self.requests,
            "quota_used": self.quota_used,
        }


def get_cursor(conn: sqlite3.Connection, watch: str, source: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT cursor FROM cursors WHERE watch = ? AND source = ?", (watch, source)
    ).fetchone()
    if row is None:
        return None
    value = json.loads(row[0])
    return value if isinstance(value, dict) else None


def set_cursor(
    conn: sqlite3.Connection, watch: str, source: str, cursor: Mapping[str, Any]
) -> None:
    conn.execute(
        "INSERT INTO cursors (watch, source, cursor, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (watch, source) DO UPDATE SET cursor = excluded.cursor,"
        " updated_at = excluded.updated_at",
        (watch, source, json.dumps(dict(cursor), sort_keys=True), _now()),
    )


def delete_cursor(conn: sqlite3.Connection, watch: str, source: str | None = None) -> int:
    if source is None:
        cur = conn.execute("DELETE FROM cursors WHERE watch = ?", (watch,))
    else:
        cur = conn.execute("DELETE FROM cursors WHERE watch = ? AND source = ?", (watch, source))
    return cur.rowcount


def _ensure(conn: sqlite3.Connection, source: str) -> None:
    conn.execute("INSERT OR IGNORE INTO source_state (source) VALUES (?)", (source,))


def add_progress(
    conn: sqlite3.Connection,
    source: str,
    *,
    posts: int = 0,
    requests: int = 0,
    quota: int = 0,
    rate_limit: Mapping[str, Any] | None = None,
) -> None:
    """Add counts for one page (called in that page's transaction)."""
    _ensure(conn, source)
    conn.execute(
        "UPDATE source_state SET posts_collected = posts_collected + ?,"
        " requests = requests + ?, quota_used = quota_used + ?,"
        " rate_limit = coalesce(?, rate_limit) WHERE source = ?",
        (posts, requests, quota, json.dumps(dict(rate_limit)) if rate_limit else None, source),
    )


def record_success(conn: sqlite3.Connection, source: str) -> None:
    _ensure(conn, source)
    conn.execute("UPDATE source_state SET last_success = ? WHERE source = ?", (_now(), source))


def record_error(
    conn: sqlite3.Connection,
    source: str,
    message: str,
    *,
    requests: int = 0,
    rate_limit: Mapping[str, Any] | None = None,
) -> None:
    """Record a failed run; ``message`` must already be free of secrets."""
    _ensure(conn, source)
    conn.execute(
        "UPDATE source_state SET last_error = ?, last_error_at = ?, requests = requests + ?,"
        " rate_limit = coalesce(?, rate_limit) WHERE source = ?",
        (
            message[:1000],
            _now(),
            requests,
            json.dumps(dict(rate_limit)) if rate_limit else None,
            source,
        ),
    )


def source_states(conn: sqlite3.Connection) -> list[SourceState]:
    rows = conn.execute(
        "SELECT source, last_success, last_error, last_error_at, rate_limit, posts_collected,"
        " requests, quota_used FROM source_state ORDER BY source"
    )
    return [
        SourceState(
            source=r[0],
            last_success=r[1],
            last_error=r[2],
            last_error_at=r[3],
            rate_limit=json.loads(r[4]) if r[4] else None,
            posts_collected=int(r[5]),
            requests=int(r[6]),
            quota_used=int(r[7]),
        )
        for r in rows
    ]


def cursors(conn: sqlite3.Connection) -> list[tuple[str, str, dict[str, Any], str]]:
    rows = conn.execute("SELECT watch, source, cursor, updated_at FROM cursors ORDER BY 1, 2")
    return [(r[0], r[1], json.loads(r[2]), r[3]) for r in rows]
