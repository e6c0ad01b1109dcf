"""A fake Reddit: the OAuth token endpoint and listings paged by ``after`` fullnames."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.connectors.fakes.server import FakeServer, Request, Response

CLIENT_ID = "reddit-client-id-42"
CLIENT_SECRET = "reddit-client-secret-s3cr3t"


def make_thing(kind: str, n: int, text: str, when: datetime, sub: str = "pm") -> dict[str, Any]:
    tid = f"zz{n:05d}"
    data: dict[str, Any] = {
        "id": tid, "name": f"{kind}_{tid}", "author": f"user{n}", "subreddit": sub,
        "created_utc": when.timestamp(), "score": n % 9,
        "permalink": f"/r/{sub}/comments/{tid}/x/",
    }
    if kind == "t3":
        data.update(title=f"Thread {n}", selftext=text, num_comments=1, is_self=True)
    else:
        data.update(body=text, parent_id="t3_parent", link_id="t3_parent")
    return {"kind": kind, "data": data}


def make_things(kind: str, count: int, start: datetime, sub: str = "pm") -> list[dict[str, Any]]:
    things = [
        make_thing(kind, n, f"{kind} {n} widgetry" if n % 2 else f"{kind} {n} other",
                   start + timedelta(minutes=n), sub)
        for n in range(count)
    ]
    return list(reversed(things))


class FakeReddit:
    def __init__(self, server: FakeServer, page_size: int = 10) -> None:
        self.server = server
        self.page_size = page_size
        self.listings: dict[str, list[dict[str, Any]]] = {}
        self.tokens = 0
        self.valid: set[str] = set()
        self.duplicate_boundary = False
        server.route("POST", "/api/v1/access_token", self._token)

    def listing(self, path: str, things: list[dict[str, Any]]) -> None:
        self.listings[path] = things
        self.server.route("GET", path, self._listing)

    def revoke(self) -> None:
        self.valid.clear()

    def _token(self, request: Request) -> Response:
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return Response.json({"message": "Unauthorized", "error": 401}, 401)
        if b"grant_type=client_credentials" not in request.body:
            return Response.json({"error": "unsupported_grant_type"}, 400)
        self.tokens += 1
        token = f"tok-{self.tokens}-abcdef"
        self.valid.add(token)
        return Response.json({"access_token": token, "token_type": "bearer",
                              "expires_in": 86400, "scope": "*"})

    def _listing(self, request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        if auth.removeprefix("bearer ") not in self.valid:
            return Response.json({"message": "Unauthorized", "error": 401}, 401)
        if not request.headers.get("user-agent", "").startswith("python:earful"):
            return Response.json({"message": "Too Many Requests", "error": 429}, 429,
                                 {"x-ratelimit-reset": "1"})
        things = self.listings[request.path]
        after = request.arg("after")
        start = 0
        if after:
            start = next(i for i, t in enumerate(things) if t["data"]["name"] == after) + 1
        limit = min(int(request.arg("limit") or 25), self.page_size)
        page = things[start:start + limit]
        more = start + limit < len(things)
        if self.duplicate_boundary and more:
            page = [*page, things[start + limit]]
        body = {"kind": "Listing", "data": {
            "after": page[limit - 1]["data"]["name"] if more else None,
            "before": None, "dist": len(page), "children": page}}
        return Response.json(body, headers={"x-ratelimit-used": "3",
                                            "x-ratelimit-remaining": "97.0",
                                            "x-ratelimit-reset": "412"})


START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
