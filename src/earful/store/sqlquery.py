"""Compiling a query AST to a parameterised SQL ``WHERE`` fragment over ``posts AS p``.

The SQL text is assembled only from the fixed snippets below and ``?`` placeholders; every
value from the query travels as a parameter. Words and phrases go through the FTS5 index: the
text parts of an AND (including negated ones) or of an OR are merged into one ``MATCH``
expression, built from :func:`earful.text.tokens` as double-quoted phrases. Entities use
``post_entities`` and labels the ``effective_labels`` view, as ``p.rowid IN (subquery)`` so that
SQLite can drive the query from an index. Every fragment is two-valued (never NULL), so ``NOT``
means exactly "does not match", as in the in-memory matcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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
from earful.text import fold, tokens

Fragment = tuple[str, list[Any]]

_FTS = "p.rowid IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)"
_ENTITY = "p.rowid IN (SELECT post_rowid FROM post_entities WHERE kind = ? AND value = ?)"
_ENTITY_ANY = (
    "EXISTS (SELECT 1 FROM post_entities AS e WHERE e.post_rowid = p.rowid AND e.kind = ?)"
)
_URL = (
    "p.rowid IN (SELECT post_rowid FROM post_entities WHERE kind = 'url' AND instr(value, ?) > 0)"
)
_LABEL = "p.rowid IN (SELECT post_rowid FROM effective_labels WHERE field = ? AND value = ?)"
_LANG = "coalesce(lower(p.lang) = ? OR substr(lower(p.lang), 1, ?) = ?, 0)"
_COLUMN_EQ = {
    "from": "p.author_handle IS ?",
    "to": "p.reply_to_handle IS ?",
    "conversation_id": "p.conversation_id IS ?",
    "source": "p.source = ?",
}
_MIN = {
    "min_faves": "p.likes >= ?",
    "min_retweets": "p.reposts >= ?",
    "min_replies": "p.replies >= ?",
}
_IS = {
    "reply": "(p.reply_to_id IS NOT NULL OR p.reply_to_handle IS NOT NULL)",
    "retweet": "p.repost_of IS NOT NULL",
    "quote": "p.quote_of IS NOT NULL",
}
_HAS = {"links": "url", "hashtags": "hashtag", "mentions": "mention"}
_NOTHING: Fragment = ("0", [])


def compile_where(node: Node, context: QueryContext | None = None) -> Fragment:
    """``(sql, params)`` selecting the posts (``posts AS p``) that match ``node``."""
    return _Compiler(context or QueryContext()).node(node)


def fts_phrase(text: str) -> str | None:
    """The FTS5 phrase for ``text`` (its tokens, quoted), or None when it has no tokens."""
    toks = tokens(text)
    if not toks:
        return None
    return '"' + " ".join(t.replace('"', '""') for t in toks) + '"'


class _Compiler:
    def __init__(self, context: QueryContext) -> None:
        self.context = context

    # -- full text -------------------------------------------------------------------------
    def fts(self, node: Node) -> str | None:
        """An FTS5 expression equivalent to ``node``, or None when it needs other columns."""
        if isinstance(node, Term | Phrase):
            return fts_phrase(node.text)
        if isinstance(node, Operator) and node.name == "product":
            phrases = [p for n in self.context.product_names(node.value) if (p := fts_phrase(n))]
            return " OR ".join(phrases) if phrases else None
        if isinstance(node, Or):
            parts = [self.fts(c) for c in node.children]
            if any(p is None for p in parts):
                return None
            return " OR ".join(f"({p})" for p in parts)
        if isinstance(node, And):
            pos, neg, rest = self._split_and(node.children)
            if rest or not pos:
                return None
            return self._and_expr(pos, neg)
        return None

    def _split_and(self, children: tuple[Node, ...]) -> tuple[list[str], list[str], list[Node]]:
        """Positive text parts, negated text parts and the rest of an AND's children."""
        pos: list[str] = []
        neg: list[str] = []
        rest: list[Node] = []
        for child in children:
            if isinstance(child, Not):
                expr = self.fts(child.child)
                (neg.append(expr) if expr is not None else rest.append(child))
            else:
                expr = self.fts(child)
                (pos.append(expr) if expr is not None else rest.append(child))
        return pos, neg, rest

    @staticmethod
    def _and_expr(pos: list[str], neg: list[str]) -> str:
        expr = " AND ".join(f"({p})" for p in pos)
        if neg:
            expr = f"({expr}) NOT ({' OR '.join(f'({n})' for n in neg)})"
        return expr

    # -- SQL -------------------------------------------------------------------------------
    def node(self, node: Node) -> Fragment:
        expr = self.fts(node)
        if expr is not None:
            return _FTS, [expr]
        if isinstance(node, And):
            return self._and(node)
        if isinstance(node, Or):
            return self._or(node)
        if isinstance(node, Not):
            sql, params = self.node(node.child)
            return f"NOT ({sql})", params
        if isinstance(node, Term | Phrase):
            return _NOTHING  # no searchable tokens: matches nothing
        if isinstance(node, Hashtag):
            return _ENTITY, ["hashtag", fold(node.tag)]
        if isinstance(node, Mention):
            return _ENTITY, ["mention", fold(node.handle)]
        return self.operator(node)

    def _and(self, node: And) -> Fragment:
        pos, neg, rest = self._split_and(node.children)
        parts: list[Fragment] = []
        if pos:
            parts.append((_FTS, [self._and_expr(pos, neg)]))
        else:
            rest = list(node.children)
        parts += [self.node(c) for c in rest]
        return _join(" AND ", parts)

    def _or(self, node: Or) -> Fragment:
        text = [e for c in node.children if (e := self.fts(c)) is not None]
        parts: list[Fragment] = []
        if text:
            parts.append((_FTS, [" OR ".join(f"({e})" for e in text)]))
        parts += [self.node(c) for c in node.children if self.fts(c) is None]
        return _join(" OR ", parts)

    def operator(self, op: Operator) -> Fragment:
        name, value = op.name, op.value
        if name in ("from", "to"):
            return _COLUMN_EQ[name], [fold(value)]
        if name in ("conversation_id", "source"):
            return _COLUMN_EQ[name], [value]
        if name == "lang":
            return _LANG, [value, len(value) + 1, value + "-"]
        if name in ("since", "until"):
            # Rowids are time-ordered (created_ts << 20, probed upwards at most 64 steps on a
            # collision), so a rowid bound that every match satisfies lets SQLite seek.
            ts = int(datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp())
            if name == "since":
                return "(p.rowid >= ? AND p.created_ts >= ?)", [max(ts, 0) << 20, ts]
            return "(p.rowid < ? AND p.created_ts < ?)", [(max(ts, 0) << 20) + 64, ts]
        if name == "url":
            return _URL, [value.casefold()]
        if name == "has":
            return _ENTITY_ANY, [_HAS[value]]
        if name == "is":
            return _IS[value], []
        if name in _MIN:
            return _MIN[name], [int(value)]
        if name == "product":
            return _NOTHING  # no configured name has searchable tokens
        if name in LABEL_FIELDS:
            return _LABEL, [name, value]
        raise ValueError(f"unknown operator {name!r}")


