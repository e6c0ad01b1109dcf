"""A fake Mastodon instance: tag/public timelines with Link paging, v2 search, SSE streaming."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.connectors.fakes.server import DropStream, FakeServer, Request, Response

TOKEN = "mastodon-user-token-5678"


def make_status(n: int, text: str, tags: list[str], when: datetime) -> dict[str, Any]:
    sid = str(113_000_000_000_000_000 + n)
    return {
        "id": sid, "uri": f"https://fake.example/users/u{n}/statuses/{sid}",
        "url": f"https://fake.example/@u{n}/{sid}",
        "created_at": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "content": f"<p>{text}</p>", "language": "en", "reblog": None,
        "tags": [{"name": t, "url": f"https://fake.example/tags/{t}"} for t in tags],
        "mentions": [], "replies_count": 0, "reblogs_count": 0, "favourites_count": n % 5,
        "account": {"id": str(n), "username": f"u{n}", "acct": f"u{n}", "display_name": None},
    }


def make_statuses(count: int, start: datetime) -> list[dict[str, Any]]:
    """Newest first; every other one tagged #widgetry, every third mentions widgetry."""
    out = []
    for n in range(count):
        tags = ["widgetry"] if n % 2 == 0 else []
        text = f"status {n} on widgetry" if n % 3 == 0 else f"status {n} elsewhere"
        out.append(make_status(n, text, tags, start + timedelta(minutes=n)))
    return list(reversed(out))


class FakeMastodon:
    def __init__(self, server: FakeServer, statuses: list[dict[str, Any]], page_size: int = 10,
                 search_enabled: bool = True) -> None:
        self.server = server
        self.statuses = statuses
        self.page_size = page_size
        self.search_enabled = search_enabled
        self.duplicate_boundary = False
        self.stream_events: list[bytes] = []
        self.stream_drop_first = False
        self.stream_connections = 0
        server.route("GET", "/api/v1/timelines/public", self._public)
        server.route("GET", "/api/v2/search", self._search)
        server.route("GET", "/api/v1/streaming/public", self._stream)
        server.route("GET", "/api/v1/streaming/hashtag", self._stream)

    def route_tag(self, tag: str) -> None:
        self.server.route("GET", f"/api/v1/timelines/tag/{tag}", self._tag)

    def _window(self, request: Request, items: list[dict[str, Any]]) -> Response:
        def num(name: str) -> int | None:
            value = request.arg(name)
            return int(value) if value else None

        max_id, since_id = num("max_id"), num("since_id")
        limit = min(int(request.arg("limit") or 20), self.page_size)
        sel = [s for s in items if (max_id is None or int(s["id"]) < max_id)
               and (since_id is None or int(s["id"]) > since_id)]
        page = sel[:limit]
        headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299",
                   "X-RateLimit-Reset": "2026-03-01T12:05:00.000000Z"}
        if len(sel) > limit:
            base = f"{self.server.url}{request.path}"
            headers["Link"] = (f'<{base}?max_id={page[-1]["id"]}>; rel="next", '
                               f'<{base}?min_id={page[0]["id"]}>; rel="prev"')
            if self.duplicate_boundary:
                page = [*page, sel[limit]]
        return Response.json(page, headers=headers)

    def _tag(self, request: Request) -> Response:
        tag = request.path.rsplit("/", 1)[-1].lower()
        return self._window(
            request, [s for s in self.statuses if tag in [t["name"] for t in s["tags"]]]
        )

    def _public(self, request: Request) -> Response:
        return self._window(request, self.statuses)

    def _search(self, request: Request) -> Response:
        if not self.search_enabled or request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Response.json({"error": "Search is not available"}, 503)
        q = (request.arg("q") or "").lower()
        hits = [s for s in self.statuses if q in s["content"].lower()]
        response = self._window(request, hits)
        page = json.loads(response.body)
        return Response.json({"accounts": [], "hashtags": [], "statuses": page})

    def _stream(self, request: Request) -> Response:
        self.stream_connections += 1
        first = self.stream_connections == 1

        def chunks() -> Iterator[bytes]:
            yield b":)\n\n"
            for i, event in enumerate(self.stream_events):
                if first and self.stream_drop_first and i == 2:
                    raise DropStream
                yield event
            yield b":thump\n\n"

        return Response(200, headers={"Content-Type": "text/event-stream"}, chunks=chunks())


def sse_update(status: dict[str, Any]) -> bytes:
    return b"event: update\ndata: " + json.dumps(status).encode() + b"\n\n"
