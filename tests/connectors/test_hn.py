from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from earful.config import SourceSettings
from earful.connectors.base import Query
from earful.connectors.hn import HNConnector
from earful.store import open_store
from earful.sync import sync_job

from .fakes.hn import FakeHN, hn_hit
from .fakes.server import FakeServer, Fault

T0 = 1_772_300_000


def connector(fake: FakeHN, make_http: Any, **options: Any) -> HNConnector:
    settings = SourceSettings(name="hn", options=options)
    return HNConnector(settings, {}, http=make_http("hn", fake.base_url))


def ids(store: Any) -> set[str]:
    return {row[0] for row in store.conn.execute("SELECT id FROM posts WHERE source = 'hn'")}


def test_pages_then_resumes_from_cursor(server: FakeServer, make_http: Any, tmp_path: Path) -> None:
    fake = FakeHN(server, [hn_hit(i, stamp=T0 + i) for i in range(250)])
    store = open_store(tmp_path / "e.db")
    conn = connector(fake, make_http, hits_per_page=100)
    result = sync_job(store, conn, "w", Query.parse("acme"))
    assert (result.pages, result.inserted, result.error) == (3, 250, None)
    assert store.get_cursor("w", "hn") == {"since": T0 + 249}
    fake.hits += [hn_hit(i, stamp=T0 + i) for i in range(250, 255)]
    again = sync_job(store, conn, "w", Query.parse("acme"))
    assert (again.inserted, again.updated) == (5, 0)
    assert server.requests[-1].arg("numericFilters") == f"created_at_i>{T0 + 249}"
    assert len(ids(store)) == 255
    state = {s.source: s for s in store.source_states()}["hn"]
    assert state.posts_collected == 255 and state.requests == 4 and state.last_success


def test_faults_are_retried_and_data_is_complete(
    server: FakeServer, make_http: Any, sleeps: list[float], tmp_path: Path
) -> None:
    fake = FakeHN(server, [hn_hit(i, stamp=T0 + i) for i in range(120)])
    server.fault(
        Fault.rate_limited({"Retry-After": "7"}),
        Fault(status=503),
        Fault(truncate=True),
        Fault(delay=1.5),
        Fault(drop=True),
        Fault(status=500),
    )
    store = open_store(tmp_path / "e.db")
    result = sync_job(store, connector(fake, make_http, hits_per_page=50), "w", Query.parse("acme"))
    assert result.error is None and result.inserted == 120
    assert ids(store) == {h["objectID"] for h in fake.hits}
    assert 7.0 <= sleeps[0] < 8 and len(sleeps) == 6


def test_same_hit_on_two_pages_is_stored_once(
    server: FakeServer, make_http: Any, tmp_path: Path
) -> None:
    hits = [hn_hit(i, stamp=T0 + i) for i in range(60)]
    fake = FakeHN(server, hits)
    original = fake.search

    def shifting(request: Any) -> Any:  # a new hit arrives between page requests
        response = original(request)
        if request.arg("page") == "0" and len(fake.hits) == 60:
            fake.hits.append(hn_hit(60, stamp=T0 + 60))
        return response

    server.route("GET", "/api/v1/search_by_date", shifting)
    store = open_store(tmp_path / "e.db")
    result = sync_job(store, connector(fake, make_http, hits_per_page=25), "w", Query.parse("acme"))
    assert result.updated >= 1  # the shifted hit came back on the next page
    assert len(ids(store)) == 60  # and was not duplicated
    again = sync_job(store, connector(fake, make_http), "w", Query.parse("acme"))
    assert again.inserted == 1 and len(ids(store)) == 61


def test_algolia_cap_is_sliced_by_time(server: FakeServer, make_http: Any, tmp_path: Path) -> None:
    fake = FakeHN(server, [hn_hit(i, stamp=T0 + i // 3) for i in range(400)])
    fake.cap = 100
    store = open_store(tmp_path / "e.db")
    result = sync_job(store, connector(fake, make_http, hits_per_page=50), "w", Query.parse("acme"))
    assert result.error is None and len(ids(store)) == 400


def test_persistent_failure_is_recorded_and_cursor_kept(
    server: FakeServer, make_http: Any, tmp_path: Path
) -> None:
    fake = FakeHN(server, [hn_hit(i, stamp=T0 + i) for i in range(10)])
    store = open_store(tmp_path / "e.db")
    conn = connector(fake, make_http)
    sync_job(store, conn, "w", Query.parse("acme"))
    server.fault(*[Fault(status=503) for _ in range(10)])
    result = sync_job(store, conn, "w", Query.parse("acme"))
    assert result.error and "HTTP 503" in result.error and "6 attempts" in result.error
    state = {s.source: s for s in store.source_states()}["hn"]
    assert state.last_error == result.error and state.last_error_at
    assert store.get_cursor("w", "hn") == {"since": T0 + 9}


def test_mapping_html_and_local_filter(server: FakeServer, make_http: Any, tmp_path: Path) -> None:
    bad = hn_hit(1, stamp=T0, text='acme <script>alert("x")</script> crash &amp; burn')
    story = hn_hit(2, stamp=T0 + 1, comment=False, text="acme widgets")
    other = hn_hit(3, stamp=T0 + 2, text="unrelated words")
    fake = FakeHN(server, [bad, story, other])
    conn = connector(fake, make_http)
    post = conn.to_post(bad)
    assert post.text == "acme crash & burn #1\n\nsee docs"
    assert post.url == "https://news.ycombinator.com/item?id=40000001"
    assert post.reply_to and post.reply_to.post_id == "39999999"
    assert "https://acme.example/1" in post.urls and post.raw == bad
    s = conn.to_post(story)
    assert s.text == "Show HN: acme widgets 2" and s.metrics.likes == 2 and s.reply_to is None
    pages = list(conn.fetch(Query.parse("acme -crash"), None))
    assert [p.id for page in pages for p in page.posts] == ["40000002"]
    assert server.requests[-1].arg("query") == "acme"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("acme pulse", {"query": "acme pulse"}),
        ('"acme pulse" from:pg', {"query": '"acme pulse"', "author_tag": "author_pg"}),
        ("acme OR pulse", {"query": "acme pulse", "optionalWords": "acme pulse"}),
        ("#acme", {}),
    ],
)
def test_search_params(query: str, expected: dict[str, str]) -> None:
    from earful.connectors.hn import search_params

    assert search_params(Query.parse(query).node) == expected
