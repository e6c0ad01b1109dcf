"""Measure the engagement features on real data (../shared/data) and on the demo's gold truth.

Run: ``.venv/bin/python scripts/eval_engage.py [--data /work/shared/data]``. Prints one line per
measurement; nothing is written outside a temporary folder.

* tweet_acts: question ranking by the intent rules (P@k, average precision) on deduplicated,
  non-conflicting tweets.
* customer_support_ibm_cdp: conversations rebuilt as reply threads; do the support accounts
  rank as experts (precision@k), are opening customer turns flagged as questions (recall), and
  are the links the agents shared found as articles.
* coachella_2015: mention/retweet graph; overlap of the top experts with the most retweeted.
* demo gold truth: queue precision@20, experts precision, articles NDCG@10, promo classifier.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def average_precision(labels: list[bool]) -> float:
    hits, total = 0, 0.0
    for i, rel in enumerate(labels, 1):
        if rel:
            hits += 1
            total += hits / i
    return total / max(1, sum(labels))


def tweet_acts(root: Path) -> None:
    from earful.engage.intent import question_intent

    rows: dict[str, set[str]] = {}
    with (root / "tweet_acts" / "TWEET_DATA.csv").open(encoding="utf-8", errors="replace") as fh:
        for rec in csv.reader(fh):
            if len(rec) >= 2:
                rows.setdefault(rec[0].strip(), set()).add(rec[1].strip())
    data = [(t, "QUE" in labs) for t, labs in rows.items() if len(labs) == 1]
    scored = sorted(data, key=lambda d: -question_intent(d[0])[0])
    rel = [q for _t, q in scored]
    base = sum(rel) / len(rel)
    flagged = [q for t, q in data if question_intent(t)[0] > 0]
    print(f"tweet_acts: {len(data)} tweets, {sum(rel)} questions (base rate {base:.3f})")
    for k in (50, 100, 200):
        print(f"  question P@{k} = {sum(rel[:k]) / k:.3f}")
    print(f"  question AP = {average_precision(rel):.3f}")
    print(
        f"  flagged (score>0): precision {sum(flagged) / max(1, len(flagged)):.3f},"
        f" recall {sum(flagged) / max(1, sum(rel)):.3f}"
    )


def _store(tmp: Path, name: str, config: str = "") -> Any:
    from earful.workspace import Workspace

    return Workspace.init(tmp / name, config_text=config or "[workspace]\nname = 'eval'\n")


def ibm(root: Path, tmp: Path) -> None:
    from earful.engage.articles import articles
    from earful.engage.experts import experts
    from earful.engage.intent import lead_intent, question_intent
    from earful.formats.earful_jsonl import post_from_dict

    convs: list[dict[str, Any]] = []
    for split in ("dev.json", "test.json"):
        convs += json.loads((root / "customer_support_ibm_cdp" / split).read_text(encoding="utf-8"))
    posts, companies, first_turns, gold_urls = [], set(), [], set()
    for conv in convs:
        company = conv["dialogHeader"]["company"]
        companies.add(company.casefold())
        prev: tuple[str, str] | None = None
        turns = list(conv["dialogContent"])
        url_turn = conv["agentURL"]
        turns.append(
            {
                "agent": company,
                "datetime": None,
                "message": url_turn["url_utterance"],
                "tweet_ID": url_turn["tweet_ID"],
            }
        )
        gold_urls.add(url_turn["url"])
        when = conv["dialogHeader"]["conversationDateTime"]
        for i, turn in enumerate(turns):
            who = turn.get("client") or turn.get("agent")
            if not who:
                continue
            data: dict[str, Any] = {
                "source": "x",
                "id": str(turn["tweet_ID"]),
                "created_at": (turn.get("datetime") or when)[:19] + "Z",
                "text": turn["message"],
                "author": {"id": who, "handle": who},
            }
            if prev is not None:
                data["reply_to"] = {"post_id": prev[0], "author_handle": prev[1]}
            if i == 0 and turn.get("client"):
                first_turns.append(turn["message"])
            posts.append(post_from_dict(data))
            prev = (str(turn["tweet_ID"]), who)
    ws = _store(tmp, "ibm")
    store = ws.store()
    store.upsert_posts(posts)
    ranked = experts(store, None, None, limit=None)
    print(
        f"ibm_cdp: {len(convs)} conversations, {len(posts)} posts,"
        f" {len(companies)} support accounts"
    )
    for k in (10, 25):
        hits = sum(p.handle.casefold() in companies for p in ranked[:k])
        print(f"  experts precision@{k} (support accounts) = {hits / k:.3f}")
    q = [max(question_intent(t)[0], lead_intent(t)[0]) > 0 for t in first_turns]
    print(f"  opening customer turns flagged as question/lead: {sum(q) / len(q):.3f} (recall)")
    arts = articles(store, None, days=3650, limit=None, now=datetime(2021, 1, 1, tzinfo=UTC))
    from earful.links import canonical_urls

    gold = set(canonical_urls(gold_urls))
    top20 = [a.url for a in arts[:20]]
    print(
        f"  articles: {len(arts)} found, precision@20 (agent-shared help docs) ="
        f" {sum(u in gold for u in top20) / max(1, len(top20)):.3f},"
        f" recall of agent-shared docs {len(gold & {a.url for a in arts}) / len(gold):.3f}"
    )
    ws.close()


def coachella(root: Path, tmp: Path) -> None:
    from earful.engage.experts import experts
    from earful.formats.earful_jsonl import post_from_dict

    posts = []
    received: Counter[str] = Counter()
    path = root / "coachella_2015" / "Coachella-2015-2-DFE.csv"
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            text = row["text"]
            m = re.match(r"RT @(\w+):", text)
            if m:
                received[m.group(1).casefold()] += 1
            stamp = datetime.strptime(row["tweet_created"], "%m/%d/%y %H:%M").replace(tzinfo=UTC)
            posts.append(
                post_from_dict(
                    {
                        "source": "x",
                        "id": str(i),
                        "created_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "text": text,
                        "author": {"id": row["name"], "handle": row["name"]},
                    }
                )
            )
    ws = _store(tmp, "coachella")
    ws.store().upsert_posts(posts)
    ranked = experts(ws.store(), "coachella OR #coachella2015", None, limit=None)
    ours = [p.handle.casefold() for p in ranked[:10]]
    theirs = [h for h, _n in received.most_common(10)]
    print(f"coachella_2015: {len(posts)} tweets, {len(received)} retweeted accounts")
    print(
        f"  experts top-10 overlap with the 10 most retweeted = {len(set(ours) & set(theirs))}/10"
    )
    print(f"  top-5 experts: {', '.join(ours[:5])}")
    ws.close()


def demo(tmp: Path) -> None:
    from earful.demo import PRODUCT, PRODUCT_ALIASES, generate_with_truth
    from earful.demo.workspace import demo_toml
    from earful.engage.articles import articles
    from earful.engage.coach import promo_counts
    from earful.engage.experts import experts
    from earful.engage.queue import answer_queue
    from earful.formats.earful_jsonl import post_from_dict

    pairs = generate_with_truth()
    ws = _store(tmp, "demo", demo_toml())
    store = ws.store()
    store.upsert_posts(post_from_dict(d) for d, _t in pairs)
    truth = {(d["source"], d["id"]): t for d, t in pairs}
    queue = answer_queue(store, ws.config, days=7, limit=None)
    good = [truth[tuple(q.key.split(":", 1))].kind in ("question", "lead") for q in queue]
    spam = sum(truth[tuple(q.key.split(":", 1))].spam for q in queue)
    print(
        f"demo: queue {len(queue)} items, P@20 = {sum(good[:20]) / 20:.3f},"
        f" P@50 = {sum(good[:50]) / 50:.3f}, spam in queue = {spam}"
    )
    gold_experts = {d["author"]["handle"].casefold() for d, t in pairs if t.role == "expert"}
    ranked = experts(store, None, ws.config, limit=14)
    hits = sum(p.handle.casefold() in gold_experts for p in ranked)
    print(f"  experts precision@14 (gold role expert) = {hits / 14:.3f}")
    sharers: dict[str, set[str]] = {}
    for d, t in pairs:
        if t.kind == "article_share" and t.article:
            sharers.setdefault(t.article, set()).add(d["author"]["handle"])
    gain = {u: len(s) for u, s in sharers.items()}
    arts = articles(store, ws.config, days=31, limit=10)
    dcg = sum(gain.get(a.url, 0) / math.log2(i + 2) for i, a in enumerate(arts))
    ideal = sum(
        g / math.log2(i + 2) for i, g in enumerate(sorted(gain.values(), reverse=True)[:10])
    )
    print(f"  articles NDCG@10 (gain = gold distinct sharers) = {dcg / ideal:.3f}")
    gold = [
        (post_from_dict(d), t.kind == "own_promo")
        for d, t in pairs
        if t.kind in ("own_promo", "own_helpful")
    ]
    c = promo_counts(gold, (PRODUCT, *PRODUCT_ALIASES))
    prec = c["tp"] / max(1, c["tp"] + c["fp"])
    rec = c["tp"] / max(1, c["tp"] + c["fn"])
    print(f"  promo classifier on own posts: precision {prec:.3f}, recall {rec:.3f} ({dict(c)})")
    ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tweet_acts(args.data)
        ibm(args.data, Path(tmp))
        coachella(args.data, Path(tmp))
        demo(Path(tmp))


if __name__ == "__main__":
    main()
