"""The in-memory matcher (used by streams): the same semantics as the SQL compiler.

Each rule mirrors what :mod:`earful.store.sqlquery` asks of the stored columns, including how
the store folds values (see :func:`earful.store.posts.upsert_posts`), so both back ends agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cached_property

from earful.models import Post
from earful.query.ast import (
    LABEL_FIELDS,
    And,
    Hashtag,
    Mention,
    Node,
    Not,
    Operator,
    Or,
    Phrase,
    Term,
)
from earful.query.context import QueryContext
from earful.text import fold, normalize, tokens

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def matches(
    node: Node,
    post: Post,
    labels: Mapping[str, set[str]] | None = None,
    context: QueryContext | None = None,
) -> bool:
    """Whether ``post`` matches the query ``node``.

    ``labels`` maps a label field (``sentiment``, ``type``, ``spam`` ...) to the post's effective
    values for it; without labels, label operators match nothing.
    """
    return _Matcher(post, labels or {}, context or QueryContext()).eval(node)


def phrase_in(phrase_tokens: list[str], padded_norm: str) -> bool:
    """Whether the tokens occur adjacent and in order in ``" " + normalize(text) + " "``."""
    return bool(phrase_tokens) and f" {' '.join(phrase_tokens)} " in padded_norm


class _Matcher:
    def __init__(self, post: Post, labels: Mapping[str, set[str]], context: QueryContext) -> None:
        self.post = post
        self.labels = labels
        self.context = context

    @cached_property
    def padded(self) -> str:
        return f" {normalize(self.post.text)} "

    @cached_property
    def hashtags(self) -> set[str]:
        return {fold(t) for t in self.post.hashtags}

    @cached_property
    def mentions(self) -> set[str]:
        return {fold(m) for m in self.post.mentions}

    def eval(self, node: Node) -> bool:
        if isinstance(node, Term | Phrase):
            return phrase_in(tokens(node.text), self.padded)
        if isinstance(node, Hashtag):
            return fold(node.tag) in self.hashtags
        if isinstance(node, Mention):
            return fold(node.handle) in self.mentions
        if isinstance(node, Not):
            return not self.eval(node.child)
        if isinstance(node, And):
            return all(self.eval(c) for c in node.children)
        if isinstance(node, Or):
            return any(self.eval(c) for c in node.children)
        return self.operator(node)

    def operator(self, op: Operator) -> bool:
        post, name, value = self.post, op.name, op.value
        if name == "from":
            return post.author is not None and fold(post.author.handle) == fold(value)
        if name == "to":
            handle = post.reply_to.author_handle if post.reply_to else None
            return bool(handle) and fold(handle or "") == fold(value)
        if name == "lang":
            lang = (post.lang or "").translate(_ASCII_LOWER)
            return post.lang is not None and (lang == value or lang.startswith(value + "-"))
        if name in ("since", "until"):
            day = datetime.fromisoformat(value).replace(tzinfo=UTC)
            ts = int(post.created_at.timestamp())
            bound = int(day.timestamp())
            return ts >= bound if name == "since" else ts < bound
        if name == "url":
            wanted = value.casefold()
            return any(wanted in u.casefold() for u in post.urls)
        if name == "has":
            return bool({"links": post.urls, "hashtags": post.hashtags}.get(value, post.mentions))
        if name == "is":
            if value == "reply":
                r = post.reply_to
                return r is not None and (r.post_id is not None or bool(r.author_handle))
            return (post.repost_of if value == "retweet" else post.quote_of) is not None
        if name.startswith("min_"):
            counts = {
                "min_faves": post.metrics.likes,
                "min_retweets": post.metrics.reposts,
                "min_replies": post.metrics.replies,
            }
            return counts[name] >= int(value)
        if name == "conversation_id":
            return post.conversation_id == value
        if name == "source":
            return post.source == value
        if name == "product":
            return any(phrase_in(tokens(n), self.padded) for n in self.context.product_names(value))
        if name in LABEL_FIELDS:
            return value in self.labels.get(name, ())
        raise ValueError(f"unknown operator {name!r}")
