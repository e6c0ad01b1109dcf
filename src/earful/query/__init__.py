"""The Earful query language: X API v2 search syntax plus Earful fields (docs/query.md).

One parser serves search, saved watches and stream rules; its AST compiles to SQL
(:func:`earful.store.sqlquery.compile_where`) and to an in-memory matcher (:func:`matches`).

>>> to_text(parse('acme -is:retweet (#bug OR "crash report")'))
'acme -is:retweet (#bug OR "crash report")'
"""

from __future__ import annotations

from earful.query.ast import (
    OPERATORS,
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
from earful.query.matcher import matches
from earful.query.parser import parse
from earful.query.serialize import to_text

__all__ = [
    "OPERATORS",
    "And",
    "Hashtag",
    "Mention",
    "Node",
    "Not",
    "Operator",
    "Or",
    "Phrase",
    "QueryContext",
    "Term",
    "matches",
    "parse",
    "to_text",
]
