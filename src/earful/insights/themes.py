"""Themes: stable groups of feedback posts with readable labels, kept up to date run by run.

A run (:func:`update_themes`) keeps every post where it already is, sends each new post to the
nearest existing theme when it is close enough (centroid similarity in the current embedding
space), clusters what is left, and opens a new theme for each cluster big enough. Near-duplicate
posts follow their original and count once. User edits (rename, merge, split) change the stored
assignment directly, are logged in ``theme_edits``, and later runs build on them: a renamed theme
keeps its name, merged themes stay merged, and split-off posts stay pinned where the user put
them.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from earful.insights.brief import ThemeBrief as ThemeBrief  # re-exported for readers
from earful.insights.brief import theme_briefs as theme_briefs
from earful.insights.cluster import cluster, key_phrases
from earful.insights.dedupe import DupItem, find_duplicates
from earful.insights.edits import merge_themes as merge_themes  # re-exported
from earful.insights.edits import rename_theme as rename_theme
from earful.insights.edits import split_theme as split_theme
from earful.insights.embed import Embedder, get_embedder, token_memo
from earful.insights.scope import Scope, load_scope
from earful.store import insights as db
from earful.store.insights import FeedbackPost

if TYPE_CHECKING:
    from earful.config import Config
    from earful.store.sqlite import SQLiteStore

log = logging.getLogger(__name__)

ASSIGN_SIMILARITY = 0.45  # a new post joins the nearest theme at least this similar
NEW_THEME_SIMILARITY = 0.7  # a new cluster this close to a theme joins it instead


@dataclass(frozen=True, slots=True)
class RunReport:
    posts: int
    duplicates: int
    joined: int
    new_themes: list[int]
    unassigned: int


@dataclass(slots=True)
class ThemeSummary:
    id: int
    label: str
    auto_label: str
    posts: int
    duplicates: int
    authors: int
    sentiment: dict[str, int]
    sources: dict[str, int]
    trend: dict[str, int]
    representative: list[dict[str, Any]]
    member_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "auto_label": self.auto_label,
            "posts": self.posts,
            "duplicates": self.duplicates,
            "authors": self.authors,
            "sentiment": self.sentiment,
            "sources": self.sources,
            "trend": self.trend,
            "representative": self.representative,
            "members": self.member_ids,
        }


def _dedupe(posts: Sequence[FeedbackPost]) -> dict[int, int]:
    items = [DupItem(p.rowid, p.text, p.source, p.id, p.repost_of, p.author, p.norm) for p in posts]
    return find_duplicates(items)


def _centroid(vectors: Any) -> Any:
    c = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(c))
    return c / norm if norm > 0 else c


def update_themes(
    store: SQLiteStore,
    config: Config,
    scope: Scope | None = None,
    *,
    embedder: Embedder | None = None,
    min_size: int | None = None,
) -> RunReport:
    """Bring the themes of ``scope`` up to date with the stored posts (see the module doc).

    A run when nothing changed since the last run of the same scope and settings (same data
    watermark: no new post, label, correction or theme edit) is skipped: it would change
    nothing.
    """
    from earful.store.engage import cache_get, cache_put, config_key, data_watermark

    scope = scope or Scope()
    embedder = embedder or get_embedder()
    db.ensure_schema(store.conn)
    key = json.dumps(
        [scope.key, str(scope.since), str(scope.until), embedder.name, min_size, config_key(config)]
    )
    done = cache_get(store.conn, "update_themes", key, data_watermark(store.conn))
    if done is not None:
        posts, duplicates, unassigned = json.loads(done)
        return RunReport(posts, duplicates, 0, [], unassigned)
    with token_memo():
        report = _update(store, config, scope, embedder, min_size)
    cache_put(
        store.conn,
        "update_themes",
        key,
        data_watermark(store.conn),
        json.dumps([report.posts, report.duplicates, report.unassigned]),
        datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return report


def _update(
    store: SQLiteStore,
    config: Config,
    scope: Scope,
    embedder: Embedder,
    min_size: int | None,
) -> RunReport:
    conn = store.conn
    posts = load_scope(conn, config, scope)
    canon = _dedupe(posts)
    reps = [p for p in posts if canon[p.rowid] == p.rowid]
    log.info("Clustering %d posts (%d distinct)", len(posts), len(reps))
    with store.transaction():
        active = {t.id: t for t in db.themes(conn, scope.key)}
        redirect = _redirects(conn, scope.key)
        current = {r: redirect.get(t, t) for r, t in db.members(conn).items()}
        current = {r: t for r, t in current.items() if t in active}
        vectors = embedder.embed([p.text for p in reps]) if reps else None
        index = {p.rowid: i for i, p in enumerate(reps)}
        centroids = _centroids(reps, current, vectors, index)
        assigned: dict[int, tuple[int, float]] = {}
        pool: list[int] = []
        ids = list(centroids)
        matrix = np.stack([centroids[t] for t in ids]) if ids else None
        for i, p in enumerate(reps):
            if p.rowid in current:
                continue
            if matrix is not None and vectors is not None:
                sims = matrix @ vectors[i]
                best = int(np.argmax(sims))
                if sims[best] >= ASSIGN_SIMILARITY:
                    assigned[p.rowid] = (ids[best], float(sims[best]))
                    continue
            pool.append(i)
        joined = len(assigned)
        new_ids = _open_new_themes(
            conn, scope.key, reps, pool, vectors, centroids, assigned, min_size
        )
        rows: list[tuple[int, int, float | None, int | None]] = [
            (r, t, s, None) for r, (t, s) in assigned.items()
        ]
        for p in posts:  # duplicates follow their original
            head = canon[p.rowid]
            if head != p.rowid:
                theme = assigned.get(head, (current.get(head), 0.0))[0]
                if theme is not None:
                    rows.append((p.rowid, theme, None, head))
        db.assign(conn, rows)
        _refresh(conn, scope.key, reps, vectors, index, embedder.name)
    return RunReport(len(posts), len(posts) - len(reps), joined, new_ids, len(pool))


def _redirects(conn: Any, scope: str) -> dict[int, int]:
    """Merged theme id -> the active theme it ended in."""
    out: dict[int, int] = {}
    merged = {t.id: t.merged_into for t in db.themes(conn, scope, status="merged")}
    for tid in merged:
        seen, cur = {tid}, merged[tid]
        while cur in merged and cur not in seen:
            seen.add(cur)
            cur = merged[cur]
        if cur is not None:
            out[tid] = cur
    return out


def _centroids(
    reps: Sequence[FeedbackPost], current: dict[int, int], vectors: Any, index: dict[int, int]
) -> dict[int, Any]:
    groups: dict[int, list[int]] = {}
    for p in reps:
        t = current.get(p.rowid)
        if t is not None:
            groups.setdefault(t, []).append(index[p.rowid])
    return {t: _centroid(vectors[rows]) for t, rows in groups.items()}


def _open_new_themes(
    conn: Any,
    scope: str,
    reps: Sequence[FeedbackPost],
    pool: list[int],
    vectors: Any,
    centroids: dict[int, Any],
    assigned: dict[int, tuple[int, float]],
    min_size: int | None,
) -> list[int]:
    if not pool or vectors is None:
        return []
    size = min_size or max(3, min(25, len(reps) // 200))
    labels = cluster(vectors[pool], min_size=size)
    ids = list(centroids)
    matrix = np.stack([centroids[t] for t in ids]) if ids else None
    new_ids = []
    for label in sorted(set(int(x) for x in labels) - {-1}):
        rows = [pool[j] for j in np.flatnonzero(labels == label)]
        if len({reps[i].author for i in rows}) < 2:
            continue
        c = _centroid(vectors[rows])
        target = None
        if matrix is not None:
            sims = matrix @ c
            if float(sims.max()) >= NEW_THEME_SIMILARITY:
                target = ids[int(np.argmax(sims))]
        if target is None:
            target = db.create_theme(conn, scope, "")
            new_ids.append(target)
        for i in rows:
            assigned[reps[i].rowid] = (target, float(vectors[i] @ c))
    return new_ids


def _refresh(
    conn: Any,
    scope: str,
    reps: Sequence[FeedbackPost],
    vectors: Any,
    index: dict[int, int],
    embedder_name: str,
) -> None:
    """Recompute each active theme's label, centroid and member similarities."""
    active = [t.id for t in db.themes(conn, scope)]
    member = db.members(conn, active)
    groups: dict[int, list[FeedbackPost]] = {t: [] for t in active}
    for p in reps:
        t = member.get(p.rowid)
        if t is not None and t in groups:
            groups[t].append(p)
    order = [t for t in active if groups[t]]
    if not order:
        return
    others = [p.text for p in reps if p.rowid not in member]
    phrases = key_phrases([[p.text for p in groups[t]] for t in order] + [others])
    for t, words in zip(order, phrases, strict=False):
        rows = [index[p.rowid] for p in groups[t]]
        c = _centroid(vectors[rows])
        db.update_theme(
            conn,
            t,
            label=" · ".join(words) or f"theme {t}",
            centroid=c.tobytes(),
            embedder=embedder_name,
        )
        sims = vectors[rows] @ c
        conn.executemany(
            "UPDATE theme_members SET similarity = ? WHERE post_rowid = ?",
            [(float(s), p.rowid) for s, p in zip(sims, groups[t], strict=True)],
        )


