"""Experts and peers, articles and the share queue, the coach and conference mode: calls into
:mod:`earful.engage` for the pages and the API."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from earful.web.deps import WebState

TTL = 120.0


def people(
    state: WebState, topic: str | None, *, peers: bool = False, limit: int = 20
) -> list[dict[str, Any]]:
    """People ranked on ``topic`` (an Earful query); ``peers``: product managers only."""
    from earful.engage.experts import experts

    topic = (topic or "").strip() or None

    def compute() -> list[dict[str, Any]]:
        found = experts(
            state.reader(),
            topic,
            state.workspace.config,
            limit=limit,
            context=state.context(),
            peers_only=peers,
        )
        return [p.to_dict() for p in found]

    result: list[dict[str, Any]] = state.cached(f"people:{peers}:{limit}:{topic}", TTL, compute)
    return result


def articles(
    state: WebState, topic: str | None, *, queue: bool = False, days: float = 30.0, limit: int = 20
) -> list[dict[str, Any]]:
    """Articles shared on ``topic``, best first; ``queue``: only those not shared yet."""
    from earful.engage.articles import articles as rank
    from earful.engage.articles import share_queue

    topic = (topic or "").strip() or None
    fn = share_queue if queue else rank

    def compute() -> list[dict[str, Any]]:
        rows = fn(state.reader(), state.workspace.config, topic=topic, days=days, limit=limit)
        return [a.to_dict() for a in rows]

    key = f"articles:{queue}:{days}:{limit}:{topic}"
    result: list[dict[str, Any]] = state.cached(key, TTL, compute)
    return result


def log(state: WebState, action: str, target: str, *, minutes: float, note: str = "") -> int:
    """Log a share or a follow in the ROI ledger (a follow also enters the relationship log)."""
    from earful.engage.ledger import log_action

    row = log_action(state.writer(), action, target, minutes=minutes, note=note)
    state.changed()
    return row


def coach(state: WebState, handle: str | None, *, days: float = 30.0) -> list[dict[str, Any]]:
    from earful.engage.coach import coach as run

    handle = (handle or "").strip() or None
    return [
        r.to_dict() for r in run(state.reader(), state.workspace.config, handle=handle, days=days)
    ]


def event(
    state: WebState, tag: str, start: str | None, end: str | None, *, limit: int = 10
) -> dict[str, Any]:
    """Conference mode for ``tag`` between ``start`` and ``end`` (ISO dates or times)."""
    from earful.engage.common import parse_when
    from earful.engage.event import event_markdown, event_summary

    lo: datetime | None = parse_when(start, "from") if start else None
    hi: datetime | None = parse_when(end, "to") if end else None
    summary = event_summary(
        state.reader(), tag, start=lo, end=hi, context=state.context(), limit=limit
    )
    out = summary.to_dict()
    out["markdown"] = event_markdown(summary)
    return out
