from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from earful.config import SourceSettings
from earful.connectors.base import Query
from earful.connectors.x import XConnector
from earful.connectors.xquery import compile_x
from earful.errors import ConfigError, ConnectorError
from earful.query import QueryContext, parse
from earful.store import open_store
from earful.sync import SyncResult, sync_job

from .fakes.server import FakeServer, Fault
from .fakes.x import FakeX, x_post

ENV = {"EARFUL_X_BEARER_TOKEN": "test-token"}


def make(fake: FakeX, make_http: Any, env: dict[str, str] = ENV, **options: Any) -> XConnector:
    conn = XConnector(
        SourceSettings(name="x", options=options), {**env, "EARFUL_X_BASE_URL": fake.server.url}
    )
    http = make_http("x", conn.base_url)
    http.set_header("Authorization", f"Bearer {env.get('EARFUL_X_BEARER_TOKEN')}")
    conn._http = http
    return conn


def stored(store: Any) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT id FROM posts WHERE source = 'x'")]


def test_search_pages_and_since_id_polling(
    server: FakeServer, make_http: Any, tmp_path: Path
) -> None:
    fake = FakeX(server, [x_post(i) for i in range(250)])
    store = open_store(tmp_path / "e.db")
    conn = make(fake, make_http, max_results=100)
    first = sync_job(store, conn, "w", Query.parse("#acmewidget"))
    assert (first.pages, first.inserted, first.error) == (3, 250, None)
    newest = x_post(249)["id"]
    assert store.get_cursor("w", "x") == {"since_id": newest}
    fake.posts += [x_post(i) for i in range(250, 260)]
    second = sync_job(store, conn, "w", Query.parse("#acmewidget"))
    assert second.inserted == 10 and server.requests[-1].arg("since_id") == newest
    req = server.requests[0]
    assert req.arg("query") == "#acmewidget" and "author_id" in (req.arg("expansions") or "")
    state = store.source_states()[0]
    assert state.quota_used == 260 and state.rate_limit and state.rate_limit["limit"] == 450
    assert len(set(stored(store))) == len(stored(store)) == 260


def test_resume_mid_poll_keeps_first_page_newest_id(
    server: FakeServer, make_http: Any, tmp_path: Path
) -> None:
    fake = FakeX(server, [x_post(i) for i in range(95)])
    store = open_store(tmp_path / "e.db")
    stop = threading.Event()

    def after_page(result: SyncResult) -> None:
        stop.set()

    conn = make(fake, make_http, max_results=30)
    sync_job(store, conn, "w", Query.parse("acme"), stop=stop, on_page=after_page)
    cursor = store.get_cursor("w", "x")
    assert cursor and cursor["next_token"] == "30" and cursor["newest_id"] == x_post(94)["id"]
    fake.posts.append(x_post(95))  # arrives mid-poll: picked up by the next poll
    rest = sync_job(store, conn, "w", Query.parse("acme"))
    assert rest.error is None and len(stored(store)) == 95
    assert store.get_cursor("w", "x") == {"since_id": x_post(94)["id"]}
    sync_job(store, conn, "w", Query.parse("acme"))
    assert len(set(stored(store))) == len(stored(store)) == 96


def test_faults_then_complete(
    server: FakeServer, make_http: Any, sleeps: list[float], tmp_path: Path
) -> None:
    fake = FakeX(server, [x_post(i) for i in range(40)])
    reset = str(int(time.time()) + 30)
    server.fault(
        Fault.rate_limited({"x-rate-limit-reset": reset, "x-rate-limit-remaining": "0"}),
        Fault(status=500),
        Fault(truncate=True),
        Fault(delay=1.5),
        Fault(status=503),
    )
    store = open_store(tmp_path / "e.db")
    result = sync_job(store, make(fake, make_http, max_results=10), "w", Query.parse("acme"))
    assert result.error is None and len(set(stored(store))) == 40
    assert 25 < sleeps[0] <= 31 and len(sleeps) == 5


def test_long_rate_limit_is_recorded(server: FakeServer, make_http: Any, tmp_path: Path) -> None:
    fake = FakeX(server, [x_post(1)])
    server.fault(Fault.rate_limited({"x-rate-limit-reset": str(int(time.time()) + 3600)}))
    store = open_store(tmp_path / "e.db")
    result = sync_job(store, make(fake, make_http), "w", Query.parse("acme"))
    assert result.error and "rate limited" in result.error and "Too Many Requests" in result.error
    assert store.source_states()[0].last_error == result.error


