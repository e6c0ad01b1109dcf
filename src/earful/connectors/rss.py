"""RSS and Atom feeds (blog posts, blog comment feeds), parsed with feedparser.

Feeds are listed in ``[sources.rss] feeds = ["https://blog.example/feed", ...]``. Each run
fetches every feed through the shared HTTP layer with a conditional GET (``If-None-Match`` /
``If-Modified-Since`` from the cursor); a ``304 Not Modified`` costs nothing. The bytes are
parsed by ``feedparser.parse``; entries become posts (id = entry id/guid, else link) and are
kept only when they match the query (feeds have no server-side search).

Cursor: ``{"feeds": {sha256(url)[:16]: {"etag": ..., "modified": ...}}}``, saved after each
feed (hashed because a feed URL may carry an access token).
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from earful.connectors.base import BaseConnector, Cursor, Page, Query
from earful.connectors.html_text import html_to_text
from earful.errors import ConfigError, ConnectorError
from earful.models import Author, Post
from earful.text import extract_hashtags, extract_mentions, extract_urls


class RSSConnector(BaseConnector):
    name: ClassVar[str] = "rss"
    default_interval: ClassVar[float] = 900.0

    def feeds(self) -> list[str]:
        feeds = self.option("feeds", [])
        if isinstance(feeds, str):
            feeds = [feeds]
        if not isinstance(feeds, list) or not all(
            isinstance(f, str) and f.startswith(("http://", "https://")) for f in feeds
        ):
            raise ConfigError("sources.rss.feeds", "must be a list of http(s) feed URLs")
        if not feeds:
            raise ConfigError("sources.rss.feeds", "no feeds configured")
        return list(feeds)

    def fetch(self, query: Query, cursor: Cursor | None) -> Iterator[Page]:
        import feedparser

        state: dict[str, Any] = {
            url: dict(v) for url, v in dict((cursor or {}).get("feeds", {})).items()
        }
        for url in self.feeds():
            key = _key(url)  # feed URLs may carry tokens: the cursor keeps only a hash
            known = state.get(key, {})
            headers = {"Accept": "application/atom+xml, application/rss+xml, */*;q=0.5"}
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("modified"):
                headers["If-Modified-Since"] = known["modified"]
            response = self.http.request("GET", url, headers=headers)
            if response.status_code == 304:
                yield Page((), {"feeds": state}, items_read=0, notes=(f"{url}: not modified",))
                continue
            parsed = feedparser.parse(
                response.content,
                response_headers={
                    "content-location": str(response.url),
                    "content-type": response.headers.get("content-type", "application/xml"),
                },
            )
            if parsed.bozo and not parsed.entries:
                raise ConnectorError(f"rss: {url} is not a readable feed: {parsed.bozo_exception}")
            posts = []
            for entry in parsed.entries:
                post = self._entry_post(entry, parsed.feed, url)
                if post is not None and query.matches(post):
                    posts.append(post)
            state[key] = {
                "etag": response.headers.get("etag"),
                "modified": response.headers.get("last-modified"),
            }
            yield Page(tuple(posts), {"feeds": state}, items_read=len(parsed.entries))

    def to_post(self, raw: Mapping[str, Any]) -> Post:
        post = self._entry_post(raw, {}, str(raw.get("feed_url") or ""))
        if post is None:
            raise ConnectorError("rss: entry has no id, link or date")
        return post

    def _entry_post(
        self, entry: Mapping[str, Any], feed: Mapping[str, Any], url: str
    ) -> Post | None:
        raw = _plain(entry)
        raw.setdefault("feed_url", url)
        post_id = entry.get("id") or entry.get("link")
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if not post_id or stamp is None:
            return None
        title = str(entry.get("title") or "").strip()
        html = ""
        content = entry.get("content")
        if isinstance(content, list) and content and isinstance(content[0], Mapping):
            html = str(content[0].get("value") or "")
        summary = str(entry.get("summary") or "")
        body, links = html_to_text(html if len(html) > len(summary) else summary)
        text = f"{title}\n\n{body}".strip() if body and body != title else title or body
        name = entry.get("author") or (entry.get("author_detail") or {}).get("name")
        author = None
        if isinstance(name, str) and name.strip():
            detail = entry.get("author_detail") or {}
            author = Author(id=str(detail.get("href") or name), handle=name.strip(), name=name)
        link = entry.get("link")
        tags = tuple(
            str(t.get("term")).lstrip("#")
            for t in entry.get("tags") or []
            if isinstance(t, Mapping) and t.get("term")
        )
        return Post(
            source=self.name,
            id=str(post_id),
            created_at=datetime.fromtimestamp(calendar.timegm(stamp), UTC),
            text=text,
            url=str(link) if link else None,
            lang=(feed.get("language") or None) if isinstance(feed, Mapping) else None,
            author=author,
            hashtags=tuple(dict.fromkeys(extract_hashtags(text) + tags)),
            mentions=extract_mentions(text),
            urls=tuple(dict.fromkeys(links + extract_urls(text))),
            raw=raw,
        )


def _plain(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON-able copy of a feedparser entry (struct_time values become lists)."""
    value = json.loads(
        json.dumps(entry, default=lambda o: list(o) if isinstance(o, tuple) else str(o))
    )
    return value if isinstance(value, dict) else {}


def _jsonable(value: object) -> object:
    return list(value) if isinstance(value, tuple) else str(value)


def _key(url: str) -> str:
    import hashlib

    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
