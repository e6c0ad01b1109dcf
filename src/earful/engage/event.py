"""Conference mode: what a hashtag is saying, live, and the digest after the event.

``event_summary`` reads the stored posts of a tag (spam and bots left out) and returns the
top posts by engagement, the most active live-posters, the links shared (canonical, counted
by distinct sharers), the themes (most used words and co-hashtags) and the volume over time.
``event_markdown`` writes the after-event digest from it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from earful.engage.common import is_spam, keywords, load_items
from earful.errors import InputError
from earful.text import fold

if TYPE_CHECKING:
    from earful.engage.common import Item
    from earful.store.sqlite import SQLiteStore


@dataclass(slots=True)
class EventSummary:
    tag: str
    start: datetime | None
    end: datetime | None
    posts: int = 0
    reposts: int = 0
    people: int = 0
    spam_skipped: int = 0
    top_posts: list[dict[str, Any]] = field(default_factory=list)
    posters: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    hashtags: list[tuple[str, int]] = field(default_factory=list)
    timeline: list[tuple[str, int]] = field(default_factory=list)
    bucket: str = "day"

    def to_dict(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "posts": self.posts,
            "reposts": self.reposts,
            "people": self.people,
            "spam_skipped": self.spam_skipped,
            "top_posts": self.top_posts,
            "posters": self.posters,
            "links": self.links,
            "themes": self.themes,
            "hashtags": [{"tag": t, "posts": n} for t, n in self.hashtags],
            "timeline": [{"at": t, "posts": n} for t, n in self.timeline],
            "bucket": self.bucket,
        }


def engagement(item: Item) -> int:
    m = item.post.metrics
    return m.likes + 2 * m.reposts + m.replies + m.quotes


def event_summary(
    store: SQLiteStore,
    tag: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    context: object = None,
    limit: int = 10,
) -> EventSummary:
    """The posts of ``tag`` (a hashtag, or any Earful query) in [start, end)."""
    if not tag.strip():
        raise InputError("the event needs a hashtag or a query", field="tag")
    if start and end and end <= start:
        raise InputError("--to must be after --from", field="to")
    from earful.store.engage import link_meta, post_link_canonicals

    items = load_items(store, tag, context=context, since=start, until=end)
    summary = EventSummary(tag, start, end)
    clean = []
    for item in items:
        if is_spam(item):
            summary.spam_skipped += 1
        else:
            clean.append(item)
    originals = [i for i in clean if not i.post.is_repost]
    summary.posts = len(originals)
    summary.reposts = len(clean) - len(originals)
    summary.people = len({fold(i.post.author_handle or "") for i in clean})
    ranked = sorted(originals, key=lambda i: (-engagement(i), i.post.created_at))
    summary.top_posts = [_post(i) for i in ranked[:limit]]
    posters = Counter(i.post.author_handle for i in originals if i.post.author_handle)
    summary.posters = [{"handle": h, "posts": n} for h, n in posters.most_common(limit)]
    summary.links = _links(store, originals, limit, post_link_canonicals, link_meta)
    tag_word = tag.strip().lstrip("#")
    summary.themes = keywords((i.post.text for i in originals), exclude=[tag_word], top=limit)
    co = Counter(
        "#" + h
        for i in originals
        for h in {fold(t) for t in i.post.hashtags}
        if h != fold(tag_word)
    )
    summary.hashtags = co.most_common(limit)
    if clean:
        span = max(i.post.created_at for i in clean) - min(i.post.created_at for i in clean)
        summary.bucket = "hour" if span <= timedelta(days=3) else "day"
        fmt = "%Y-%m-%dT%H:00Z" if summary.bucket == "hour" else "%Y-%m-%d"
        summary.timeline = sorted(Counter(i.post.created_at.strftime(fmt) for i in clean).items())
    return summary


def _post(item: Item) -> dict[str, Any]:
    p = item.post
    return {
        "key": item.key,
        "author": p.author_handle,
        "created_at": p.created_at.isoformat(),
        "text": p.text,
        "url": p.url,
        "engagement": engagement(item),
    }


def _links(
    store: SQLiteStore, items: list[Item], limit: int, recorded: Any, meta: Any
) -> list[dict[str, Any]]:
    from earful.links import links_of_post

    stored: dict[int, list[str]] = recorded(store.conn, [i.rowid for i in items])
    sharers: dict[str, set[str]] = {}
    for item in items:
        urls = stored.get(item.rowid) or list(links_of_post(item.post))
        for url in dict.fromkeys(urls):
            if _is_post_link(url):
                continue
            sharers.setdefault(url, set()).add(fold(item.post.author_handle or item.key))
    top = sorted(sharers, key=lambda u: (-len(sharers[u]), u))[:limit]
    titles: dict[str, tuple[str | None, str | None, str | None]] = meta(store.conn, top)
    return [
        {"url": u, "sharers": len(sharers[u]), "title": titles.get(u, (None, None, None))[0]}
        for u in top
    ]


_POST_HOSTS = ("x.com/", "twitter.com/", "bsky.app/profile/", "news.ycombinator.com/item")


def _is_post_link(url: str) -> bool:
    """Links to other posts (quotes, threads) are conversation, not shared pages."""
    rest = url.split("://", 1)[-1].removeprefix("www.")
    return rest.startswith(_POST_HOSTS) and (
        "/status/" in rest or "/post/" in rest or "item" in rest
    )


def event_markdown(summary: EventSummary) -> str:
    """The after-event digest: what was said, by whom, and what was shared."""
    from earful.engage.render import md_escape

    lines = [f"# After {md_escape(summary.tag)}", ""]
    span = ""
    if summary.timeline:
        span = f" from {summary.timeline[0][0]} to {summary.timeline[-1][0]}"
    lines.append(
        f"{summary.posts:,} posts and {summary.reposts:,} reposts by {summary.people:,} people"
        f"{span} ({summary.spam_skipped:,} spam posts left out)."
    )
    if summary.timeline:
        peak = max(summary.timeline, key=lambda t: t[1])
        lines.append(f"Busiest {summary.bucket}: {peak[0]} with {peak[1]:,} posts.")
    if summary.themes:
        lines += [
            "",
            "## What people talked about",
            "",
            ", ".join(md_escape(t) for t in summary.themes),
        ]
    if summary.hashtags:
        lines.append(
            "Also tagged: " + ", ".join(f"{md_escape(t)} ({n})" for t, n in summary.hashtags)
        )
    if summary.top_posts:
        lines += ["", "## Top posts", ""]
        for p in summary.top_posts:
            text = md_escape(" ".join(p["text"].split()))
            lines.append(f"- **@{md_escape(p['author'] or '?')}** ({p['engagement']}): {text}")
    if summary.posters:
        lines += ["", "## Most active live-posters", ""]
        lines += [f"- @{md_escape(p['handle'])}: {p['posts']} posts" for p in summary.posters]
    if summary.links:
        lines += ["", "## Links shared", ""]
        for link in summary.links:
            title = md_escape(link["title"]) + " — " if link["title"] else ""
            lines.append(f"- {title}<{md_escape(link['url'])}> ({link['sharers']} sharers)")
    return "\n".join(lines) + "\n"
