"""The links of a post: its ``urls`` entities plus any URL in its text, canonicalized, in order."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from earful.errors import InputError
from earful.links.canonical import canonicalize
from earful.models import Post
from earful.text import extract_urls

log = logging.getLogger(__name__)


def canonical_urls(urls: Iterable[str]) -> tuple[str, ...]:
    """Canonical forms of ``urls``, first occurrence first; unusable ones are skipped."""
    seen: dict[str, None] = {}
    for url in urls:
        try:
            seen.setdefault(canonicalize(url), None)
        except InputError as exc:
            log.debug("skipping link: %s", exc.reason)
    return tuple(seen)


def links_of_post(post: Post) -> tuple[str, ...]:
    """Every http(s) link of ``post`` (entities first, then the text), canonicalized."""
    return canonical_urls([*post.urls, *extract_urls(post.text)])
