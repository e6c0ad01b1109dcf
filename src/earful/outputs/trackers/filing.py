"""Filing feedback themes into trackers, keeping the link, and closing the loop.

:func:`file_theme` writes an issue from a theme: its label, counts (posts, unique authors,
near-duplicates, sentiment, sources, days) and links to evidence posts. It first looks for a
semantic duplicate among the tracker's open issues (see
:mod:`earful.outputs.trackers.base`) and, when ``choose`` accepts it, adds the evidence there
as a comment instead. Either way the theme ↔ issue link is stored (``tracker_links``) and a
``filed`` action goes into the ROI ledger. :func:`sync_links` refreshes linked issue states;
:func:`closed_loop` drafts a reply to each person who raised a theme whose issue closed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from earful.errors import InputError
from earful.outputs.trackers.base import Issue, Tracker, find_duplicate, make_tracker

if TYPE_CHECKING:
    from earful.insights.themes import ThemeSummary
    from earful.store.outputs import TrackerLink
    from earful.workspace import Workspace

log = logging.getLogger(__name__)

EVIDENCE = 10
DRAFT_LIMIT = 280
Choose = Callable[[Issue, float], bool]


@dataclass(slots=True)
class FileResult:
    theme_id: int
    tracker: str
    created: bool
    issue: Issue
    duplicate_score: float | None
    comment_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "theme_id": self.theme_id,
            "tracker": self.tracker,
            "created": self.created,
            "issue": self.issue.to_dict(),
            "duplicate_score": self.duplicate_score,
            "comment_url": self.comment_url,
        }


def theme_summary(workspace: Workspace, theme_id: int) -> ThemeSummary:
    """The current summary of one active theme (via :func:`theme_summaries`)."""
    from earful.insights.scope import Scope
    from earful.insights.themes import theme_summaries
    from earful.store import insights as idb

    store = workspace.store()
    idb.ensure_schema(store.conn)
    row = idb.get_theme(store.conn, theme_id)
    if row.status != "active":
        raise InputError(f"theme {theme_id} is {row.status}", field="theme")
    for summary in theme_summaries(store, workspace.config, Scope(row.scope or None), examples=5):
        if summary.id == theme_id:
            return summary
    raise InputError(f"theme {theme_id} has no posts in its scope", field="theme")


def evidence(
    workspace: Workspace, summary: ThemeSummary, limit: int = EVIDENCE
) -> list[dict[str, Any]]:
    """Up to ``limit`` posts of the theme, one per author first, representative ones first."""
    store = workspace.store()
    out: list[dict[str, Any]] = []
    seen_posts: set[str] = set()
    seen_authors: set[str] = set()
    for rep in summary.representative:
        seen_posts.add(f"{rep['source']}:{rep['id']}")
        seen_authors.add(str(rep.get("author")))
        out.append(dict(rep))
    for key in summary.member_ids:
        if len(out) >= limit:
            break
        if key in seen_posts:
            continue
        source, _, post_id = key.partition(":")
        post = store.get_post(source, post_id)
        if post is None or (post.author_handle or "") in seen_authors:
            continue
        seen_authors.add(post.author_handle or "")
        out.append(
            {
                "source": post.source,
                "id": post.id,
                "url": post.url,
                "author": post.author_handle,
                "created_at": post.created_at.isoformat(),
                "text": post.text,
            }
        )
    return out[:limit]


def issue_text(
    summary: ThemeSummary, posts: list[dict[str, Any]], *, markdown: bool = True
) -> tuple[str, str]:
    """(title, body) for a theme; untrusted post text is neutralised for Markdown."""
    from earful.engage.render import md_escape, safe_href

    def clean(text: str) -> str:
        flat = " ".join(str(text).split())
        # no @mentions that would ping strangers on the tracker
        flat = flat.replace("@", "@\u200b")
        return md_escape(flat) if markdown else flat

    title = f"Feedback: {' '.join(summary.label.split())}"[:200]
    sentiment = ", ".join(f"{k} {v}" for k, v in sorted(summary.sentiment.items()))
    sources = ", ".join(f"{k} {v}" for k, v in summary.sources.items())
    days = list(summary.trend)
    span = f"{days[0]} to {days[-1]}" if days else "n/a"
    lines = [
        f"Earful theme #{summary.id}: {clean(summary.label)}",
        "",
        f"- Posts: {summary.posts} (+{summary.duplicates} near-duplicates)",
        f"- Unique authors: {summary.authors}",
        f"- Sentiment: {sentiment or 'n/a'}",
        f"- Sources: {sources or 'n/a'}",
        f"- Seen: {span}",
        "",
        "Evidence:" if not markdown else "**Evidence**",
    ]
    lines += evidence_lines(posts, clean, safe_href)
    lines += ["", "Filed with Earful."]
    return title, "\n".join(lines)


def evidence_lines(
    posts: list[dict[str, Any]],
    clean: Callable[[str], str],
    href: Callable[[str | None], str | None],
) -> list[str]:
    out = []
    for p in posts:
        quote = clean(str(p.get("text") or ""))
        if len(quote) > 240:
            quote = quote[:239] + "…"
        who = clean(f"@{p['author']}") if p.get("author") else "someone"
        when = str(p.get("created_at") or "")[:10]
        url = href(p.get("url"))
        out.append(f'- {who} ({p.get("source")}, {when}): "{quote}"' + (f" {url}" if url else ""))
    return out


def file_theme(
    workspace: Workspace,
    theme_id: int,
    tracker_name: str,
    *,
    choose: Choose | None = None,
    new: bool = False,
    minutes: float = 2.0,
    env: Mapping[str, str] | None = None,
    tracker: Tracker | None = None,
    **http_options: Any,
) -> FileResult:
    """File theme ``theme_id`` into ``tracker_name`` (or add evidence to a duplicate).

    ``choose(issue, score)`` decides whether a duplicate found at or above the threshold
    gets the evidence instead (default: no, file a new issue); ``new=True`` skips the search.
    """
    from earful.engage.ledger import log_action
    from earful.store import outputs as db

    store = workspace.store()
    db.ensure_schema(store.conn)
    existing = db.links(store.conn, theme_id, tracker_name)
    if existing:
        link = existing[0]
        raise InputError(
            f"theme {theme_id} is already linked to {tracker_name} {link.issue_key} ({link.url})",
            field="theme",
        )
    summary = theme_summary(workspace, theme_id)
    owned = tracker is None
    tracker = tracker or make_tracker(
        tracker_name, workspace.config.trackers.get(tracker_name), env, **http_options
    )
    try:
        markdown = tracker.name != "jira"
        title, body = issue_text(summary, evidence(workspace, summary), markdown=markdown)
        match = None
        if not new:
            query = " ".join(
                [
                    summary.label,
                    summary.auto_label,
                    *(str(p.get("text") or "") for p in summary.representative),
                ]
            )
            match = find_duplicate(query, tracker.open_issues())
        if match is not None and choose is not None and choose(*match):
            issue, score = match
            comment = f"More evidence from Earful (theme #{theme_id}):\n\n{body}"
            result = FileResult(
                theme_id, tracker.name, False, issue, score, tracker.comment(issue, comment)
            )
        else:
            issue = tracker.create(title, body)
            result = FileResult(theme_id, tracker.name, True, issue, match[1] if match else None)
    finally:
        if owned:
            tracker.close()
    now = datetime.now(UTC)
    from earful.store.outputs import TrackerLink, iso

    with store.transaction() as conn:
        db.save_link(
            conn,
            TrackerLink(
                theme_id,
                tracker.name,
                result.issue.id,
                result.issue.key,
                result.issue.url,
                result.issue.title,
                result.issue.state,
                result.created,
                iso(now),
                iso(now),
                None,
                None,
            ),
        )
        log_action(
            store,
            "filed",
            result.issue.url,
            minutes=minutes,
            note=f"theme {theme_id} -> {tracker.name} {result.issue.key}",
        )
    return result


def links_for_theme(workspace: Workspace, theme_id: int) -> list[TrackerLink]:
    """The issues a theme is linked to, with their last synced state (for theme views)."""
    from earful.store import outputs as db

    db.ensure_schema(workspace.store().conn)
    return db.links(workspace.store().conn, theme_id)


def sync_links(
    workspace: Workspace,
    *,
    env: Mapping[str, str] | None = None,
    trackers: Mapping[str, Tracker] | None = None,
    **http_options: Any,
) -> list[tuple[TrackerLink, str]]:
    """Refresh every linked issue's state; returns (link, new state) for each link."""
    from earful.store import outputs as db

    store = workspace.store()
    db.ensure_schema(store.conn)
    all_links = db.links(store.conn)
    out = []
    now = datetime.now(UTC)
    for name in sorted({link.tracker for link in all_links}):
        group = [link for link in all_links if link.tracker == name]
        given = (trackers or {}).get(name)
        tracker = given or make_tracker(
            name, workspace.config.trackers.get(name), env, **http_options
        )
        try:
            states = tracker.states([link.issue_id for link in group])
        finally:
            if given is None:
                tracker.close()
        with store.transaction() as conn:
            for link in group:
                state = states.get(link.issue_id, "missing")
                db.set_link_state(conn, link.theme_id, name, state, now)
                if state != link.state:
                    log.info("trackers: %s %s is now %s", name, link.issue_key, state)
                out.append((link, state))
    return out


