#!/usr/bin/env python
"""How often the labeller calls ordinary tweets spam, per ``source`` (no labels needed).

    python scripts/spam_flag_rate.py [--n 5000] [--show]

Labels the first ``--n`` tweets of the SemEval 2016 test year and TweetEval's sentiment val split
(neither holds labelled spam; nearly all are ordinary posts) as if they came from no known
source (judged as comments, like YouTube, unless a ``t.co`` link shows a tweet) and from ``x``
(a timeline), and prints the share flagged with the reasons given. ``--show`` lists the
flagged ``x`` posts, to read them.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


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


if __name__ == "__main__":
    main()
