"""Evaluate emerging-issue alerts: the demo's planted problem, and replays of real labelled data.

Usage: .venv/bin/python scripts/eval_alerts.py [--posts 3000] [--only demo|airline|asapp ...]

Gold labels (sentiment, type, spam, relevance) come from the generator's truth or the data set's
own annotations, so this measures the alerting, not the labeller.

Replays (``--seed``): every post of the data set is put on a constructed 8-week timeline with a
weekday rhythm (weekends at 60-70 %) and 30 % growth over the period. One labelled category is
then turned into a burst: ``--burst`` (30) of its posts are held out of the background and
injected over 3 days from day 52, growing (density rising linearly), on top of the category's
own steady background. Each category of each data set is one replay; a replay without a burst
measures false alarms. Every 12 hours from the burst's start the detector runs as of that time
(themes updated first) for the burst's product; the alerts that fired in that run are ranked by
score. An alert is *correct* when more than half of its posts are burst posts (``issue``: posts
of the burst's category, held out or background, which the detector cannot tell apart). Caught:
the first run with a correct alert in its top 3; lead time: hours after the burst's first post
and burst posts seen by then. Precision@k: correct share of the top k alerts of the last run.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import math
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _gold import write_gold

from earful.insights.alerts import detect_alerts
from earful.insights.scope import Scope
from earful.insights.themes import update_themes

T0 = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
DAYS = 56
BURST_DAY = 52
WEEKDAY = (1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.7)


def _correct(a: Any, positive: set[str]) -> bool:
    ids = a.explanation["post_ids"]
    return sum(1 for i in ids if i in positive) * 2 > len(ids)


def _precision(alerts: list[Any], positive: set[str], k: int) -> float:
    top = alerts[:k]
    return sum(_correct(a, positive) for a in top) / len(top) if top else 0.0


def _fired(store: Any, step: datetime, product: str) -> list[Any]:
    from earful.store.insights import ALERT_STATES, list_alerts

    rows = list_alerts(store.conn, ALERT_STATES, limit=100_000)
    return [a for a in rows if a.last_seen == step.isoformat() and a.product == product]


# -- the demo ----------------------------------------------------------------------------------

PRODUCTS = ("Acme Pulse", "Brightmetrics", "Chartwell")


def eval_demo(root: Path, n_posts: int) -> None:
    from earful.demo import generate_with_truth, planted_window
    from earful.demo.workspace import build_demo

    report = build_demo(root, n_posts=n_posts, label=False)
    ws = report.workspace
    store = ws.store()
    pairs = generate_with_truth(n_posts=n_posts)
    write_gold(store, pairs, list(PRODUCTS))
    planted = {f"{p['source']}:{p['id']}" for p, t in pairs if t.planted}
    start, end = planted_window()
    step = start - timedelta(hours=12)
    caught = None
    t0 = time.perf_counter()
    alerts: list[Any] = []
    while step <= end:
        update_themes(store, ws.config, Scope("Acme Pulse", None, step))
        detect_alerts(store, ws.config, now=step)
        alerts = sorted(
            (a for p in PRODUCTS for a in _fired(store, step, p)),
            key=lambda a: -a.score,
        )
        top1 = _precision(alerts, planted, 1) == 1.0
        seen = sum(1 for p, t in pairs if t.planted and p["created_at"] < step.isoformat())
        print(f"  {step:%m-%d %H:%M}  planted so far {seen:3}  fired {len(alerts)}  top-1 {top1}")
        if top1 and caught is None:
            caught = (step, seen)
        step += timedelta(hours=6)
    print(
        f"demo ({n_posts} posts): caught (top-1) at {caught[0] if caught else None}"
        f" after {caught[1] if caught else '-'} of 60 planted posts"
        f" ({(caught[0] - start) if caught else '-'} into the window);"
        f" precision@3 at the end {_precision(alerts, planted, 3):.2f},"
        f" @5 {_precision(alerts, planted, 5):.2f}; {time.perf_counter() - t0:.1f}s"
    )
    for a in alerts[:5]:
        share = sum(1 for i in a.explanation["post_ids"] if i in planted)
        print(f"    {a.kind:14} {a.subject} ({share}/{len(a.explanation['post_ids'])} planted)")


# -- replays -----------------------------------------------------------------------------------


@dataclass
class Row:
    id: str
    text: str
    author: str
    product: str | None  # None: the workspace has no products
    category: str
    sentiment: str | None


def _timeline(rng: random.Random) -> datetime:
    """A time in the 8 weeks: weekday rhythm, 30 % growth over the period."""
    while True:
        day = rng.randrange(DAYS)
        if rng.random() < WEEKDAY[day % 7] * (1 + 0.3 * day / DAYS) / 1.3:
            return T0 + timedelta(days=day, seconds=rng.uniform(0, 86_400))


def _burst_time(rng: random.Random) -> datetime:
    """A time in the 3 burst days, density rising linearly (a growing problem)."""
    return T0 + timedelta(days=BURST_DAY) + timedelta(days=3) * math.sqrt(rng.random())


def replay(
    root: Path,
    rows: list[Row],
    products: list[str],
    burst: tuple[str | None, str],
    size: int,
    seed: int,
    hold_all: bool = False,
) -> dict[str, Any]:
    from earful.formats.earful_jsonl import post_from_dict
    from earful.workspace import Workspace

    rng = random.Random(seed)
    toml = '[workspace]\nname = "replay"\n'
    for p in products:
        handle = re.sub(r"\W", "", p.lower())
        toml += f'[[products]]\nname = "{p}"\naliases = ["@{handle}"]\n'
    root.mkdir(parents=True, exist_ok=True)
    (root / "earful.toml").write_text(toml, encoding="utf-8")
    ws = Workspace.init(root)
    store = ws.store()
    product = burst[0]
    pool = [r for r in rows if (r.product, r.category) == burst]
    # at least half of the category stays in the background, unless the (unlabelled)
    # background has its own posts of that kind
    held = rng.sample(pool, min(size, len(pool) if hold_all else len(pool) // 2))
    held_ids = {r.id for r in held}
    placed = [(_timeline(rng), r) for r in rows if r.id not in held_ids]
    placed += [(_burst_time(rng), r) for r in held]
    items = []
    for t, r in placed:
        items.append(
            {
                "source": "x",
                "id": r.id,
                "created_at": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "text": r.text,
                "author": {"id": r.author, "handle": r.author, "followers": 100, "following": 100},
            }
        )
    store.upsert_posts([post_from_dict(i) for i in items])
    _labels(store, placed, products)
    issue = {f"x:{r.id}" for _t, r in placed if (r.product, r.category) == burst}
    gold = {f"x:{r.id}" for r in held}
    start = T0 + timedelta(days=BURST_DAY)
    out: dict[str, Any] = {"fired": [], "caught": None, "burst": len(held)}
    step = start + timedelta(hours=12)
    t0 = time.perf_counter()
    alerts: list[Any] = []
    while step <= start + timedelta(days=3):
        update_themes(store, ws.config, Scope(product, None, step))
        detect_alerts(store, ws.config, product=product, now=step)
        alerts = sorted(_fired(store, step, product or ""), key=lambda a: -a.score)
        out["fired"].append(len(alerts))
        if out["caught"] is None and any(_correct(a, gold) for a in alerts[:3]):
            first = min(t for t, r in placed if r.id in held_ids)
            seen = sum(1 for t, r in placed if r.id in held_ids and t < step)
            out["caught"] = ((step - first).total_seconds() / 3600, seen)
        step += timedelta(hours=12)
    out["p3"] = _precision(alerts, gold, 3)
    out["p5"] = _precision(alerts, gold, 5)
    out["issue_p3"] = _precision(alerts, issue, 3)
    out["top3"] = [(_correct(a, gold), _correct(a, issue)) for a in alerts[:3]]
    out["kinds"] = Counter(a.kind for a in alerts)
    out["top"] = [
        f"{a.kind}: {a.subject} ({sum(i in gold for i in a.explanation['post_ids'])}"
        f"/{len(a.explanation['post_ids'])} burst)"
        for a in alerts[:3]
    ]
    out["seconds"] = time.perf_counter() - t0
    ws.close()
    return out


def _labels(store: Any, placed: list[tuple[datetime, Row]], products: list[str]) -> None:
    ts = datetime.now(UTC).isoformat()
    rows: list[tuple[Any, ...]] = []
    kinds = {"negative": "complaint", "positive": "praise", "neutral": "question"}
    for _t, r in placed:
        rowid = store.post_rowid("x", r.id)
        rows.append((rowid, "spam", "false"))
        if r.sentiment:
            rows += [(rowid, "sentiment", r.sentiment), (rowid, "type", kinds[r.sentiment])]
        rows += [(rowid, f"relevant:{p}", "true" if p == r.product else "false") for p in products]
    with store.transaction() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO labels VALUES (?, ?, ?, 1.0, 'gold', '1', ?)",
            [(*r, ts) for r in rows],
        )


def airline_rows(data: Path) -> list[Row]:
    path = data / "airline_sentiment" / "Tweets.csv"
    out, seen = [], set()
    for r in csv.DictReader(path.open(encoding="utf-8")):
        if r["tweet_id"] in seen:
            continue
        seen.add(r["tweet_id"])
        out.append(
            Row(
                r["tweet_id"],
                r["text"],
                r["name"],
                r["airline"],
                r["negativereason"] or r["airline_sentiment"],
                r["airline_sentiment"],
            )
        )
    return out


def asapp_rows(data: Path, background: int, seed: int) -> list[Row]:
    """First customer turns; all labelled ones, plus a sample of ``background`` unlabelled."""
    path = data / "customer_support_airlines_asapp" / "airlines_raw.csv.bz2"
    with bz2.open(path, "rt", encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    out, seen = [], set()
    for i, r in enumerate(raw):
        text = re.sub(r"</?cust__|__cust>", " ", r["first_utterance"])
        text = text.replace("__company__", "@company").replace("__cust__", "@someone")
        text = " ".join(text.split())
        if not text or text in seen:
            continue
        seen.add(text)
        out.append(Row(f"a{i}", text, f"cust{i}", None, r["tag"], None))
    labelled = [r for r in out if r.category != "UNK"]
    rest = [r for r in out if r.category == "UNK"]
    return labelled + random.Random(seed).sample(rest, min(background, len(rest)))


def run_replays(
    name: str,
    root: Path,
    rows: list[Row],
    products: list[str],
    bursts: Sequence[tuple[str | None, str]],
    size: int,
    seed: int,
    hold_all: bool = False,
    log: Callable[[str], None] = print,
) -> None:
    caught, lead, top3, false_alarms = 0, [], [], []
    for n, b in enumerate(bursts):
        res = replay(root / f"{name}{n}", rows, products, b, size, seed, hold_all)
        c = res["caught"]
        caught += c is not None
        top3 += res["top3"]
        if c:
            lead.append(c[0])
        log(
            f"  {name} burst {b[0] or ''} {b[1]!r} x{res['burst']}: caught"
            f" {'no' if c is None else f'{c[0]:.0f} h after its first post, {c[1]} posts seen'};"
            f" fired per run {res['fired']}; P@3 {res['p3']:.2f} P@5 {res['p5']:.2f}"
            f" (issue P@3 {res['issue_p3']:.2f}); {res['seconds']:.0f}s"
        )
        for t in res["top"]:
            log(f"      {t}")
    for p in sorted({b[0] for b in bursts}, key=str):  # a replay without a burst
        res = replay(root / f"{name}null{p}", rows, products, (p, "\0none"), size, seed)
        false_alarms += res["fired"]
        kinds = dict(res["kinds"])
        log(f"  {name} no burst ({p or 'all posts'}): fired per run {res['fired']} {kinds}")
    k, n = len(bursts), len(top3)
    log(
        f"{name}: caught {caught}/{k}; mean lead {sum(lead) / max(1, len(lead)):.0f} h;"
        f" top-3 alerts of each replay's last run: {sum(c for c, _ in top3)}/{n} correct"
        f" ({sum(i for _, i in top3)}/{n} issue-level); without a burst"
        f" {sum(false_alarms)} alerts in {len(false_alarms)} runs"
    )


AIRLINE_BURSTS: list[tuple[str | None, str]] = [
    ("United", "Lost Luggage"),
    ("United", "Late Flight"),
    ("United", "Cancelled Flight"),
    ("United", "Flight Booking Problems"),
    ("United", "Bad Flight"),
    ("United", "Customer Service Issue"),
    ("United", "Flight Attendant Complaints"),
    ("United", "Damaged Luggage"),
    ("American", "Cancelled Flight"),
    ("American", "Lost Luggage"),
    ("American", "Flight Booking Problems"),
]
ASAPP_BURSTS: list[tuple[str | None, str]] = [
    (None, c)
    for c in [
        "DELAY",
        "BAGGAGE",
        "INFLIGHTENT",
        "TERMOPS",
        "INFLIGHTFACS",
        "FLIGHTSTAFF",
        "BOOKFLT",
    ]
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--only", nargs="*", default=["demo", "airline", "asapp"])
    ap.add_argument("--burst", type=int, default=30)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--asapp-background", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if "demo" in args.only:
            eval_demo(Path(tmp) / "demo", args.posts)
        if "airline" in args.only:
            rows = airline_rows(args.data)
            products = sorted({r.product for r in rows if r.product})
            run_replays("airline", Path(tmp), rows, products, AIRLINE_BURSTS, args.burst, args.seed)
        if "asapp" in args.only:
            rows = asapp_rows(args.data, args.asapp_background, args.seed)
            run_replays("asapp", Path(tmp), rows, [], ASAPP_BURSTS, args.burst, args.seed, True)


if __name__ == "__main__":
    main()
