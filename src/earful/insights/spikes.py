"""Alert candidates from phrases and product volume: novelty and spikes, with their statistics.

* A **phrase** (1-2-gram, plurals folded) voiced in the window by at least ``min_authors``
  distinct credible authors is *novel* when no baseline post used it and its authors reach the
  novelty floor that the baseline's own churn of new words calls for (:class:`_Churn`), and
  *spiking* when its author-days in the
  window exceed the weekday- and growth-aware expectation so much that the exact conditional
  test for two Poisson rates (window vs baseline counts, exposures from the weekday profile)
  gives p ≤ ``alpha`` / (number of phrases tested), and at least ``spike_ratio`` times expected.
  Phrases that share most of their posts form one candidate.
* A **product** spikes when its author-days in the window, after its own baseline trend, are an
  outlier among the baseline's 3-day windows (modified z-score ≥ 3.5 from the median and MAD of
  weekday-adjusted rates) and a Poisson test agrees (p ≤ ``alpha``); the share of negative
  author-days is tested the same way against the baseline share (binomial test).

Author-days (distinct author per UTC day) count a person once a day, so one loud account cannot
make a spike, while a steady poster is still seen on each day they post.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from earful.insights.alert_stats import (
    DAY,
    Baseline,
    binom_sf,
    modified_z,
    poisson_sf,
    surprise,
    weekday,
)
from earful.insights.cluster import ngrams
from earful.store.insights import FeedbackPost


@dataclass(slots=True)
class Candidate:
    kind: str
    key: str
    subject: str
    what: str
    posts: list[FeedbackPost]
    expected: float
    extra: dict[str, Any] = field(default_factory=dict)
    featured: list[FeedbackPost] = field(default_factory=list)  # examples to show first


def authors(posts: Iterable[FeedbackPost]) -> int:
    return len({p.author for p in posts})


def author_days(posts: Iterable[FeedbackPost]) -> int:
    return len({(p.author, p.created_ts // DAY) for p in posts})


# -- phrases -----------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def fold(phrase: str) -> str:
    """The phrase with plural and 3rd-person -s dropped from words of 4+ letters (bags → bag,
    crashes → crashe), so the forms of a word are counted together."""
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")) else w
        for w in phrase.split()
    )


def folded(text: str) -> set[str]:
    return {fold(g) if g.endswith("s") or "s " in g else g for g in ngrams(text, 2)}


def phrase_candidates(
    base: Sequence[FeedbackPost],
    recent: Sequence[FeedbackPost],
    skip: set[str],
    profile: Baseline,
    *,
    min_authors: int,
    spike_ratio: float,
    alpha: float,
    product: str | None,
) -> list[Candidate]:
    """Novel and spiking phrases of ``recent`` against ``base``, grouped by shared posts."""
    skip = {fold(w) for w in skip}
    by_phrase: dict[str, list[FeedbackPost]] = defaultdict(list)
    forms: dict[str, Counter[str]] = defaultdict(Counter)  # how each folded phrase was written
    for p in recent:
        for g in set(ngrams(p.text, 2)):
            f = fold(g) if g.endswith("s") or "s " in g else g
            if not set(f.split()) & skip:
                if f not in forms or p.rowid != by_phrase[f][-1].rowid:
                    by_phrase[f].append(p)
                forms[f][g] += 1
    voiced = {g: ps for g, ps in by_phrase.items() if authors(ps) >= min_authors}
    before: dict[str, set[tuple[str, int]]] = defaultdict(set)
    churn = _Churn(profile, skip, base)
    wanted = set(voiced)
    head = len(base) - len(churn.tail)
    for i, p in enumerate(base):
        if i < head:
            grams = folded(p.text)
            churn.add(grams)
        else:
            grams = churn.tail[i - head][1]
        for g in grams & wanted:
            before[g].add((p.author, p.created_ts // DAY))
    floor = churn.floor(min_authors)
    tested = max(1, sum(1 for g in voiced if g in before))
    q = profile.share()
    found: list[tuple[str, list[FeedbackPost], dict[str, Any]]] = []
    for g, ps in voiced.items():
        if g not in before:
            if authors(ps) >= floor:
                found.append((g, ps, {"novel": True, "expected": 0.0, "floor": floor}))
            continue
        k, b = author_days(ps), len(before[g])
        expected = profile.expected(b)
        if k < spike_ratio * expected:
            continue
        p_value = binom_sf(k, k + b, q)
        if p_value <= alpha / tested:
            found.append(
                (g, ps, {"novel": False, "expected": expected, "p": p_value, "baseline": b})
            )
    # the seed of a group: most authors, novel before grown, then the most surprising, the
    # longer phrase (more specific) first
    found.sort(
        key=lambda x: (
            -authors(x[1]),
            not x[2]["novel"],
            x[2].get("p", 0.0),
            -len(x[0].split()),
            x[0],
        )
    )
    groups: list[tuple[list[str], dict[int, FeedbackPost], dict[str, Any]]] = []
    for phrase, ps, stats in found:
        ids = {p.rowid for p in ps}
        for phrases, members, _seed in groups:
            inside = len(ids & members.keys())
            if inside / min(len(ids), len(members)) >= 0.3 and inside >= len(ids) / 2:
                phrases.append(phrase)
                members.update({p.rowid: p for p in ps})
                break
        else:
            groups.append(([phrase], {p.rowid: p for p in ps}, {"phrase": phrase, **stats}))
    shown = {g: c.most_common(1)[0][0] for g, c in forms.items()}
    return [
        _phrase_candidate([shown[g] for g in ph], m, seed, product, tested)
        for ph, m, seed in groups
    ]


class _Churn:
    """How many distinct authors a never-seen phrase needs to be news: the fewest (at least
    ``min_authors``) that phrases new in each of the baseline's own last three windows (new
    against what came before them) reach at most once in ten windows. A large, lively
    vocabulary has phrases that are new every week; a narrow one has few."""

    RUNS = 3
    RATE = 0.1  # expected chance novelty alerts per run

    def __init__(self, profile: Baseline, skip: set[str], base: Sequence[FeedbackPost]) -> None:
        span = profile.hi - profile.cut
        self.starts = sorted(
            profile.cut - span * (j + 1)
            for j in range(self.RUNS)
            if profile.cut - span * (j + 2) >= profile.lo  # a window's worth of history first
        )
        self.span = span
        lo = self.starts[0] if self.starts else profile.cut
        # the posts of the windows (the baseline's tail: posts come in time order)
        self.tail = [(p, folded(p.text)) for p in base if p.created_ts >= lo]
        self.first: dict[str, int] = {}  # when each phrase of the windows was first used there
        self.watch: set[str] = set()
        for p, grams in self.tail:
            new = grams - self.watch
            self.first.update(dict.fromkeys(new, p.created_ts))
            self.watch |= new
        self.lo, self.skip = lo, skip
        self.old: set[str] = set()  # of those, the ones used before the windows

    def add(self, grams: set[str]) -> None:
        """Note a baseline post before the windows (the posts before ``tail``)."""
        self.old |= grams & self.watch

    def floor(self, min_authors: int) -> int:
        if not self.starts:
            return min_authors
        fresh: dict[tuple[int, str], set[str]] = defaultdict(set)
        for p, grams in self.tail:
            j = (p.created_ts - self.lo) // self.span
            s0 = self.starts[min(j, len(self.starts) - 1)]
            for g in grams - self.old:
                if self.first[g] >= s0 and not set(g.split()) & self.skip:
                    fresh[j, g].add(p.author)
        sizes = [len(a) for a in fresh.values()]

        def reached(m: int) -> int:
            return sum(1 for n in sizes if n >= m)

        m = min_authors
        while m < 50:
            # few phrases reach m authors, so the count is read with the geometric decay
            # from m - 2 to m - 1 authors as well, and the larger of the two is kept
            decay = reached(m - 1) ** 2 / max(1, reached(m - 2)) if m >= 2 else 0.0
            if max(reached(m), decay) / len(self.starts) <= self.RATE:
                break
            m += 1
        return m


def _phrase_candidate(
    phrases: list[str],
    members: dict[int, FeedbackPost],
    seed: dict[str, Any],
    product: str | None,
    tested: int,
) -> Candidate:
    top = phrases[:3]
    quoted = ", ".join(f'"{t}"' for t in top)
    posts = sorted(members.values(), key=lambda p: p.created_ts)
    if seed["novel"]:
        return Candidate(
            "novel_phrase",
            f"novel:{product or ''}:{min(phrases[:2])}",
            " · ".join(top),
            f"new phrase{'s' if len(top) > 1 else ''} {quoted}",
            posts,
            0.0,
            {"phrases": phrases[:10], "novelty_floor": seed["floor"]},
        )
    return Candidate(
        "phrase_spike",
        f"spike:phrase:{product or ''}:{min(phrases[:2])}",
        " · ".join(top),
        f"phrase{'s' if len(top) > 1 else ''} {quoted} grew",
        posts,
        seed["expected"],
        {
            "phrases": phrases[:10],
            "baseline_author_days": seed["baseline"],
            "p_value": float(f"{seed['p']:.3g}"),
            "surprise": surprise(seed["p"]),
            "phrases_tested": tested,
        },
    )


# -- products ----------------------------------------------------------------------------------

MODIFIED_Z = 3.5  # Iglewicz & Hoaglin's usual outlier cut-off


def product_candidates(
    base: Sequence[FeedbackPost],
    recent: Sequence[FeedbackPost],
    profile: Baseline,
    *,
    min_authors: int,
    alpha: float,
    product: str | None,
) -> list[Candidate]:
    """Volume and negative-share spikes of the product's own posts."""
    name = product or "all posts"
    out = []
    span = (profile.hi - profile.cut) / DAY
    base_days = _days(base)
    level, trend = _level(base_days, profile)
    expected = level * profile.recent_weights * trend
    k = author_days(recent)
    rates = _rolling(base_days, profile, span)
    x = k / (profile.recent_weights * trend or 1.0)
    z = modified_z(x, rates)
    p = poisson_sf(k, expected)
    if k - expected >= min_authors and z >= MODIFIED_Z and p <= alpha:
        out.append(
            Candidate(
                "product_spike",
                f"spike:product:{product or ''}:volume",
                name,
                f"posts about {name} grew",
                sorted(recent, key=lambda p: p.created_ts),
                expected,
                {
                    "metric": "volume",
                    "author_days": k,
                    "expected_author_days": round(expected, 2),
                    "trend": round(trend, 2),
                    "robust_z": round(z, 2),
                    "p_value": float(f"{p:.3g}"),
                    "surprise": surprise(p),
                },
            )
        )
    neg = [p for p in recent if p.sentiment == "negative"]
    n_base = sum(len(v) for v in base_days.values())
    neg_base = sum(1 for p in _one_a_day(base) if p.sentiment == "negative")
    k_neg = author_days(neg)
    p0 = (neg_base + 1) / (n_base + 2)
    shares = _rolling_share(base, profile, span)
    z_neg = modified_z(k_neg / max(1, k), shares)
    p_neg = binom_sf(k_neg, k, p0)
    if (
        k_neg >= min_authors
        and k_neg / max(1, k) - p0 >= 0.1
        and z_neg >= MODIFIED_Z
        and p_neg <= alpha
    ):
        out.append(
            Candidate(
                "product_spike",
                f"spike:product:{product or ''}:negative",
                name,
                f"negative posts about {name} rose to {k_neg / k:.0%} (usually {p0:.0%})",
                sorted(neg, key=lambda p: p.created_ts),
                p0 * k,
                {
                    "metric": "negative_share",
                    "author_days": k_neg,
                    "baseline_share": round(p0, 3),
                    "robust_z": round(z_neg, 2),
                    "p_value": float(f"{p_neg:.3g}"),
                    "surprise": surprise(p_neg),
                },
            )
        )
    return out


