"""The fast-path model: one featurisation, a stacked matrix of linear heads, loaded lazily.

Artifact layout (``artifacts/``): ``fast.npz`` holds the IDF vectors and the head weight matrix
(float16, one column per output); ``fast.json`` holds column names, intercepts, decision
offsets/thresholds and the lexicon. Both are written by :mod:`earful.labels.train`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from scipy import sparse

    from earful.labels.features import Featurizer

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
BINARY_HEADS = ("complaint", "question", "spam", "bug", "feature_request", "support_reply")

_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class FastScores:
    """Per-text outputs of the fast heads (numpy arrays of length n)."""

    sentiment_proba: npt.NDArray[np.float32]  # (n, 3) negative, neutral, positive
    sentiment_adjusted: npt.NDArray[np.float32]  # log-proba + tuned offsets (argmax = label)
    binary: dict[str, npt.NDArray[np.float32]]  # head -> probability
    thresholds: dict[str, float]
    spam_cues: npt.NDArray[np.float32] | None = None  # (n, len(SPAM_CUES)), unscaled


class FastModel:
    def __init__(self, directory: Path = ARTIFACTS) -> None:
        import numpy as np

        from earful.labels.features import Featurizer

        meta: dict[str, Any] = json.loads((directory / "fast.json").read_text(encoding="utf-8"))
        from earful.labels.features import WordVectors

        wordvec = None
        with np.load(directory / "fast.npz") as npz:
            self.weights = np.ascontiguousarray(npz["weights"].astype(np.float32))
            idf_word = npz["idf_word"].astype(np.float32)
            idf_char = npz["idf_char"].astype(np.float32)
            if "wv_vectors" in npz.files:
                wordvec = WordVectors(
                    npz["wv_words"].tobytes().decode("utf-8").split("\n"),
                    npz["wv_vectors"].astype(np.float32),
                    npz["wv_weights"].astype(np.float32),
                    npz["wv_common"].astype(np.float32),
                    int(npz["wv_pool_dims"]) if "wv_pool_dims" in npz.files else 0,
                )
        self.columns: list[str] = list(meta["columns"])
        self.intercepts = np.asarray(meta["intercepts"], dtype=np.float32)
        self.sentiment_offsets = np.asarray(meta["sentiment_offsets"], dtype=np.float32)
        self.thresholds: dict[str, float] = {k: float(v) for k, v in meta["thresholds"].items()}
        self.meta = meta
        # per-head weights over extra dense cues (see earful.labels.train.cue_matrix)
        self.cue_weights = {
            h: np.asarray(v, dtype=np.float32) for h, v in meta.get("cue_weights", {}).items()
        }
        self.cue_scale = float(meta.get("cue_scale", 1.0))
        # per-head weights over the sentiment head's log-probabilities (stacking)
        self.stack_weights = {
            h: np.asarray(v, dtype=np.float32) for h, v in meta.get("stack_weights", {}).items()
        }
        self.featurizer: Featurizer = Featurizer(idf_word, idf_char, meta["lexicon"], wordvec)
        n_base = self.featurizer.n_base
        # the sparse columns' weights and the dense word-vector block's, multiplied apart
        self.weights_base = np.ascontiguousarray(self.weights[:n_base])
        self.weights_vec = np.ascontiguousarray(self.weights[n_base:])

    def features(self, texts: list[str]) -> sparse.csr_matrix:
        return self.featurizer.transform(texts)

    def scores_from_features(
        self, x: sparse.csr_matrix, texts: list[str] | None = None
    ) -> FastScores:
        """Scores from shared features; heads with extra cues need ``texts`` to add them."""
        import numpy as np

        return self._scores(np.asarray(x @ self.weights, dtype=np.float32), texts)

    def _scores(self, logits: npt.NDArray[np.float32], texts: list[str] | None) -> FastScores:
        import numpy as np

        logits = logits + self.intercepts
        col = {c: i for i, c in enumerate(self.columns)}
        cues = None
        if texts is not None and self.cue_weights:
            from earful.labels.rules import CUE_FUNCTIONS

            for head, w in self.cue_weights.items():
                c = np.asarray([CUE_FUNCTIONS[head][1](t) for t in texts], dtype=np.float32)
                c = c.reshape(len(texts), len(w))
                logits[:, col[head]] += (c * self.cue_scale) @ w
                if head == "spam":
                    cues = c
        s = logits[
            :, [col["sentiment:negative"], col["sentiment:neutral"], col["sentiment:positive"]]
        ]
        s = s - s.max(axis=1, keepdims=True)
        proba = np.exp(s)
        proba /= proba.sum(axis=1, keepdims=True)
        adjusted = np.log(proba + 1e-9) + self.sentiment_offsets
        if self.stack_weights:
            log_proba = np.log(proba + 1e-6)
            for head, w in self.stack_weights.items():
                logits[:, col[head]] += log_proba @ w
        binary = {
            h: (1.0 / (1.0 + np.exp(-logits[:, col[h]]))).astype(np.float32)
            for h in BINARY_HEADS
            if h in col
        }
        return FastScores(
            proba.astype(np.float32), adjusted.astype(np.float32), binary, self.thresholds, cues
        )

    def scores(self, texts: list[str]) -> FastScores:
        import numpy as np

        x, vec = self.featurizer.parts(texts)
        logits = np.asarray(x @ self.weights_base, dtype=np.float32)
        if vec is not None:
            logits += vec @ self.weights_vec
        return self._scores(logits, texts)


@cache
def _load(directory: str) -> FastModel:
    return FastModel(Path(directory))


def fast_model(directory: Path | None = None) -> FastModel:
    """The shipped model, loaded once per process (thread-safe)."""
    with _lock:
        return _load(str(directory or ARTIFACTS))
