"""Near-duplicate posts (reposts, copy-paste, retweets with a prefix) so that each counts once.

Two posts are duplicates when one reposts the other, when an ``RT @handle:`` text repeats an
earlier post, or when the same author posts the same content again: equal content tokens, or
word 3-shingles with Jaccard similarity at least ``threshold`` (found with MinHash and
locality-sensitive hashing, then verified exactly). Different people who say the same thing in
the same words are different voices and are not merged.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from earful.insights.embed import content_tokens

_RT = re.compile(r"^\s*RT\s+@")
_PRIME = (1 << 61) - 1
_PERMS = 32
_BANDS = 8
_EXACT_UP_TO = 40  # an author with this many posts or fewer is compared pair by pair


@dataclass(frozen=True, slots=True)
class DupItem:
    """What dedupe needs of a post: a key, its text, and the key of the post it reposts."""

    key: int
    text: str
    source: str = ""
    native_id: str = ""
    repost_of: str | None = None
    author: str = ""
    norm: str | None = None  # earful.text.normalize(text), when known


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the earlier item (smaller index) stays the representative
            self.parent[max(ra, rb)] = min(ra, rb)


def _shingles(toks: list[str]) -> set[int]:
    if len(toks) < 3:
        return {zlib.crc32(" ".join(toks).encode())} if toks else set()
    return {zlib.crc32(" ".join(toks[i : i + 3]).encode()) for i in range(len(toks) - 2)}


def find_duplicates(items: Sequence[DupItem], threshold: float = 0.8) -> dict[int, int]:
    """Map each item's key to the key of its group's first item (items in time order)."""
    n = len(items)
    uf = _UnionFind(n)
    by_native = {(it.source, it.native_id): i for i, it in enumerate(items)}
    exact: dict[tuple[str, str], int] = {}
    anyone: dict[str, int] = {}
    token_lists: list[list[str]] = []
    for i, it in enumerate(items):
        if it.repost_of is not None and (it.source, it.repost_of) in by_native:
            uf.union(by_native[(it.source, it.repost_of)], i)
        toks = content_tokens(it.text, it.norm)
        joined = " ".join(toks)
        if joined:
            if _RT.match(it.text) and joined in anyone:
                uf.union(anyone[joined], i)
            anyone.setdefault(joined, i)
            if (it.author, joined) in exact:
                uf.union(exact[(it.author, joined)], i)
            else:
                exact[(it.author, joined)] = i
        token_lists.append(toks)
    posts_by: dict[str, int] = {}
    for it in items:
        posts_by[it.author] = posts_by.get(it.author, 0) + 1
    # near-duplicates are only looked for within one author's posts: skip the rest
    shingle_sets = [
        _shingles(toks) if posts_by[it.author] > 1 else set()
        for it, toks in zip(items, token_lists, strict=True)
    ]
    _near(shingle_sets, [it.author for it in items], uf, threshold)
    return {it.key: items[uf.find(i)].key for i, it in enumerate(items)}


def _near(sets: list[set[int]], authors: list[str], uf: _UnionFind, threshold: float) -> None:
    """Union same-author posts whose shingle sets are at least ``threshold`` similar.

    Near-duplicates are only looked for within one author's posts, so most authors (a few
    posts each) are compared exactly, pair by pair; prolific authors go through MinHash LSH.
    """
    by_author: dict[str, list[int]] = {}
    for i, s in enumerate(sets):
        if len(s) >= 3:  # too short to call a near-duplicate on shingles alone
            by_author.setdefault(authors[i], []).append(i)
    for group in by_author.values():
        if len(group) < 2:
            continue
        if len(group) <= _EXACT_UP_TO:
            _pairs(group, sets, uf, threshold)
        else:
            _lsh(group, sets, uf, threshold)


def _similar(x: set[int], y: set[int], threshold: float) -> bool:
    inter = len(x & y)
    return inter / (len(x) + len(y) - inter) >= threshold


def _pairs(group: list[int], sets: list[set[int]], uf: _UnionFind, threshold: float) -> None:
    for k, i in enumerate(group):
        for j in group[k + 1 :]:
            if uf.find(i) != uf.find(j) and _similar(sets[i], sets[j], threshold):
                uf.union(i, j)


def _lsh(group: list[int], sets: list[set[int]], uf: _UnionFind, threshold: float) -> None:
    rng = np.random.default_rng(12345)
    a = rng.integers(1, _PRIME, size=_PERMS, dtype=np.uint64)
    b = rng.integers(0, _PRIME, size=_PERMS, dtype=np.uint64)
    rows = _PERMS // _BANDS
    buckets: dict[tuple[int, bytes], list[int]] = {}
    for i in group:
        s = sets[i]
        x = np.fromiter(s, dtype=np.uint64, count=len(s))
        # (a*x + b) mod 2^64 is a fine universal hash family for shingle ids
        sig = ((np.outer(a, x) + b[:, None]) >> np.uint64(16)).min(axis=1)
        for band in range(_BANDS):
            buckets.setdefault((band, sig[band * rows : (band + 1) * rows].tobytes()), []).append(i)
    for members in buckets.values():
        if len(members) < 2:
            continue
        head = members[0]
        for j in members[1:64]:
            if uf.find(head) != uf.find(j) and _similar(sets[head], sets[j], threshold):
                uf.union(head, j)
