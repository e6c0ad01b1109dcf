"""Which stored posts an insight looks at: feedback about a product, from credible authors.

Labels are read through ``effective_labels`` (user corrections win). Before any labelling has
run, every post counts as feedback and a product is recognised by its names in the text.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from earful.config import Config, Product
from earful.errors import InputError
from earful.store.insights import FeedbackPost, ensure_schema, label_fields, load_posts
from earful.text import fold, fold_text, normalize

FEEDBACK_TYPES = frozenset({"bug", "feature_request", "complaint", "praise"})


@dataclass(frozen=True, slots=True)
class Scope:
    """A product (or all posts: ``product=None``) over [since, until)."""

    product: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    @property
    def key(self) -> str:
        return self.product or ""


def resolve_product(config: Config, name: str | None) -> Product | None:
    if name is None:
        return None
    product = config.product(name)
    if product is None:
        known = ", ".join(p.name for p in config.products) or "none configured"
        raise InputError(f"unknown product {name!r} (known: {known})", field="product")
    return product


def _ts(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def mentions_name(post: FeedbackPost, names: Sequence[str]) -> bool:
    needles = _needles(tuple(names))
    if not needles:
        return False
    text = f" {post.norm} "
    if any(phrase in text for phrase, _bare, _kind in needles):
        return True
    # The folded text and ``norm`` have the same tokens: a bare name of one token is in the
    # folded text exactly when it is in ``norm``; one of several tokens (single spaces) can
    # only be in the folded text when it is in ``norm``. Fold only for what is left.
    if any(kind == _ONE and bare in post.norm for _phrase, bare, kind in needles):
        return True
    others = [
        bare
        for _phrase, bare, kind in needles
        if kind == _OTHER or (kind == _WORDS and bare in post.norm)
    ]
    if not others:
        return False
    hashtags = fold_text(" ".join(post.text.split()))
    return any(bare in hashtags for bare in others)


_ONE, _WORDS, _OTHER = 0, 1, 2
_TOKEN = re.compile(r"[^\W_]+")
_TOKENS = re.compile(r"[^\W_]+(?: [^\W_]+)+")


@lru_cache(maxsize=256)
def _needles(names: tuple[str, ...]) -> tuple[tuple[str, str, int], ...]:
    """(" normalized name ", folded bare name, its kind: one token, tokens, other) for each
    name that has tokens."""
    out = []
    for n in names:
        if normalize(n):
            bare = fold(n).lstrip("#@")
            kind = _ONE if _TOKEN.fullmatch(bare) else _WORDS if _TOKENS.fullmatch(bare) else _OTHER
            out.append((f" {normalize(n)} ", bare, kind))
    return tuple(out)


def is_credible(post: FeedbackPost, own_handles: frozenset[str] = frozenset()) -> bool:
    """Not spam-labelled, not a follow-farm account, not the product's own account."""
    if post.is_spam:
        return False
    handle = post.handle or post.author.split(":", 1)[-1]
    if fold(handle) in own_handles:
        return False
    followers, following = post.followers or 0, post.following or 0
    return not (following >= 1000 and following > 50 * max(followers, 1))


def own_handles(config: Config) -> frozenset[str]:
    out: set[str] = set()
    for product in config.products:
        for handles in product.accounts.values():
            out.update(fold(h.lstrip("@")) for h in handles)
    return frozenset(out)


def load_scope(
    conn: sqlite3.Connection,
    config: Config,
    scope: Scope,
    *,
    feedback_only: bool = True,
    rowids: Sequence[int] | None = None,
    lean: bool = False,
) -> list[FeedbackPost]:
    """Posts of ``scope`` (among ``rowids`` when given): about the product, not spam,
    feedback types when labelled. ``lean`` reads no text (nor author counts) where the scope
    can be decided without it (see :func:`earful.store.insights.load_posts`)."""
    ensure_schema(conn)
    product = resolve_product(config, scope.product)
    fields = label_fields(conn)
    if product is not None and product.relevance_field not in fields:
        lean = False  # the product is recognised by its names in the text
    posts = load_posts(conn, _ts(scope.since), _ts(scope.until), rowids, lean=lean)
    typed = "type" in fields
    out = []
    for post in posts:
        if post.is_spam:
            continue
        if feedback_only and typed and not (post.labels.get("type", set()) & FEEDBACK_TYPES):
            continue
        if product is not None and not about(post, product, fields):
            continue
        out.append(post)
    return out


def about(post: FeedbackPost, product: Product, fields: set[str]) -> bool:
    """Is ``post`` about ``product``: its relevance label when labelled, else its names."""
    field = product.relevance_field
    if field in fields:
        return post.label(field) == "true"
    return mentions_name(post, product.names)
