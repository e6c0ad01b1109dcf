"""Conventions shared by everything that maps X posts (API v2 connector, twarc2, archives)."""

from __future__ import annotations

# X's codes for "no language": undetermined, media/emoji only, no linguistic content.
NO_LANGUAGE = frozenset({"und", "qme", "zxx"})


def x_permalink(handle: str | None, post_id: str) -> str:
    """``https://x.com/{handle}/status/{id}``, or the handle-less form when unknown."""
    return f"https://x.com/{handle or 'i/web'}/status/{post_id}"


def x_lang(value: object) -> str | None:
    """X's BCP 47 ``lang`` lowercased, None for X's no-language codes."""
    if not isinstance(value, str) or not value or value.lower() in NO_LANGUAGE:
        return None
    return value.lower()
