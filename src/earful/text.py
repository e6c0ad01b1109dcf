"""Text normalisation shared by the store's full-text index and the in-memory matcher.

Both sides must agree on what a token is, so there is exactly one definition here:
text is NFKD-decomposed, combining marks are dropped (diacritics-insensitive), it is
case-folded, and a token is a maximal run of letters and digits (no underscore). The FTS5
index is built over :func:`normalize` output, whose tokens are joined by single spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_TOKEN = re.compile(r"[^\W_]+")
_HASHTAG = re.compile(r"(?<![\w&#])[#\uFF03]([^\W\d_][\w]*|\d+[^\W\d_][\w]*)")
_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)")
_URL = re.compile(r"https?://[^\s<>\"'\u2019\u201d]+", re.IGNORECASE)
_URL_TRAIL = ".,;:!?)]}'\""


@lru_cache(maxsize=4096)
def fold(value: str) -> str:
    """Case- and diacritics-insensitive form of ``value`` (no tokenisation)."""
    return fold_text(value)


def tokens(text: str) -> list[str]:
    """The searchable tokens of ``text``, folded."""
    return _TOKEN.findall(fold_text(text))


def normalize(text: str) -> str:
    """Folded tokens joined by single spaces: what the full-text index stores.

    The same as ``" ".join(tokens(text))``: folding never joins or splits across a space
    (U+0020 neither decomposes nor composes), so non-ASCII text is folded a space-separated
    word at a time, each word's tokens cached (posts repeat their words).
    """
    if text.isascii():
        return " ".join(_TOKEN.findall(text.lower()))
    return " ".join(filter(None, map(_normalize_word, text.split(" "))))


@lru_cache(maxsize=1 << 16)
def _normalize_word(word: str) -> str:
    return " ".join(_TOKEN.findall(fold_text(word)))


def fold_text(text: str) -> str:
    """Like :func:`fold`, uncached: for post bodies."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = decomposed.translate(_combining_marks())
    return unicodedata.normalize("NFKC", stripped.casefold())


class _CombiningMarks(dict[int, int | None]):
    """A str.translate table deleting every code point with a non-zero combining class,
    filled as code points are met (building it whole took 0.3-0.5 s in every process)."""

    def __missing__(self, cp: int) -> int | None:
        value = None if unicodedata.combining(chr(cp)) else cp
        self[cp] = value
        return value


@lru_cache(maxsize=1)
def _combining_marks() -> dict[int, int | None]:
    return _CombiningMarks()


# The regexes scan every position; most posts have no '#', '@' or '://' at all.
def extract_hashtags(text: str) -> tuple[str, ...]:
    if "#" not in text and "\uff03" not in text:
        return ()
    return _unique(m.group(1) for m in _HASHTAG.finditer(text))


def extract_mentions(text: str) -> tuple[str, ...]:
    if "@" not in text:
        return ()
    return _unique(m.group(1) for m in _MENTION.finditer(text))


def extract_urls(text: str) -> tuple[str, ...]:
    if "://" not in text:
        return ()
    found = []
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(_URL_TRAIL)
        if len(url) > len("https://"):
            found.append(url)
    return _unique(found)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(v, None)
    return tuple(seen)
