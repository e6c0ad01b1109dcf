"""Bluesky connector: golden payloads, session handling, paging, faults, Jetstream."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from earful.connectors.base import Query
from earful.connectors.bluesky import BlueskyConnector, search_strings
from earful.errors import AuthError, ConfigError, InputError
from earful.store.sqlite import SQLiteStore
from tests.connectors.fake_bluesky import (
    HANDLE,
    PASSWORD,
    FakeBluesky,
    FakeJetstream,
    iter_lines,
    make_views,
)
from tests.connectors.fakes.server import FakeServer, Fault
from tests.connectors.helpers import make, sync_all

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bluesky"
ENV = {"EARFUL_BLUESKY_HANDLE": HANDLE, "EARFUL_BLUESKY_APP_PASSWORD": PASSWORD}
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_golden_search_page_maps_every_field() -> None:
    conn = BlueskyConnector(env={})
    views = json.loads((FIXTURES / "search_page.json").read_text())["posts"]
    first, reply, quote, link = (conn.to_post(v) for v in views)

    assert first.id == "at://did:plc:pmtester111/app.bsky.feed.post/3lpmaaa0001"
    assert first.url == "https://bsky.app/profile/did:plc:pmtester111/post/3lpmaaa0001"
    assert first.author is not None and first.author.handle == "quill.example.social"
    assert first.author.name == "Quill Ärling"
    assert first.lang == "en"
    assert first.hashtags == ("Widgetry",)
    assert first.mentions == ("rivet.example.social",)  # from the UTF-8 byte offsets
    assert first.urls == ("https://widgetry.example/blog",)
    assert (first.metrics.likes, first.metrics.reposts, first.metrics.replies) == (11, 3, 2)
    assert first.conversation_id == first.id
    assert first.raw is views[0]

    assert reply.reply_to is not None and reply.reply_to.post_id == first.id
    assert reply.conversation_id == "at://did:plc:pmtester111/app.bsky.feed.post/3lpmroot000"
    assert reply.created_at == datetime(2026, 3, 1, 10, 59, tzinfo=UTC)  # +01:00 normalised
    assert reply.metrics.likes == 0  # "7" is not a count: tolerated, not trusted

    assert quote.quote_of == reply.id
    assert quote.hashtags == ("launchday",)
    assert quote.author is not None and quote.author.name is None
    assert link.urls == ("https://news.example/widgetry-review",)


def test_jetstream_events_map_and_skip_non_posts() -> None:
    conn = BlueskyConnector(env={})
    events = iter_lines(str(FIXTURES / "jetstream_events.jsonl"))
    posts = [conn._event_post(json.dumps(e)) for e in events]
    kept = [p for p in posts if p is not None]
    assert [p.id for p in kept] == [
        "at://did:plc:live555/app.bsky.feed.post/3lliveaaa01",
        "at://did:plc:live777/app.bsky.feed.post/3lliveaaa02",
    ]
    assert kept[0].author is not None and kept[0].author.handle == "did:plc:live555"
    assert conn.last_time_us == 1772366400523456


def test_bad_payload_names_the_field() -> None:
    conn = BlueskyConnector(env={})
    with pytest.raises(InputError, match="field 'record'"):
        conn.to_post({"uri": "at://did:plc:a/app.bsky.feed.post/1"})
    with pytest.raises(InputError, match=r"record\.createdAt"):
        conn.to_post({"uri": "at://did:plc:a/app.bsky.feed.post/1", "record": {"text": "x"}})


def test_query_translation_fetches_wider() -> None:
    assert search_strings(Query.parse('"acme pulse" OR #acmepulse -is:retweet')) == [
        '"acme pulse"', "#acmepulse"
    ]
    assert search_strings(Query.parse("acme from:ann min_faves:3")) == ["acme from:ann"]
    with pytest.raises(ConfigError):
        search_strings(Query.parse("-acme"))


def _count(store: SQLiteStore) -> int:
    return store.count_posts()


def test_paging_with_faults_stores_every_match_once(store: SQLiteStore) -> None:
    views = make_views(45, START)
    expected = {v["uri"] for v in views if "widgetry" in v["record"]["text"]}
    sleeps: list[float] = []
    with FakeServer() as srv:
        fake = FakeBluesky(srv, views, page_size=10)
        fake.duplicate_boundary = True
        srv.fault(
            Fault.rate_limited({"RateLimit-Reset": "1"}, path="/xrpc/app.bsky.feed.search"),
            Fault(status=503, path="/xrpc/app.bsky.feed.search"),
            Fault(truncate=True, path="/xrpc/app.bsky.feed.search"),
            Fault(status=500, path="/xrpc/app.bsky.feed.search"),
        )
        conn = make(BlueskyConnector, srv.url, ENV, sleeps)
        cursor, pages = sync_all(conn, "widgetry", store)
    assert _count(store) == len(expected) == 30
    assert {p.id for _, p in store.iter_posts("widgetry")} == expected
    assert fake.sessions == 1 and pages == 3
    assert len(sleeps) == 4  # one wait per injected fault, then success
    assert cursor is not None and set(cursor["branches"]) == {"widgetry"}
    assert cursor["branches"]["widgetry"] == {"newest": "2026-03-01T09:44:00.000000Z"}


def test_expired_token_refreshes_then_recreates(store: SQLiteStore) -> None:
    views = make_views(60, START)
    with FakeServer() as srv:
        fake = FakeBluesky(srv, views, page_size=10)
        conn = make(BlueskyConnector, srv.url, ENV)
        pages = conn.fetch(Query.parse("widgetry"), None)
        next(pages)
        fake.expire_access()
        next(pages)
        assert (fake.sessions, fake.refreshes) == (1, 1)
        fake.expire_access(refresh_too=True)
        next(pages)
        assert (fake.sessions, fake.refreshes) == (2, 1)


def test_wrong_password_is_an_auth_error_without_the_secret(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "wrong-secret-pass-9876"
    env = {**ENV, "EARFUL_BLUESKY_APP_PASSWORD": secret}
    with FakeServer() as srv, caplog.at_level(logging.DEBUG):
        FakeBluesky(srv, [])
        conn = make(BlueskyConnector, srv.url, env)
        with pytest.raises(AuthError) as info:
            list(conn.fetch(Query.parse("widgetry"), None))
    assert secret not in str(info.value)
    assert all(secret not in r.getMessage() for r in caplog.records)
    missing = make(BlueskyConnector, "http://127.0.0.1:9", {})
    with pytest.raises(AuthError, match="EARFUL_BLUESKY_HANDLE"):
        list(missing.fetch(Query.parse("widgetry"), None))


def test_resume_after_a_crash_and_incremental_run(store: SQLiteStore) -> None:
    views = make_views(40, START)
    expected = {v["uri"] for v in views if "widgetry" in v["record"]["text"]}
    with FakeServer() as srv:
        fake = FakeBluesky(srv, views, page_size=10)
        conn = make(BlueskyConnector, srv.url, ENV)
        cursor, _ = sync_all(conn, "widgetry", store, stop_after=2)  # "crash" after page 2
        assert cursor is not None and cursor["branches"]["widgetry"]["next"] == "20"
        conn = make(BlueskyConnector, srv.url, ENV)
        cursor, pages = sync_all(conn, "widgetry", store, cursor)
        assert pages == 1 and _count(store) == len(expected)

        # New posts arrive; the next run reads only down to the old high-water mark.
        newer = make_views(46, START)[:6]
        fake.posts = newer + views
        before = len(srv.requests)
        cursor, pages = sync_all(conn, "widgetry", store, cursor)
    assert pages == 1 and len(srv.requests) - before == 1
    assert _count(store) == len(expected) + 4
    assert srv.requests[-1].arg("since", "").startswith("2026-03-01T09:38")


def test_or_query_runs_one_search_per_alternative(store: SQLiteStore) -> None:
    views = make_views(12, START) + make_views(12, START, word="gizmo")
    for n, v in enumerate(views):
        v["uri"] = f"{v['uri']}x{n}"
    with FakeServer() as srv:
        FakeBluesky(srv, views, page_size=50)
        conn = make(BlueskyConnector, srv.url, ENV)
        cursor, _ = sync_all(conn, "widgetry OR gizmo", store)
    assert cursor is not None and set(cursor["branches"]) == {"widgetry", "gizmo"}
    assert _count(store) == 16
    assert {r.arg("q") for r in srv.requests if r.path.endswith("searchPosts")} == {
        "widgetry", "gizmo"
    }


def test_jetstream_reconnects_from_the_cursor_and_filters() -> None:
    events: list[dict[str, Any]] = []
    for n in range(10):
        events.append({
            "did": f"did:plc:j{n}", "time_us": 1_772_366_400_000_000 + n * 1_000_000,
            "kind": "commit",
            "commit": {"rev": f"r{n}", "operation": "create", "collection": "app.bsky.feed.post",
                       "rkey": f"k{n}", "cid": f"c{n}",
                       "record": {"text": f"widgetry {n}" if n % 2 else f"other {n}",
                                  "createdAt": "2026-03-01T12:00:00Z"}},
        })
    with FakeJetstream(events, drop_after=6) as jet:
        conn = make(BlueskyConnector, "http://127.0.0.1:9", {}, jetstream_url=jet.url)
        stream = conn.stream(Query.parse("widgetry"))
        got = [next(stream).id for _ in range(5)]
        stream.close()
    assert got == [f"at://did:plc:j{n}/app.bsky.feed.post/k{n}" for n in (1, 3, 5, 7, 9)]
    assert len(jet.paths) == 2  # dropped once, resumed
    assert "wantedCollections=app.bsky.feed.post" in jet.paths[0]
    assert "cursor=1772366402000000" in jet.paths[1]  # 3 s before the last event seen
