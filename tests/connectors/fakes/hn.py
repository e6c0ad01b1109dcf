"""A fake Algolia HN Search API: ``/search_by_date`` over an in-memory list of hits."""

from __future__ import annotations

import re
from typing import Any

from .server import FakeServer, Request, Response

_FILTER = re.compile(r"created_at_i(<=|>=|<|>|=)(\d+)")


def hn_hit(
    i: int, *, stamp: int, text: str = "I tried acme today", comment: bool = True
) -> dict[str, Any]:
    base = {
        "objectID": str(40_000_000 + i),
        "created_at_i": stamp,
        "created_at": "2026-03-01T12:00:00Z",
        "author": f"user{i % 50}",
        "points": None if comment else i % 30,
        "num_comments": None if comment else i % 7,
        "_tags": ["comment" if comment else "story", f"author_user{i % 50}"],
    }
    if comment:
        base.update(
            comment_text=f'<p>{text} #{i}</p><p>see <a href="https://acme.example/{i}">docs</a></p>',
            story_id=39_999_999,
            parent_id=39_999_999,
            title=None,
            url=None,
        )
    else:
        base.update(
            title=f"Show HN: {text} {i}", url=f"https://acme.example/s/{i}", story_text=None
        )
    return base


class FakeHN:
    """Serves ``hits`` newest first, honouring numericFilters, tags (author_), page, hitsPerPage."""

    def __init__(self, server: FakeServer, hits: list[dict[str, Any]] | None = None) -> None:
        self.server = server
        self.hits: list[dict[str, Any]] = hits or []
        self.cap = 1000
        server.route("GET", "/api/v1/search_by_date", self.search)

    @property
    def base_url(self) -> str:
        return f"{self.server.url}/api/v1"

    def search(self, request: Request) -> Response:
        hits = sorted(self.hits, key=lambda h: (-h["created_at_i"], h["objectID"]))
        for op, value in _FILTER.findall(request.arg("numericFilters") or ""):
            v = int(value)
            hits = [h for h in hits if _compare(h["created_at_i"], op, v)]
        for tag in (request.arg("tags") or "").split(","):
            if tag.startswith("author_"):
                hits = [h for h in hits if tag in h["_tags"]]
        per_page = int(request.arg("hitsPerPage") or 20)
        page = int(request.arg("page") or 0)
        reachable = hits[: self.cap]
        chunk = reachable[page * per_page : (page + 1) * per_page]
        nb_pages = -(-len(reachable) // per_page)
        return Response.json(
            {
                "hits": chunk,
                "nbHits": len(hits),
                "page": page,
                "nbPages": nb_pages,
                "hitsPerPage": per_page,
                "processingTimeMS": 1,
                "query": request.arg("query") or "",
                "params": "",
            }
        )


def _compare(x: int, op: str, v: int) -> bool:
    return {">": x > v, ">=": x >= v, "<": x < v, "<=": x <= v, "=": x == v}[op]