def _days(posts: Sequence[FeedbackPost]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for p in posts:
        out[p.created_ts // DAY].add(p.author)
    return out


def _one_a_day(posts: Sequence[FeedbackPost]) -> list[FeedbackPost]:
    seen: set[tuple[str, int]] = set()
    out = []
    for p in posts:
        key = (p.author, p.created_ts // DAY)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _level(days: dict[int, set[str]], profile: Baseline) -> tuple[float, float]:
    """Weekday-adjusted rate of the baseline's second half, and its trend carried to the window
    (from the first half to the second, clipped to [2/3, 3/2])."""
    first, last = profile.lo // DAY, profile.cut // DAY
    mid = (first + last) // 2

    def rate(lo: int, hi: int) -> float:
        w = sum(profile.weekday[weekday(d)] for d in range(lo, hi)) or 1.0
        return (sum(len(days.get(d, ())) for d in range(lo, hi)) + 1) / w

    early, late = rate(first, mid), rate(mid, last)
    half = max(1, last - mid)
    ahead = half / 2 + (profile.hi - profile.cut) / DAY / 2
    trend = min(1.5, max(2 / 3, (late / early) ** (ahead / half)))
    return late, trend


def _rolling(days: dict[int, set[str]], profile: Baseline, span: float) -> list[float]:
    """Weekday-adjusted rates of every ``span``-day stretch of the baseline."""
    first, last = profile.lo // DAY, profile.cut // DAY
    n = max(1, round(span))
    out = []
    for d0 in range(first, last - n + 1):
        w = sum(profile.weekday[weekday(d)] for d in range(d0, d0 + n)) or 1.0
        out.append(sum(len(days.get(d, ())) for d in range(d0, d0 + n)) / w)
    return out


def _rolling_share(posts: Sequence[FeedbackPost], profile: Baseline, span: float) -> list[float]:
    """The negative share of author-days in every ``span``-day stretch of the baseline."""
    first, last = profile.lo // DAY, profile.cut // DAY
    n = max(1, round(span))
    tot: dict[int, int] = defaultdict(int)
    neg: dict[int, int] = defaultdict(int)
    for p in _one_a_day(posts):
        d = p.created_ts // DAY
        tot[d] += 1
        neg[d] += p.sentiment == "negative"
    out = []
    for d0 in range(first, last - n + 1):
        t = sum(tot[d] for d in range(d0, d0 + n))
        if t:
            out.append(sum(neg[d] for d in range(d0, d0 + n)) / t)
    return out
