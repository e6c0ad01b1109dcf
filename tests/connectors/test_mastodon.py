"""Mastodon connector: safe HTML, golden statuses, Link paging, search fallback, streaming."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.config import SourceSettings
from earful.connectors.base import Query
from earful.connectors.html_text import html_to_text
from earful.connectors.mastodon import MastodonConnector
from earful.errors import InputError
from earful.store.sqlite import SQLiteStore
from tests.connectors.fake_mastodon import (
    TOKEN,
    FakeMastodon,
    make_status,
    make_statuses,
    sse_update,
)
from tests.connectors.fakes.server import FakeServer, Fault
from tests.connectors.helpers import make, sync_all

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mastodon"
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _conn() -> MastodonConnector:
    return MastodonConnector(SourceSettings("mastodon", base_url="https://social.example"), {})


def test_html_to_text_drops_markup_scripts_and_handlers() -> None:
    html = (
        '<p onmouseover="x()">a &amp; b &lt;i&gt;<script>alert("no")</script></p>'
        "<style>p{}</style><p>two<br/>lines <a href=\"javascript:alert(1)\">js</a> "
        '<a href="https://ok.example/?q=1&amp;r=2">ok</a></p><iframe src=x>hidden</iframe>'
    )
    out = html_to_text(html)
    assert out.text == "a & b <i>\n\ntwo\nlines js ok"
    assert out.links == ("https://ok.example/?q=1&r=2",)
    assert "alert" not in out.text and "onmouseover" not in out.text
    assert html_to_text("<p>unclosed <script>evil").text == "unclosed"
    assert html_to_text(None).text == ""


def test_golden_statuses_map_safely() -> None:
    conn = _conn()
    raw = json.loads((FIXTURES / "statuses.json").read_text())
    first, reply, boost, quote = (conn.to_post(s) for s in raw)

    assert first.id == "social.example/113000000000000009"
    assert first.text == (
        "Trying #Widgetry & loving it <3\nsecond line changelog\n\n@rivet thoughts?"
    )
    assert "<" not in first.text.replace("<3", "")
    assert first.hashtags == ("Widgetry",)
    assert first.mentions == ("rivet@other.example",)
    assert first.urls == ("https://widgetry.example/changelog?a=1&b=2",)
    assert first.url == "https://social.example/@quill/113000000000000009"
    assert first.author is not None and first.author.id == "quill@social.example"
    assert first.author.bio == "PM at Acme & friends"
    assert (first.author.followers, first.author.following) == (120, 80)
    assert (first.metrics.likes, first.metrics.reposts, first.metrics.replies) == (9, 5, 2)
    assert first.raw is raw[0]

    assert reply.text == "bug report\n\n@quill widgetry crashed on export"
    assert reply.url == "https://other.example/users/rivet/statuses/5551"  # url null -> uri
    assert reply.reply_to is not None
    assert reply.reply_to.post_id == "social.example/113000000000000001"
    assert reply.reply_to.author_handle == "quill"
    assert reply.hashtags == () and reply.lang is None

    assert boost.repost_of == "social.example/113000000000000005"
    assert boost.text == "Widgetry 2.0 is out"
    assert boost.url == "https://far.example/@orig/42"
    assert boost.author is not None and boost.author.handle == "booster"
    assert boost.metrics.reposts == 40

    assert quote.quote_of == "social.example/113000000000000005"
    assert quote.text == 'This, about widgetry 🎉 "quoted"'


def test_bad_status_names_the_field() -> None:
    with pytest.raises(InputError, match="field 'created_at'"):
        _conn().to_post({"id": "1", "content": "<p>x</p>"})
    with pytest.raises(InputError, match="field 'id'"):
        _conn().to_post({"created_at": "2026-03-01T00:00:00Z"})


def test_tag_timeline_paging_with_faults(store: SQLiteStore) -> None:
    statuses = make_statuses(60, START)
    tagged = [s["id"] for s in statuses if s["tags"]]
    sleeps: list[float] = []
    with FakeServer() as srv:
        fake = FakeMastodon(srv, statuses, page_size=10)
        fake.route_tag("widgetry")
        fake.duplicate_boundary = True
        srv.fault(
            Fault.rate_limited({"X-RateLimit-Reset": "2026-03-01T12:05:00.000000Z"}),
            Fault(status=500),
            Fault(truncate=True),
            Fault(status=503),
        )
        conn = make(MastodonConnector, srv.url, {}, sleeps)
        cursor, pages = sync_all(conn, "#widgetry", store)
    host = srv.url.removeprefix("http://")
    got = {p.id for _, p in store.iter_posts()}
    assert got == {f"{host}/{sid}" for sid in tagged} and len(tagged) == 30
    assert all(r.path == "/api/v1/timelines/tag/widgetry" for r in srv.requests)
    assert pages == 3 and len(sleeps) == 4
    assert cursor == {"feeds": {"tag:widgetry": {"newest": tagged[0]}}}


def test_incremental_run_uses_since_id_and_resumes(store: SQLiteStore) -> None:
    statuses = make_statuses(40, START)
    with FakeServer() as srv:
        fake = FakeMastodon(srv, statuses, page_size=10)
        fake.route_tag("widgetry")
        conn = make(MastodonConnector, srv.url, {})
        cursor, _ = sync_all(conn, "#widgetry", store, stop_after=1)
        assert cursor is not None and cursor["feeds"]["tag:widgetry"]["next"]
        cursor, _ = sync_all(make(MastodonConnector, srv.url, {}), "#widgetry", store, cursor)
        assert store.count_posts() == 20
        fake.statuses = make_statuses(44, START)[:4] + statuses
        cursor, pages = sync_all(conn, "#widgetry", store, cursor)
    assert pages == 1 and store.count_posts() == 22
    assert srv.requests[-1].arg("since_id") == statuses[1]["id"]  # the newest tagged one


def test_search_used_with_token_and_refusal_falls_back(store: SQLiteStore) -> None:
    statuses = make_statuses(30, START)
    env = {"EARFUL_MASTODON_TOKEN": TOKEN}
    with FakeServer() as srv:
        FakeMastodon(srv, statuses, page_size=50)
        conn = make(MastodonConnector, srv.url, env)
        sync_all(conn, "widgetry -elsewhere", store)
        assert {r.path for r in srv.requests} == {"/api/v2/search"}
        assert srv.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
        assert store.count_posts() == 10
    with FakeServer() as srv:
        FakeMastodon(srv, statuses, page_size=50, search_enabled=False)
        conn = make(MastodonConnector, srv.url, env)
        pages = list(conn.fetch(Query.parse("widgetry"), None))
    assert any("status search refused" in n for n in pages[0].notes)
    assert TOKEN not in " ".join(pages[0].notes)
    assert srv.requests[-1].path == "/api/v1/timelines/public"
    assert sum(len(p.posts) for p in pages) == 10


def test_streaming_reconnects_and_skips_heartbeats() -> None:
    statuses = [make_status(n, f"widgetry live {n}" if n != 3 else "other", [], START)
                for n in range(5)]
    with FakeServer() as srv:
        fake = FakeMastodon(srv, [])
        fake.stream_events = [sse_update(s) for s in statuses]
        fake.stream_events.insert(1, b":thump\n\n")
        fake.stream_drop_first = True
        conn = make(MastodonConnector, srv.url, {})
        stream = conn.stream(Query.parse("widgetry"))
        got = [next(stream).id.rsplit("/", 1)[1] for _ in range(4)]
        stream.close()
    assert got == [statuses[n]["id"] for n in (0, 1, 2, 4)]
    assert fake.stream_connections == 2
