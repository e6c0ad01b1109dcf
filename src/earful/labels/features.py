"""Text features shared by every fast-path head: one featurisation per post, many linear heads.

Word uni+bigrams with negation scope marking and char 2-5 grams are hashed (no vocabulary to
ship), re-weighted by an IDF vector fitted at training time, and joined with a few dense
lexicon/structure features. Nothing here imports scikit-learn at module import time.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from itertools import chain, pairwise, repeat
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from scipy import sparse

N_WORD = 2**18
N_CHAR = 2**18

URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"\b[a-z0-9-]+\.(?:com|net|org|ly|io|co|me|tv|info|biz)(?:/\S*)?\b", re.I)
MENTION_RE = re.compile(r"(?<![\w@])@\w+")
_ELONG = re.compile(r"(\w)\1{2,}")
_TOKEN = re.compile(
    r"(?:[<>]?[:;=8xX][\-o\*']?[\)\]\(\[dDpP/\\:\}\{@\|]+)"  # emoticons
    r"|<3+"
    r"|[\U0001F300-\U0001FAFF\u2600-\u27BF]"  # emoji
    r"|[#@]?\w+(?:'\w+)?"
    r"|[!?]+"
    r"|[.,;:]",
)
_NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "cannot",
        "cant",
        "can't",
        "dont",
        "don't",
        "doesnt",
        "doesn't",
        "didnt",
        "didn't",
        "isnt",
        "isn't",
        "wasnt",
        "wasn't",
        "arent",
        "aren't",
        "werent",
        "weren't",
        "wont",
        "won't",
        "wouldnt",
        "wouldn't",
        "shouldnt",
        "shouldn't",
        "couldnt",
        "couldn't",
        "aint",
        "ain't",
        "hasnt",
        "hasn't",
        "havent",
        "haven't",
        "without",
        "n't",
    ]
)
_CLAUSE_END = frozenset(".,;:!?")

POS_EMOTICONS = frozenset(
    [
        ":)",
        ":-)",
        ":d",
        ":-d",
        "=)",
        ";)",
        ";-)",
        ":p",
        ":-p",
        "xd",
        "<3",
        ":]",
        "=d",
        "(:",
        "8)",
        ":')",
    ]
)
NEG_EMOTICONS = frozenset(
    [":(", ":-(", ":'(", ":/", ":-/", "):", "=(", ":[", "d:", ":|", ">:(", ":@"]
)
POS_EMOJI = frozenset("😀😁😂😃😄😅😆😉😊😋😍😎😘🙂🤗🤩🥰👍👏🙌💯🔥❤💕💖💗💙💚💛💜✨🎉😻☺♥✅")
NEG_EMOJI = frozenset("😞😟😠😡😢😣😤😥😦😧😨😩😫😭😰😱😒😔😕🙁☹👎💔🤬🤮🙄😑😐😬")


def normalize(text: str) -> str:
    """Lower-cased text with URLs and @mentions replaced and elongations squeezed."""
    t = html.unescape(text)
    t = URL_RE.sub(" http ", t)
    t = MENTION_RE.sub(" @user ", t)
    t = _ELONG.sub(r"\1\1", t.lower())
    return t


def tokens(norm: str) -> list[str]:
    """Word tokens of normalised text; words inside a negation scope get a ``_neg`` suffix."""
    out: list[str] = []
    neg = False
    for tok in _TOKEN.findall(norm):
        if tok[0] in _CLAUSE_END:
            neg = False
            out.append(tok[0])
            continue
        if neg and tok[0].isalpha():
            out.append(tok + "_neg")
        else:
            out.append(tok)
        if tok in _NEGATORS or tok.endswith("n't"):
            neg = True
    return out


def word_ngrams(toks: list[str]) -> list[str]:
    """Unigrams and bigrams of an already tokenised text."""
    return toks + [a + " " + b for a, b in pairwise(toks)]


_SEP = "\x00"


def char_ngram_matrix(norms: Sequence[str], n_features: int = 2**18) -> sparse.csr_matrix:
    """Counts of hashed char 2-5 grams inside space-padded words (like ``char_wb``), vectorised.

    All texts are concatenated as ``SEP word SEP`` runs of UTF-32 code points; for each n the
    rolling windows that contain no separator are hashed with a 64-bit multiplicative mix.
    """
    import numpy as np
    from scipy import sparse as sp

    pieces: list[str] = []
    lengths: list[int] = []
    for t in norms:
        padded = _SEP + _SEP.join(" " + w + " " for w in t.split()) + _SEP
        pieces.append(padded)
        lengths.append(len(padded))
    big = "".join(pieces)
    codes = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    doc = np.repeat(np.arange(len(norms), dtype=np.int64), lengths)
    sep_cum = np.concatenate([[0], np.cumsum(codes == 0)])
    rows: list[npt.NDArray[np.int64]] = []
    cols: list[npt.NDArray[np.uint64]] = []
    total = len(codes)
    with np.errstate(over="ignore"):
        for n in range(2, 6):
            m = total - n + 1
            if m <= 0:
                continue
            h = np.full(m, n, dtype=np.uint64)
            for k in range(n):
                h = (h * np.uint64(1000003)) ^ codes[k : k + m]
            h ^= h >> np.uint64(29)
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(32)
            ok = (sep_cum[n : n + m] - sep_cum[:m]) == 0
            rows.append(doc[:m][ok])
            cols.append(h[ok] % np.uint64(n_features))
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols).astype(np.int64) if cols else np.zeros(0, dtype=np.int64)
    data = np.ones(len(r), dtype=np.float32)
    mat = sp.csr_matrix((data, (r, c)), shape=(len(norms), n_features))
    mat.sum_duplicates()
    return mat


N_DENSE = 12


def dense_row(raw: str, norm: str, toks: Sequence[str], lexicon: dict[str, float]) -> list[float]:
    pos = neg = 0.0
    n_lex = 0
    for t in toks:
        base = t[:-4] if t.endswith("_neg") else t
        v = lexicon.get(base)
        if v is None:
            if base in POS_EMOTICONS or base in POS_EMOJI:
                v = 2.0
            elif base in NEG_EMOTICONS or base in NEG_EMOJI:
                v = -2.0
            else:
                continue
        if base is not t:
            v = -0.6 * v
        n_lex += 1
        if v > 0:
            pos += v
        else:
            neg -= v
    words = [w for w in raw.split() if w.isalpha()]
    caps = sum(1 for w in words if len(w) > 2 and w.isupper())
    n = max(len(toks), 1)
    return [
        pos / 4.0,
        neg / 4.0,
        (pos - neg) / 4.0,
        min(n_lex, 10) / 10.0,
        min(raw.count("!"), 5) / 5.0,
        min(raw.count("?"), 5) / 5.0,
        1.0 if raw.rstrip().endswith("?") else 0.0,
        min(caps, 5) / 5.0,
        min(len(toks), 60) / 60.0,
        min(len(URL_RE.findall(raw)) + len(_BARE_DOMAIN.findall(raw)), 4) / 4.0,
        min(norm.count("@user"), 4) / 4.0,
        pos * neg / (n * 4.0),
    ]


class WordVectors:
    """A static word-vector table (words -> rows) for the text-mean block.

    A text's vector is the SIF-weighted sum of its known tokens' vectors (a negated token counts
    as its base word), scaled to unit length, minus the table's ``common`` vector, and scaled to
    unit length again (zeros when no token is known). With ``pool_dims`` > 0 the element-wise
    max and min over the known tokens' first ``pool_dims`` dimensions (minus ``common``) follow
    (SWEM pooling: the strongest word in each direction)."""

    def __init__(
        self,
        words: Sequence[str],
        vectors: npt.NDArray[np.float32],
        weights: npt.NDArray[np.float32],
        common: npt.NDArray[np.float32],
        pool_dims: int = 0,
    ) -> None:
        import numpy as np

        self.words = list(words)
        self.index = {w: i for i, w in enumerate(self.words)}
        # a negated token (``good_neg``) looks up its base word
        self._lookup = {**{w + "_neg": i for w, i in self.index.items()}, **self.index}.get
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.weights = np.asarray(weights, dtype=np.float32)
        self.common = np.asarray(common, dtype=np.float32)
        self.pool_dims = int(pool_dims)
        self._pool_table = np.ascontiguousarray(
            self.vectors[:, : self.pool_dims] - self.common[: self.pool_dims]
        )

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1]) + 2 * self.pool_dims

    def embed(self, toks: Sequence[list[str]]) -> npt.NDArray[np.float32]:
        import numpy as np
        from scipy import sparse as sp

        lengths = np.fromiter(map(len, toks), dtype=np.int64, count=len(toks))
        flat = list(chain.from_iterable(toks))
        js = np.fromiter(map(self._lookup, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        found = js >= 0
        c = js[found]
        doc = np.repeat(np.arange(len(toks), dtype=np.int64), lengths)[found]
        indptr = np.zeros(len(toks) + 1, dtype=np.int64)
        np.cumsum(np.bincount(doc, minlength=len(toks)), out=indptr[1:])
        w = sp.csr_matrix((self.weights[c], c, indptr), shape=(len(toks), len(self.words)))
        out = np.asarray(w @ self.vectors, dtype=np.float32)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        known = np.diff(w.indptr) > 0
        out[known] -= self.common
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        if self.pool_dims <= 0:
            return out
        p = self.pool_dims
        hi = np.zeros((len(toks), p), dtype=np.float32)
        lo = np.zeros((len(toks), p), dtype=np.float32)
        if len(c):
            # max/min per text, one pass per token position (texts are short; ~4x faster than
            # np.maximum.reduceat): position 0 initialises every text that has a known token
            pos = np.arange(len(c)) - indptr[doc]
            order = np.argsort(pos, kind="stable")
            bounds = np.searchsorted(pos[order], np.arange(int(pos.max()) + 2))
            for k in range(int(pos.max()) + 1):
                sel = order[bounds[k] : bounds[k + 1]]
                d = doc[sel]
                rows = self._pool_table[c[sel]]
                if k == 0:
                    hi[d] = rows
                    lo[d] = rows
                else:
                    hi[d] = np.maximum(hi[d], rows)
                    lo[d] = np.minimum(lo[d], rows)
        return np.hstack([out, hi, lo])


class Featurizer:
    """Hashes texts into one CSR matrix: [word tf-idf | char tf-idf | dense | word vectors].

    The word-vector block (``wordvec``, optional) is dense; :meth:`parts` keeps it apart so the
    labeller multiplies it with a dense product instead of storing it in the sparse matrix."""

    def __init__(
        self,
        idf_word: npt.NDArray[np.float32] | None = None,
        idf_char: npt.NDArray[np.float32] | None = None,
        lexicon: dict[str, float] | None = None,
        wordvec: WordVectors | None = None,
    ) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.word = HashingVectorizer(
            analyzer=word_ngrams, n_features=N_WORD, alternate_sign=False, norm=None
        )
        self.idf_word = idf_word
        self.idf_char = idf_char
        self.lexicon = lexicon or {}
        self.wordvec = wordvec

    @property
    def n_base(self) -> int:
        """Columns before the word-vector block."""
        return N_WORD + N_CHAR + N_DENSE

    @property
    def n_features(self) -> int:
        return self.n_base + (self.wordvec.dims if self.wordvec is not None else 0)

    def raw_counts(
        self, norms: Sequence[str], toks: Sequence[list[str]]
    ) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        return self.word.transform(toks), char_ngram_matrix(norms, N_CHAR)

    def fit_idf(self, texts: Sequence[str]) -> None:
        import numpy as np

        norms = [normalize(t) for t in texts]
        w, c = self.raw_counts(norms, [tokens(n) for n in norms])
        n = len(texts)
        for name, m in (("idf_word", w), ("idf_char", c)):
            df = np.bincount(m.indices, minlength=m.shape[1]).astype(np.float64)
            idf = np.log((1 + n) / (1 + df)) + 1.0
            setattr(self, name, idf.astype(np.float32))

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """All ``n_features`` columns in one CSR matrix (training and evaluation)."""
        from scipy import sparse as sp

        x, vec = self.parts(texts)
        if vec is None:
            return x
        return sp.hstack([x, sp.csr_matrix(vec)], format="csr")

    def parts(
        self, texts: Sequence[str]
    ) -> tuple[sparse.csr_matrix, npt.NDArray[np.float32] | None]:
        """(the first ``n_base`` columns as CSR, the dense word-vector block or None)."""
        import numpy as np
        from scipy import sparse as sp
        from sklearn.preprocessing import normalize as l2

        assert self.idf_word is not None and self.idf_char is not None
        norms = [normalize(t) for t in texts]
        toks = [tokens(n) for n in norms]
        w, c = self.raw_counts(norms, toks)
        blocks: list[Any] = []
        for m, idf in ((w, self.idf_word), (c, self.idf_char)):
            m = m.astype(np.float32)
            np.log1p(m.data, out=m.data)
            m.data *= idf[m.indices]
            blocks.append(l2(m, copy=False))
        dense = np.asarray(
            [dense_row(t, n, k, self.lexicon) for t, n, k in zip(texts, norms, toks, strict=True)],
            dtype=np.float32,
        ).reshape(len(texts), N_DENSE)
        blocks.append(sp.csr_matrix(dense))
        x = sp.hstack(blocks, format="csr", dtype=np.float32)
        return x, (self.wordvec.embed(toks) if self.wordvec is not None else None)
