"""The statistics of alerts: the weekday- and growth-aware baseline, exact tail probabilities,
the onset of an excess and a robust (median/MAD) z-score."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

DAY = 86_400


def weekday(day: int) -> int:
    return (day + 3) % 7  # day 0 (1970-01-01) was a Thursday; Monday is 0


class Baseline:
    """Expected counts from a baseline level, the weekday profile and the growth of all posts."""

    def __init__(self, volume: dict[int, int], lo: int, cut: int, hi: int) -> None:
        days = range(lo // DAY, cut // DAY)
        by_wd: dict[int, list[int]] = defaultdict(list)
        for d in days:
            by_wd[weekday(d)].append(volume.get(d, 0))
        means = {wd: sum(v) / len(v) for wd, v in by_wd.items() if v}
        overall = sum(means.values()) / max(1, len(means)) or 1.0
        self.weekday = {wd: (means.get(wd, overall) / overall) or 1.0 for wd in range(7)}
        weights = sum(self.weekday[weekday(d)] for d in days) or 1.0
        base_rate = sum(volume.get(d, 0) for d in days) / weights
        recent_w = self.window_weights(cut, hi)
        recent_total = sum(volume.get(d, 0) for d in range(cut // DAY, (hi - 1) // DAY + 1))
        expected_total = base_rate * recent_w
        self.growth = min(3.0, max(0.5, recent_total / expected_total)) if expected_total else 1.0
        self.base_weights = weights
        self.recent_weights = recent_w
        self.lo, self.cut, self.hi = lo, cut, hi

    def window_weights(self, cut: int, hi: int) -> float:
        total = 0.0
        t = cut
        while t < hi:
            day_end = (t // DAY + 1) * DAY
            total += (min(day_end, hi) - t) / DAY * self.weekday[weekday(t // DAY)]
            t = day_end
        return total

    def expected(self, baseline_count: float) -> float:
        return baseline_count / self.base_weights * self.recent_weights * self.growth

    def share(self) -> float:
        """Under no change, the window's share of (baseline + window) counts."""
        r = self.recent_weights * self.growth
        return r / (self.base_weights + r)


# -- statistics --------------------------------------------------------------------------------


def binom_sf(k: int, n: int, q: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, q)."""
    if k <= 0:
        return 1.0
    if k > n or q <= 0.0:
        return 0.0
    if q >= 1.0:
        return 1.0
    lq, l1q, ln = math.log(q), math.log1p(-q), math.lgamma(n + 1)
    total, i = 0.0, k
    while i <= n:
        term = math.exp(ln - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lq + (n - i) * l1q)
        total += term
        if i > n * q and term < total * 1e-12:
            break
        i += 1
    return min(1.0, total)


def poisson_sf(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    if lam <= 0.0:
        return 0.0
    term = math.exp(-lam)
    cdf = 0.0
    for i in range(k):
        cdf += term
        term *= lam / (i + 1)
    if cdf < 0.999:
        return max(0.0, 1.0 - cdf)
    total, i = 0.0, k  # sum the upper tail directly: 1 - cdf loses precision
    term = math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))
    while term > total * 1e-12 or i < lam:
        total += term
        i += 1
        term *= lam / i
    return min(1.0, total)


def surprise(p: float) -> float:
    """-log10(p), capped at 30."""
    return round(min(30.0, -math.log10(max(p, 1e-30))), 2)


def onset(stamps: Sequence[int], rate: float, end: int) -> int:
    """When the excess began: the time t after which the posts, against ``rate`` per second, are
    most unlikely (the Poisson log-likelihood ratio c log(c/e) - (c - e) of the c posts after t,
    e expected); with nothing expected, the first post."""
    best_t, best = stamps[0], -math.inf
    n = len(stamps)
    for i, t in enumerate(sorted(stamps)):
        c, e = n - i, max(rate * (end - t), 1e-9)
        gain = c * math.log(c / e) - (c - e)
        if gain > best:
            best_t, best = t, gain
    return best_t


def modified_z(x: float, values: Sequence[float]) -> float:
    """0.6745 (x - median) / MAD; with a MAD of 0 (a flat baseline), 1/10 of the median stands
    in, so a flat series still needs a clear step to count."""
    if not values:
        return 0.0
    s = sorted(values)
    med = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
    dev = sorted(abs(v - med) for v in s)
    mad = dev[len(dev) // 2] if len(dev) % 2 else (dev[len(dev) // 2 - 1] + dev[len(dev) // 2]) / 2
    mad = mad or max(med / 10, 1e-9)
    return 0.6745 * (x - med) / mad
