#!/usr/bin/env python
"""How often the language label says ``en`` on English tweets, and which codes it gives instead.

    python scripts/lang_check.py

Labels the first 10,000 tweets of the SemEval 2016 test year, TweetEval's sentiment val split
and the first 5,000 airline tweets (all English; no language labels exist here) and prints the
share of each code. Every code should be ISO 639-1 (two letters) or ``und``.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    from earful.labels import datasets as ds
    from earful.labels.lang import detect_batch

    texts = [e.text for e in ds.semeval_sentiment()[1]][:10_000]
    texts += [e.text for e in ds.tweeteval_val()] + [e.text for e in ds.airline()][:5_000]
    codes = Counter(code for code, _conf in detect_batch(texts))
    n = len(texts)
    print(f"{n} English tweets: en {codes['en'] / n:.2%}, und {codes['und'] / n:.2%}")
    print(
        "other codes:",
        ", ".join(f"{c} {k}" for c, k in codes.most_common() if c not in ("en", "und")),
    )
    bad = sorted(c for c in codes if c != "und" and len(c) != 2)
    print("codes that are not ISO 639-1:", bad or "none")


if __name__ == "__main__":
    main()
