"""Reddit connector: golden listings, OAuth, search + subreddit feeds, faults, resume."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.config import SourceSettings
from earful.connectors.base import Query
from earful.connectors.reddit import RedditConnector, post_from_thing, search_string
from earful.errors import AuthError, ConfigError, InputError
from earful.store.sqlite import SQLiteStore
from tests.connectors.fake_reddit import (
    CLIENT_ID,
    CLIENT_SECRET,
    START,
    FakeReddit,
    make_things,
)
from tests.connectors.fakes.server import FakeServer, Fault
from tests.connectors.helpers import make, sync_all

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reddit"
ENV = {"EARFUL_REDDIT_CLIENT_ID": CLIENT_ID, "EARFUL_REDDIT_CLIENT_SECRET": CLIENT_SECRET}


def test_golden_listings_map_posts_and_comments() -> None:
    search = json.loads((FIXTURES / "search_listing.json").read_text())["data"]["children"]
    comments = json.loads((FIXTURES / "comments_listing.json").read_text())["data"]["children"]
    post, link = post_from_thing(search[0]), post_from_thing(search[1])
    assert post.id == "t3_1zzz01" and post.conversation_id == "t3_1zzz01"
    assert post.text.startswith("Anyone using Widgetry for roadmaps?\n\nThinking of switching")
    assert post.url == (
        "https://www.reddit.com/r/productmanagement/comments/1zzz01/anyone_using_widgetry/"
    )
    assert post.created_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert post.author is not None and post.author.handle == "quill_pm"
    assert (post.metrics.likes, post.metrics.replies) == (12, 4)
    assert post.urls == ("https://widgetry.example/pricing",)
    assert post.raw is search[0]
    assert link.author is None  # [deleted]
    assert link.urls == ("https://news.example/widgetry-review",)
    assert link.created_at == datetime(2026, 3, 1, 11, 0, tzinfo=UTC)  # string epoch

    top, nested = (post_from_thing(c) for c in comments)
    assert top.id == "t1_kc001" and top.text == "Widgetry's export is broken for me >_<"
    assert top.reply_to is not None and top.reply_to.post_id == "t3_1zzz01"
    assert top.conversation_id == "t3_1zzz01"
    assert nested.reply_to is not None and nested.reply_to.post_id == "t1_kc001"
    assert nested.metrics.likes == 0 and nested.url is None
    with pytest.raises(InputError, match="field 'kind'"):
        post_from_thing(search[2])
    with pytest.raises(InputError, match="field 'created_utc'"):
        post_from_thing({"kind": "t3", "data": {"name": "t3_x", "title": "t"}})


def test_query_translation() -> None:
    assert search_string(Query.parse('"acme pulse" OR #acmepulse -spam')) == (
        '"acme pulse" OR acmepulse'
    )
    assert search_string(Query.parse("acme from:bob")) == "acme author:bob"
    assert search_string(Query.parse("-acme")) is None
    conn = RedditConnector(SourceSettings("reddit"), ENV)
    with pytest.raises(ConfigError, match="subreddits"):
        conn.feeds(Query.parse("-acme"))


def test_search_and_subreddit_feeds_with_faults(store: SQLiteStore) -> None:
    sleeps: list[float] = []
    posts = make_things("t3", 35, START)
    comments = make_things("t1", 25, START)
    with FakeServer() as srv:
        fake = FakeReddit(srv, page_size=10)
        fake.duplicate_boundary = True
        fake.listing("/search", posts)
        fake.listing("/r/pm/new", posts)
        fake.listing("/r/pm/comments", comments)
        srv.fault(
            Fault.rate_limited({"x-ratelimit-reset": "2", "x-ratelimit-remaining": "0"},
                               path="/search"),
            Fault(status=503, path="/r/pm/new"),
            Fault(truncate=True, path="/r/pm/comments"),
        )
        conn = make(RedditConnector, srv.url, ENV, sleeps, search=False, subreddits=["r/pm"])
        cursor, _ = sync_all(conn, "widgetry", store)
        assert {r.path for r in srv.requests} == {
            "/api/v1/access_token", "/r/pm/new", "/r/pm/comments"
        }
        conn = make(RedditConnector, srv.url, ENV, sleeps)
        search_cursor, _ = sync_all(conn, "widgetry", store)
    assert store.count_posts() == 17 + 12
    assert fake.tokens == 2 and len(sleeps) == 3
    assert cursor is not None and set(cursor["feeds"]) == {"new:pm", "comments:pm"}
    assert search_cursor is not None and set(search_cursor["feeds"]) == {"search:widgetry"}
    search_requests = [r for r in srv.requests if r.path == "/search"]
    assert search_requests[0].arg("sort") == "new" and search_requests[0].arg("type") == "link"
    assert stats_remaining(conn) == 97


def stats_remaining(conn: RedditConnector) -> int | None:
    state = conn.http.stats.rate_limit
    return None if state is None else state.remaining


def test_expired_token_is_renewed_and_bad_secret_stays_hidden(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeServer() as srv:
        fake = FakeReddit(srv, page_size=5)
        fake.listing("/search", make_things("t3", 20, START))
        conn = make(RedditConnector, srv.url, ENV)
        pages = conn.fetch(Query.parse("widgetry"), None)
        next(pages)
        fake.revoke()
        next(pages)
        assert fake.tokens == 2
        bad = {**ENV, "EARFUL_REDDIT_CLIENT_SECRET": "not-the-secret-777"}
        with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as info:
            list(make(RedditConnector, srv.url, bad).fetch(Query.parse("widgetry"), None))
    assert "not-the-secret-777" not in str(info.value)
    assert all("not-the-secret-777" not in r.getMessage() for r in caplog.records)
    assert all(CLIENT_SECRET not in r.getMessage() for r in caplog.records)


def test_resume_after_crash_then_incremental(store: SQLiteStore) -> None:
    posts = make_things("t3", 40, START)
    with FakeServer() as srv:
        fake = FakeReddit(srv, page_size=10)
        fake.listing("/search", posts)
        cursor, _ = sync_all(make(RedditConnector, srv.url, ENV), "widgetry", store,
                             stop_after=2)
        assert cursor is not None and cursor["feeds"]["search:widgetry"]["next"]
        cursor, pages = sync_all(make(RedditConnector, srv.url, ENV), "widgetry", store, cursor)
        assert pages == 2 and store.count_posts() == 20
        fake.listing("/search", make_things("t3", 46, START)[:6] + posts)
        before = len(srv.requests)
        cursor, pages = sync_all(make(RedditConnector, srv.url, ENV), "widgetry", store, cursor)
    assert pages == 1 and store.count_posts() == 23
    assert len(srv.requests) - before == 2  # token + one page
