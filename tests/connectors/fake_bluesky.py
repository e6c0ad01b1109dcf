"""A fake Bluesky PDS (createSession, refreshSession, searchPosts) and a fake Jetstream.

Search results are newest-first post views paged by an opaque offset cursor; ``since`` is
honoured like the real service (inclusive, compared with the post's time). Sessions issue
numbered tokens; ``expire_access()`` makes the current access token answer ``ExpiredToken``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.connectors.fakes.server import FakeServer, Request, Response, paged

HANDLE = "tester.example.social"
PASSWORD = "app-pass-wd12-34ab"


def make_view(
    n: int, text: str, when: datetime, did: str = "did:plc:fakeauthor"
) -> dict[str, Any]:
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "uri": f"at://{did}/app.bsky.feed.post/3lfake{n:07d}",
        "cid": f"bafyfake{n}",
        "author": {"did": did, "handle": "author.example.social", "displayName": f"Author {n}"},
        "record": {
            "$type": "app.bsky.feed.post", "text": text, "createdAt": stamp, "langs": ["en"]
        },
        "replyCount": 0, "repostCount": 0, "likeCount": n % 7, "quoteCount": 0,
        "indexedAt": stamp, "labels": [],
    }


def make_views(count: int, start: datetime, word: str = "widgetry") -> list[dict[str, Any]]:
    """``count`` posts one minute apart, newest first (the search's order)."""
    views = [
        make_view(n, f"post {n} about {word}" if n % 3 else f"post {n} unrelated", start
                  + timedelta(minutes=n))
        for n in range(count)
    ]
    return list(reversed(views))


class FakeBluesky:
    def __init__(self, server: FakeServer, posts: list[dict[str, Any]], page_size: int = 10):
        self.server = server
        self.posts = posts
        self.page_size = page_size
        self.sessions = 0
        self.refreshes = 0
        self.access = ""
        self.refresh = ""
        self.expired: set[str] = set()
        self.refresh_refused = False
        self.duplicate_boundary = False
        server.route("POST", "/xrpc/com.atproto.server.createSession", self._create)
        server.route("POST", "/xrpc/com.atproto.server.refreshSession", self._refresh)
        server.route("GET", "/xrpc/app.bsky.feed.searchPosts", self._search)

    def expire_access(self, refresh_too: bool = False) -> None:
        self.expired.add(self.access)
        self.refresh_refused = refresh_too

    def _issue(self) -> Response:
        n = self.sessions + self.refreshes
        self.access, self.refresh = f"eyJaccess.{n}.sig", f"eyJrefresh.{n}.sig"
        return Response.json({"accessJwt": self.access, "refreshJwt": self.refresh,
                              "handle": HANDLE, "did": "did:plc:tester", "active": True})

    def _create(self, request: Request) -> Response:
        body = request.json()
        if body.get("identifier") != HANDLE or body.get("password") != PASSWORD:
            return Response.json({"error": "AuthenticationRequired",
                                  "message": "Invalid identifier or password"}, 401)
        self.sessions += 1
        return self._issue()

    def _refresh(self, request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if self.refresh_refused or token != self.refresh:
            return Response.json({"error": "ExpiredToken", "message": "Token has expired"}, 400)
        self.refreshes += 1
        return self._issue()

    def _search(self, request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token in self.expired:
            return Response.json({"error": "ExpiredToken", "message": "Token has expired"}, 400)
        if token != self.access:
            return Response.json({"error": "AuthMissing", "message": "Authentication Required"},
                                 401)
        q = (request.arg("q") or "").lower()
        since = request.arg("since")
        hits = [
            p for p in self.posts
            if all(w.strip('"') in p["record"]["text"].lower() for w in q.split())
            and (since is None or p["indexedAt"] >= since[:19])
        ]
        page, nxt = paged(hits, self.page_size, request.arg("cursor"))
        if self.duplicate_boundary and nxt is not None:
            page = [*page, hits[int(nxt)]]  # the next page's first item shows up here too
        body: dict[str, Any] = {"posts": page, "hitsTotal": len(hits)}
        if nxt is not None:
            body["cursor"] = nxt
        return Response.json(body, headers={"RateLimit-Limit": "3000",
                                            "RateLimit-Remaining": "2999",
                                            "RateLimit-Reset": "1772366700"})


class FakeJetstream:
    """A websocket server that sends ``events`` from the client's cursor, dropping after
    ``drop_after`` events on the first connection."""

    def __init__(self, events: list[dict[str, Any]], drop_after: int | None = None) -> None:
        from websockets.sync.server import serve

        self.events = events
        self.drop_after = drop_after
        self.paths: list[str] = []
        self._server = serve(self._handle, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/subscribe"

    def _handle(self, ws: Any) -> None:
        from urllib.parse import parse_qs, urlsplit

        path = ws.request.path
        self.paths.append(path)
        query = parse_qs(urlsplit(path).query)
        cursor = int(query.get("cursor", ["0"])[0])
        sent = 0
        for event in self.events:
            if event["time_us"] < cursor:
                continue
            if self.drop_after is not None and len(self.paths) == 1 and sent >= self.drop_after:
                ws.socket.close()  # an abrupt drop, no close frame
                return
            ws.send(json.dumps(event))
            sent += 1
        ws.recv()  # hold the connection open until the client leaves

    def __enter__(self) -> FakeJetstream:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()


def iter_lines(path: str) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
