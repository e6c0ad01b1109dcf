#!/usr/bin/env python
"""End-to-end labelling speed: Earful JSONL -> ``earful label`` code path -> JSONL.

Usage: ``python benchmarks/bench_label.py [--n 20000] [--jobs 2] [--accurate] [--input F]``;
prints posts/s including model load, the load time on its own, steady-state posts/s
(after the load) and peak RSS. ``--input`` labels the first ``--n`` lines of a real JSONL file
(repeated if shorter) instead of the synthetic posts, whose ten bodies repeat a lot;
``--tweets DIR`` labels distinct real tweets from the SemEval files in DIR (e.g.
``../shared/data/semeval2017_task4a_train``, ~50k tweets), shuffled with a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

_OPENERS = ["Honestly", "Wow", "Ugh", "So", "Just saw that", "Not sure but", "Hey @acmehq"]
_BODIES = [
    "the new Acme Pulse update keeps crashing when I open settings",
    "could you please add a dark mode and export to CSV",
    "loving the redesign, everything feels faster now",
    "how do I reset my password on the mobile app?",
    "can anyone recommend an alternative to Acme for small teams?",
    "check out my channel and subscribe http://spam.example/a http://spam.example/b",
    "support took three days to answer my ticket, not impressed",
    "the meeting notes sync between laptop and phone without issues",
    "pricing went up again and I still cannot share boards",
    "is there a way to schedule posts for next week",
]
_TAILS = ["", " #productivity", " :)", " :(", " https://t.co/abc123", "!!", " lol", " 🙄"]


def synth(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    lines = []
    for i in range(n):
        text = f"{rnd.choice(_OPENERS)} {rnd.choice(_BODIES)}{rnd.choice(_TAILS)}"
        obj: dict[str, object] = {"id": f"p{i}", "source": "bench", "text": text}
        if i % 3 == 0:
            obj["author"] = {
                "handle": f"user{i % 97}",
                "followers": rnd.randint(0, 5000),
                "following": rnd.randint(0, 5000),
            }
        lines.append(json.dumps(obj))
    return lines


def semeval_tweets(folder: Path, n: int, seed: int = 7) -> list[str]:
    """Up to ``n`` distinct tweets (``id<TAB>label<TAB>text`` files) as Earful JSONL lines."""
    from earful.labels.datasets import decode_u_escapes

    seen: dict[str, None] = {}
    for path in sorted(folder.glob("twitter-*-A.txt")):
        for row in path.read_text(encoding="utf-8").splitlines():
            parts = row.split("\t")
            if len(parts) >= 3:
                seen.setdefault(decode_u_escapes(parts[2]), None)
    texts = list(seen)
    random.Random(seed).shuffle(texts)
    if len(texts) < n:
        raise SystemExit(f"only {len(texts)} distinct tweets in {folder}, asked for {n}")
    return [json.dumps({"id": f"t{i}", "text": t}) for i, t in enumerate(texts[:n])]


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=20000)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--accurate", action="store_true")
    p.add_argument("--input", type=Path, default=None, help="real JSONL instead of synthetic")
    p.add_argument("--tweets", type=Path, default=None, help="SemEval folder: distinct tweets")
    args = p.parse_args()
    from earful.labels.jsonl import label_file, preload

    if args.input is not None:
        real = [x for x in args.input.read_text(encoding="utf-8").splitlines() if x.strip()]
        lines = (real * (args.n // len(real) + 1))[: args.n]
    elif args.tweets is not None:
        lines = semeval_tweets(args.tweets, args.n)
    else:
        lines = synth(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        dst = Path(tmp) / "out.jsonl"
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        c0 = _cpu()
        preload()  # what label_file does first; timed on its own
        if args.accurate:
            from earful.labels.accurate import _encoder

            _encoder()
        t_load = time.perf_counter() - t0
        t1 = time.perf_counter()
        with dst.open("w", encoding="utf-8") as fh:
            label_file(src, fh, None, accurate=args.accurate, jobs=args.jobs)
        t_label = time.perf_counter() - t1
        elapsed = time.perf_counter() - t0
        cpu = _cpu() - c0
        n_out = sum(1 for _ in dst.open(encoding="utf-8"))
    assert n_out == args.n
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    path = "accurate" if args.accurate else "fast"
    print(
        f"path={path} jobs={args.jobs} posts={args.n} seconds={elapsed:.2f} "
        f"posts_per_s={args.n / elapsed:,.0f} load_s={t_load:.2f} "
        f"steady_posts_per_s={args.n / t_label:,.0f} peak_rss_mb={self_kb / 1024:.0f} "
        f"peak_rss_worker_mb={child_kb / 1024:.0f} cpu_s={cpu:.2f} "
        f"posts_per_cpu_s={args.n / cpu:,.0f} (posts_per_s includes model load; "
        f"load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
