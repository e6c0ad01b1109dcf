"""What insights read: posts with their labels (:class:`FeedbackPost`, loaded by time window
or by rowids, optionally without text), and theme numbers computed in SQL for readers that need
a few themes quickly (the digest).

For those numbers the scope filter of :func:`earful.insights.scope.load_scope` for all posts
(no product) is pushed into the query: a member counts unless its effective ``spam`` label (the
smallest value, as ``FeedbackPost.label`` reads it) is ``true``, and, once posts carry a
``type`` label, only when one of its types is a feedback type.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class FeedbackPost:
    """A stored post with what insights need: author identity, credibility and labels."""

    rowid: int
    source: str
    id: str
    created_ts: int
    text: str
    norm: str
    url: str | None
    lang: str | None
    author: str
    followers: int | None
    following: int | None
    repost_of: str | None
    handle: str | None = None
    labels: dict[str, set[str]] = field(default_factory=dict)

    def label(self, name: str) -> str | None:
        values = self.labels.get(name)
        return min(values) if values else None

    def to_json(self, max_text: int | None = None) -> dict[str, Any]:
        """The post as shown in theme examples and alert explanations."""
        from datetime import UTC, datetime

        return {
            "source": self.source,
            "id": self.id,
            "url": self.url,
            "author": self.handle or self.author.split(":", 1)[-1],
            "created_at": datetime.fromtimestamp(self.created_ts, UTC).isoformat(),
            "text": self.text if max_text is None else self.text[:max_text],
        }

    @property
    def sentiment(self) -> str | None:
        return self.label("sentiment")

    @property
    def is_spam(self) -> bool:
        return self.label("spam") == "true"


_LOAD = """
SELECT p.rowid, p.source, p.id, p.created_ts, p.text, p.norm, p.url, p.lang,
       p.source || ':' || coalesce(p.author_id, p.author_handle, ''), a.followers, a.following,
       p.repost_of, p.author_handle
FROM {source} LEFT JOIN authors AS a ON a.source = p.source AND a.id = p.author_id
WHERE p.created_ts >= ? AND p.created_ts < ? AND p.rowid >= ? AND p.rowid < ?
ORDER BY p.created_ts, p.rowid
"""


def load_posts(
    conn: sqlite3.Connection,
    since_ts: int | None = None,
    until_ts: int | None = None,
    rowids: Sequence[int] | None = None,
    *,
    lean: bool = False,
) -> list[FeedbackPost]:
    """Posts created in [since, until) with their effective labels, oldest first.

    Without ``rowids`` the time window bounds the (time-ordered) rowids, so only the window is
    read; with ``rowids`` the listed posts drive the query. ``lean`` leaves out the text (empty
    ``text`` and ``norm``; see :func:`fill_text`), the author's counts and every label field
    but spam, type, sentiment and relevance.
    """
    lo = -(2**62) if since_ts is None else max(since_ts, 0) << 20
    hi = 2**62 if until_ts is None else (max(until_ts, 0) << 20) + 64
    params = [since_ts if since_ts is not None else -(2**62), until_ts or 2**62, lo, hi]
    source = "posts AS p"
    label_where = "post_rowid BETWEEN ? AND ?"
    if rowids is not None:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _insight_ids (rowid INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM _insight_ids")
        conn.executemany("INSERT OR IGNORE INTO _insight_ids VALUES (?)", ((r,) for r in rowids))
        source = "_insight_ids AS i JOIN posts AS p ON p.rowid = i.rowid"
        label_where = (
            "post_rowid IN (SELECT rowid FROM _insight_ids) AND post_rowid BETWEEN ? AND ?"
        )
    posts: dict[int, FeedbackPost] = {}
    for row in conn.execute((_LEAN if lean else _LOAD).format(source=source), params):
        posts[row[0]] = FeedbackPost(*row)
    if not posts:
        return []
    if lean:
        label_where += _LEAN_FIELDS
    lo, hi = min(posts), max(posts)
    for rowid, name, value in conn.execute(
        f"SELECT post_rowid, field, value FROM effective_labels WHERE {label_where}", (lo, hi)
    ):
        post = posts.get(rowid)
        if post is not None:
            post.labels.setdefault(name, set()).add(value)
    return list(posts.values())


_LEAN = """
SELECT p.rowid, p.source, p.id, p.created_ts, '', '', NULL, p.lang,
       p.source || ':' || coalesce(p.author_id, p.author_handle, ''), NULL, NULL,
       p.repost_of, p.author_handle
