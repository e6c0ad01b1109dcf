"""A fake X API v2: recent/full-archive search, stream rules and the filtered stream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .server import DropStream, FakeServer, Request, Response


def x_post(
    i: int, text: str = "Loving #AcmeWidget today", user: int | None = None
) -> dict[str, Any]:
    uid = str(user if user is not None else 100 + i % 20)
    return {
        "id": str(1_900_000_000_000_000_000 + i),
        "text": f"{text} {i} https://t.co/x{i}",
        "author_id": uid,
        "created_at": "2026-03-01T12:00:00.000Z",
        "lang": "en",
        "conversation_id": str(1_900_000_000_000_000_000 + i),
        "edit_history_tweet_ids": [str(1_900_000_000_000_000_000 + i)],
        "public_metrics": {
            "retweet_count": 2,
            "reply_count": 1,
            "like_count": i % 9,
            "quote_count": 0,
            "bookmark_count": 0,
            "impression_count": 300,
        },
        "entities": {
            "hashtags": [{"start": 7, "end": 18, "tag": "AcmeWidget"}],
            "urls": [
                {
                    "start": 0,
                    "end": 1,
                    "url": f"https://t.co/x{i}",
                    "expanded_url": f"https://acme.example/w/{i}",
                    "display_url": "acme.example",
                }
            ],
        },
    }


def x_user(uid: str) -> dict[str, Any]:
    return {
        "id": uid,
        "username": f"user{uid}",
        "name": f"User {uid}",
        "description": "PM",
        "public_metrics": {
            "followers_count": 120,
            "following_count": 80,
            "tweet_count": 900,
            "listed_count": 2,
        },
    }


class FakeX:
    def __init__(
        self,
        server: FakeServer,
        posts: list[dict[str, Any]] | None = None,
        token: str = "test-token",
    ) -> None:
        self.server = server
        self.posts: list[dict[str, Any]] = posts or []
        self.token = token
        self.rules: list[dict[str, str]] = []
        self.stream_lines: list[bytes] = []
        self.drop_after: int | None = None
        self._next_rule = 1
        for path in ("/2/tweets/search/recent", "/2/tweets/search/all"):
            server.route("GET", path, self.search)
        server.route("GET", "/2/tweets/search/stream/rules", self.get_rules)
        server.route("POST", "/2/tweets/search/stream/rules", self.post_rules)
        server.route("GET", "/2/tweets/search/stream", self.stream)

    def _auth(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Response.json(
                {
                    "title": "Unauthorized",
                    "type": "about:blank",
                    "status": 401,
                    "detail": "Unauthorized",
                },
                401,
            )
        return None

    def search(self, request: Request) -> Response:
        if (denied := self._auth(request)) is not None:
            return denied
        since = int(request.arg("since_id") or 0)
        hits = sorted((p for p in self.posts if int(p["id"]) > since), key=lambda p: -int(p["id"]))
        size = int(request.arg("max_results") or 10)
        start = int(request.arg("next_token") or request.arg("pagination_token") or 0)
        page = hits[start : start + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if start + size < len(hits):
            meta["next_token"] = str(start + size)
        body: dict[str, Any] = {"meta": meta}
        if page:
            body["data"] = page
            body["includes"] = {
                "users": [x_user(u) for u in sorted({p["author_id"] for p in page})]
            }
        return Response.json(
            body,
            headers={
                "x-rate-limit-limit": "450",
                "x-rate-limit-remaining": "449",
                "x-rate-limit-reset": "2000000000",
            },
        )

    def get_rules(self, request: Request) -> Response:
        if (denied := self._auth(request)) is not None:
            return denied
        return Response.json(
            {"data": self.rules, "meta": {"sent": "now", "result_count": len(self.rules)}}
        )

    def post_rules(self, request: Request) -> Response:
        if (denied := self._auth(request)) is not None:
            return denied
        body = request.json()
        if "delete" in body:
            ids = set(body["delete"].get("ids", []))
            self.rules = [r for r in self.rules if r["id"] not in ids]
            return Response.json(
                {"meta": {"sent": "now", "summary": {"deleted": len(ids), "not_deleted": 0}}}
            )
        added = []
        for rule in body.get("add", []):
            added.append(
                {"id": str(self._next_rule), "value": rule["value"], "tag": rule.get("tag", "")}
            )
            self._next_rule += 1
        self.rules += added
        return Response.json(
            {"data": added, "meta": {"sent": "now", "summary": {"created": len(added)}}}
        )

    def stream(self, request: Request) -> Response:
        if (denied := self._auth(request)) is not None:
            return denied
        if not self.rules:
            return Response.json({"title": "ConnectionException", "detail": "no rules"}, 409)
        return Response(200, headers={"Content-Type": "application/json"}, chunks=self._chunks())

    def _chunks(self) -> Iterator[bytes]:
        lines, self.stream_lines = self.stream_lines, []
        for n, line in enumerate(lines):
            if self.drop_after is not None and n >= self.drop_after:
                self.stream_lines = lines[n:]  # the rest comes after a reconnect
                self.drop_after = None
                raise DropStream
            yield line

    def stream_post(self, post: dict[str, Any]) -> bytes:
        rule = self.rules[0] if self.rules else {"id": "0", "tag": ""}
        return (
            json.dumps(
                {
                    "data": post,
                    "includes": {"users": [x_user(post["author_id"])]},
                    "matching_rules": [{"id": rule["id"], "tag": rule["tag"]}],
                }
            )
            + "\r\n"
        ).encode()
