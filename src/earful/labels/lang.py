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
    """py3langid's model restricted to its languages that have an ISO 639-1 code.

    py3langid 0.4 added 26 classes with only ISO 639-3 codes (``pcm`` Nigerian Pidgin, ``bcl``,
    ``zxx`` "no linguistic content", Arabic and Chinese varieties such as ``arz``, ``yue``, ...),
    which the ``lang`` label (ISO 639-1) cannot carry. Unrestricted, 1.3 % of 17,000 English
    tweets (SemEval 2016, TweetEval val, airline) came out ``pcm`` and others: "I want Shelli to
    go home tomorrow on big brother" was Nigerian Pidgin. Restricted, a variety's text goes to
    its nearest listed language (Egyptian Arabic to ``ar``, Cantonese to ``zh``)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages([c for c in ident.nb_classes if len(c) == 2])
    if hasattr(ident, "_full_model"):  # its unrestricted copy (28 MB) is never used again
        ident._full_model = (ident.nb_ptc, ident.nb_pc, ident.nb_classes)
    return ident


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
    The DFA walk runs for all texts at once, one byte position per numpy step.
    """
    import numpy as np
    from scipy import sparse

    tables = _tables()
    if tables is None:
        return [detect(t) for t in texts]
    encode, nm, rowbase, out_tbl, ptc, pc, classes, aliases = tables
    results: list[tuple[str, float]] = [(UNDETERMINED, 0.0)] * len(texts)
    todo: list[int] = []
    datas: list[bytes] = []
    for i, text in enumerate(texts):
        clean = _clean(text)
        if _THREE_LETTERS.search(clean) is None:
            continue
        todo.append(i)
        datas.append(encode(clean))
    if not todo:
        return results
    lengths = np.fromiter((len(d) for d in datas), dtype=np.int64, count=len(datas))
    rows, cols = _walk(datas, lengths, nm, rowbase, out_tbl)
    counts = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)),
        shape=(len(todo), ptc.shape[0]),
    )
    counts.sum_duplicates()
    np.log1p(counts.data, out=counts.data)
    scores = np.asarray(counts @ ptc, dtype=np.float64) + pc
    empty = np.diff(counts.indptr) == 0
    scores[empty] = 0.0
    scores /= np.sqrt(np.maximum(lengths, 1).astype(np.float64))[:, None]
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    scores /= scores.sum(axis=1, keepdims=True)
    for a, b in aliases:
        scores[:, a] += scores[:, b]
        scores[:, b] = 0.0
    best = scores.argmax(axis=1)
    conf = scores[np.arange(len(todo)), best].tolist()
    for k, i in enumerate(todo):
        results[i] = (classes[int(best[k])], conf[k])
    return results


# at least three letters (what :func:`detect` asks of a text), found without listing them all
_THREE_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_].*?[^\W\d_]", re.DOTALL)


@cache
def _tables() -> tuple[Any, ...] | None:
    """py3langid's tables as numpy arrays (NB weights widened to float32 once, not per batch)."""
    import numpy as np

    with _lock:
        ident = _identifier()
    try:
        raw = ident.tk_nextmove  # array.array of uint16/uint32: view it, do not widen (10M)
        nm = np.frombuffer(raw, dtype=np.dtype(f"u{raw.itemsize}"))
        rowbase = np.asarray(ident._rowbase, dtype=np.int64)
        out_tbl = np.asarray(ident.tk_output, dtype=np.int64)
        ptc = np.ascontiguousarray(ident.nb_ptc, dtype=np.float32)
        pc = np.asarray(ident.nb_pc)
        classes = [str(c) for c in ident.nb_classes]
        aliases = list(ident._alias_pairs)
        encode = ident._encode
    except AttributeError:
        return None
    return encode, nm, rowbase, out_tbl, ptc, pc, classes, aliases


def _walk(datas: list[bytes], lengths: Any, nm: Any, rowbase: Any, out_tbl: Any) -> tuple[Any, Any]:
    """(text index, feature) for every feature the DFA emits, all texts walked in lockstep.

    Texts are ordered longest first, so the ones still walking at byte ``t`` are a prefix.
    """
    import numpy as np

    order = np.argsort(-lengths, kind="stable")
    sorted_len = lengths[order]
    buf = np.frombuffer(b"".join(datas[j] for j in order.tolist()), dtype=np.uint8)
    starts = np.concatenate(([0], np.cumsum(sorted_len)[:-1]))
    # active[t] = how many texts are longer than t
    active = np.searchsorted(-sorted_len, -np.arange(int(sorted_len[0]) + 1), side="left")
    state = np.zeros(len(datas), dtype=np.int64)
    rows: list[Any] = []
    feats: list[Any] = []
    for t in range(int(sorted_len[0])):
        k = int(active[t])
        s = nm[rowbase[state[:k]] + buf[starts[:k] + t]]
        state[:k] = s
        f = out_tbl[s]
        hit = np.flatnonzero(f >= 0)
        if len(hit):
            rows.append(hit)
            feats.append(f[hit])
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return order[np.concatenate(rows)], np.concatenate(feats)
