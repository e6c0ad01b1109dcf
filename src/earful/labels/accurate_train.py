"""Train the accurate-path sentiment head (needs the ``accurate`` extra)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from earful.labels.types import Correction


def train_accurate(out_dir: Path, corrections: Sequence[Correction] = ()) -> None:
    import numpy as np

    from earful.labels.accurate import embed
    from earful.labels.train import SEED, TUNE_FILES, sentiment_data, tune_offsets

    texts, labels, groups, weights = sentiment_data(corrections)
    print(f"accurate: embedding {len(texts)} texts", flush=True)
    x = embed(texts)
    y = np.asarray(labels)
    w = np.asarray(weights)
    tune = np.isin(np.asarray(groups), TUNE_FILES)
    from sklearn.linear_model import LogisticRegression

    def fit(mask: Any) -> LogisticRegression:
        m = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced", random_state=SEED)
        m.fit(x[mask], y[mask], sample_weight=w[mask])
        return m

    offsets = tune_offsets(fit(~tune).predict_log_proba(x[tune]), list(y[tune]))
    m = fit(np.ones(len(y), dtype=bool))
    np.savez_compressed(
        out_dir / "accurate.npz",
        coef=m.coef_.astype(np.float32),
        intercept=m.intercept_.astype(np.float32),
        offsets=offsets.astype(np.float32),
    )
    print(f"accurate: offsets {offsets.tolist()}", flush=True)
