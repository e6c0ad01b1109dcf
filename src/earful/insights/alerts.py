"""Emerging-issue alerts: novelty and spikes of phrases, themes and products.

For each product (or all posts), with ``now`` the end of the recent window:

* **novelty**: phrases (1-2-grams) that no post of the baseline period used, now voiced by at
  least ``min_authors`` distinct credible authors (not spam, not follow-farms, not the product's
  own accounts); a theme whose posts all fall in the window.
* **phrase spike**: a phrase that existed before and now grows sharply (see
  :mod:`earful.insights.spikes`). Phrases that occur in the same posts form one alert; a theme
  whose window posts are mostly those posts is folded into it.
* **theme spike**: a theme whose distinct credible authors in the window exceed what the baseline
  predicts: its mean daily level, times the weekday profile of all posts, times the growth of
  all posts (so a busy Monday or a growing market is not a spike).
* **product spike**: the product's own volume, or its share of negative posts, is an outlier
  against its weekday-adjusted, trend-corrected baseline.

Each alert explains itself (what grew, since when, how many authors, baseline, example posts,
severity), is stored under a dedupe key and keeps its state across runs: a phrase alert that
shares a phrase with an open one of the same product seen in an overlapping window updates it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from earful.insights.alert_stats import Baseline, binom_sf, onset, surprise
from earful.insights.cluster import ngrams
from earful.insights.scope import Scope, is_credible, load_scope, own_handles
from earful.insights.spikes import (
    Candidate,
    author_days,
    authors,
    phrase_candidates,
    product_candidates,
)
from earful.store import insights as db
from earful.store.insights import AlertRow, FeedbackPost
from earful.text import normalize

if TYPE_CHECKING:
    from earful.config import Config
    from earful.store.sqlite import SQLiteStore

PHRASE_KINDS = ("novel_phrase", "phrase_spike")


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """``alpha``: the chance of a false phrase-spike alert per product and run under the
    Poisson model (Bonferroni over the phrases tested), and the p-value a product spike needs."""

    window_days: float = 3.0
    baseline_days: float = 28.0
    min_authors: int = 3
    spike_ratio: float = 2.0
    alpha: float = 0.01


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
    profile = Baseline(volume, int(base_start.timestamp()), cut, int(until.timestamp()))
    skip = set(normalize(" ".join(_product_names(config, product))).split())
    candidates = phrase_candidates(
        base,
        recent,
        skip,
        profile,
        min_authors=s.min_authors,
        spike_ratio=s.spike_ratio,
        alpha=s.alpha,
        product=product,
    )
    candidates += _theme_candidates(conn, scope, recent, base, profile, s, candidates, product)
    candidates += product_candidates(
        base, recent, profile, min_authors=s.min_authors, alpha=s.alpha, product=product
    )
    candidates = _fold_products(candidates)
    # every alert of this product, in any state: dedupe must see them all, so no limit
    known = db.list_alerts(conn, states=db.ALERT_STATES, limit=None, product=product or "")
    used: set[str] = set()
    with store.transaction():
        for cand in candidates:
            key = _dedupe_key(cand, known, used, start, until)
            used.add(key)
            _store(conn, cand, product, start, until, key)


def _fold_products(candidates: list[Candidate]) -> list[Candidate]:
    """A product spike that one phrase or theme alert explains (it holds at least half of the
    excess author-days) is that alert's news: it goes into that alert's explanation. Otherwise it
    stays an alert of its own, listing what drove it and showing their posts first."""
    drivers = sorted(
        (c for c in candidates if c.kind != "product_spike"), key=lambda c: -authors(c.posts)
    )
    out = []
    for cand in candidates:
        if cand.kind != "product_spike":
            out.append(cand)
            continue
        excess = author_days(cand.posts) - cand.expected
        ids = {p.rowid for p in cand.posts}
        host = next(
            (d for d in drivers if author_days(p for p in d.posts if p.rowid in ids) >= excess / 2),
            None,
        )
        if host is not None:
            host.extra[f"product_{cand.extra['metric']}"] = {
                "what": cand.what,
                "author_days": author_days(cand.posts),
                "expected": round(cand.expected, 2),
                **{k: cand.extra[k] for k in ("robust_z", "p_value") if k in cand.extra},
            }
            continue
        if drivers:
            cand.extra["drivers"] = [c.subject for c in drivers[:3]]
            cand.featured = [p for c in drivers[:3][::-1] for p in c.posts[-1:]]
        out.append(cand)
    return out


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


def _theme_candidates(
    conn: Any,
    scope: Scope,
    recent: Sequence[FeedbackPost],
    base: Sequence[FeedbackPost],
    profile: Baseline,
    s: AlertSettings,
    novel: list[Candidate],
    product: str | None,
) -> list[Candidate]:
    themes = {t.id: t for t in db.themes(conn, scope.key)}
    member = db.members(conn, themes)
    groups: dict[int, tuple[list[FeedbackPost], list[FeedbackPost]]] = {}
    for p in base:
        if p.rowid in member:
            groups.setdefault(member[p.rowid], ([], []))[0].append(p)
    for p in recent:
        if p.rowid in member:
            groups.setdefault(member[p.rowid], ([], []))[1].append(p)
    live = []
    grams: tuple[list[set[str]], list[set[str]]] | None = None  # of base and recent, once
    for tid, (before, now) in sorted(groups.items()):
        if authors(now) < s.min_authors:
            continue
        ids = {p.rowid for p in now}
        host = next(
            (c for c in novel if len(ids & {p.rowid for p in c.posts}) >= len(ids) / 2), None
        )
        if host is not None:  # the theme carries the same new issue: one alert
            host.extra["theme"] = {"id": tid, "label": themes[tid].name}
            continue
        if before:
            live.append((tid, now, author_days(now), author_days(before), False))
            continue
        # A theme opened in the window holds only new posts (older posts keep their themes),
        # so whether its subject is new is read from its key phrases: the author-days of posts
        # using two of them (one, if it has one), in the window and before.
        words = [w for w in themes[tid].label.split(" · ") if w][:3]
        need = min(2, len(words))
        if grams is None:
            grams = [set(ngrams(p.text, 2)) for p in base], [set(ngrams(p.text, 2)) for p in recent]
        then = [
            p for p, g in zip(base, grams[0], strict=True) if len(g.intersection(words)) >= need
        ]
        used = [
            p for p, g in zip(recent, grams[1], strict=True) if len(g.intersection(words)) >= need
        ]
        live.append((tid, now, author_days(used), author_days(then), True))
    q, out = profile.share(), []
    for tid, now, k, b, born in live:
        expected = profile.expected(b)
        p_value = binom_sf(k, k + b, q)
        if k < s.min_authors or k < s.spike_ratio * expected or p_value > s.alpha / len(live):
            continue
        name = themes[tid].name
        stats = {
            "theme": tid,
            "baseline_author_days": b,
            "p_value": float(f"{p_value:.3g}"),
            "surprise": surprise(p_value),
            "themes_tested": len(live),
        }
        if born and b == 0:
            out.append(
                Candidate(
                    "new_theme", f"new_theme:{tid}", name, f'new theme "{name}"', now, 0.0, stats
                )
            )
        else:
            what = f'new theme "{name}" (its words grew)' if born else f'theme "{name}" grew'
            out.append(
                Candidate("theme_spike", f"spike:theme:{tid}", name, what, now, expected, stats)
            )
    return out


NOVEL_KINDS = ("novel_phrase", "new_theme")


def _store(
    conn: Any,
    cand: Candidate,
    product: str | None,
    start: datetime,
    until: datetime,
    key: str,
) -> None:
    posts = cand.posts
    n_authors = authors(posts)
    negative = sum(1 for p in posts if p.sentiment == "negative") / len(posts)
    days = Counter(datetime.fromtimestamp(p.created_ts, UTC).date().isoformat() for p in posts)
    measure = author_days(posts)  # what spikes are tested on
    growth = measure / cand.expected if cand.expected else None
    if cand.kind in NOVEL_KINDS:
        score = n_authors * (1.0 + negative) * 2.0
    else:  # the excess over the expectation, weighted by how large the growth is
        score = max(0.0, measure - cand.expected) * (1.0 + negative)
        score *= min(2.0, (growth or 1.0) / 2)
    severity = "high" if score >= 20 else "medium" if score >= 8 else "low"
    window = int(until.timestamp()) - int(start.timestamp())
    began = onset([p.created_ts for p in posts], cand.expected / window, int(until.timestamp()))
    examples, seen_authors = [], set()
    for p in [*reversed(cand.featured), *reversed(posts)]:
        if p.author not in seen_authors:
            seen_authors.add(p.author)
            examples.append(p.to_json(max_text=280))
        if len(examples) == 3:
            break
    what = cand.what
    if cand.expected:
        what += f" ({measure} author-days, {cand.expected:.1f} expected)"
    explanation = {
        "what": what,
        "since": datetime.fromtimestamp(began, UTC).isoformat(),
        "window": [start.isoformat(), until.isoformat()],
        "authors": n_authors,
        "author_days": measure,
        "posts": len(posts),
        "expected_authors": round(cand.expected, 2),  # author-days, for spikes
        "growth": None if growth is None else round(growth, 2),
        "negative_share": round(negative, 2),
        "daily": dict(sorted(days.items())),
        "examples": examples,
        "post_ids": [f"{p.source}:{p.id}" for p in posts],
        "severity": severity,
        **cand.extra,
    }
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


EPISODE = " since "


def _dedupe_key(
    cand: Candidate, known: list[AlertRow], used: set[str], start: datetime, until: datetime
) -> str:
    """The key of the alert this candidate updates: one of the product's alerts (any state)
    with the same key, or for phrases one sharing a phrase, whose last window overlaps this
    one. Otherwise a new alert: its own key, or, when that key is taken by an earlier episode,
    the key with this window's end."""
    phrases = set(cand.extra.get("phrases", [])[:5])
    same = []
    for a in known:
        if a.dedupe_key in used:
            continue
        if a.dedupe_key.split(EPISODE)[0] == cand.key or (
            cand.kind in PHRASE_KINDS
            and a.kind in PHRASE_KINDS
            and phrases & set(a.explanation.get("phrases", [])[:5])
        ):
            same.append(a)
    live = [a for a in same if a.last_seen >= start.isoformat()]
    if live:
        return max(live, key=lambda a: a.last_seen).dedupe_key
    if cand.key in used or any(a.dedupe_key == cand.key for a in known):
        return f"{cand.key}{EPISODE}{until.isoformat()}"
    return cand.key


def set_state(store: SQLiteStore, alert_id: int, state: str) -> AlertRow:
    with store.transaction() as conn:
        db.ensure_schema(conn)
        return db.set_alert_state(conn, alert_id, state)
