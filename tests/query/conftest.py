"""Posts written for the query tests (no third-party data)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from earful.formats.earful_jsonl import post_from_dict
from earful.models import Post
from earful.query import QueryContext
from earful.store import open_store
from earful.store.sqlite import SQLiteStore


def post(pid: str, text: str, **fields: Any) -> Post:
    data: dict[str, Any] = {
        "source": "x",
        "id": pid,
        "created_at": "2026-03-10T12:00:00Z",
        "text": text,
        "author": {"id": f"a{pid}", "handle": "someone"},
    }
    data.update(fields)
    return post_from_dict(data)


CORPUS = [
    post(
        "1",
        "The Acme Pulse dashboard is great #AcmePulse",
        lang="en",
        metrics={"likes": 12, "reposts": 3, "replies": 1},
    ),
    post(
        "2",
        "Pulse crashed again when exporting, e-mail support please @AcmeHelp",
        lang="en-GB",
        author={"id": "u2", "handle": "Grace_H"},
        reply_to={"post_id": "1", "author_handle": "AcmePM"},
        conversation_id="c1",
    ),
    post(
        "3",
        "Le tableau de bord est génial, café offert",
        lang="fr",
        created_at="2026-03-09T23:59:59Z",
        source="mastodon",
    ),
    post(
        "4",
        "email me about the CRASH report https://acme.com/Blog/Crash-Report",
        urls=["https://acme.com/Blog/Crash-Report"],
        created_at="2026-03-11T00:00:00Z",
        metrics={"likes": 0, "reposts": 40, "replies": 7},
    ),
    post("5", "RT great stuff", repost_of="1", source="bluesky", lang="EN"),
    post("6", "quoting this: crash report crash", quote_of="4", conversation_id="c1"),
    post("7", "Brightmetrics is cheaper than pulse? #pricing #SaaS", hashtags=["pricing", "SaaS"]),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = open_store(tmp_path / "earful.db")
    s.upsert_posts(CORPUS)
    yield s
    s.close()


@pytest.fixture
def corpus() -> list[Post]:
    return list(CORPUS)


@pytest.fixture
def context() -> QueryContext:
    return QueryContext({"acme pulse": ("Acme Pulse", "Pulse"), "pulse": ("Acme Pulse", "Pulse")})
