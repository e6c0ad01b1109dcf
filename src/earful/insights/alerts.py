"""Emerging-issue alerts: novel phrases and themes, and spikes against a weekday-aware baseline.

For each product (or all posts), with ``now`` the end of the recent window:

* **novelty**: phrases (1-2-grams) that no post of the baseline period used, now voiced by at
  least ``min_authors`` distinct credible authors (not spam, not follow-farms, not the product's
  own accounts). Phrases that occur in the same posts form one alert; a theme born in the
  window whose posts are mostly those posts is folded into it.
* **spike**: a theme (or the product as a whole) whose distinct credible authors in the window
  exceed what the baseline predicts: its mean daily level, times the weekday profile of all
  posts, times the growth of all posts (so a busy Monday or a growing market is not a spike).

Each alert explains itself (what grew, since when, how many authors, baseline, example posts,
severity), is stored under a dedupe key and keeps its state across runs.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from earful.insights.cluster import ngrams
from earful.insights.scope import Scope, is_credible, load_scope, own_handles
from earful.store import insights as db
from earful.store.insights import AlertRow, FeedbackPost
from earful.text import normalize

if TYPE_CHECKING:
    from earful.config import Config
    from earful.store.sqlite import SQLiteStore

DAY = 86_400


@dataclass(frozen=True, slots=True)
class AlertSettings:
    window_days: float = 3.0
    baseline_days: float = 28.0
    min_authors: int = 3
    spike_ratio: float = 2.0
    spike_z: float = 3.0


@dataclass(slots=True)
class _Candidate:
    kind: str
    key: str
    subject: str
    what: str
    posts: list[FeedbackPost]
    expected: float
    extra: dict[str, Any]


def detect_alerts(
    store: SQLiteStore,
    config: Config,
    *,
    product: str | None = None,
    now: datetime | None = None,
    settings: AlertSettings | None = None,
) -> list[AlertRow]:
    """Find and store the alerts of ``product`` (every configured product when None)."""
    settings = settings or AlertSettings()
    names: Sequence[str | None] = (
        [product] if product else [p.name for p in config.products] or [None]
    )
    db.ensure_schema(store.conn)
    for name in names:
        _detect_one(store, config, name, now, settings)
    return db.list_alerts(store.conn, limit=1000)


def _detect_one(
    store: SQLiteStore,
    config: Config,
    product: str | None,
    now: datetime | None,
    s: AlertSettings,
) -> None:
    conn = store.conn
    own = own_handles(config)
    until = now or _latest(conn)
    if until is None:
        return
    start = until - timedelta(days=s.window_days)
    base_start = start - timedelta(days=s.baseline_days)
    scope = Scope(product, base_start, until)
    posts = [p for p in load_scope(conn, config, scope, feedback_only=False) if is_credible(p, own)]
    cut = int(start.timestamp())
    base = [p for p in posts if p.created_ts < cut]
    recent = [p for p in posts if p.created_ts >= cut]
    if not recent:
        return
    volume = _volume(conn, int(base_start.timestamp()), int(until.timestamp()))
    profile = _Baseline(volume, int(base_start.timestamp()), cut, int(until.timestamp()))
    skip = set(normalize(" ".join(_product_names(config, product))).split())
    candidates = _novel_phrases(base, recent, skip, s.min_authors, product)
    candidates += _theme_candidates(conn, scope, recent, base, profile, s, candidates, product)
    with store.transaction():
        for cand in candidates:
            _store(conn, cand, product, start, until)


def _latest(conn: Any) -> datetime | None:
    row = conn.execute("SELECT max(created_ts) FROM posts").fetchone()
    return None if row[0] is None else datetime.fromtimestamp(row[0] + 1, UTC)


def _product_names(config: Config, product: str | None) -> list[str]:
    p = config.product(product) if product else None
    return list(p.names) if p else []


def _volume(conn: Any, lo: int, hi: int) -> dict[int, int]:
    """All posts per day index (created_ts // DAY) in [lo, hi)."""
    rows = conn.execute(
        "SELECT created_ts / 86400, count(*) FROM posts WHERE created_ts >= ? AND created_ts < ?"
        " GROUP BY 1",
        (lo, hi),
    )
    return {int(d): int(n) for d, n in rows}


class _Baseline:
    """Expected counts from a baseline level, the weekday profile and the growth of all posts."""

    def __init__(self, volume: dict[int, int], lo: int, cut: int, hi: int) -> None:
        days = range(lo // DAY, cut // DAY)
        by_wd: dict[int, list[int]] = defaultdict(list)
        for d in days:
            by_wd[(d + 3) % 7].append(volume.get(d, 0))  # day 0 (1970-01-01) was a Thursday
        means = {wd: sum(v) / len(v) for wd, v in by_wd.items() if v}
        overall = sum(means.values()) / max(1, len(means)) or 1.0
        self.weekday = {wd: (means.get(wd, overall) / overall) or 1.0 for wd in range(7)}
        base_days = [d for d in days]
        weights = sum(self.weekday[(d + 3) % 7] for d in base_days) or 1.0
        base_rate = sum(volume.get(d, 0) for d in base_days) / weights
        recent_w = self.window_weights(cut, hi)
        recent_total = sum(volume.get(d, 0) for d in range(cut // DAY, (hi - 1) // DAY + 1))
        expected_total = base_rate * recent_w
        self.growth = min(3.0, max(0.5, recent_total / expected_total)) if expected_total else 1.0
        self.base_weights = weights
        self.recent_weights = recent_w

    def window_weights(self, cut: int, hi: int) -> float:
        total = 0.0
        t = cut
        while t < hi:
            day_end = (t // DAY + 1) * DAY
            part = (min(day_end, hi) - t) / DAY
            total += part * self.weekday[(t // DAY + 3) % 7]
            t = day_end
        return total

    def expected(self, baseline_count: float) -> float:
        return baseline_count / self.base_weights * self.recent_weights * self.growth


def _authors(posts: Sequence[FeedbackPost]) -> int:
    return len({p.author for p in posts})


def _novel_phrases(
    base: Sequence[FeedbackPost],
    recent: Sequence[FeedbackPost],
    skip: set[str],
    min_authors: int,
    product: str | None,
) -> list[_Candidate]:
    seen = set()
    for p in base:
        seen.update(ngrams(p.text, 2))
    by_phrase: dict[str, list[FeedbackPost]] = defaultdict(list)
    for p in recent:
        for g in set(ngrams(p.text, 2)):
            if g not in seen and not set(g.split()) & skip:
                by_phrase[g].append(p)
    novel = [(g, ps) for g, ps in by_phrase.items() if _authors(ps) >= min_authors]
    novel.sort(key=lambda gp: (-_authors(gp[1]), gp[0]))
    groups: list[tuple[list[str], dict[int, FeedbackPost]]] = []
    for phrase, ps in novel:
        ids = {p.rowid for p in ps}
        for phrases, members in groups:
            overlap = len(ids & members.keys()) / min(len(ids), len(members))
            if overlap >= 0.3:
                phrases.append(phrase)
                members.update({p.rowid: p for p in ps})
                break
        else:
            groups.append(([phrase], {p.rowid: p for p in ps}))
    out = []
    for phrases, members in groups:
        top = phrases[:3]
        out.append(
            _Candidate(
                kind="novel_phrase",
                key=f"novel:{product or ''}:{min(phrases[:2])}",
                subject=" · ".join(top),
                what=f"new phrase{'s' if len(top) > 1 else ''} " + ", ".join(f'"{t}"' for t in top),
                posts=sorted(members.values(), key=lambda p: p.created_ts),
                expected=0.0,
                extra={"phrases": phrases[:10]},
            )
        )
    return out


def _theme_candidates(
    conn: Any,
    scope: Scope,
    recent: Sequence[FeedbackPost],
    base: Sequence[FeedbackPost],
    profile: _Baseline,
    s: AlertSettings,
    novel: list[_Candidate],
    product: str | None,
) -> list[_Candidate]:
    themes = {t.id: t for t in db.themes(conn, scope.key)}
    member = db.members(conn, themes)
    groups: dict[int, tuple[list[FeedbackPost], list[FeedbackPost]]] = {}
    for p in base:
        if p.rowid in member:
            groups.setdefault(member[p.rowid], ([], []))[0].append(p)
    for p in recent:
        if p.rowid in member:
            groups.setdefault(member[p.rowid], ([], []))[1].append(p)
    out = []
    for tid, (before, now) in sorted(groups.items()):
        authors = _authors(now)
        if authors < s.min_authors:
            continue
        ids = {p.rowid for p in now}
        host = next(
            (c for c in novel if len(ids & {p.rowid for p in c.posts}) >= len(ids) / 2), None
        )
        if host is not None:  # the theme carries the same new issue: one alert
            host.extra["theme"] = {"id": tid, "label": themes[tid].name}
            continue
        if not before:  # a theme born in the window: novelty
            out.append(
                _Candidate(
                    "new_theme",
                    f"new_theme:{tid}",
                    themes[tid].name,
                    f'new theme "{themes[tid].name}"',
                    now,
                    0.0,
                    {"theme": tid},
                )
            )
            continue
        expected = profile.expected(_authors(before))
        z = (authors - expected) / math.sqrt(expected + 1.0)
        if authors >= s.spike_ratio * expected and z >= s.spike_z:
            out.append(
                _Candidate(
                    "theme_spike",
                    f"spike:theme:{tid}",
                    themes[tid].name,
                    f'theme "{themes[tid].name}" grew',
                    now,
                    expected,
                    {"theme": tid, "baseline_authors": _authors(before), "z": round(z, 2)},
                )
            )
    return out


def _store(
    conn: Any, cand: _Candidate, product: str | None, start: datetime, until: datetime
) -> None:
    posts = cand.posts
    authors = _authors(posts)
    negative = sum(1 for p in posts if p.sentiment == "negative") / len(posts)
    days = Counter(datetime.fromtimestamp(p.created_ts, UTC).date().isoformat() for p in posts)
    growth = authors / cand.expected if cand.expected else None
    novel = cand.kind != "theme_spike"
    score = authors * (1.0 + negative) * (2.0 if novel else min(2.0, (growth or 1.0) / 2))
    severity = "high" if score >= 20 else "medium" if score >= 8 else "low"
    since = datetime.fromtimestamp(posts[0].created_ts, UTC).isoformat()
    examples, seen_authors = [], set()
    for p in reversed(posts):
        if p.author not in seen_authors:
            seen_authors.add(p.author)
            examples.append(p.to_json(max_text=280))
        if len(examples) == 3:
            break
    explanation = {
        "what": cand.what,
        "since": since,
        "window": [start.isoformat(), until.isoformat()],
        "authors": authors,
        "posts": len(posts),
        "expected_authors": round(cand.expected, 2),
        "growth": None if growth is None else round(growth, 2),
        "negative_share": round(negative, 2),
        "daily": dict(sorted(days.items())),
        "examples": examples,
        "post_ids": [f"{p.source}:{p.id}" for p in posts],
        "severity": severity,
        **cand.extra,
    }
    key = _existing_key(conn, cand, product or "") or cand.key
    db.upsert_alert(
        conn,
        dedupe_key=key,
        kind=cand.kind,
        product=product or "",
        subject=cand.subject,
        severity=severity,
        score=round(score, 2),
        seen=until.isoformat(),
        explanation=explanation,
    )


def _existing_key(conn: Any, cand: _Candidate, product: str) -> str | None:
    """An open novelty alert that shares a phrase with this one keeps its key (no duplicates)."""
    if cand.kind != "novel_phrase":
        return None
    phrases = set(cand.extra["phrases"][:5])
    for alert in db.list_alerts(conn, states=db.ALERT_STATES, limit=10_000):
        if alert.kind != "novel_phrase" or alert.product != product:
            continue
        if phrases & set(alert.explanation.get("phrases", [])[:5]):
            return alert.dedupe_key
    return None


def set_state(store: SQLiteStore, alert_id: int, state: str) -> AlertRow:
    with store.transaction() as conn:
        db.ensure_schema(conn)
        return db.set_alert_state(conn, alert_id, state)
