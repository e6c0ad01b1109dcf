"""The interaction graph (replies, mentions, reposts, quotes) and topic-sensitive PageRank.

Nodes are folded handles. An edge ``a -> b`` means ``a`` replied to, mentioned, reposted or
quoted ``b``; its weight adds up over posts (reply, repost and quote 1.0, mention 0.5) and
doubles when the post is on the topic. PageRank teleports to the authors in proportion to
how much they post on the topic (Haveliwala's topic-sensitive PageRank), so endorsement
from people who talk about the topic counts most.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from earful.models import Post
from earful.text import fold

EDGE_WEIGHTS = {"reply": 1.0, "repost": 1.0, "quote": 1.0, "mention": 0.5}


@dataclass(slots=True)
class Graph:
    edges: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    # who received what: dst -> kind -> count, and dst -> set of distinct sources
    inbound: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    people: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    nodes: set[str] = field(default_factory=set)

    def add(self, src: str, dst: str, kind: str, topical: bool) -> None:
        if src == dst:
            return
        weight = EDGE_WEIGHTS[kind] * (2.0 if topical else 1.0)
        out = self.edges[src]
        out[dst] = out.get(dst, 0.0) + weight
        self.inbound[dst][kind] += 1
        self.people[dst].add(src)
        self.nodes.update((src, dst))


def interactions(post: Post, authors: Mapping[tuple[str, str], str]) -> list[tuple[str, str]]:
    """(kind, folded target handle) for each interaction in ``post``."""
    reply = post.reply_to
    return edges_of(
        post.source,
        reply.author_handle if reply else None,
        reply.post_id if reply else None,
        post.repost_of,
        post.quote_of,
        post.text.startswith("RT @"),
        post.mentions,
        authors,
    )


def edges_of(
    source: str,
    reply_handle: str | None,
    reply_id: str | None,
    repost_of: str | None,
    quote_of: str | None,
    is_rt: bool,
    mentions: Sequence[str],
    authors: Mapping[tuple[str, str], str],
) -> list[tuple[str, str]]:
    """:func:`interactions` from a post's columns (``mentions`` as written, unfolded)."""
    out: list[tuple[str, str]] = []
    reply_to = fold(reply_handle) if reply_handle else None
    if reply_to is None and reply_id:
        reply_to = authors.get((source, reply_id))
    if reply_to:
        out.append(("reply", reply_to))
    if repost_of:
        target = authors.get((source, repost_of))
        if target is None and is_rt and mentions:
            target = fold(mentions[0])
        if target:
            out.append(("repost", target))
        return out  # a repost's text is someone else's: its mentions are not ours
    if quote_of:
        quoted = authors.get((source, quote_of))
        if quoted:
            out.append(("quote", quoted))
    seen = {h for _k, h in out}
    for mention in mentions:
        handle = fold(mention)
        if handle not in seen:
            seen.add(handle)
            out.append(("mention", handle))
    return out


def build_graph(
    posts: Iterable[tuple[Post, bool]],
    exclude: set[str] | frozenset[str] = frozenset(),
    *,
    index: Iterable[Post] = (),
) -> Graph:
    """The graph of ``posts`` given as (post, on_topic); ``exclude`` handles drop out entirely.

    ``index`` are extra posts used only to find who wrote a replied-to, reposted or quoted post.
    """
    items = list(posts)
    authors: dict[tuple[str, str], str] = {}
    for post in [*index, *(p for p, _t in items)]:
        if post.author_handle:
            authors[(post.source, post.id)] = fold(post.author_handle)
    graph = Graph()
    for post, topical in items:
        if not post.author_handle:
            continue
        src = fold(post.author_handle)
        if src in exclude:
            continue
        graph.nodes.add(src)
        for kind, dst in interactions(post, authors):
            if dst not in exclude:
                graph.add(src, dst, kind, topical)
    return graph


def pagerank(
    edges: Mapping[str, Mapping[str, float]],
    nodes: Iterable[str] = (),
    personalization: Mapping[str, float] | None = None,
    *,
    damping: float = 0.85,
    max_iter: int = 200,
    tol: float = 1e-10,
) -> dict[str, float]:
    """Weighted PageRank by power iteration; dangling mass follows the teleport vector."""
    all_nodes = set(nodes) | set(edges)
    for targets in edges.values():
        all_nodes.update(targets)
    if not all_nodes:
        return {}
    order = sorted(all_nodes)
    weights = personalization or {}
    total = sum(max(0.0, weights.get(n, 0.0)) for n in order)
    if total > 0 and personalization:
        tele = {n: max(0.0, personalization.get(n, 0.0)) / total for n in order}
    else:
        tele = {n: 1.0 / len(order) for n in order}
    import numpy as np

    index = {n: i for i, n in enumerate(order)}
    tele_v = np.array([tele[n] for n in order], dtype=np.float64)
    src_i: list[int] = []
    dst_i: list[int] = []
    coef: list[float] = []
    has_out = np.zeros(len(order), dtype=bool)
    for src, targets in edges.items():
        total_w = sum(targets.values())
        if total_w <= 0.0:
            continue
        has_out[index[src]] = True
        for dst, weight in targets.items():
            src_i.append(index[src])
            dst_i.append(index[dst])
            coef.append(weight / total_w)
    src_a = np.array(src_i, dtype=np.int64)
    dst_a = np.array(dst_i, dtype=np.int64)
    coef_a = np.array(coef, dtype=np.float64)
    dangling_mask = ~has_out
    rank = tele_v.copy()
    for _ in range(max_iter):
        dangling = float(rank[dangling_mask].sum())
        new = (1.0 - damping) * tele_v + damping * dangling * tele_v
        new += damping * np.bincount(dst_a, weights=rank[src_a] * coef_a, minlength=len(order))
        diff = float(np.abs(new - rank).sum())
        rank = new
        if diff < tol:
            break
    return {n: float(rank[i]) for i, n in enumerate(order)}
