"""The query AST: frozen dataclasses produced by :func:`earful.query.parse`.

One tree feeds both back ends: :func:`earful.store.sqlquery.compile_where` (SQL over the store)
and :func:`earful.query.matches` (in memory, for streams). Values are kept as the user wrote
them, except that operator values are validated and put in canonical form by the parser
(``from:@Ann`` -> ``Operator("from", "Ann")``, ``is:repost`` -> ``Operator("is", "retweet")``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Term:
    """A bare word: matches its tokens as a phrase (one token for most words)."""

    text: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """A ``"quoted phrase"``: its tokens, adjacent and in order."""

    text: str


@dataclass(frozen=True, slots=True)
class Hashtag:
    """``#tag``: the post carries the hashtag (without ``#``)."""

    tag: str


@dataclass(frozen=True, slots=True)
class Mention:
    """``@handle``: the post mentions the handle (without ``@``)."""

    handle: str


@dataclass(frozen=True, slots=True)
class Operator:
    """``name:value`` such as ``from:ann`` or ``min_faves:10`` (see :data:`OPERATORS`)."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Not:
    """``-x``: the negation of a term, phrase, operator or group."""

    child: Node


@dataclass(frozen=True, slots=True)
class And:
    """Implicit AND of two or more nodes (``a b``)."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """``a OR b``: two or more alternatives."""

    children: tuple[Node, ...]


Node = Term | Phrase | Hashtag | Mention | Operator | Not | And | Or

#: Every operator the language knows, X API v2 ones first, then Earful's own.
OPERATORS = (
    "from",
    "to",
    "lang",
    "since",
    "until",
    "url",
    "has",
    "is",
    "min_faves",
    "min_retweets",
    "min_replies",
    "conversation_id",
    "source",
    "product",
    "sentiment",
    "type",
    "spam",
    "spam_reason",
    "support_reply",
)

#: Operators whose value names a label field (matched against ``effective_labels``).
LABEL_FIELDS = ("sentiment", "type", "spam", "spam_reason", "support_reply")
#: Why the labeller called a post spam (``earful.labels.rules.spam_evidence``).
SPAM_REASONS = (
    "link_farm",
    "repeated_text",
    "bot_like_author",
    "promotion",
    "engagement_bait",
    "offsite_link",
)
HAS_VALUES = ("links", "hashtags", "mentions")
IS_VALUES = ("reply", "retweet", "quote")

__all__ = [
    "HAS_VALUES",
    "IS_VALUES",
    "LABEL_FIELDS",
    "OPERATORS",
    "SPAM_REASONS",
    "And",
    "Hashtag",
    "Mention",
    "Node",
    "Not",
    "Operator",
    "Or",
    "Phrase",
    "Term",
]
