"""Synthetic Earful JSONL posts for benchmarks (seeded; invented words, not real posts)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

SOURCES = ("x", "x", "x", "bluesky", "mastodon", "reddit", "hn", "rss")
TOPIC = [
    "acme",
    "pulse",
    "export",
    "csv",
    "dashboard",
    "chart",
    "report",
    "bug",
    "crash",
    "slow",
    "login",
    "billing",
    "price",
    "pricing",
    "feature",
    "request",
    "dark",
    "mode",
    "api",
    "integration",
    "slack",
    "webhook",
    "onboarding",
    "churn",
    "retention",
    "cohort",
    "funnel",
    "metric",
    "analytics",
    "product",
    "manager",
    "roadmap",
    "launch",
    "release",
    "update",
    "sync",
    "mobile",
    "app",
    "chartwell",
    "brightmetrics",
    "alternative",
    "recommend",
    "recommendation",
    "looking",
    "tool",
    "team",
    "startup",
    "saas",
]
LANGS = ("en", "en", "en", "en", "es", "de", "fr", "pt")
HASHTAGS = ("acmepulse", "prodmgmt", "saas", "analytics", "ProductCon26", "buildinpublic", "ux")


def _vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyzéü"
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(2, 9))))
    return sorted(words)


ORDERS = ("newest-first", "random")


def _created(rng: random.Random, i: int, n: int, start: datetime, span: int, order: str) -> str:
    """Timestamp of post i: newest first with up to an hour of jitter (the order of an X archive
    or of search-API pages, several watches merged), or uniformly random (a stress case)."""
    if order == "random":
        offset = rng.randrange(span)
    else:
        offset = int(span * (1 - (i + 1) / n)) + rng.randrange(-3600, 3600)
        offset = min(max(offset, 0), span - 1)
    return (start + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(n: int, seed: int = 1, order: str = "newest-first") -> Iterator[dict[str, object]]:
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    cum: list[float] = []
    total = 0.0
    for i in range(len(vocab)):
        total += 1.0 / (i + 1)
        cum.append(total)
    rng.shuffle(vocab)
    start = datetime(2026, 8, 1, tzinfo=UTC)
    span = 90 * 86400
    authors = [f"user{i}" for i in range(50_000)]
    for i in range(n):
        words = rng.choices(vocab, cum_weights=cum, k=rng.randint(6, 30))
        for _ in range(rng.randint(0, 4)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(TOPIC))
        if rng.random() < 0.3:
            words.append("#" + rng.choice(HASHTAGS))
        if rng.random() < 0.2:
            words.append("@" + rng.choice(authors[:2000]))
        if rng.random() < 0.15:
            words.append(f"https://example{rng.randint(1, 500)}.com/post/{rng.randint(1, 99999)}")
        author = rng.choice(authors)
        source = rng.choice(SOURCES)
        post: dict[str, object] = {
            "source": source,
            "id": str(10_000_000 + i),
            "created_at": _created(rng, i, n, start, span, order),
            "text": " ".join(words),
            "lang": rng.choice(LANGS),
            "author": {
                "id": author,
                "handle": author,
                "followers": int(rng.paretovariate(1.2) * 10),
            },
            "metrics": {
                "likes": int(rng.paretovariate(1.5)) - 1,
                "reposts": int(rng.paretovariate(2.0)) - 1,
                "replies": int(rng.paretovariate(2.0)) - 1,
                "quotes": 0,
            },
        }
        if rng.random() < 0.25:
            post["reply_to"] = {
                "post_id": str(10_000_000 + rng.randrange(i + 1)),
                "author_handle": rng.choice(authors),
            }
        yield post


def write(path: Path, n: int, seed: int = 1, order: str = "newest-first") -> None:
    with path.open("w", encoding="utf-8") as fh:
        for post in generate(n, seed, order):
            fh.write(json.dumps(post, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    import sys

    order = sys.argv[3] if len(sys.argv) > 3 else "newest-first"
    write(Path(sys.argv[1]), int(sys.argv[2]), order=order)
