"""The domain model shared by every stage: frozen, slotted dataclasses with no I/O.

A :class:`Post` is what connectors, importers, the store, the labellers and the insights all
exchange. The raw payload a post was mapped from travels beside it in ``raw`` (excluded from
equality and hashing) so a mapper can be fixed later without collecting the data again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a post, as the network describes them."""

    id: str
    handle: str
    name: str | None = None
    bio: str | None = None
    followers: int | None = None
    following: int | None = None
    posts: int | None = None  # how many posts the account has made, as the network counts them
    joined_at: datetime | None = None  # when the account was created (aware UTC)


@dataclass(frozen=True, slots=True)
class ReplyTo:
    """The post (and its author) that a reply answers."""

    post_id: str | None = None
    author_handle: str | None = None


@dataclass(frozen=True, slots=True)
class Metrics:
    """Public engagement counts."""

    likes: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0


@dataclass(frozen=True, slots=True)
class Post:
    """One post from any source, keyed by ``(source, id)``.

    ``created_at`` is timezone-aware UTC. ``hashtags`` are stored without ``#`` and ``mentions``
    without ``@``, both in their original case; ``urls`` are expanded URLs.
    """

    source: str
    id: str
    created_at: datetime
    text: str
    url: str | None = None
    lang: str | None = None
    author: Author | None = None
    reply_to: ReplyTo | None = None
    quote_of: str | None = None
    repost_of: str | None = None
    conversation_id: str | None = None
    metrics: Metrics = field(default_factory=Metrics)
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    raw: Mapping[str, Any] | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.id)

    @property
    def author_handle(self) -> str | None:
        return self.author.handle if self.author else None

    @property
    def is_reply(self) -> bool:
        return self.reply_to is not None

    @property
    def is_quote(self) -> bool:
        return self.quote_of is not None

    @property
    def is_repost(self) -> bool:
        return self.repost_of is not None


__all__ = ["Author", "Metrics", "Post", "ReplyTo"]
