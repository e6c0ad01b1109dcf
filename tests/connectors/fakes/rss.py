"""A fake blog serving RSS 2.0 and Atom feeds with ETag / Last-Modified and 304 replies."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from .server import FakeServer, Request, Response


@dataclass
class Entry:
    guid: str
    title: str
    html: str
    when: datetime
    author: str = "Jane Doe"
    link: str | None = None


def rss_xml(entries: list[Entry]) -> bytes:
    items = "".join(
        "<item>"
        f'<guid isPermaLink="false">{escape(e.guid)}</guid>'
        f"<link>{escape(e.link or 'https://blog.example/p/' + e.guid)}</link>"
        f"<title>{escape(e.title)}</title>"
        f"<description>{escape(e.html)}</description>"
        f"<pubDate>{format_datetime(e.when, usegmt=True)}</pubDate>"
        f"<dc:creator>{escape(e.author)}</dc:creator>"
        "<category>tools</category>"
        "</item>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        "<title>Blog</title><link>https://blog.example/</link><language>en</language>"
        f"{items}</channel></rss>"
    ).encode()


def atom_xml(entries: list[Entry]) -> bytes:
    items = "".join(
        "<entry>"
        f"<id>tag:blog.example,2026:{escape(e.guid)}</id>"
        f'<link href="{escape(e.link or "https://blog.example/c/" + e.guid)}"/>'
        f"<title>{escape(e.title)}</title>"
        f'<content type="html">{escape(e.html)}</content>'
        f"<updated>{e.when.astimezone(UTC).isoformat().replace('+00:00', 'Z')}</updated>"
        f"<author><name>{escape(e.author)}</name></author>"
        "</entry>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Comments</title><id>urn:comments</id>"
        f"<updated>2026-03-01T00:00:00Z</updated>{items}</feed>"
    ).encode()


class FakeFeeds:
    """Serves ``feeds[path]`` (a list of entries) as RSS or Atom, honouring conditional GET."""

    def __init__(self, server: FakeServer) -> None:
        self.server = server
        self.feeds: dict[str, list[Entry]] = {}
        self.kinds: dict[str, str] = {}
        self.not_modified = 0

    def add(self, path: str, entries: list[Entry], kind: str = "rss") -> str:
        self.feeds[path] = entries
        self.kinds[path] = kind
        self.server.route("GET", path, lambda request: self.serve(path, request))
        return self.server.url + path

    def serve(self, path: str, request: Request) -> Response:
        entries = self.feeds[path]
        body = (rss_xml if self.kinds[path] == "rss" else atom_xml)(entries)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = format_datetime(
            max((e.when for e in entries), default=datetime(2026, 1, 1, tzinfo=UTC)), usegmt=True
        )
        headers = {"ETag": etag, "Last-Modified": modified}
        if request.headers.get("if-none-match") == etag:
            self.not_modified += 1
            return Response(304, b"", headers)
        kind = "application/rss+xml" if self.kinds[path] == "rss" else "application/atom+xml"
        return Response(200, body, {**headers, "Content-Type": kind})
