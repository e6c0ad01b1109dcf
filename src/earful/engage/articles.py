"""Articles shared in the topics: links expanded and deduplicated by canonical URL, ranked by
the unique credible people who shared them, weighted by their expertise.

A link's canonical form comes from :mod:`earful.links` (``post_links`` after ``earful links
--expand``; otherwise the canonical form of the URL in the post, tracking parameters removed).
Spam posts, bots and the user's own accounts do not count as sharers; links to other posts
are conversation, not articles. The share queue adds a draft post to each article not shared
yet (the ledger's ``shared`` actions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from earful.engage.common import is_own, is_spam, own_handles, reference_time
from earful.engage.event import _is_post_link
from earful.text import fold

if TYPE_CHECKING:
    from earful.config import Config
    from earful.store.sqlite import SQLiteStore

DRAFT_LIMIT = 280


@dataclass(frozen=True, slots=True)
class Article:
    url: str
    title: str | None
    description: str | None
    site: str | None
    sharers: int
    weight: float
    top_sharers: tuple[str, ...]
    first_shared: str
    last_shared: str
    draft: str

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in self.__slots__}
        out["top_sharers"] = list(self.top_sharers)
        out["weight"] = round(self.weight, 3)
        return out


def articles(
    store: SQLiteStore,
    config: Config | None = None,
    *,
    topic: str | None = None,
    now: datetime | None = None,
    days: float = 30.0,
    limit: int | None = 20,
    expertise: dict[str, float] | None = None,
) -> list[Article]:
    """Articles in ``topic`` (default: every stored post) over the last ``days``, best first."""
    from earful.engage.common import load_items
    from earful.links import links_of_post
    from earful.store.engage import link_meta, post_link_canonicals

    ref = reference_time(store, now)
    since, until = ref - timedelta(days=days), ref + timedelta(seconds=1)
    ctx = None
    if config is not None:
        from earful.query import QueryContext

        ctx = QueryContext.from_config(config)
    items = load_items(store, topic, context=ctx, since=since, until=until, links_only=True)
    if expertise is None:
        expertise = _expertise(store, config, topic, ref, days)
    own = own_handles(config)
    stored = post_link_canonicals(store.conn, [i.rowid for i in items])
    shares: dict[str, dict[str, datetime]] = {}
    for item in items:
        post = item.post
        if is_spam(item) or is_own(post, own) or not post.author_handle:
            continue
        who = fold(post.author_handle)
        for url in dict.fromkeys(stored.get(item.rowid) or links_of_post(post)):
            if _is_post_link(url):
                continue
            seen = shares.setdefault(url, {})
            if who not in seen or post.created_at < seen[who]:
                seen[who] = post.created_at
    meta = link_meta(store.conn, shares)
    out = []
    for url, people in shares.items():
        weight = sum(1.0 + 2.0 * expertise.get(h, 0.0) for h in people)
        ranked = sorted(people, key=lambda h: (-expertise.get(h, 0.0), people[h]))
        title, description, site = meta.get(url, (None, None, None))
        out.append(
            Article(
                url=url,
                title=title,
                description=description,
                site=site,
                sharers=len(people),
                weight=weight,
                top_sharers=tuple(ranked[:5]),
                first_shared=min(people.values()).isoformat(),
                last_shared=max(people.values()).isoformat(),
                draft=draft_post(url, title, ranked[0] if ranked else None),
            )
        )
    out.sort(key=lambda a: (-a.weight, -a.sharers, a.url))
    return out[:limit] if limit is not None else out


def _expertise(
    store: SQLiteStore, config: Config | None, topic: str | None, ref: datetime, days: float
) -> dict[str, float]:
    """Expert scores on ``topic`` over the same window as the articles."""
    from earful.engage.experts import expertise

    return expertise(store, topic, config, now=ref, days=days)


def draft_post(url: str, title: str | None, via: str | None) -> str:
    """A short post sharing ``url``, crediting the top sharer; at most 280 characters."""
    credit = f" (via @{via.split('@')[0]})" if via else ""
    head = "Worth a read"
    if title:
        room = DRAFT_LIMIT - len(url) - len(credit) - len(head) - 4
        clean = " ".join(title.split())
        if room > 10:
            head = f"{head}: {clean if len(clean) <= room else clean[: room - 1] + '…'}"
    text = f"{head} {url}{credit}"
    return text if len(text) <= DRAFT_LIMIT else f"{head} {url}"


def share_queue(
    store: SQLiteStore, config: Config | None = None, *, limit: int | None = 10, **options: Any
) -> list[Article]:
    """Articles not shared yet (per the ledger), best first, each with a draft post."""
    from earful.store.engage import ledger

    done = {row.target for row in ledger(store.conn, ["shared"])}
    ranked = articles(store, config, limit=None, **options)
    todo = [a for a in ranked if a.url not in done]
    return todo[:limit] if limit is not None else todo
