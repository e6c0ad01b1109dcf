"""Label rows, labelling state and user corrections (SQLite).

``labels`` holds one row per (post, field, value) stamped with the labeller and its version;
``label_state`` records which labeller version last labelled each post and at which post
revision, so a new version (or an edited post) is relabelled and nothing else is.
Corrections live in ``corrections`` and win over the model through the ``effective_labels`` view.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from earful.store.migrations import migration


@migration("0100_label_state")
def _label_state(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE label_state (
            post_rowid INTEGER PRIMARY KEY,
            labeller TEXT NOT NULL,
            version TEXT NOT NULL,
            post_rev INTEGER NOT NULL,
            labelled_at TEXT NOT NULL
        )"""
    )


@dataclass(frozen=True, slots=True)
class PendingPost:
    rowid: int
    source: str
    id: str
    text: str
    rev: int
    author_handle: str | None
    followers: int | None
    following: int | None
    bio: str | None
    author_posts: int | None = None
    joined_at: str | None = None  # RFC 3339, the account's creation


_PENDING = """
SELECT p.rowid, p.source, p.id, p.text, p.rev, a.handle, a.followers, a.following, a.bio,
       a.posts, a.joined_at
FROM posts AS p
LEFT JOIN authors AS a ON a.source = p.source AND a.id = p.author_id
LEFT JOIN label_state AS s ON s.post_rowid = p.rowid
WHERE p.rowid > ? AND (s.post_rowid IS NULL OR s.labeller != ? OR s.version != ?
       OR s.post_rev != p.rev OR ?)
ORDER BY p.rowid
LIMIT ?
"""


def pending(
    conn: sqlite3.Connection,
    labeller: str,
    version: str,
    *,
    after: int = -1,
    limit: int = 2000,
    everything: bool = False,
) -> list[PendingPost]:
    """Posts after rowid ``after`` that this labeller version has not labelled as they are."""
    rows = conn.execute(_PENDING, (after, labeller, version, int(everything), limit))
    return [PendingPost(*row) for row in rows]


def count_pending(conn: sqlite3.Connection, labeller: str, version: str) -> int:
    row = conn.execute(
        "SELECT count(*) FROM posts AS p LEFT JOIN label_state AS s ON s.post_rowid = p.rowid"
        " WHERE s.post_rowid IS NULL OR s.labeller != ? OR s.version != ? OR s.post_rev != p.rev",
        (labeller, version),
    ).fetchone()
    return int(row[0])


def write_labels(
    conn: sqlite3.Connection,
    labeller: str,
    version: str,
    labelled: Iterable[tuple[int, int, Sequence[tuple[str, str, float]]]],
) -> int:
    """Replace the labels of each ``(rowid, rev, rows)`` and record the labelling state.

    A post's model labels are one labeller's: those of another labeller (the accurate path
    before the fast one, or an older name) are removed too, as ``label_state`` keeps one
    labeller per post; two sentiments side by side would both count."""
    now = datetime.now(UTC).isoformat()
    state = []
    label_rows = []
    for rowid, rev, rows in labelled:
        state.append((rowid, labeller, version, rev, now))
        label_rows += [(rowid, f, v, s, labeller, version, now) for f, v, s in rows]
    conn.executemany("DELETE FROM labels WHERE post_rowid = ?", [(s[0],) for s in state])
    conn.executemany(
        "INSERT OR REPLACE INTO labels (post_rowid, field, value, score, labeller, version,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        label_rows,
    )
    conn.executemany("INSERT OR REPLACE INTO label_state VALUES (?, ?, ?, ?, ?)", state)
    return len(state)


def set_correction(
    conn: sqlite3.Connection, post_rowid: int, field: str, values: Sequence[str]
) -> None:
    """Replace the user's correction of ``field`` on a post by ``values``."""
    now = datetime.now(UTC).isoformat()
    conn.execute("DELETE FROM corrections WHERE post_rowid = ? AND field = ?", (post_rowid, field))
    conn.executemany(
        "INSERT INTO corrections (post_rowid, field, value, created_at) VALUES (?, ?, ?, ?)",
        [(post_rowid, field, v, now) for v in values],
    )


def clear_correction(conn: sqlite3.Connection, post_rowid: int, field: str) -> int:
    cur = conn.execute(
        "DELETE FROM corrections WHERE post_rowid = ? AND field = ?", (post_rowid, field)
    )
    return cur.rowcount


def effective(
    conn: sqlite3.Connection, post_rowids: Sequence[int]
) -> dict[int, dict[str, list[tuple[str, float | None, str]]]]:
    """``{rowid: {field: [(value, score, labeller)]}}`` with corrections winning."""
    out: dict[int, dict[str, list[tuple[str, float | None, str]]]] = {}
    for start in range(0, len(post_rowids), 500):
        chunk = list(post_rowids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for rowid, field, value, score, labeller in conn.execute(
            "SELECT post_rowid, field, value, score, labeller FROM effective_labels"
            f" WHERE post_rowid IN ({marks}) ORDER BY post_rowid, field, value",
            chunk,
        ):
            out.setdefault(rowid, {}).setdefault(field, []).append((value, score, labeller))
    return out


def corrections_with_text(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """Every correction as ``(post text, field, value)``: training data for the next run."""
    rows = conn.execute(
        "SELECT p.text, c.field, c.value FROM corrections AS c JOIN posts AS p"
        " ON p.rowid = c.post_rowid ORDER BY c.created_at, c.post_rowid, c.field, c.value"
    )
    return [(r[0], r[1], r[2]) for r in rows]


def label_rows_with_text(conn: sqlite3.Connection, field: str) -> list[tuple[int, str, str]]:
    """``(post rowid, post text, model value)`` of every model label row of ``field``."""
    rows = conn.execute(
        "SELECT l.post_rowid, p.text, l.value FROM labels AS l JOIN posts AS p"
        " ON p.rowid = l.post_rowid WHERE l.field = ? ORDER BY l.post_rowid",
        (field,),
    )
    return [(r[0], r[1], r[2]) for r in rows]


def replace_label_values(
    conn: sqlite3.Connection, field: str, changed: Iterable[tuple[int, str, float]]
) -> None:
    """Set the model's value and score of ``field`` on posts that hold one row of it; the row
    keeps its labeller and version."""
    conn.executemany(
        "UPDATE labels SET value = ?, score = ? WHERE post_rowid = ? AND field = ?",
        [(value, score, rowid, field) for rowid, value, score in changed],
    )
