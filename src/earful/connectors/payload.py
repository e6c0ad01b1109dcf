"""Tolerant readers for network payloads: absent, ``null`` or mistyped optional fields read as
``None``/0, while a missing required field raises :class:`~earful.errors.InputError` naming it.

Shared by the Bluesky, Mastodon and Reddit connectors' ``to_post`` mappers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from earful.errors import InputError

__all__ = ["Sweep", "count", "epoch", "obj", "req_str", "req_time", "text", "unique"]


def obj(data: Mapping[str, Any] | None, key: str) -> Mapping[str, Any]:
    """``data[key]`` if it is an object, else an empty mapping."""
    if data is None:
        return {}
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def text(data: Mapping[str, Any] | None, key: str) -> str | None:
    """``data[key]`` as a non-empty string (numbers are accepted), else ``None``."""
    if data is None:
        return None
    value = data.get(key)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        return None
    return value


def req_str(data: Mapping[str, Any], key: str, field: str) -> str:
    value = text(data, key)
    if value is None:
        raise InputError("missing required field", field=field)
    return value.strip()


def count(data: Mapping[str, Any] | None, key: str) -> int:
    """A non-negative engagement count; anything else reads as 0."""
    if data is None:
        return 0
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return max(int(value), 0)


def req_time(value: object, field: str) -> datetime:
    """An ISO 8601 timestamp as aware UTC; one without a zone is taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        raise InputError("missing required timestamp", field=field)
    raw = value.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(f"not an ISO 8601 timestamp: {value!r}", field=field) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def opt_time(value: object) -> datetime | None:
    """An optional ISO 8601 timestamp (an account's creation time, say): ``None`` when missing
    or unreadable, since it never decides whether the post itself is valid."""
    if value is None:
        return None
    try:
        return req_time(value, "")
    except InputError:
        return None


def epoch(value: object, field: str) -> datetime:
    """Epoch seconds (int, float or numeric string) as aware UTC."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise InputError(f"not epoch seconds: {value!r}", field=field) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError("missing required epoch timestamp", field=field)
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise InputError(f"epoch timestamp out of range: {value!r}", field=field) from None


def unique(values: list[str]) -> tuple[str, ...]:
    """Values in first-seen order, empties dropped."""
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(v, None)
    return tuple(seen)


# -- incremental sweeps -----------------------------------------------------------------------
#
# Every listing these networks offer runs newest-first. A *sweep* walks it from the top down to
# the high-water mark of the previous completed sweep. The cursor persisted after each page is
#   {"newest": <mark of the previous sweep>, "top": <newest mark seen in this one>,
#    "next": <page token to continue from>}
# while a sweep is under way, and {"newest": <top>} once it reached the old mark (or the end).
# A crash between pages resumes the sweep at "next"; posts are keyed, so a page stored twice
# changes nothing. Marks are strings compared by a per-network key.


class Sweep:
    """The state of one newest-first sweep down to the previous high-water mark."""

    def __init__(self, cursor: Mapping[str, Any] | None, key: Any = None) -> None:
        cursor = cursor or {}
        self.key = key or (lambda mark: mark)
        self.bound: str | None = _mark(cursor.get("newest"))
        self.top: str | None = _mark(cursor.get("top"))
        self.next: Any = cursor.get("next")
        self.resumed = self.next is not None
        self.done = False

    def newer(self, mark: str | None) -> bool:
        """Is an item with this mark at or above the previous high-water mark?"""
        if mark is None or self.bound is None:
            return True
        return bool(self.key(mark) >= self.key(self.bound))

    def see(self, mark: str | None) -> None:
        if mark is not None and (self.top is None or self.key(mark) > self.key(self.top)):
            self.top = mark

    def advance(self, next_token: Any, *, reached_bound: bool) -> dict[str, Any]:
        """Record the page just read; the cursor to persist with it."""
        if reached_bound or next_token in (None, "", []):
            return self.finish()
        self.next = next_token
        return {"newest": self.bound, "top": self.top, "next": next_token}

    def finish(self) -> dict[str, Any]:
        self.done = True
        self.next = None
        return {"newest": self.top if self.top is not None else self.bound}


def _mark(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
