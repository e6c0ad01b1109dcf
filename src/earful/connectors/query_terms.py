"""Translate an Earful query AST into a network's search strings, never narrower than the query.

"Fetch wider, filter locally": a network search can express only part of our language, so
:func:`alternatives` returns search strings whose *union* covers every post the query can match.
Whatever a network cannot express (negations, label operators, metrics) is dropped here and
enforced afterwards by the in-memory matcher. ``None`` means "no constraint could be expressed".
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

from earful.query.ast import And, Hashtag, Node, Not, Operator, Or, Phrase, Term

__all__ = ["Leaf", "alternatives", "is_operator", "positive_hashtags", "quote", "simple_leaf"]

#: Renders one leaf for a network; ``None`` when the network cannot express it.
Leaf = Callable[[Node], str | None]

MAX_ALTERNATIVES = 8


def alternatives(node: Node, leaf: Leaf, limit: int = MAX_ALTERNATIVES) -> list[str] | None:
    """Search strings (ANDed terms each) whose union covers ``node``; ``None`` if unconstrained."""
    if isinstance(node, Not):
        return None
    if isinstance(node, Or):
        out: list[str] = []
        for child in node.children:
            alts = alternatives(child, leaf, limit)
            if alts is None:
                return None
            out.extend(a for a in alts if a not in out)
        return out if len(out) <= limit else None
    if isinstance(node, And):
        parts = [a for c in node.children if (a := alternatives(c, leaf, limit)) is not None]
        if not parts:
            return None
        parts.sort(key=len)
        combined: list[str] = [""]
        for alts in parts:
            if len(combined) * len(alts) > limit:
                break  # dropping a conjunct only widens the search
            combined = [" ".join(filter(None, (a, b))) for a, b in product(combined, alts)]
        return combined
    rendered = leaf(node)
    return None if rendered is None else [rendered]


def positive_hashtags(node: Node) -> list[str] | None:
    """Hashtags one of which every match must carry (``None`` if no such set exists)."""
    if isinstance(node, Hashtag):
        return [node.tag]
    if isinstance(node, Or):
        tags: list[str] = []
        for child in node.children:
            sub = positive_hashtags(child)
            if sub is None:
                return None
            tags.extend(t for t in sub if t not in tags)
        return tags
    if isinstance(node, And):
        options = [t for c in node.children if (t := positive_hashtags(c)) is not None]
        return min(options, key=len) if options else None
    return None


def quote(text: str) -> str:
    """A term as a phrase when it holds spaces or quotes are needed."""
    cleaned = text.replace('"', " ").strip()
    return f'"{cleaned}"' if " " in cleaned else cleaned


def simple_leaf(node: Node) -> str | None:
    """Words and phrases only: the common core every search understands."""
    if isinstance(node, Term):
        return quote(node.text) or None
    if isinstance(node, Phrase):
        cleaned = node.text.replace('"', " ").strip()
        return f'"{cleaned}"' if cleaned else None
    return None


def is_operator(node: Node, *names: str) -> bool:
    return isinstance(node, Operator) and node.name in names

