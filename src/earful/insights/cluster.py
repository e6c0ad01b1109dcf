"""Clustering of unit vectors and readable theme labels (class-based TF-IDF over n-grams).

:func:`cluster` over-segments with k-means, then merges the k-means centroids by
average-linkage agglomeration on cosine distance, so the number of themes follows the data.
Clusters smaller than ``min_size`` are outliers (label -1).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from earful.insights.embed import Vectors, content_tokens, native_threads

Labels = npt.NDArray[np.int64]


def cluster(
    vectors: Vectors,
    *,
    min_size: int = 5,
    merge_distance: float = 0.4,
    k_factor: float = 1.5,
    seed: int = 0,
) -> Labels:
    """Cluster labels (0..k-1, or -1 for outliers) for the rows of ``vectors``.

    Zero rows (posts with no word the embedder knows) are outliers."""
    n = len(vectors)
    if n < max(2, min_size):
        return np.full(n, -1, dtype=np.int64)
    known = np.flatnonzero(np.any(vectors != 0, axis=1))
    if len(known) < n:
        out = np.full(n, -1, dtype=np.int64)
        out[known] = cluster(
            vectors[known],
            min_size=min_size,
            merge_distance=merge_distance,
            k_factor=k_factor,
            seed=seed,
        )
        return out
    from sklearn.cluster import AgglomerativeClustering, KMeans, MiniBatchKMeans
    from sklearn.exceptions import ConvergenceWarning

    k0 = int(min(max(2, round(math.sqrt(n / 2) * k_factor)), 300, n // 2 or 1))
    if n > 20_000:
        km = MiniBatchKMeans(
            n_clusters=k0, random_state=seed, n_init=3, batch_size=4096, max_iter=100
        )
    else:
        km = KMeans(n_clusters=k0, random_state=seed, n_init=2, max_iter=100)
    with native_threads(), warnings.catch_warnings():
        # fewer distinct points than k (posts with the same words): some clusters stay empty
        warnings.simplefilter("ignore", ConvergenceWarning)
        fine = km.fit_predict(vectors)
    centres = km.cluster_centers_.astype(np.float32)
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-9)
    if k0 > 2:
        agg = AgglomerativeClustering(
            n_clusters=None,
            metric="cosine",
            linkage="average",
            distance_threshold=merge_distance,
        )
        coarse = agg.fit_predict(centres)
    else:
        coarse = np.arange(k0)
    labels = np.asarray(coarse, dtype=np.int64)[fine]
    return _relabel(labels, min_size)


def _relabel(labels: Labels, min_size: int) -> Labels:
    """Drop clusters under ``min_size`` to -1 and number the rest by size (largest 0)."""
    counts = Counter(int(x) for x in labels if x >= 0)
    keep = [c for c, k in counts.most_common() if k >= min_size]
    mapping = {c: i for i, c in enumerate(keep)}
    return np.array([mapping.get(int(x), -1) for x in labels], dtype=np.int64)


def ngrams(text: str, max_n: int = 2) -> list[str]:
    toks = content_tokens(text)
    out = list(toks)
    for n in range(2, max_n + 1):
        out += [" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)]
    return out


def key_phrases(groups: Sequence[Sequence[str]], top: int = 3, min_df: int = 2) -> list[list[str]]:
    """The ``top`` distinctive phrases of each group of texts (c-TF-IDF over 1-3-grams).

    A phrase counts once per text; longer phrases win over the words they contain."""
    per_group: list[Counter[str]] = []
    for texts in groups:
        c: Counter[str] = Counter()
        for t in texts:
            c.update(set(ngrams(t)))
        per_group.append(c)
    total: Counter[str] = Counter()
    for c in per_group:
        total.update(c)
    avg = max(1.0, sum(sum(c.values()) for c in per_group) / max(1, len(per_group)))
    out: list[list[str]] = []
    for texts, c in zip(groups, per_group, strict=True):
        need = min(min_df, max(1, len(texts)))
        scored = []
        for phrase, tf in c.items():
            if tf < need:
                continue
            weight = tf / max(1, len(texts)) * math.log(1 + avg / total[phrase])
            weight *= 1 + 0.1 * phrase.count(" ")
            scored.append((weight, phrase))
        scored.sort(key=lambda wp: (-wp[0], wp[1]))
        chosen: list[str] = []
        for _w, phrase in scored:
            words = set(phrase.split())
            if any(words <= set(p.split()) or set(p.split()) <= words for p in chosen):
                continue
            chosen.append(phrase)
            if len(chosen) == top:
                break
        out.append(chosen)
    return out