# -- reading -----------------------------------------------------------------------------------


def theme_summaries(
    store: SQLiteStore,
    config: Config,
    scope: Scope | None = None,
    *,
    examples: int = 3,
) -> list[ThemeSummary]:
    """Every active theme of ``scope`` with its numbers, biggest first.

    Kept in the store under the data watermark (posts, labels, corrections, theme runs and
    edits), so the digest and the dashboard read it again cheaply.
    """
    from earful.store.engage import config_key, remember

    scope = scope or Scope()
    db.ensure_schema(store.conn)
    key = [scope.product, scope.since, scope.until, examples, config_key(config)]
    return remember(
        store.conn,
        "theme_summaries",
        key,
        lambda: _summaries(store, config, scope, examples),
        lambda found: [t.to_dict() for t in found],
        lambda rows: [_summary_from(r) for r in rows],
    )


def _summary_from(row: dict[str, Any]) -> ThemeSummary:
    row = dict(row)
    row["member_ids"] = row.pop("members")
    return ThemeSummary(**row)


def _summaries(
    store: SQLiteStore, config: Config, scope: Scope, examples: int
) -> list[ThemeSummary]:
    conn = store.conn
    themes = db.themes(conn, scope.key)
    member = db.members(conn, [t.id for t in themes])
    if not member:
        return []
    # only the themes' posts, without their text (read below for the representative posts)
    posts = load_scope(conn, config, scope, rowids=list(member), lean=True)
    by_row = {p.rowid: p for p in posts}
    meta = {
        r[0]: (r[1], r[2])
        for r in conn.execute("SELECT post_rowid, similarity, dup_of FROM theme_members")
    }
    out = []
    groups: dict[int, list[FeedbackPost]] = {t.id: [] for t in themes}
    for rowid, t in member.items():
        if rowid in by_row:
            groups[t].append(by_row[rowid])
    for theme in themes:
        group = groups[theme.id]
        if not group:
            continue
        canon = [p for p in group if meta[p.rowid][1] is None]
        canon.sort(key=lambda p: -(meta[p.rowid][0] or 0.0))
        by_day = Counter(p.created_ts // 86_400 for p in canon)
        days = {_day(d): n for d, n in by_day.items()}
        out.append(
            ThemeSummary(
                id=theme.id,
                label=theme.name,
                auto_label=theme.label,
                posts=len(canon),
                duplicates=len(group) - len(canon),
                authors=len({p.author for p in group}),
                sentiment=dict(Counter(p.sentiment or "unknown" for p in canon)),
                sources=dict(Counter(p.source for p in group).most_common()),
                trend=dict(sorted(days.items())),
                representative=[p.to_json() for p in _with_text(conn, canon[:examples])],
                member_ids=[f"{p.source}:{p.id}" for p in group],
            )
        )
    out.sort(key=lambda s: (-s.posts, s.id))
    return out


def _day(index: int) -> str:
    return datetime.fromtimestamp(index * 86_400, UTC).date().isoformat()


def _with_text(conn: Any, posts: list[FeedbackPost]) -> list[FeedbackPost]:
    db.fill_text(conn, [p for p in posts if not p.text])
    return posts
