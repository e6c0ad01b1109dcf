#!/usr/bin/env python
"""Teacher sentiment for unlabelled tweets, so the fast head can learn from the accurate one.

    python scripts/distill_teacher.py      # needs the accurate extra; ~15 min on 2 cores

Writes ``scripts/artifacts/teacher_sentiment.npz``: for each text of
``datasets.unlabelled_tweets()`` (keyed by a hash of the text; no text is stored) the
probabilities of the shipped fine-tuned head (``final``) and of each fold model (``fold0`` ..
``fold4``, trained without the SemEval 2016 test year). ``training_data.sentiment_data`` averages
them: all six for the shipped fast model, the five folds when the quality report re-fits the
fast head without that year (so the teacher never saw the year it is scored on).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    from earful.labels.accurate import ARTIFACT, scores
    from earful.labels.datasets import unlabelled_tweets
    from earful.labels.quality_accurate import FOLD_DIR
    from earful.labels.training_data import TEACHER, text_key

    texts = [t for _domain, t in unlabelled_tweets()]
    out: dict[str, Any] = {"keys": np.asarray([text_key(t) for t in texts])}
    models = [("final", ARTIFACT)] + [(p.stem, p) for p in sorted(FOLD_DIR.glob("fold*.npz"))]
    for name, path in models:
        t0 = time.time()
        out[name] = scores(texts, path)["sentiment"].astype(np.float16)
        print(f"{name}: {len(texts)} texts in {time.time() - t0:.0f} s", flush=True)
    TEACHER.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(TEACHER, **out)
    print(f"{TEACHER}: {TEACHER.stat().st_size} bytes")


if __name__ == "__main__":
    main()
