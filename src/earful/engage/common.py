"""Helpers shared by the engagement features: loading posts with their labels, own accounts,
spam and bot rules, reply links and the reference time."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from earful.models import Author, Post
from earful.text import fold

if TYPE_CHECKING:
    from earful.config import Config
    from earful.store.sqlite import SQLiteStore


@dataclass(frozen=True, slots=True)
class Item:
    """A stored post with its rowid and effective labels (field -> (value, score))."""

    rowid: int
    post: Post
    labels: dict[str, tuple[str, float | None]] = field(default_factory=dict)

    def label(self, name: str) -> str | None:
        hit = self.labels.get(name)
        return hit[0] if hit else None

    def flag(self, name: str) -> bool:
        return self.label(name) == "true"

    @property
    def key(self) -> str:
        return f"{self.post.source}:{self.post.id}"


def load_items(
    store: SQLiteStore,
    query: str | None = None,
    *,
    context: object = None,
    since: datetime | None = None,
    until: datetime | None = None,
    links_only: bool = False,
) -> list[Item]:
    """Posts matching ``query`` (all when None) in [since, until), with their labels.

    One SQL statement bounded by time-ordered rowids reads the window; ``links_only`` keeps
    only posts that may carry a link (a URL entity, "http" in the text, or an expanded link).
    """
    from earful.store.engage import label_map
    from earful.store.engage_reads import has_table, window_posts

    where, params = "1", []
    if query and query.strip():
        from earful.query import parse
        from earful.store.sqlquery import compile_where

        where, found = compile_where(parse(query), context)  # type: ignore[arg-type]
        params = list(found)
    if links_only:
        where = f"({where}) AND (p.urls != '[]' OR p.text LIKE '%http%'"
        if has_table(store.conn, "post_links"):
            where += " OR p.rowid IN (SELECT post_rowid FROM post_links)"
        where += ")"
    since_ts = None if since is None else math.floor(since.timestamp())
    until_ts = None if until is None else math.floor(until.timestamp()) + 1
    pairs = [
        (r, p)
        for r, p in window_posts(store.conn, where, params, since_ts, until_ts)
        if (since is None or p.created_at >= since) and (until is None or p.created_at < until)
    ]
    labels = label_map(store.conn, [r for r, _ in pairs])
    return [Item(r, p, labels.get(r, {})) for r, p in pairs]


def newest_time(store: SQLiteStore) -> datetime | None:
    row = store.conn.execute("SELECT max(created_ts) FROM posts").fetchone()
    if row is None or row[0] is None:
        return None
    return datetime.fromtimestamp(int(row[0]), UTC)


def reference_time(store: SQLiteStore, now: datetime | None = None) -> datetime:
    """``now`` if given, else the earlier of the clock and the newest stored post.

    A workspace that was not synced for a while is then read "as of its last post", so
    freshness and "today" keep their meaning on archives and the demo.
    """
    if now is not None:
        return now.astimezone(UTC)
    clock = datetime.now(UTC)
    newest = newest_time(store)
    return min(clock, newest) if newest is not None else clock


def own_handles(config: Config | None) -> dict[str, set[str]]:
    """network -> folded handles of the user's own accounts (products.accounts)."""
    out: dict[str, set[str]] = {}
    if config is None:
        return out
    for product in config.products:
        for network, handles in product.accounts.items():
            out.setdefault(network, set()).update(fold(h.lstrip("@")) for h in handles)
    return out


def is_own(post: Post, own: dict[str, set[str]]) -> bool:
    handle = post.author_handle
    return handle is not None and fold(handle) in own.get(post.source, set())


def all_own(own: dict[str, set[str]]) -> set[str]:
    return {h for handles in own.values() for h in handles}


def is_bot(author: Author | None) -> bool:
    """Follow-farm shape: almost no followers while following very many accounts."""
    if author is None or author.followers is None or author.following is None:
        return False
    return author.following >= 1000 and author.followers * 20 < author.following


def is_spam(item: Item) -> bool:
    return item.flag("spam") or is_bot(item.post.author)


def reach(author: Author | None) -> float:
    """0..1: log-scaled follower count (100k followers and more count as 1)."""
    followers = author.followers if author and author.followers else 0
    return min(1.0, math.log1p(followers) / math.log1p(100_000))


def freshness(created: datetime, now: datetime, half_life_hours: float = 24.0) -> float:
    age = max(0.0, (now - created).total_seconds() / 3600.0)
    return float(0.5 ** (age / half_life_hours))


def reply_link(post: Post) -> str | None:
    """Where to reply on the network: an intent URL where the network has one, else the post."""
    if post.source == "x":
        return f"https://x.com/intent/post?in_reply_to={quote(post.id, safe='')}"
    if post.source == "hn" and post.id.isdigit():
        return f"https://news.ycombinator.com/reply?id={post.id}"
    return post.url


def profile_link(network: str, handle: str) -> str | None:
    handle = handle.lstrip("@")
    if network == "x":
        return f"https://x.com/{quote(handle)}"
    if network == "bluesky":
        return f"https://bsky.app/profile/{quote(handle)}"
    if network == "mastodon" and "@" in handle:
        user, _, instance = handle.partition("@")
        return f"https://{instance}/@{quote(user)}"
    if network == "reddit":
        return f"https://www.reddit.com/user/{quote(handle)}"
    if network == "hn":
        return f"https://news.ycombinator.com/user?id={quote(handle)}"
    return None


def parse_when(value: str, what: str) -> datetime:
    """An ISO date or time (UTC when no offset) for options like --from/--to."""
    from earful.errors import InputError

    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.fromisoformat(text).replace(tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"not an ISO date or time: {value!r} (e.g. 2026-11-10 or 2026-11-10T09:00Z)",
            field=what,
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def day_window(now: datetime, days: float) -> tuple[datetime, datetime]:
    return now - timedelta(days=days), now + timedelta(seconds=1)


_STOP_TEXT = """
    a an the and or but if then so of to in on at by for with from as is are was were be been
    it its this that these those i you he she we they me my your our their his her them us do does
    did done have has had not no yes just very really can could would should will shall may might
    about into over than too also more most any some all what which who whom how when where why
    rt via amp http https www com co t im dont cant its thats there here get got one out up new
    like know think need want use using used what's i'm it's don't can't on off only still
    much"""
STOPWORDS = frozenset(re.findall(r"\S+", _STOP_TEXT))


def keywords(texts: Iterable[str], exclude: Iterable[str] = (), top: int = 10) -> list[str]:
    """The most frequent content words (and hashtags) of ``texts``, one count per text."""
    from collections import Counter

    from earful.text import tokens

    skip = set(STOPWORDS) | {t for e in exclude for t in tokens(e)}
    counts: Counter[str] = Counter()
    for text in texts:
        words = {t for t in tokens(re.sub(r"https?://\S+|@\w+", " ", text)) if len(t) > 2}
        counts.update(w for w in words if w not in skip and not w.isdigit())
    return [w for w, _n in counts.most_common(top)]
