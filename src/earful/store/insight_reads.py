"""Theme numbers computed in SQL, for readers that need a few themes quickly (the digest).

The scope filter of :func:`earful.insights.scope.load_scope` for all posts (no product) is
pushed into the query: a member counts unless its effective ``spam`` label (the smallest
value, as ``FeedbackPost.label`` reads it) is ``true``, and, once posts carry a ``type``
label, only when one of its types is a feedback type.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

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