@dataclass(frozen=True, slots=True)
class Draft:
    theme_id: int
    issue: str
    target: str  # SOURCE:ID of the post to reply to (for ``earful reply``)
    author: str | None
    url: str | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


def closed_loop(workspace: Workspace, theme_id: int | None = None) -> list[Draft]:
    """Draft replies to the people behind each theme whose linked issue closed (not yet done).

    One draft per author, to their most recent post in the theme. Nothing is sent: post a
    draft with ``earful reply``, then ``mark_loop_closed``.
    """
    from earful.store import outputs as db

    store = workspace.store()
    db.ensure_schema(store.conn)
    drafts = []
    for link in db.links(store.conn, theme_id):
        if link.state != "closed" or link.loop_closed_at:
            continue
        try:
            summary = theme_summary(workspace, link.theme_id)
        except InputError:
            continue
        by_author: dict[str, Any] = {}
        for key in summary.member_ids:
            source, _, post_id = key.partition(":")
            post = store.get_post(source, post_id)
            if post is None or post.is_repost:
                continue
            author_id = post.author.id if post.author else post.id
            who = f"{post.source}:{post.author_handle or author_id}"
            if who not in by_author or post.created_at > by_author[who].created_at:
                by_author[who] = post
        for post in sorted(by_author.values(), key=lambda p: p.created_at):
            drafts.append(
                Draft(
                    link.theme_id,
                    link.issue_key,
                    f"{post.source}:{post.id}",
                    post.author_handle,
                    post.url,
                    reply_text(summary.label, post.author_handle),
                )
            )
    return drafts


def reply_text(label: str, handle: str | None) -> str:
    topic = " ".join(label.split())
    head = f"@{handle} " if handle else ""
    text = (
        f"{head}Thanks again for flagging this ({topic}). A fix has shipped; "
        "let us know if you still see it!"
    )
    if len(text) > DRAFT_LIMIT:
        topic = topic[: max(10, len(topic) - (len(text) - DRAFT_LIMIT) - 1)] + "…"
        text = f"{head}Thanks again for flagging this ({topic}). A fix has shipped!"
    return text[:DRAFT_LIMIT]


def mark_loop_closed(workspace: Workspace, theme_id: int, tracker: str) -> None:
    from earful.store import outputs as db

    with workspace.store().transaction() as conn:
        db.ensure_schema(conn)
        if not db.links(conn, theme_id, tracker):
            raise InputError(f"theme {theme_id} has no {tracker} issue", field="theme")
        db.mark_loop_closed(conn, theme_id, tracker, datetime.now(UTC))
