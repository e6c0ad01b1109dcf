"""Experts and peers on a topic, with the reasons each person ranks.

The score mixes three signals, each in 0..1: topic-sensitive PageRank over the interaction
graph (square-root scaled against the best), how much the person posts on the topic, and
whether their bio names the topic. Spam posts add no edges; authors flagged as spam or
shaped like follow-farm bots, and the user's own accounts, are left out. Peers are people
whose bio says they work in product management and who post on the topic.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from earful.engage.common import all_own, is_bot, own_handles, reference_time
from earful.engage.graph import Graph, edges_of, pagerank
from earful.errors import InputError
from earful.models import Author
from earful.text import fold, tokens

if TYPE_CHECKING:
    from earful.config import Config
    from earful.store.engage_reads import GraphRow
    from earful.store.sqlite import SQLiteStore

WEIGHTS = {"graph": 0.6, "posts": 0.25, "bio": 0.15}
PM_BIO = re.compile(
    r"(?i:product manag\w*|product lead|head of product|product owner|chief product|"
    r"vp,? (?:of )?product|director of product|product @|product at |group product)"
    r"|\b(?:PM|CPO|GPM|APM)\b"
)
_QUERY_WORDS = {"or", "and", "not", "is", "has", "lang", "from", "to", "since", "until"}


@dataclass(frozen=True, slots=True)
class Person:
    handle: str
    networks: tuple[str, ...]
    name: str | None
    bio: str | None
    followers: int | None
    score: float
    pagerank: float
    topic_posts: int
    inbound: dict[str, int]
    people: int
    bio_match: bool
    reasons: tuple[str, ...]
    parts: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "handle": self.handle,
            "networks": list(self.networks),
            "name": self.name,
            "bio": self.bio,
            "followers": self.followers,
            "score": round(self.score, 4),
            "pagerank": self.pagerank,
            "topic_posts": self.topic_posts,
            "inbound": self.inbound,
            "people": self.people,
            "bio_match": self.bio_match,
            "reasons": list(self.reasons),
            "parts": {k: round(v, 4) for k, v in self.parts.items()},
        }


def topic_terms(topic: str | None) -> set[str]:
    if not topic:
        return set()
    words = re.sub(r"\b\w+:\S+", " ", topic)
    return {t for t in tokens(words) if len(t) > 2 and t not in _QUERY_WORDS}


def experts(
    store: SQLiteStore,
    topic: str | None = None,
    config: Config | None = None,
    *,
    now: datetime | None = None,
    days: float | None = None,
    limit: int | None = 20,
    context: object = None,
    peers_only: bool = False,
) -> list[Person]:
    """People ranked on ``topic`` (an Earful query; None: everything stored).

    Reads the window's posts as plain rows (no :class:`Post` objects) and the topic's posts
    as rowids from SQL, so the cost grows with the window, not with the store. The ranking is
    kept in the store under the data watermark, so asking again before anything changed is
    cheap.
    """
    from earful.store.engage import config_key, remember

    if context is None and config is not None:
        from earful.query import QueryContext

        context = QueryContext.from_config(config)
    since_ts = None
    if days is not None:
        since_ts = int((reference_time(store, now) - timedelta(days=days)).timestamp())
    key = [topic, since_ts, limit, peers_only, config_key(config, context)]
    return remember(
        store.conn,
        "experts",
        key,
        lambda: _rank(store, topic, config, since_ts, limit, context, peers_only)[0],
        lambda people: [_dump(p) for p in people],
        lambda rows: [_load(r) for r in rows],
    )


def expertise(
    store: SQLiteStore,
    topic: str | None,
    config: Config | None,
    *,
    now: datetime | None = None,
    days: float | None = None,
) -> dict[str, float]:
    """Folded handle -> expert score on ``topic`` for everyone :func:`experts` would list
    (without building their rows); empty when nobody posts on the topic."""
    from earful.store.engage import config_key, remember

    context = None
    if config is not None:
        from earful.query import QueryContext

        context = QueryContext.from_config(config)
    since_ts = None
    if days is not None:
        since_ts = int((reference_time(store, now) - timedelta(days=days)).timestamp())

    def compute() -> dict[str, float]:
        try:
            return _rank(store, topic, config, since_ts, None, context, False, build=False)[1]
        except InputError:
            return {}

    key = [topic, since_ts, config_key(config, context)]
    return remember(store.conn, "expertise", key, compute, dict, dict)


def _dump(p: Person) -> dict[str, Any]:
    return {name: getattr(p, name) for name in p.__slots__}


def _load(row: dict[str, Any]) -> Person:
    row = dict(row)
    row["networks"] = tuple(row["networks"])
    row["reasons"] = tuple(row["reasons"])
    return Person(**row)


def _rank(
    store: SQLiteStore,
    topic: str | None,
    config: Config | None,
    since_ts: int | None,
    limit: int | None,
    context: object,
    peers_only: bool,
    *,
    build: bool = True,
) -> tuple[list[Person], dict[str, float]]:
    """The ranked people (when ``build``) and folded handle -> score of everyone ranked."""
    from earful.store.engage_reads import field_labels, graph_rows, matching_rowids

    rows = [r for r in graph_rows(store.conn, since_ts, None) if r.handle]
    spam = {r for r, v in field_labels(store.conn, "spam", since_ts, None).items() if v == "true"}
    topical_rows = None
    if topic:
        where, params = _compile(topic, context)
        topical_rows = matching_rowids(store.conn, where, params, since_ts, None)
    own = all_own(own_handles(config))
    spam_posts: Counter[str] = Counter()
    all_posts: Counter[str] = Counter()
    profile: dict[str, GraphRow] = {}
    authors: dict[tuple[str, str], str] = {}
    for row in rows:
        key = fold(row.handle or "")
        authors[(row.source, row.id)] = key
        all_posts[key] += 1
        if row.rowid in spam:
            spam_posts[key] += 1
        profile[key] = row
    excluded = set(own)
    for key, row in profile.items():
        if is_bot(_author(row)) or spam_posts[key] * 2 > all_posts[key]:
            excluded.add(key)
    topic_posts: Counter[str] = Counter()
    networks: dict[str, set[str]] = {}
    graph = Graph()
    for row in rows:
        if row.rowid in spam:
            continue
        key = fold(row.handle or "")
        topical = topical_rows is None or row.rowid in topical_rows
        networks.setdefault(key, set()).add(row.source)
        if topical and row.repost_of is None:
            topic_posts[key] += 1
        if key in excluded:
            continue
        graph.nodes.add(key)
        mentions = json.loads(row.mentions) if row.mentions != "[]" else ()
        edges = edges_of(
            row.source,
            row.reply_to_handle,
            row.reply_to_id,
            row.repost_of,
            row.quote_of,
            row.is_rt,
            mentions,
            authors,
        )
        for kind, dst in edges:
            if dst not in excluded:
                graph.add(key, dst, kind, topical)
    if not topic_posts:
        where = f"topic {topic!r}" if topic else "the store"
        raise InputError(f"no posts on {where}; nothing to rank", field="topic")
    teleport = {h: float(n) for h, n in topic_posts.items() if h not in excluded}
    ranks = pagerank(graph.edges, graph.nodes, teleport or None)
    terms = topic_terms(topic)
    best = max((ranks.get(h, 0.0) for h in graph.nodes if h not in excluded), default=0.0)
    scored = []
    for handle in set(ranks) | set(topic_posts):
        if handle in excluded:
            continue
        n_topic = topic_posts.get(handle, 0)
        if n_topic == 0 and handle not in graph.inbound:
            continue
        prof = profile.get(handle)
        bio = prof.bio if prof else None
        is_pm = bool(bio and PM_BIO.search(bio))
        if peers_only and not (is_pm and n_topic > 0):
            continue
        bio_hit = bool(terms & set(tokens(bio or ""))) if terms else bool(bio and n_topic)
        parts = {
            "graph": math.sqrt(ranks.get(handle, 0.0) / best) if best > 0 else 0.0,
            "posts": min(1.0, math.log1p(n_topic) / math.log1p(20)),
            "bio": 1.0 if bio_hit else 0.0,
        }
        score = sum(WEIGHTS[k] * parts[k] for k in WEIGHTS)
        shown = prof.handle if prof and prof.handle else handle
        scored.append((-score, shown, handle, parts, bio_hit, is_pm))
    scored.sort(key=lambda s: (s[0], s[1]))
    scores = {fold(shown): -neg for neg, shown, *_rest in scored}
    if not build:
        return [], scores
    if limit is not None:
        scored = scored[:limit]
    order = sorted(ranks, key=lambda h: (-round(ranks[h], 15), h))  # float ties: by handle
    position = {h: i + 1 for i, h in enumerate(h for h in order if h not in excluded)}
    out = []
    for neg, shown, handle, parts, bio_hit, is_pm in scored:
        prof = profile.get(handle)
        bio = prof.bio if prof else None
        n_topic = topic_posts.get(handle, 0)
        inbound = graph.inbound.get(handle, Counter())
        people = len(graph.people.get(handle, ()))
        reasons = []
        if inbound:
            kinds = ", ".join(f"{n} {_plural(k, n)}" for k, n in inbound.most_common())
            reasons.append(f"{kinds} from {people} people (graph rank #{position[handle]})")
        if n_topic:
            reasons.append(f"{n_topic} post{'s' if n_topic > 1 else ''} on the topic")
        if bio_hit and bio:
            reasons.append(f"bio: {bio[:80]}")
        if is_pm:
            reasons.append("describes themselves as a product manager")
        out.append(
            Person(
                handle=shown,
                networks=tuple(sorted(networks.get(handle, ()))),
                name=prof.name if prof else None,
                bio=bio,
                followers=prof.followers if prof else None,
                score=-neg,
                pagerank=ranks.get(handle, 0.0),
                topic_posts=n_topic,
                inbound=dict(inbound),
                people=people,
                bio_match=bio_hit,
                reasons=tuple(reasons),
                parts=parts,
            )
        )
    return out, scores


def _compile(topic: str, context: object) -> tuple[str, list[object]]:
    from earful.query import parse
    from earful.store.sqlquery import compile_where

    where, params = compile_where(parse(topic), context)  # type: ignore[arg-type]
    return where, list(params)


def _author(row: GraphRow) -> Author:
    return Author(
        id=row.handle or "",
        handle=row.handle or "",
        name=row.name,
        bio=row.bio,
        followers=row.followers,
        following=row.following,
    )


def peers(
    store: SQLiteStore,
    topic: str | None = None,
    config: Config | None = None,
    **options: Any,
) -> list[Person]:
    """People who describe themselves as product managers and post on ``topic``."""
    return experts(store, topic, config, peers_only=True, **options)


def _plural(kind: str, n: int) -> str:
    if n == 1:
        return kind
    return "replies" if kind == "reply" else f"{kind}s"