def _join(sep: str, parts: list[Fragment]) -> Fragment:
    if len(parts) == 1:
        return parts[0]
    params: list[Any] = []
    for _sql, p in parts:
        params.extend(p)
    return "(" + sep.join(f"({sql})" for sql, _p in parts) + ")", params


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """How to run a newest-first search.

    ``driver`` is ``"fts"`` (``driver_params`` = [FTS5 expression]) or ``"entity"``
    (``[kind, value]``) when every match must satisfy that index lookup, else None; ``where``
    is the rest of the query. Walking the driving index in rowid order (rowids are
    time-ordered) lets SQLite stop after a page instead of sorting every match.
    """

    driver: str | None
    driver_params: list[Any]
    where: str
    params: list[Any]
    rowid_min: int | None = None  # every match has rowid >= rowid_min
    rowid_max: int | None = None  # every match has rowid < rowid_max


def _rowid_bounds(children: tuple[Node, ...]) -> tuple[int | None, int | None]:
    """Rowid bounds implied by the since:/until: operators of a top-level AND."""
    low: int | None = None
    high: int | None = None
    for child in children:
        if isinstance(child, Operator) and child.name in ("since", "until"):
            ts = max(int(datetime.fromisoformat(child.value).replace(tzinfo=UTC).timestamp()), 0)
            if child.name == "since":
                low = max(low, ts << 20) if low is not None else ts << 20
            else:
                bound = (ts << 20) + 64
                high = min(high, bound) if high is not None else bound
    return low, high


def compile_search(node: Node, context: QueryContext | None = None) -> SearchPlan:
    from dataclasses import replace

    plan = _compile_search(node, context)
    low, high = _rowid_bounds(node.children if isinstance(node, And) else (node,))
    return replace(plan, rowid_min=low, rowid_max=high)


def _compile_search(node: Node, context: QueryContext | None) -> SearchPlan:
    compiler = _Compiler(context or QueryContext())
    expr = compiler.fts(node)
    if expr is not None:
        return SearchPlan("fts", [expr], "1", [])
    children = node.children if isinstance(node, And) else (node,)
    if isinstance(node, And):
        pos, neg, rest = compiler._split_and(node.children)
        if pos:
            fts = compiler._and_expr(pos, neg)
            where, params = _join(" AND ", [compiler.node(c) for c in rest]) if rest else ("1", [])
            return SearchPlan("fts", [fts], where, params)
    for i, child in enumerate(children):
        if isinstance(child, Hashtag | Mention):
            kind, value = (
                ("hashtag", fold(child.tag))
                if isinstance(child, Hashtag)
                else ("mention", fold(child.handle))
            )
            rest = [c for j, c in enumerate(children) if j != i]
            where, params = _join(" AND ", [compiler.node(c) for c in rest]) if rest else ("1", [])
            return SearchPlan("entity", [kind, value], where, params)
    where, params = compiler.node(node)
    return SearchPlan(None, [], where, params)
