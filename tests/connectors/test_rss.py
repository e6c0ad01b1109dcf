from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from earful.config import SourceSettings
from earful.connectors.base import Query
from earful.connectors.rss import RSSConnector
from earful.errors import ConfigError
from earful.store import open_store
from earful.sync import sync_job

from .fakes.rss import Entry, FakeFeeds
from .fakes.server import FakeServer, Fault

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def entries(prefix: str, n: int, text: str = "We chose acme for analytics") -> list[Entry]:
    return [
        Entry(f"{prefix}-{i}", f"Post {i}", f"<p>{text} <b>{i}</b></p>", T0 + timedelta(hours=i))
        for i in range(n)
    ]


def make(urls: list[str], make_http: Any) -> RSSConnector:
    settings = SourceSettings(name="rss", options={"feeds": urls})
    return RSSConnector(settings, {}, http=make_http("rss", ""))


def test_rss_and_atom_with_conditional_get(
    server: FakeServer, make_http: Any, tmp_path: Path
) -> None:
    feeds = FakeFeeds(server)
    blog = feeds.add("/feed.xml", entries("b", 5))
    comments = feeds.add("/comments.atom", entries("c", 3, "acme broke my export"), kind="atom")
    store = open_store(tmp_path / "e.db")
    conn = make([blog, comments], make_http)
    first = sync_job(store, conn, "w", Query.parse("acme"))
    assert (first.inserted, first.pages, first.error) == (8, 2, None)
    post = store.get_post("rss", "b-3")
    assert post is not None and post.text == "Post 3\n\nWe chose acme for analytics 3"
    assert post.created_at == T0 + timedelta(hours=3) and post.author
    assert post.author.handle == "Jane Doe" and "tools" in post.hashtags
    assert post.url == "https://blog.example/p/b-3" and post.lang == "en"
    c = store.get_post("rss", "tag:blog.example,2026:c-2")
    assert c is not None and c.text.endswith("acme broke my export 2")
    second = sync_job(store, conn, "w", Query.parse("acme"))
    assert second.inserted == 0 and feeds.not_modified == 2
    assert server.requests[-1].headers["if-none-match"].startswith('"')
    feeds.feeds["/feed.xml"].append(Entry("b-new", "New", "<p>acme again</p>", T0))
    third = sync_job(store, conn, "w", Query.parse("acme"))
    assert third.inserted == 1 and feeds.not_modified == 3


def test_local_filter_and_faults(
    server: FakeServer, make_http: Any, sleeps: list[float], tmp_path: Path
) -> None:
    feeds = FakeFeeds(server)
    url = feeds.add("/feed.xml", entries("a", 4) + entries("z", 3, "nothing relevant"))
    server.fault(Fault(status=503), Fault(delay=1.5), Fault(drop=True))
    store = open_store(tmp_path / "e.db")
    result = sync_job(store, make(url and [url], make_http), "w", Query.parse('acme -"entry 2"'))
    assert result.error is None and result.inserted == 4 and len(sleeps) == 3


def test_malformed_feed_is_an_error_naming_the_feed(
    server: FakeServer, make_http: Any, tmp_path: Path
) -> None:
    from .fakes.server import Response

    server.route("GET", "/broken", lambda r: Response(200, b"<html><body>nope</body>"))
    store = open_store(tmp_path / "e.db")
    result = sync_job(store, make([server.url + "/broken"], make_http), "w", Query.parse("acme"))
    assert result.error and "/broken is not a readable feed" in result.error
    assert store.source_states()[0].last_error == result.error


def test_feeds_option_is_validated() -> None:
    with pytest.raises(ConfigError, match="feeds"):
        RSSConnector(SourceSettings(name="rss", options={"feeds": ["ftp://x"]}), {}).feeds()
