"""The time-boxed digest: the most valuable things to do today that fit in N minutes.

Candidates come from every engagement feature (the answer queue, experts, the share queue,
coach advice) and, when :mod:`earful.insights` is installed and has run, from the feedback
themes and alerts it stored. Each item has an estimated time (``MINUTES``) and a value on a
0..100 scale; the plan first takes the best item of each section (so one busy section does
not crowd out the rest), then fills the budget by value per minute. Output: terminal text,
Markdown, or a self-contained HTML page with inline SVG charts (all untrusted text escaped).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from earful.engage.common import reference_time
from earful.errors import EarfulError, InputError

if TYPE_CHECKING:
    from earful.config import Config
    from earful.store.sqlite import SQLiteStore
    from earful.workspace import Workspace

log = logging.getLogger(__name__)

MINUTES = {
    "alert": 3.0,
    "theme": 2.0,
    "question": 3.0,
    "lead": 4.0,
    "expert": 1.0,
    "article": 2.0,
    "coach": 1.0,
}
SECTION_ORDER = ("alert", "theme", "lead", "question", "article", "expert", "coach")
FORMATS = ("text", "markdown", "html")


@dataclass(frozen=True, slots=True)
class DigestItem:
    section: str
    title: str
    detail: str
    url: str | None
    minutes: float
    value: float
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class Digest:
    as_of: datetime
    budget: float
    items: list[DigestItem] = field(default_factory=list)
    skipped: int = 0
    sections_missing: list[str] = field(default_factory=list)
    daily: list[tuple[str, int]] = field(default_factory=list)

    @property
    def minutes(self) -> float:
        return sum(i.minutes for i in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "budget_minutes": self.budget,
            "planned_minutes": self.minutes,
            "items": [i.to_dict() for i in self.items],
            "left_for_later": self.skipped,
            "sections_missing": self.sections_missing,
            "daily_posts": [{"day": d, "posts": n} for d, n in self.daily],
        }


def plan(candidates: list[DigestItem], budget: float) -> tuple[list[DigestItem], int]:
    """The items that fit ``budget`` minutes: best of each section first, then value/minute."""
    chosen: list[DigestItem] = []
    used = 0.0
    by_section: dict[str, list[DigestItem]] = {}
    for item in sorted(candidates, key=lambda i: -i.value):
        by_section.setdefault(item.section, []).append(item)
    for section in SECTION_ORDER:
        for item in by_section.get(section, [])[:1]:
            if used + item.minutes <= budget:
                chosen.append(item)
                used += item.minutes
    rest = sorted(
        (i for i in candidates if i not in chosen), key=lambda i: (-i.value / i.minutes, -i.value)
    )
    for item in rest:
        if used + item.minutes <= budget:
            chosen.append(item)
            used += item.minutes
    chosen.sort(key=lambda i: (SECTION_ORDER.index(i.section), -i.value))
    return chosen, len(candidates) - len(chosen)


def build_digest(
    store: SQLiteStore,
    config: Config | None,
    *,
    minutes: float = 10.0,
    now: datetime | None = None,
    insights: bool = True,
) -> Digest:
    """Gather candidates from every section and plan them into ``minutes``."""
    if not 1 <= minutes <= 240:
        raise InputError(f"minutes must be between 1 and 240, got {minutes:g}", field="minutes")
    ref = reference_time(store, now)
    digest = Digest(ref, minutes)
    found: list[DigestItem] = []
    if insights:
        found += _insight_items(store, config, digest)
    else:
        digest.sections_missing.append("themes and alerts (disabled)")
    found += _queue_items(store, config, ref)
    found += _expert_items(store, config, ref)
    found += _article_items(store, config, ref)
    found += _coach_items(store, config, ref)
    digest.items, digest.skipped = plan(found, minutes)
    digest.daily = _daily(store, ref)
    return digest


def _queue_items(store: SQLiteStore, config: Config | None, ref: datetime) -> list[DigestItem]:
    from earful.engage.queue import answer_queue

    out = []
    for q in answer_queue(store, config, now=ref, days=2, limit=15):
        text = " ".join(q.text.split())
        out.append(
            DigestItem(
                q.kind,
                f"Reply to @{q.author}" if q.author else "Reply",
                text,
                q.reply_url or q.url,
                MINUTES[q.kind],
                min(100.0, q.score * (1.15 if q.kind == "lead" else 1.0)),
                "; ".join(q.reasons),
            )
        )
    return out


def _expert_items(store: SQLiteStore, config: Config | None, ref: datetime) -> list[DigestItem]:
    from earful.engage.common import profile_link
    from earful.engage.experts import experts
    from earful.store.engage import relations

    followed = {r.handle.casefold() for r in relations(store.conn) if r.action == "followed"}
    topic = _market_topic(config)
    try:
        people = experts(store, topic, config, now=ref, days=30, limit=10)
    except InputError:
        return []
    out = []
    for p in people:
        if p.handle.casefold() in followed:
            continue
        net = p.networks[0] if p.networks else ""
        out.append(
            DigestItem(
                "expert",
                f"Follow @{p.handle}" + (f" on {net}" if net else ""),
                p.bio or "",
                profile_link(net, p.handle),
                MINUTES["expert"],
                45.0 * p.score,
                "; ".join(p.reasons),
            )
        )
    return out


def _market_topic(config: Config | None) -> str | None:
    """The topic experts are ranked on: a watch named like 'market', else everything."""
    if config is None:
        return None
    for watch in config.watches:
        if "market" in watch.name.casefold():
            return watch.query
    return None


def _article_items(store: SQLiteStore, config: Config | None, ref: datetime) -> list[DigestItem]:
    from earful.engage.articles import share_queue

    out = []
    for a in share_queue(store, config, limit=5, now=ref, days=7):
        out.append(
            DigestItem(
                "article",
                f"Share: {a.title or a.url}",
                a.draft,
                a.url,
                MINUTES["article"],
                min(70.0, 20.0 + 3.0 * a.weight),
                f"shared by {a.sharers} people, including @{', @'.join(a.top_sharers[:3])}",
            )
        )
    return out


def _coach_items(store: SQLiteStore, config: Config | None, ref: datetime) -> list[DigestItem]:
    from earful.engage.coach import coach

    if config is None:
        return []
    try:
        reports = coach(store, config, now=ref, days=30)
    except InputError:
        return []
    out = []
    for rep in reports:
        if not rep.posts:
            continue
        for i, tip in enumerate(rep.advice[:2]):
            out.append(
                DigestItem(
                    "coach",
                    f"@{rep.handle} on {rep.network}",
                    tip,
                    None,
                    MINUTES["coach"],
                    (40.0 if "promote" in tip else 30.0) - 5 * i,
                    f"{rep.posts} posts in 30 days, {rep.replies} replies",
                )
            )
    return out


def _insight_items(store: SQLiteStore, config: Config | None, digest: Digest) -> list[DigestItem]:
    """Themes and alerts stored by :mod:`earful.insights`, when it is installed and has run."""
    out: list[DigestItem] = []
    try:
        from earful.store.insights import list_alerts

        alerts = list_alerts(store.conn, states=("new",), limit=10)
    except (ImportError, sqlite3.Error, EarfulError) as exc:
        log.debug("no alerts for the digest: %s", exc)
        digest.sections_missing.append("alerts")
        alerts = []
    weight = {"critical": 100.0, "high": 90.0, "medium": 70.0, "low": 50.0}
    for a in alerts:
        since = str(a.explanation.get("since") or a.first_seen)  # the evidence's onset
        out.append(
            DigestItem(
                "alert",
                f"Alert: {a.subject}",
                f"{a.kind} for {a.product}" if a.product else a.kind,
                None,
                MINUTES["alert"],
                weight.get(a.severity, 60.0),
                f"severity {a.severity}, since {since[:16]}",
            )
        )
    if config is None:
        return out
    try:
        from earful.insights.themes import theme_briefs

        themes = theme_briefs(store, limit=8)  # counted in SQL, members not loaded
    except (ImportError, sqlite3.Error, EarfulError) as exc:
        log.debug("no themes for the digest: %s", exc)
        digest.sections_missing.append("themes")
        themes = []
    biggest = max((t.posts for t in themes), default=1) or 1
    for t in themes:
        example = t.example
        out.append(
            DigestItem(
                "theme",
                f"Theme: {t.label}",
                " ".join(str(example).split()),
                None,
                MINUTES["theme"],
                30.0 + 40.0 * t.posts / biggest,
                f"{t.posts} posts from {t.authors} people",
            )
        )
    return out


def _daily(store: SQLiteStore, ref: datetime, days: int = 14) -> list[tuple[str, int]]:
    from earful.store.engage_reads import daily_counts

    start = (ref - timedelta(days=days - 1)).date()
    first = datetime.combine(start, datetime.min.time(), UTC)
    end = datetime.combine(ref.date() + timedelta(days=1), datetime.min.time(), UTC)
    counts = daily_counts(store.conn, int(first.timestamp()), int(end.timestamp()))
    out = []
    for i in range(days):
        day = start + timedelta(days=i)
        index = int(datetime.combine(day, datetime.min.time(), UTC).timestamp()) // 86400
        out.append((day.isoformat(), counts.get(index, 0)))
    return out


def render_digest(
    workspace: Workspace, minutes: float = 10.0, fmt: str = "text", *, now: datetime | None = None
) -> str:
    """The digest of ``workspace`` as ``text``, ``markdown`` or ``html``."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})", field="format")
    from earful.engage import digest_render

    digest = build_digest(workspace.store(), workspace.config, minutes=minutes, now=now)
    if fmt == "markdown":
        return digest_render.markdown(digest)
    if fmt == "html":
        return digest_render.html_page(digest, workspace.config.name)
    return digest_render.text(digest)
