"""The interaction graph (replies, mentions, reposts, quotes) and topic-sensitive PageRank.

Nodes are folded handles. An edge ``a -> b`` means ``a`` replied to, mentioned, reposted or
quoted ``b``; its weight adds up over posts (reply, repost and quote 1.0, mention 0.5) and
doubles when the post is on the topic. PageRank teleports to the authors in proportion to
how much they post on the topic (Haveliwala's topic-sensitive PageRank), so endorsement
from people who talk about the topic counts most.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
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
    out: list[tuple[str, str]] = []
    reply_to = None
    if post.reply_to and post.reply_to.author_handle:
        reply_to = fold(post.reply_to.author_handle)
    if reply_to is None and post.reply_to and post.reply_to.post_id:
        reply_to = authors.get((post.source, post.reply_to.post_id))
    if reply_to:
        out.append(("reply", reply_to))
    target = None
    if post.repost_of:
        target = authors.get((post.source, post.repost_of))
        if target is None and post.text.startswith("RT @") and post.mentions:
            target = fold(post.mentions[0])
        if target:
            out.append(("repost", target))
        return out  # a repost's text is someone else's: its mentions are not ours
    if post.quote_of:
        quoted = authors.get((post.source, post.quote_of))
        if quoted:
            out.append(("quote", quoted))
    seen = {h for _k, h in out}
    for mention in post.mentions:
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
    out_sum = {n: sum(t.values()) for n, t in edges.items()}
    rank = dict(tele)
    for _ in range(max_iter):
        dangling = sum(rank[n] for n in order if out_sum.get(n, 0.0) <= 0.0)
        new = {n: (1.0 - damping) * tele[n] + damping * dangling * tele[n] for n in order}
        for src, targets in edges.items():
            total_w = out_sum[src]
            if total_w <= 0.0:
                continue
            share = damping * rank[src] / total_w
            for dst, weight in targets.items():
                new[dst] += share * weight
        diff = sum(abs(new[n] - rank[n]) for n in order)
        rank = new
        if diff < tol:
            break
    return rank
