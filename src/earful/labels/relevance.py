"""Product relevance: is a post that mentions the product's name really about it?

No labelled data exists for arbitrary products, so the prior is a small, readable scoring
rule (how the name is written, product/tech context, the product's own description words and
competitors). User corrections (``ProductSpec.examples``) then adapt it per product: with
examples of both kinds, a nearest-neighbour vote over hashed word features is added to the
score, so a handful of corrections already flips look-alike posts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from earful.labels.types import ProductSpec

_WORD = re.compile(r"[a-z0-9][a-z0-9+#.'-]*[a-z0-9+#]|[a-z0-9]")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "we",
        "with",
        "you",
        "your",
        "app",
        "apps",
        "tool",
        "platform",
        "software",
        "service",
        "product",
        "company",
        "makes",
        "make",
        "made",
        "lets",
        "helps",
        "new",
        "one",
        "best",
    ]
)
TECH_CONTEXT = frozenset(
    [
        "app",
        "apps",
        "update",
        "updated",
        "updates",
        "version",
        "release",
        "beta",
        "login",
        "log",
        "account",
        "accounts",
        "install",
        "installed",
        "download",
        "downloaded",
        "crash",
        "crashes",
        "crashing",
        "bug",
        "bugs",
        "glitch",
        "feature",
        "features",
        "pricing",
        "price",
        "subscription",
        "plan",
        "plans",
        "premium",
        "pro",
        "free",
        "trial",
        "support",
        "customer",
        "dashboard",
        "api",
        "sdk",
        "integration",
        "integrations",
        "sync",
        "settings",
        "ui",
        "ux",
        "interface",
        "device",
        "devices",
        "phone",
        "iphone",
        "android",
        "ios",
        "mac",
        "windows",
        "laptop",
        "software",
        "platform",
        "tool",
        "saas",
        "server",
        "outage",
        "down",
        "users",
        "user",
        "launch",
        "launched",
        "ceo",
        "stock",
        "shares",
        "announced",
        "announces",
        "startup",
        "team",
        "upgrade",
        "notification",
        "notifications",
        "data",
        "privacy",
        "password",
        "browser",
        "website",
        "site",
        "web",
        "cloud",
        "storage",
        "backup",
        "release",
        "notes",
        "patch",
        "review",
        "reviews",
        "rating",
        "store",
    ]
)


@dataclass(frozen=True, slots=True)
class _Compiled:
    mention: re.Pattern[str]
    tagged: re.Pattern[str]
    exact_case: re.Pattern[str] | None
    context: frozenset[str]
    competitors: re.Pattern[str] | None
    # the examples as a binary example x token matrix over their own tokens (built once per
    # spec, only when both kinds exist), so a batch's Jaccard similarities are one product
    vocab: dict[str, int]
    examples: Any  # scipy CSR (n_examples, len(vocab)) or None
    sizes: Any  # numpy (n_examples,) token counts
    positive: Any  # numpy bool (n_examples,)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _alt(names: Sequence[str]) -> str:
    return "|".join(re.escape(n) for n in sorted({n for n in names if n}, key=len, reverse=True))


def _bag(text: str) -> frozenset[str]:
    w = _words(text)
    return frozenset(w + [a + " " + b for a, b in pairwise(w)])


# bounded: every relevance correction makes a new spec (its examples) in a long-running server
@lru_cache(maxsize=64)
def _compile(spec: ProductSpec) -> _Compiled:
    names = [spec.name.strip(), *[a.strip() for a in spec.aliases]]
    alt = _alt(names)
    mention = re.compile(rf"(?<![\w@#])(?:{alt})(?!\w)", re.IGNORECASE)
    squashed = _alt([n.replace(" ", "") for n in names])
    tagged = re.compile(rf"[@#$](?:{squashed})(?:app|hq|support|help)?\b", re.IGNORECASE)
    cased = [n for n in names if n != n.lower()]
    exact = re.compile(rf"(?<![\w@#])(?:{_alt(cased)})(?!\w)") if cased else None
    name_words = {w for n in names for w in _words(n)}
    context = frozenset(w for w in _words(spec.about) if w not in _STOP and w not in name_words)
    comp = (
        re.compile(rf"(?<!\w)[@#]?(?:{_alt(spec.competitors)})(?!\w)", re.I)
        if spec.competitors
        else None
    )
    pos = tuple(_bag(t) for t, ok in spec.examples if ok)
    neg = tuple(_bag(t) for t, ok in spec.examples if not ok)
    vocab: dict[str, int] = {}
    matrix = sizes = positive = None
    if pos and neg:
        import numpy as np
        from scipy import sparse

        bags = pos + neg
        cols = [vocab.setdefault(w, len(vocab)) for b in bags for w in b]
        rows = np.repeat(np.arange(len(bags)), [len(b) for b in bags])
        matrix = sparse.csr_matrix(
            (np.ones(len(cols), np.float32), (rows, cols)), shape=(len(bags), len(vocab))
        )
        sizes = np.asarray([len(b) for b in bags], np.float32)
        positive = np.arange(len(bags)) < len(pos)
    return _Compiled(mention, tagged, exact, context, comp, vocab, matrix, sizes, positive)


def _nearest_vote(c: _Compiled, texts: Sequence[str]) -> list[float]:
    """Per text: max Jaccard similarity (word uni+bigrams) to a relevant example minus the max
    to an irrelevant one, for all texts at once."""
    import numpy as np
    from scipy import sparse

    bags = [_bag(t) for t in texts]
    ids = [[c.vocab[w] for w in b if w in c.vocab] for b in bags]
    rows = np.repeat(np.arange(len(bags)), [len(x) for x in ids])
    cols = [j for x in ids for j in x]
    x = sparse.csr_matrix(
        (np.ones(len(cols), np.float32), (rows, cols)), shape=(len(bags), len(c.vocab))
    )
    inter = np.asarray((x @ c.examples.T).todense(), dtype=np.float32)
    own = np.asarray([len(b) for b in bags], np.float32)[:, None]
    sim = inter / np.maximum(own + c.sizes[None, :] - inter, 1.0)
    vote = sim[:, c.positive].max(axis=1) - sim[:, ~c.positive].max(axis=1)
    return [float(v) for v in vote]


def _sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in ".!?:\n\"'(" or before.endswith(("RT", "-"))


def mentions(text: str, spec: ProductSpec) -> bool:
    c = _compile(spec)
    return c.mention.search(text) is not None or c.tagged.search(text) is not None


def relevance(text: str, spec: ProductSpec) -> tuple[bool, float]:
    """(relevant, probability-like score). Posts that never mention the product are not relevant."""
    return relevance_batch([text], spec)[0]


def relevance_batch(texts: Sequence[str], spec: ProductSpec) -> list[tuple[bool, float]]:
    """:func:`relevance` of each text; the examples' vote is computed for the batch at once."""
    c = _compile(spec)
    logits = [_rule_logit(t, c) for t in texts]
    if c.examples is not None:
        todo = [i for i, v in enumerate(logits) if v is not None]
        if todo:
            for i, vote in zip(todo, _nearest_vote(c, [texts[i] for i in todo]), strict=True):
                logits[i] = (logits[i] or 0.0) + 12.0 * vote
    out: list[tuple[bool, float]] = []
    for logit in logits:
        if logit is None:
            out.append((False, 0.0))
        else:
            score = 1.0 / (1.0 + math.exp(-logit))
            out.append((score >= 0.5, score))
    return out


def _rule_logit(text: str, c: _Compiled) -> float | None:
    """The scoring rule's logit, or None when the text never mentions the product."""
    tagged = c.tagged.search(text) is not None
    if not tagged and c.mention.search(text) is None:
        return None
    words = set(_words(text))
    logit = -0.75
    if tagged:
        logit += 2.0
    if c.exact_case is not None:
        # the configured capitalisation counts only where a sentence does not start anyway
        cased = any(not _sentence_start(text, m.start()) for m in c.exact_case.finditer(text))
        if cased:
            logit += 1.0
        elif not c.exact_case.search(text):
            logit -= 0.5
    logit += 1.0 * min(len(words & c.context), 3)
    logit += 0.75 * min(len(words & TECH_CONTEXT), 3)
    if c.competitors is not None and c.competitors.search(text):
        logit += 1.25
    return logit
