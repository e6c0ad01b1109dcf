"""The few biggest themes with their headline numbers, computed in SQL (for the digest).

Same numbers as :func:`earful.insights.themes.theme_summaries` for all posts (no product), without
loading every member post.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from earful.insights.scope import FEEDBACK_TYPES
from earful.store import insights as db
from earful.store.insight_reads import representative_text, theme_counts

if TYPE_CHECKING:
    from earful.store.sqlite import SQLiteStore


@dataclass(frozen=True, slots=True)
class ThemeBrief:
    id: int
    label: str
    posts: int
    authors: int
    example: str


def theme_briefs(store: SQLiteStore, limit: int = 8) -> list[ThemeBrief]:
    """The ``limit`` biggest active themes of all posts (scope ""), biggest first; kept under
    the data watermark like the full summaries."""
    from earful.store.engage import remember

    db.ensure_schema(store.conn)
    return remember(
        store.conn,
        "theme_briefs",
        [limit],
        lambda: _briefs(store, limit),
        lambda found: [[b.id, b.label, b.posts, b.authors, b.example] for b in found],
        lambda rows: [ThemeBrief(*row) for row in rows],
    )


def _briefs(store: SQLiteStore, limit: int) -> list[ThemeBrief]:
    conn = store.conn
    types = FEEDBACK_TYPES if "type" in db.label_fields(conn) else None
    names = {t.id: t.name for t in db.themes(conn, "")}
    counts = sorted(theme_counts(conn, "", types), key=lambda c: (-c[1], c[0]))[:limit]
    return [
        ThemeBrief(tid, names[tid], posts, authors, representative_text(conn, tid, types) or "")
        for tid, posts, authors in counts
        if tid in names
    ]
