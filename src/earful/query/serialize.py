"""Canonical text of an AST: ``parse(to_text(node))`` gives back an equal tree."""

from __future__ import annotations

from earful.query.ast import And, Hashtag, Mention, Node, Not, Operator, Or, Phrase, Term
from earful.query.lexer import tokenize


def to_text(node: Node) -> str:
    """The canonical query text of ``node`` (single spaces, ``OR`` upper-case, minimal quotes)."""
    if isinstance(node, Term):
        return node.text if _bare_word(node.text) else _quote(node.text)
    if isinstance(node, Phrase):
        return _quote(node.text)
    if isinstance(node, Hashtag):
        return f"#{node.tag}"
    if isinstance(node, Mention):
        return f"@{node.handle}"
    if isinstance(node, Operator):
        value = node.value
        return f"{node.name}:{value if _bare_value(value) else _quote(value)}"
    if isinstance(node, Not):
        child = node.child
        inner = to_text(child)
        return f"-({inner})" if isinstance(child, And | Or) else f"-{inner}"
    if isinstance(node, And):
        return " ".join(
            f"({to_text(c)})" if isinstance(c, Or) else to_text(c) for c in node.children
        )
    return " OR ".join(
        f"({to_text(c)})" if isinstance(c, Or) else to_text(c) for c in node.children
    )


def _quote(text: str) -> str:
    return '"' + text.replace('"', " ") + '"'


def _bare_word(text: str) -> bool:
    if not text or text[0] == "-":
        return False
    try:
        toks = tokenize(text)
    except Exception:
        return False
    return len(toks) == 1 and toks[0].kind == "WORD" and toks[0].text == text


def _bare_value(value: str) -> bool:
    return bool(value) and not any(ch.isspace() or ch in '()"' for ch in value)
