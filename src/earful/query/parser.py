"""The recursive-descent parser: tokens -> AST, with X API v2 precedence.

Grammar (AND binds tighter than OR; juxtaposition is AND)::

    query   := or_expr EOF
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary+
    unary   := "-" unary | primary
    primary := "(" or_expr ")" | WORD | PHRASE | OP | HASHTAG | MENTION
"""

from __future__ import annotations

import re
from datetime import date

from earful.errors import QueryError
from earful.query.ast import (
    HAS_VALUES,
    IS_VALUES,
    OPERATORS,
    SPAM_REASONS,
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
from earful.query.lexer import Token, tokenize
from earful.text import tokens

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_NUMBER = re.compile(r"\d{1,18}")
_IS_ALIASES = {"repost": "retweet"}


def parse(text: str) -> Node:
    """Parse an Earful query; raises :class:`QueryError` naming the 1-based column."""
    return _Parser(text, tokenize(text)).parse()


class _Parser:
    def __init__(self, text: str, toks: list[Token]) -> None:
        self.text = text
        self.toks = toks
        self.pos = 0

    def peek(self) -> Token | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def parse(self) -> Node:
        if not self.toks:
            raise QueryError("empty query", column=1)
        node = self.or_expr()
        tok = self.peek()
        if tok is not None:  # only a stray ")" can stop or_expr early
            raise QueryError("unbalanced parenthesis: ')' has no matching '('", column=tok.column)
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr(None)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.pos += 1
            parts.append(self.and_expr(tok))
        return _flatten(Or, parts)

    def and_expr(self, after_or: Token | None) -> Node:
        parts: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind not in ("OR", "RPAREN"):
            parts.append(self.unary())
        if not parts:
            tok = self.peek()
            dangling = after_or or tok
            if dangling is not None and dangling.kind == "OR":
                raise QueryError(
                    "dangling OR: it needs a term, phrase, operator or group on both sides",
                    column=dangling.column,
                )
            if tok is None:
                raise QueryError("empty query", column=len(self.text) + 1)
            raise QueryError("unbalanced parenthesis: ')' has no matching '('", column=tok.column)
        return _flatten(And, parts)

    def unary(self) -> Node:
        tok = self.toks[self.pos]
        self.pos += 1
        if tok.kind == "NEG":
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "RPAREN"):
                raise QueryError(
                    "'-' must be followed by a term, phrase, operator or group", column=tok.column
                )
            return Not(self.unary())
        if tok.kind == "LPAREN":
            nxt = self.peek()
            if nxt is not None and nxt.kind == "RPAREN":
                raise QueryError("empty group '()'", column=tok.column)
            if nxt is None:
                raise QueryError("unbalanced parenthesis: '(' is never closed", column=tok.column)
            node = self.or_expr()
            close = self.peek()
            if close is None:
                raise QueryError("unbalanced parenthesis: '(' is never closed", column=tok.column)
            self.pos += 1
            return node
        if tok.kind == "WORD":
            _searchable(tok.text, tok.column, "term")
            return Term(tok.text)
        if tok.kind == "PHRASE":
            if not tok.text.strip():
                raise QueryError('empty phrase ""', column=tok.column)
            _searchable(tok.text, tok.column, "phrase")
            return Phrase(tok.text)
        if tok.kind == "HASHTAG":
            if not tok.text:
                raise QueryError("empty value: '#' needs a hashtag", column=tok.column)
            return Hashtag(tok.text)
        if tok.kind == "MENTION":
            if not tok.text:
                raise QueryError("empty value: '@' needs a handle", column=tok.column)
            return Mention(tok.text)
        if tok.kind == "OP":
            return Operator(tok.name, operator_value(tok.name, tok.text, tok.column))
        raise AssertionError(tok)  # pragma: no cover - OR/RPAREN never reach unary


def _flatten(kind: type[And] | type[Or], parts: list[Node]) -> Node:
    if len(parts) == 1:
        return parts[0]
    flat: list[Node] = []
    for part in parts:
        flat.extend(part.children if isinstance(part, kind) else (part,))
    return kind(tuple(flat))


def _searchable(text: str, column: int, what: str) -> None:
    if not tokens(text):
        raise QueryError(
            f"{what} {text!r} has nothing to search for (no letters or digits)", column=column
        )


def operator_value(name: str, value: str, column: int) -> str:
    """Validate ``value`` for operator ``name``; returns its canonical form."""
    if name not in OPERATORS:
        raise QueryError(
            f"unknown operator '{name}:' (known: {', '.join(OPERATORS)});"
            f' to search the text, quote it: "{name}:{value}"',
            column=column,
        )
    if not value.strip():
        raise QueryError(f"empty value for '{name}:'", column=column)
    value = value.strip()
    if name in ("from", "to"):
        handle = value.lstrip("@\uff20")
        if not handle:
            raise QueryError(f"empty value for '{name}:'", column=column)
        return handle
    if name == "lang":
        if not _LANG.fullmatch(value):
            raise QueryError(
                f"bad language code {value!r} for 'lang:' (e.g. en, pt-BR)", column=column
            )
        return value.lower()
    if name in ("since", "until"):
        if not _DATE.fullmatch(value):
            raise QueryError(
                f"bad date {value!r} for '{name}:' (expected YYYY-MM-DD)", column=column
            )
        try:
            date.fromisoformat(value)
        except ValueError:
            raise QueryError(
                f"bad date {value!r} for '{name}:' (no such day)", column=column
            ) from None
        return value
    if name.startswith("min_"):
        if not _NUMBER.fullmatch(value):
            raise QueryError(
                f"bad number {value!r} for '{name}:' (expected a whole number >= 0)",
                column=column,
            )
        return str(int(value))
    if name == "has":
        return _choice(name, value.lower(), HAS_VALUES, column)
    if name == "is":
        lowered = value.lower()
        return _choice(name, _IS_ALIASES.get(lowered, lowered), IS_VALUES, column)
    if name in ("spam", "support_reply"):
        return _choice(name, value.lower(), ("true", "false"), column)
    if name == "spam_reason":
        return _choice(name, value.lower(), SPAM_REASONS, column)
    if name in ("sentiment", "type"):
        return value.casefold()
    return value  # url, conversation_id, source, product: as written


def _choice(name: str, value: str, allowed: tuple[str, ...], column: int) -> str:
    if value not in allowed:
        raise QueryError(
            f"bad value {value!r} for '{name}:' (expected {' or '.join(allowed)})", column=column
        )
    return value