def test_bad_token_is_an_auth_error(server: FakeServer, make_http: Any, tmp_path: Path) -> None:
    fake = FakeX(server, [x_post(1)])
    store = open_store(tmp_path / "e.db")
    conn = make(fake, make_http, env={"EARFUL_X_BEARER_TOKEN": "wrong-token"})
    result = sync_job(store, conn, "w", Query.parse("acme"))
    assert result.error and "HTTP 401" in result.error and "Unauthorized" in result.error
    assert stored(store) == [] and store.get_cursor("w", "x") is None


def test_missing_token_names_the_variable() -> None:
    from earful.errors import AuthError

    conn = XConnector(SourceSettings(name="x", env={"token": "MY_X_TOKEN"}), {})
    with pytest.raises(AuthError, match="MY_X_TOKEN"):
        _ = conn.http


def test_to_post_maps_includes(server: FakeServer, make_http: Any) -> None:
    fake = FakeX(server)
    conn = make(fake, make_http)
    reply = x_post(5, text="@jdoe acme crashed")
    reply["referenced_tweets"] = [
        {"type": "replied_to", "id": "77"},
        {"type": "quoted", "id": "88"},
    ]
    reply["in_reply_to_user_id"] = "7"
    reply["note_tweet"] = {"text": "the full long text about acme"}
    items = conn._items(
        {
            "data": [reply],
            "includes": {
                "users": [
                    {
                        "id": "105",
                        "username": "ann",
                        "name": "Ann",
                        "description": "PM",
                        "public_metrics": {"followers_count": 5, "following_count": 6},
                    },
                    {"id": "7", "username": "jdoe"},
                ]
            },
        }
    )
    post = conn.to_post(items[0])
    assert post.text == "the full long text about acme"
    assert post.author and (post.author.handle, post.author.followers) == ("ann", 5)
    assert post.reply_to and (post.reply_to.post_id, post.reply_to.author_handle) == ("77", "jdoe")
    assert post.quote_of == "88" and post.hashtags == ("AcmeWidget",)
    assert (
        post.urls == ("https://acme.example/w/5",)
        and post.url == f"https://x.com/ann/status/{reply['id']}"
    )
    assert post.raw == items[0]


def test_filtered_stream_rules_keepalive_and_drop(server: FakeServer, make_http: Any) -> None:
    fake = FakeX(server)
    conn = make(fake, make_http)
    query = Query.parse("acme -is:retweet")
    fake.rules = [
        {"id": "99", "value": "old", "tag": "earful:stale"},
        {"id": "5", "value": "x", "tag": "mine"},
    ]
    conn.sync_rules(query)
    assert [r["value"] for r in fake.rules] == ["x", "acme -is:retweet"]
    fake.stream_lines = [
        b"\r\n",
        fake.stream_post(x_post(1, "acme one")),
        b"\r\n",
        fake.stream_post(x_post(2, "acme two")),
        fake.stream_post(x_post(3, "acme three")),
    ]
    fake.drop_after = 3
    got = []
    with pytest.raises(ConnectorError, match="dropped"):
        for post in conn.stream(query):
            got.append(post.id)
    assert got == [x_post(1)["id"]]
    got += [p.id for p in conn.stream(query)]
    assert got == [x_post(i)["id"] for i in (1, 2, 3)]
    assert len(fake.rules) == 2  # reconnecting did not add the rule twice


@pytest.mark.parametrize(
    ("query", "text", "exact", "start"),
    [
        (
            'acme -is:retweet (#bug OR "crash report")',
            'acme -is:retweet (#bug OR "crash report")',
            True,
            None,
        ),
        (
            "product:pulse since:2026-03-01 sentiment:negative",
            '("Acme Pulse" OR Pulse)',
            False,
            "2026-03-01T00:00:00Z",
        ),
        ("acme min_faves:5 min_retweets:2", "acme min_likes:5 min_reposts:2", True, None),
        ("-(a b) c", "c", False, None),
        ("acme source:x", "acme", True, None),
        ("acme OR sentiment:negative", None, False, None),
    ],
)
def test_compile_x(query: str, text: str | None, exact: bool, start: str | None) -> None:
    ctx = QueryContext({"pulse": ("Acme Pulse", "Pulse")})
    if text is None:
        with pytest.raises(ConfigError, match="X needs at least one word"):
            compile_x(parse(query), ctx)
        return
    xq = compile_x(parse(query), ctx)
    assert (xq.text, xq.exact, xq.start_time) == (text, exact, start)


def test_source_elsewhere_means_no_request(server: FakeServer, make_http: Any) -> None:
    conn = make(FakeX(server), make_http)
    assert list(conn.fetch(Query.parse("acme source:reddit"), None)) == []
    assert server.requests == []
