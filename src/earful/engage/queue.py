"""The answer queue: questions and lead-intent posts worth replying to, ranked.

An item is a post from the watches (all posts when there are none) that asks a question or
looks for a tool, is not spam, not by a bot and not by the user. The score mixes intent,
relevance to the products, the author's reach and freshness; ``reasons`` says which of
them put the item there. States (new, answered, dismissed, snoozed) live in
``engage_queue``; a post the user already replied to from an own account is answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from earful.engage.common import (
    Item,
    all_own,
    freshness,
    is_own,
    is_spam,
    load_items,
    own_handles,
    reach,
    reference_time,
    reply_link,
)
from earful.engage.intent import lead_intent, question_intent
from earful.errors import InputError
from earful.text import fold

if TYPE_CHECKING:
    from earful.config import Config
    from earful.store.sqlite import SQLiteStore

STATES = ("new", "answered", "dismissed", "snoozed")
WEIGHTS = {"relevance": 0.4, "freshness": 0.3, "reach": 0.3}


@dataclass(frozen=True, slots=True)
class QueueItem:
    key: str
    kind: str  # "question" or "lead"
    score: float
    state: str
    created_at: datetime
    author: str | None
    followers: int | None
    text: str
    url: str | None
    reply_url: str | None
    reasons: tuple[str, ...]
    parts: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "score": round(self.score, 2),
            "state": self.state,
            "created_at": self.created_at.isoformat(),
            "author": self.author,
            "followers": self.followers,
            "text": self.text,
            "url": self.url,
            "reply_url": self.reply_url,
            "reasons": list(self.reasons),
            "parts": {k: round(v, 3) for k, v in self.parts.items()},
        }


def intent_of(item: Item) -> tuple[str, float, str] | None:
    """(kind, strength, reason) from the labels, else from the rules; None without intent."""
    if item.flag("support_reply"):
        return None  # a brand's support account asking its customer, not a prospect
    if item.flag("lead"):
        return "lead", 1.0, "labelled as a lead"
    if item.label("type") == "question" or item.flag("question"):
        return "question", 0.9, "labelled as a question"
    if item.labels.get("type") or item.labels.get("question") or item.labels.get("lead"):
        return None  # a labeller looked at it and found no question or lead
    text = item.post.text
    lead, lead_why = lead_intent(text)
    question, question_why = question_intent(text)
    if lead and lead_why and lead >= question:
        return "lead", lead * 0.85, lead_why
    if question and question_why:
        return "question", question * 0.85, question_why
    return None


def relevance_of(item: Item, config: Config | None) -> tuple[float, str]:
    products = config.products if config else ()
    best: tuple[float, str] | None = None
    for product in products:
        hit = item.labels.get(product.relevance_field)
        if hit is not None:
            score = (hit[1] if hit[1] is not None else 1.0) if hit[0] == "true" else 0.0
            if best is None or score > best[0]:
                best = (score, f"relevant to {product.name} (label)")
    if best is not None:
        return best
    text = fold(item.post.text)
    for product in products:
        for name in product.names:
            if fold(name.lstrip("@#")) in text:
                return 1.0, f"names {product.name}"
        for rival in product.competitors:
            if fold(rival) in text:
                return 0.9, f"names competitor {rival}"
    return 0.6, "matches a watch"


def candidates(
    store: SQLiteStore, config: Config | None, since: datetime, until: datetime
) -> list[Item]:
    """Posts of every watch (or all posts without watches) in [since, until), once each."""
    ctx = None
    if config is not None:
        from earful.query import QueryContext

        ctx = QueryContext.from_config(config)
    queries = [w.query for w in config.watches] if config and config.watches else [None]
    seen: dict[int, Item] = {}
    for query in queries:
        for item in load_items(store, query, context=ctx, since=since, until=until):
            seen.setdefault(item.rowid, item)
    return list(seen.values())


def answer_queue(
    store: SQLiteStore,
    config: Config | None = None,
    *,
    now: datetime | None = None,
    days: float = 7.0,
    states: tuple[str, ...] = ("new",),
    kinds: tuple[str, ...] = ("question", "lead"),
    limit: int | None = 50,
) -> list[QueueItem]:
    """The ranked queue as of ``now`` (default: the newest post), over the last ``days``."""
    for state in states:
        if state not in STATES:
            raise InputError(f"unknown state {state!r} (one of {', '.join(STATES)})", field="state")
    from earful.store.engage import queue_states

    ref = reference_time(store, now)
    items = candidates(store, config, ref - timedelta(days=days), ref + timedelta(seconds=1))
    own = own_handles(config)
    mine = all_own(own)
    answered = _answered_by_own(store, mine)
    saved = queue_states(store.conn)
    out = []
    for item in items:
        post = item.post
        if post.is_repost or is_own(post, own) or is_spam(item):
            continue
        intent = intent_of(item)
        if intent is None or intent[0] not in kinds:
            continue
        kind, strength, why = intent
        rel, rel_why = relevance_of(item, config)
        if rel <= 0.0:
            continue
        parts = {
            "intent": strength,
            "relevance": rel,
            "freshness": freshness(post.created_at, ref),
            "reach": reach(post.author),
        }
        score = 100.0 * strength * sum(WEIGHTS[k] * parts[k] for k in WEIGHTS)
        state = _state(saved.get(post.key), ref)
        if state == "new" and post.key in answered:
            state = "answered"
        if state not in states:
            continue
        followers = post.author.followers if post.author else None
        reasons = [why, rel_why]
        if followers:
            reasons.append(f"author has {followers:,} followers")
        age_h = (ref - post.created_at).total_seconds() / 3600
        reasons.append(_age(age_h))
        out.append(
            QueueItem(
                key=f"{post.source}:{post.id}",
                kind=kind,
                score=score,
                state=state,
                created_at=post.created_at,
                author=post.author_handle,
                followers=followers,
                text=post.text,
                url=post.url,
                reply_url=reply_link(post),
                reasons=tuple(reasons),
                parts=parts,
            )
        )
    out.sort(key=lambda q: (-q.score, q.key))
    return out[:limit] if limit is not None else out


def _age(hours: float) -> str:
    return f"posted {hours:.0f} h ago" if hours < 48 else f"posted {hours / 24:.0f} d ago"


def _state(saved: Any, ref: datetime) -> str:
    if saved is None:
        return "new"
    if saved.state == "snoozed" and saved.snooze_until and saved.snooze_until <= ref.isoformat():
        return "new"
    return str(saved.state)


def _answered_by_own(store: SQLiteStore, handles: set[str]) -> set[tuple[str, str]]:
    """(source, id) of posts that an own account replied to."""
    if not handles:
        return set()
    marks = ",".join("?" * len(handles))
    rows = store.conn.execute(
        f"SELECT source, reply_to_id FROM posts WHERE reply_to_id IS NOT NULL"
        f" AND author_handle IN ({marks})",  # stored folded: the index applies
        sorted(handles),
    )
    return {(r[0], r[1]) for r in rows}


def parse_key(key: str) -> tuple[str, str]:
    source, sep, post_id = key.partition(":")
    if not sep or not source or not post_id:
        raise InputError(f"bad queue item {key!r} (expected SOURCE:ID, e.g. x:1234)", field="item")
    return source, post_id


def set_state(
    store: SQLiteStore,
    key: str,
    state: str,
    *,
    snooze_hours: float = 24.0,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Mark a queue item (``SOURCE:ID``) new, answered, dismissed or snoozed."""
    if state not in STATES:
        raise InputError(f"unknown state {state!r} (one of {', '.join(STATES)})", field="state")
    source, post_id = parse_key(key)
    if store.get_post(source, post_id) is None:
        raise InputError(f"no stored post {key!r}", field="item")
    from earful.store.engage import set_queue_state

    clock = (now or datetime.now(UTC)).astimezone(UTC)
    until = None
    if state == "snoozed":
        until = (reference_time(store, now) + timedelta(hours=snooze_hours)).isoformat()
    with store.transaction() as conn:
        set_queue_state(conn, source, post_id, state, clock.isoformat(), until)
    return {"key": key, "state": state, "snooze_until": until}