FROM {source}
WHERE p.created_ts >= ? AND p.created_ts < ? AND p.rowid >= ? AND p.rowid < ?
ORDER BY p.created_ts, p.rowid
"""
_LEAN_FIELDS = " AND (field IN ('spam', 'type', 'sentiment') OR field LIKE 'relevant:%')"


def fill_text(conn: sqlite3.Connection, posts: Sequence[FeedbackPost]) -> None:
    """Read the text, normalized text and url of posts loaded ``lean``."""
    for p in posts:
        row = conn.execute("SELECT text, norm, url FROM posts WHERE rowid = ?", (p.rowid,))
        found = row.fetchone()
        if found is not None:
            p.text, p.norm, p.url = found


def label_fields(conn: sqlite3.Connection) -> set[str]:
    """The label fields present in the store (tells whether labelling has run).

    Walks the (field, ...) indexes of labels and corrections one distinct field at a time.
    """
    out: set[str] = set()
    for table in ("labels", "corrections"):
        last = ""
        while True:
            row = conn.execute(
                f"SELECT field FROM {table} WHERE field > ? ORDER BY field LIMIT 1", (last,)
            ).fetchone()
            if row is None:
                break
            last = str(row[0])
            out.add(last)
    return out


# -- theme numbers ------------------------------------------------------------------------------

# Effective labels read with primary-key lookups (post_rowid first): corrections of a field
# replace the model's labels of that field, as in the ``effective_labels`` view. The unary ``+``
# keeps SQLite on the primary keys rather than the (field, value) indexes.
_KEPT = """
    coalesce(
        (SELECT min(c.value) FROM corrections AS c
         WHERE c.post_rowid = tm.post_rowid AND +c.field = 'spam'),
        (SELECT min(l.value) FROM labels AS l
         WHERE l.post_rowid = tm.post_rowid AND +l.field = 'spam'),
        '') != 'true'
    {typed}
"""
_TYPED = """
    AND CASE WHEN EXISTS (SELECT 1 FROM corrections AS c
                          WHERE c.post_rowid = tm.post_rowid AND +c.field = 'type')
        THEN EXISTS (SELECT 1 FROM corrections AS c WHERE c.post_rowid = tm.post_rowid
                     AND +c.field = 'type' AND +c.value IN ({marks}))
        ELSE EXISTS (SELECT 1 FROM labels AS l WHERE l.post_rowid = tm.post_rowid
                     AND +l.field = 'type' AND +l.value IN ({marks}))
    END
"""


def _kept(types: Collection[str] | None) -> tuple[str, list[str]]:
    if types is None:
        return _KEPT.format(typed=""), []
    wanted = sorted(types)
    return _KEPT.format(typed=_TYPED.format(marks=",".join("?" * len(wanted)))), wanted * 2


def theme_counts(
    conn: sqlite3.Connection, scope: str, types: Collection[str] | None
) -> list[tuple[int, int, int]]:
    """(theme id, distinct posts, distinct authors) of the active themes of ``scope`` that have
    a member in scope; ``types``: the feedback types a member needs (None: no type filter)."""
    kept, params = _kept(types)
    sql = f"""
        SELECT tm.theme_id, sum(tm.dup_of IS NULL),
               count(DISTINCT p.source || ':' || coalesce(p.author_id, p.author_handle, ''))
        FROM themes AS t
        JOIN theme_members AS tm ON tm.theme_id = t.id
        JOIN posts AS p ON p.rowid = tm.post_rowid
        WHERE t.scope = ? AND t.status = 'active' AND {kept}
        GROUP BY tm.theme_id
    """
    return [(int(r[0]), int(r[1]), int(r[2])) for r in conn.execute(sql, [scope, *params])]


def representative_text(
    conn: sqlite3.Connection, theme_id: int, types: Collection[str] | None
) -> str | None:
    """Text of the theme's most central distinct member in scope (ties: the oldest)."""
    kept, params = _kept(types)
    sql = f"""
        SELECT p.text FROM theme_members AS tm JOIN posts AS p ON p.rowid = tm.post_rowid
        WHERE tm.theme_id = ? AND tm.dup_of IS NULL AND {kept}
        ORDER BY coalesce(tm.similarity, 0.0) DESC, tm.post_rowid
        LIMIT 1
    """
    row = conn.execute(sql, [theme_id, *params]).fetchone()
    return None if row is None else str(row[0])
