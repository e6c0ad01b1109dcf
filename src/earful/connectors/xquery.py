"""Earful query AST -> X API v2 query (search and filtered-stream rules).

Most operators are X's own. The rest is handled so that the X query is never *narrower* than
ours: what X cannot express is dropped (widening), the translation is marked inexact, and the
connector filters the results with the in-memory matcher.

* ``min_faves:`` / ``min_retweets:`` -> ``min_likes:`` / ``min_reposts:`` (search only);
* ``since:`` / ``until:`` at the top level -> ``start_time`` / ``end_time``;
* ``product:NAME`` -> ``("Name" OR "Alias" ...)``;
* ``source:x`` -> always true; ``source:other`` -> the query matches nothing on X;
* label fields (``sentiment:``, ``type:``, ``spam:``), negated groups -> dropped, local filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from earful.errors import ConfigError
from earful.query import And, Hashtag, Mention, Not, Operator, Or, Phrase, Term

_STANDALONE_FREE = ("is:", "has:", "lang:", "-is:", "-has:", "-lang:")
_BARE = re.compile(r"^[^\s\"()]+$")


@dataclass(frozen=True, slots=True)
class XQuery:
    text: str
    start_time: str | None = None
    end_time: str | None = None
    exact: bool = True
    impossible: bool = False


class _True:
    """Marker: a node X cannot express, widened to 'anything'."""


class _False:
    """Marker: a node that can never match on X (e.g. ``source:reddit``)."""


_T, _F = _True(), _False()
Compiled = str | _True | _False


def compile_x(node: Any, context: Any = None, *, stream: bool = False, limit: int = 512) -> XQuery:
    """Translate an Earful query AST to an X query string (and time bounds)."""
    state = {"exact": True}
    start = end = None
    children = list(node.children) if isinstance(node, And) else [node]
    kept = []
    for child in children:
        if isinstance(child, Operator) and child.name == "since" and not stream:
            start = f"{child.value}T00:00:00Z"
        elif isinstance(child, Operator) and child.name == "until" and not stream:
            end = f"{child.value}T00:00:00Z"
        else:
            kept.append(child)
    compiled = _and([_node(c, context, state, stream) for c in kept], state)
    if isinstance(compiled, _False):
        return XQuery("", start, end, exact=False, impossible=True)
    if isinstance(compiled, _True) or _only_conjunction_ops(compiled):
        raise ConfigError(
            "query",
            "X needs at least one word, phrase, #tag, @mention or from:/to:/url: to search for",
        )
    if len(compiled) > limit:
        raise ConfigError("query", f"the X query is {len(compiled)} characters; X allows {limit}")
    return XQuery(compiled, start, end, exact=state["exact"])


def _node(node: Any, context: Any, state: dict[str, bool], stream: bool) -> Compiled:
    if isinstance(node, Term):
        return node.text if _BARE.match(node.text) else _quote(node.text)
    if isinstance(node, Phrase):
        return _quote(node.text)
    if isinstance(node, Hashtag):
        return f"#{node.tag}"
    if isinstance(node, Mention):
        return f"@{node.handle}"
    if isinstance(node, Operator):
        return _operator(node, context, state, stream)
    if isinstance(node, Not):
        inner = _node(node.child, context, state, stream)
        if inner == "":  # -source:x
            return _F
        if isinstance(inner, _False):
            return ""
        if isinstance(inner, _True):
            state["exact"] = False
            return _T
        if isinstance(node.child, And | Or) or inner.startswith("("):
            state["exact"] = False  # X never negates a group
            return _T
        return f"-{inner}"
    if isinstance(node, And):
        return _and([_node(c, context, state, stream) for c in node.children], state)
    if isinstance(node, Or):
        parts = [_node(c, context, state, stream) for c in node.children]
        if any(isinstance(p, _True) for p in parts):
            return _T
        if "" in parts:
            return ""
        texts = [p for p in parts if isinstance(p, str)]
        if not texts:
            return _F
        return texts[0] if len(texts) == 1 else "(" + " OR ".join(texts) + ")"
    raise TypeError(f"unknown query node {node!r}")


def _and(parts: list[Compiled], state: dict[str, bool]) -> Compiled:
    if any(isinstance(p, _False) for p in parts):
        return _F
    if any(isinstance(p, _True) for p in parts):
        state["exact"] = False
    texts = [p for p in parts if isinstance(p, str) and p]
    if not texts:
        return "" if all(p == "" for p in parts) else _T
    return " ".join(texts)


def _operator(node: Operator, context: Any, state: dict[str, bool], stream: bool) -> Compiled:
    name, value = node.name, node.value
    if name in ("from", "to", "lang", "has", "is", "conversation_id"):
        return f"{name}:{value}"
    if name == "url":
        return f"url:{value}" if _BARE.match(value) else f"url:{_quote(value)}"
    if name in ("min_faves", "min_retweets", "min_replies"):
        if stream:
            state["exact"] = False
            return _T
        return {"min_faves": "min_likes", "min_retweets": "min_reposts"}.get(name, name) + (
            f":{value}"
        )
    if name == "source":
        return "" if value.casefold() == "x" else _F  # "": true, and exactly so
    if name == "product":
        names = context.product_names(value) if context is not None else (value,)
        quoted = [_quote(n) if not _BARE.match(n) else n for n in names]
        return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"
    state["exact"] = False  # since/until below the top level, label fields
    return _T


def _only_conjunction_ops(text: str) -> bool:
    return all(part.startswith(_STANDALONE_FREE) for part in text.split())


def _quote(text: str) -> str:
    return '"' + text.replace('"', " ").strip() + '"'


__all__ = ["XQuery", "compile_x"]
