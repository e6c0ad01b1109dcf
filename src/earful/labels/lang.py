"""Language identification (ISO 639-1) with py3langid's bundled offline model."""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

from earful.labels.features import MENTION_RE, URL_RE

UNDETERMINED = "und"
_HASHTAG = re.compile(r"[#$]\w+")
_LETTER = re.compile(r"[^\W\d_]")
_lock = threading.Lock()


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, confidence); ``und`` when there are too few letters to judge."""
    clean = _clean(text)
    if len(_LETTER.findall(clean)) < 3:
        return UNDETERMINED, 0.0
    with _lock:
        ident = _identifier()
    lang, conf = ident.classify(clean)
    return str(lang), float(conf)


def _clean(text: str) -> str:
    return _HASHTAG.sub(" ", MENTION_RE.sub(" ", URL_RE.sub(" ", text)))[:400]


def detect_batch(texts: list[str]) -> list[tuple[str, float]]:
    """Like :func:`detect` for many texts: one sparse product instead of one per text.

    Uses py3langid's model tables directly (same DFA walk and Naive Bayes scoring as its
    ``classify`` with ``norm_probs=True``); falls back to :func:`detect` if they change.
    """
    import numpy as np
    from scipy import sparse

    with _lock:
        ident = _identifier()
    try:
        nm, rowbase, out_tbl = ident.tk_nextmove, ident._rowbase, ident.tk_output
        ptc, pc, classes = ident.nb_ptc, ident.nb_pc, ident.nb_classes
        aliases = ident._alias_pairs
        encode = ident._encode
    except AttributeError:
        return [detect(t) for t in texts]
    results: list[tuple[str, float] | None] = [None] * len(texts)
    rows: list[int] = []
    cols: list[int] = []
    lengths: list[int] = []
    todo: list[int] = []
    for i, text in enumerate(texts):
        clean = _clean(text)
        if len(_LETTER.findall(clean)) < 3:
            results[i] = (UNDETERMINED, 0.0)
            continue
        data = encode(clean)
        state = 0
        feats: list[int] = []
        append = feats.append
        for letter in data:
            state = nm[rowbase[state] + letter]
            f = out_tbl[state]
            if f >= 0:
                append(f)
        k = len(todo)
        todo.append(i)
        lengths.append(len(data) or 1)
        rows.extend([k] * len(feats))
        cols.extend(feats)
    if todo:
        counts = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(todo), ptc.shape[0]),
        )
        counts.sum_duplicates()
        np.log1p(counts.data, out=counts.data)
        scores = np.asarray(counts @ ptc, dtype=np.float64) + pc
        empty = np.diff(counts.indptr) == 0
        scores[empty] = 0.0
        scores /= np.sqrt(np.asarray(lengths, dtype=np.float64))[:, None]
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        for a, b in aliases:
            scores[:, a] += scores[:, b]
            scores[:, b] = 0.0
        best = scores.argmax(axis=1)
        for k, i in enumerate(todo):
            results[i] = (str(classes[best[k]]), float(scores[k, best[k]]))
    return [r if r is not None else (UNDETERMINED, 0.0) for r in results]
