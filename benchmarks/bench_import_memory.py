"""Import N generated posts from Earful JSONL and report posts/s and peak RSS.

Run on demand (not in CI)::

    .venv/bin/python benchmarks/bench_import_memory.py            # 1,000,000 posts
    .venv/bin/python benchmarks/bench_import_memory.py --n 100000

Comparing the peak RSS of 100k and 1M shows whether the import streams in constant memory.
The generated file and database live in a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORDS = (
    "acme", "pulse", "dashboard", "export", "crash", "slow", "login", "sync", "love", "hate",
    "pricing", "support", "feature", "request", "bug", "release", "beta", "mobile", "app",
    "android", "ios", "latency", "outage", "thanks", "great", "awful", "onboarding",
    "integration", "slack", "api", "webhook", "team", "plan", "upgrade", "refund", "café",
    "naïve"
)


def generate(path: Path, n: int, seed: int = 7) -> None:
    """Write ``n`` Earful JSONL posts (some with entities, replies, authors) to ``path``."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            words = rng.choices(WORDS, k=rng.randint(6, 30))
            if i % 5 == 0:
                words.append(f"#{rng.choice(WORDS)}")
            if i % 7 == 0:
                words.insert(0, f"@user{rng.randint(1, 5000)}")
            if i % 11 == 0:
                words.append(f"https://example.com/p/{i}")
            handle = f"user{rng.randint(1, 50000)}"
            obj: dict[str, object] = {
                "source": rng.choice(("x", "bluesky", "mastodon", "reddit")),
                "id": str(10**12 + i),
                "created_at": (start + timedelta(seconds=i * 3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "text": " ".join(words),
                "lang": "en",
                "author": {"id": handle, "handle": handle, "followers": rng.randint(0, 10**5)},
                "metrics": {"likes": rng.randint(0, 50), "reposts": rng.randint(0, 9)},
            }
            if i % 4 == 0:
                obj["reply_to"] = {"post_id": str(10**12 + max(0, i - 3))}
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="posts to generate")
    parser.add_argument("--keep", type=Path, help="write the JSONL here and keep it")
    args = parser.parse_args(argv)

    from earful.importers import import_file
    from earful.store import open_store

    with tempfile.TemporaryDirectory(prefix="earful-bench-") as tmp:
        src = args.keep or Path(tmp) / "posts.jsonl"
        t0 = time.perf_counter()
        generate(src, args.n)
        gen_s = time.perf_counter() - t0
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        store = open_store(Path(tmp) / "earful.db")
        t0 = time.perf_counter()
        report = import_file(store, src, fmt="jsonl", mapping={}, source=None, skip_bad=None)
        elapsed = time.perf_counter() - t0
        store.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        size = src.stat().st_size
    print(f"generated {args.n:,} posts ({size / 2**20:.1f} MiB) in {gen_s:.1f} s")
    print(f"imported {report.inserted:,} new, {report.updated:,} updated in {elapsed:.1f} s")
    print(f"throughput: {args.n / elapsed:,.0f} posts/s")
    print(f"peak RSS: {peak / 1024:.1f} MiB (before import: {rss_before / 1024:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
