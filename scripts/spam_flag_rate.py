#!/usr/bin/env python
"""How often the labeller calls ordinary tweets spam, per ``source`` (no labels needed).

    python scripts/spam_flag_rate.py [--n 5000] [--show]

Labels the first ``--n`` tweets of the SemEval 2016 test year and TweetEval's sentiment val split
(neither holds labelled spam; nearly all are ordinary posts) as if they came from no known
source (judged as comments, like YouTube, unless a ``t.co`` link shows a tweet) and from ``x``
(a timeline), and prints the share flagged with the reasons given. Then three streams labelled
as X posts with their authors, as a workspace labels them: the IBM customer-care conversations
(customers and 25 brands' support accounts; no spam), the Coachella 2015 tweets (with their
retweets) and the demo workspace's invented posts (whose gold truth says which are spam).
``--show`` lists the flagged ``x`` posts, to read them.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def streams() -> dict[str, tuple[list[Any], list[bool] | None]]:
    """name -> (LabelInputs as a workspace would pass them, gold spam flags or None)."""
    from earful.demo.generator import generate_with_truth
    from earful.labels import LabelInput
    from earful.labels import datasets as ds
    from earful.labels.jsonl import parse_author
    from earful.labels.types import AuthorInfo

    root = ds.data_root()
    care: list[Any] = []
    for split in ("dev.json", "test.json"):
        path = root / "customer_support_ibm_cdp" / split
        for conv in json.loads(path.read_text(encoding="utf-8")):
            company = conv["dialogHeader"]["company"]
            turns = [(t.get("client") or company, t["message"]) for t in conv["dialogContent"]]
            turns.append((company, conv["agentURL"]["url_utterance"]))
            care += turns
    path = root / "coachella_2015" / "Coachella-2015-2-DFE.csv"
    with path.open(encoding="latin-1", newline="") as fh:
        fest = [(r["name"], r["text"]) for r in csv.DictReader(fh)]
    demo = generate_with_truth()

    def tweets(rows: list[tuple[str, str]]) -> list[Any]:
        return [
            LabelInput(str(i), text, AuthorInfo(handle=who), source="x")
            for i, (who, text) in enumerate(rows)
        ]

    return {
        "IBM customer-care tweets": (tweets(care), None),
        "Coachella 2015 tweets": (tweets(fest), None),
        "demo workspace (invented)": (
            [
                LabelInput(str(i), d["text"], parse_author(d["author"]), source=d["source"])
                for i, (d, _t) in enumerate(demo)
            ],
            [t.spam for _d, t in demo],
        ),
    }


def main() -> None:
    from earful.labels import LabelInput, label_batch
    from earful.labels import datasets as ds

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=5000, help="SemEval 2016 tweets to label")
    p.add_argument("--show", action="store_true", help="print the flagged x posts")
    args = p.parse_args()
    sets = {
        f"SemEval 2016 test year, first {args.n}": [e.text for e in ds.semeval_sentiment()[1]][
            : args.n
        ],
        "TweetEval sentiment val": [e.text for e in ds.tweeteval_val()],
    }
    for name, texts in sets.items():
        for source in (None, "x"):
            results = label_batch(
                [LabelInput(str(i), t, source=source) for i, t in enumerate(texts)]
            )
            flagged = [r for r in results if r.spam]
            reasons = Counter(x for r in flagged for x in r.spam_reasons)
            print(
                f"{name}, source={source}: {len(flagged)} of {len(texts)} flagged"
                f" ({len(flagged) / len(texts):.2%}); reasons {dict(reasons.most_common())}"
            )
            if args.show and source == "x":
                for r in flagged:
                    print(f"    {list(r.spam_reasons)} {texts[int(r.id)][:120]!r}")
    for name, (items, gold) in streams().items():
        results = label_batch(items)
        flagged = [r for r in results if r.spam]
        reasons = Counter(x for r in flagged for x in r.spam_reasons)
        line = f"{name}, with authors: {len(flagged)} of {len(items)} flagged"
        line += f" ({len(flagged) / len(items):.2%}); reasons {dict(reasons.most_common())}"
        if gold is not None:
            hit = sum(1 for r, g in zip(results, gold, strict=True) if r.spam and g)
            line += f"; gold spam {sum(gold)}, of them flagged {hit}"
        print(line)
        if args.show and gold is None:
            for r in flagged:
                print(f"    {list(r.spam_reasons)} {items[int(r.id)].text[:120]!r}")


if __name__ == "__main__":
    main()
