"""Evaluate emerging-issue alerts: the demo's planted CSV-export problem, and a real-data replay.

Usage: .venv/bin/python scripts/eval_alerts.py [--posts 3000] [--out DIR]

Gold labels (sentiment, type, spam, relevance) come from the generator's truth or the data set's
own annotations, so this measures the alerting, not the labeller.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _gold import write_gold

from earful.insights.alerts import detect_alerts
from earful.insights.scope import Scope
from earful.insights.themes import update_themes


def _precision(alerts: list[Any], positive: set[str], k: int) -> tuple[float, list[str]]:
    top = alerts[:k]
    hits = []
    for a in top:
        ids = a.explanation["post_ids"]
        share = sum(1 for i in ids if i in positive) / max(1, len(ids))
        hits.append(f"{a.subject} ({share:.0%} gold)")
    good = sum(
        1
        for a in top
        if sum(1 for i in a.explanation["post_ids"] if i in positive) * 2
        > len(a.explanation["post_ids"])
    )
    return (good / len(top) if top else 0.0), hits


def eval_demo(root: Path, n_posts: int) -> None:
    from earful.demo import generate_with_truth, planted_window
    from earful.demo.workspace import build_demo

    report = build_demo(root, n_posts=n_posts, label=False)
    ws = report.workspace
    store = ws.store()
    pairs = generate_with_truth(n_posts=n_posts)
    write_gold(store, pairs, ["Acme Pulse", "Brightmetrics", "Chartwell"])
    planted = {f"{p['source']}:{p['id']}" for p, t in pairs if t.planted}
    start, end = planted_window()
    step = start - timedelta(hours=12)
    caught = None
    t0 = time.perf_counter()
    while step <= end:
        update_themes(store, ws.config, Scope("Acme Pulse", None, step))
        alerts = detect_alerts(store, ws.config, now=step)
        prec, _ = _precision(alerts, planted, 1)
        seen = sum(1 for p, t in pairs if t.planted and p["created_at"] < step.isoformat())
        print(
            f"  {step:%m-%d %H:%M}  planted posts so far {seen:3}  open alerts {len(alerts)}"
            f"  top alert is the planted issue: {prec == 1.0}"
        )
        if prec == 1.0 and caught is None:
            caught = (step, seen)
        step += timedelta(hours=6)
    p3, hits = _precision(alerts, planted, 3)
    print(
        f"demo ({n_posts} posts): caught at {caught[0] if caught else None}"
        f" after {caught[1] if caught else '-'} of 60 planted posts"
        f" ({(caught[0] - start) if caught else '-'} into the window);"
        f" precision@3 at the end {p3:.2f}; {time.perf_counter() - t0:.1f}s"
    )
    for h in hits:
        print("   ", h)


def eval_airline(root: Path, data: Path) -> None:
    """Replay airline tweets on a constructed 31-day timeline; one complaint reason is new."""
    from earful.formats.earful_jsonl import post_from_dict
    from earful.workspace import Workspace

    rows = list(csv.DictReader(data.open(encoding="utf-8")))
    novel_reason = "Lost Luggage"
    rng = random.Random(5)
    end = datetime(2026, 3, 31, 18, tzinfo=UTC)
    start = end - timedelta(days=31)
    window = end - timedelta(days=3)
    root.mkdir(parents=True, exist_ok=True)
    (root / "earful.toml").write_text(
        '[workspace]\nname = "replay"\n[[products]]\nname = "United"\n'
        'aliases = ["@united"]\ncompetitors = ["Delta"]\n',
        encoding="utf-8",
    )
    ws = Workspace.init(root)
    store = ws.store()
    posts, gold, novel = [], [], set()
    united = [r for r in rows if r["airline"] == "United"]
    novel_rows = [r for r in united if r["negativereason"] == novel_reason]
    rng.shuffle(novel_rows)
    novel_rows = novel_rows[:40]
    other = [r for r in united if r["negativereason"] != novel_reason]
    for r in other:  # the steady month, weekday-weighted
        while True:
            t = start + timedelta(seconds=rng.uniform(0, 31 * 86400))
            if t.weekday() < 5 or rng.random() < 0.5:
                break
        posts.append((t, r))
    for i, r in enumerate(novel_rows):  # growing burst in the last 3 days
        day = 0 if i < 6 else 1 if i < 16 else 2
        t = window + timedelta(days=day, seconds=rng.uniform(0, 86400 * (0.75 if day == 2 else 1)))
        posts.append((t, r))
        novel.add(f"x:{r['tweet_id']}")
    for t, r in posts:
        posts_dict = {
            "source": "x",
            "id": r["tweet_id"],
            "created_at": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "text": r["text"],
            "author": {"id": r["name"], "handle": r["name"], "followers": 100, "following": 100},
        }
        gold.append((posts_dict, r))
    store.upsert_posts([post_from_dict(p) for p, _ in gold])
    ts = datetime.now(UTC).isoformat()
    label_rows = []
    for p, r in gold:
        rowid = store.post_rowid("x", p["id"])
        label_rows += [
            (rowid, "sentiment", r["airline_sentiment"], 1.0, "gold", "1", ts),
            (
                rowid,
                "type",
                "complaint"
                if r["airline_sentiment"] == "negative"
                else "praise"
                if r["airline_sentiment"] == "positive"
                else "question",
                1.0,
                "gold",
                "1",
                ts,
            ),
            (rowid, "spam", "false", 1.0, "gold", "1", ts),
            (rowid, "relevant:United", "true", 1.0, "gold", "1", ts),
        ]
    with store.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO labels VALUES (?, ?, ?, ?, ?, ?, ?)", label_rows)
    caught = None
    step = window
    while step <= end:
        update_themes(store, ws.config, Scope("United", None, step))
        alerts = detect_alerts(store, ws.config, now=step)
        prec, _ = _precision(alerts, novel, 1)
        if prec == 1.0 and caught is None:
            caught = step
        step += timedelta(hours=12)
    p3, hits = _precision(alerts, novel, 3)
    p5, _ = _precision(alerts, novel, 5)
    print(
        f"airline replay ({len(gold)} United tweets, novel '{novel_reason}' x{len(novel_rows)}):"
        f" first top-1 hit {caught} ({(caught - window) if caught else '-'} into the burst);"
        f" precision@3 {p3:.2f}, @5 {p5:.2f}; open alerts {len(alerts)}"
    )
    for h in hits:
        print("   ", h)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        eval_demo(Path(tmp) / "demo", args.posts)
        eval_airline(Path(tmp) / "airline", args.data / "airline_sentiment" / "Tweets.csv")


if __name__ == "__main__":
    main()
