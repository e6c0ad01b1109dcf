"""Splitting a query into tokens, each with its 1-based column (in code points)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from earful.errors import QueryError

Kind = Literal["LPAREN", "RPAREN", "OR", "NEG", "WORD", "PHRASE", "OP", "HASHTAG", "MENTION"]

_STOP = frozenset('()"')
_OPERATOR = re.compile(r"([A-Za-z_]+):(.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    column: int
    text: str = ""
    name: str = ""


def tokenize(query: str) -> list[Token]:
    """The tokens of ``query``; :class:`QueryError` for an unbalanced quote or a bare ``-``."""
    out: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        col = i + 1
        if ch.isspace():
            i += 1
        elif ch == "(":
            out.append(Token("LPAREN", col))
            i += 1
        elif ch == ")":
            out.append(Token("RPAREN", col))
            i += 1
        elif ch == '"':
            text, i = _quoted(query, i)
            out.append(Token("PHRASE", col, text))
        elif ch == "-":
            if i + 1 >= n or query[i + 1].isspace() or query[i + 1] == ")":
                raise QueryError(
                    "'-' must be followed (without a space) by a term, phrase, operator or group",
                    column=col,
                )
            out.append(Token("NEG", col))
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in _STOP:
                j += 1
            word = query[i:j]
            i = j
            out.append(_word(word, col))
            if out[-1].kind == "OP" and out[-1].text == "" and i < n and query[i] == '"':
                value, i = _quoted(query, i)
                out[-1] = Token("OP", col, value, out[-1].name)
    return out


def _word(word: str, col: int) -> Token:
    m = _OPERATOR.fullmatch(word)
    if m and not (m.group(1).lower() in ("http", "https") and m.group(2).startswith("//")):
        return Token("OP", col, m.group(2), m.group(1).lower())
    if word == "OR":
        return Token("OR", col)
    if word[0] in "#\uff03":
        return Token("HASHTAG", col, word[1:])
    if word[0] in "@\uff20":
        return Token("MENTION", col, word[1:])
    return Token("WORD", col, word)


def _quoted(query: str, start: int) -> tuple[str, int]:
    """The text between the quote at ``start`` and the next quote, and the index after it."""
    close = query.find('"', start + 1)
    if close < 0:
        raise QueryError("unbalanced quote: this '\"' is never closed", column=start + 1)
    return query[start + 1 : close], close + 1
