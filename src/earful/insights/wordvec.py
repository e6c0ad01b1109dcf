"""Static word vectors distilled from all-MiniLM-L6-v2: sentence embeddings with numpy only.

``artifacts/minilm_words.npz`` (built by ``scripts/build_word_vectors.py``) holds one
PCA-reduced MiniLM vector per word and each word's count in a generic social-text corpus. A text's
vector is the weighted mean of its known content tokens' vectors; a word's weight is the smooth
inverse frequency ``a / (a + p(w))`` (Arora et al. 2017), so the words that carry a post count
most. :class:`HybridEmbedder`, the default, puts that next to the corpus's own LSA vector, which
knows the names and jargon the word table has never seen.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from earful.insights.embed import LsaEmbedder, Vectors, _unit, content_tokens

ARTIFACT = "minilm_words.npz"
SIF_A = 1e-3  # smoothing of the inverse-frequency weight


@dataclass(frozen=True, slots=True)
class WordTable:
    index: dict[str, int]
    vectors: npt.NDArray[np.float32]  # one row per word, PCA-reduced
    weights: npt.NDArray[np.float32]  # a / (a + p(w))
    common: npt.NDArray[np.float32]  # mean sentence vector of the build corpus
    meta: dict[str, Any]


def sif_weights(counts: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    """``a / (a + p(w))`` for each word's corpus count."""
    p = np.asarray(counts, dtype=np.float64) / max(1.0, float(np.sum(counts)))
    out: npt.NDArray[np.float32] = (SIF_A / (SIF_A + p)).astype(np.float32)
    return out


@lru_cache(maxsize=1)
def word_table() -> WordTable:
    """The packaged word table, read on first use and kept for the process."""
    ref = resources.files("earful.insights") / "artifacts" / ARTIFACT
    with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as npz:
        words = npz["words"].tobytes().decode("utf-8").split("\n")
        vectors = npz["vectors"].astype(np.float32)
        weights = sif_weights(npz["counts"])
        common = npz["common"].astype(np.float32)
        meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
    return WordTable({w: i for i, w in enumerate(words)}, vectors, weights, common, meta)


class WordVectorEmbedder:
    """SIF-weighted mean of the packaged MiniLM word vectors (texts with no known word: zeros)."""

    name = "words"

    def __init__(self, dims: int | None = None) -> None:
        self.dims = dims

    def embed(self, texts: Sequence[str]) -> Vectors:
        from scipy.sparse import csr_matrix

        table = word_table()
        dims = self.dims or table.vectors.shape[1]
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for r, text in enumerate(texts):
            for tok in content_tokens(text):
                j = table.index.get(tok)
                if j is not None:
                    rows.append(r)
                    cols.append(j)
                    vals.append(float(table.weights[j]))
        weights = csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)),
            shape=(len(texts), len(table.index)),
            dtype=np.float32,
        )
        out = _unit(weights @ table.vectors[:, :dims])
        known = np.flatnonzero(np.diff(weights.indptr))
        out[known] -= table.common[:dims]
        return _unit(out)


class HybridEmbedder:
    """The word-vector and LSA vectors side by side, each unit length, scaled by ``mix``."""

    name = "hybrid"

    def __init__(self, mix: float = 0.7, lsa_dims: int = 100) -> None:
        self.mix = mix
        self.words = WordVectorEmbedder()
        self.lsa = LsaEmbedder(dims=lsa_dims)

    def embed(self, texts: Sequence[str]) -> Vectors:
        a = self.words.embed(texts)
        b = self.lsa.embed(texts)
        return _unit(np.hstack([np.sqrt(self.mix) * a, np.sqrt(1 - self.mix) * b]))
