"""The database reservation that makes a publish happen once across processes, against an X
fake on 127.0.0.1: a held reservation refuses a second send before any request, a stale one is
refused until ``retry_interrupted``, a failed send frees it, old rows read as sent, the CLI flag."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from connectors.fakes.server import FakeServer, Fault, Request, Response
from earful.cli import app
from earful.errors import AuthError, DeliveryUnknown, InputError, RateLimited
from earful.outputs import publish
from earful.outputs.publish import STALE_AFTER, PublishInProgress
from earful.store import outputs as db
from earful.store.engage import ledger
from earful.workspace import Workspace

from .conftest import SECRET, make_workspace

ENV = {"EARFUL_X_USER_TOKEN": SECRET}
ARTICLE = "https://blog.example/churn"
TEXT = f"Good read on churn {ARTICLE}"


def x_workspace(tmp_path: Path, url: str) -> Workspace:
    return make_workspace(tmp_path / "ws", f'\n[sources.x]\nbase_url = "{url}"\n')


def tweets_route(srv: FakeServer, before: Callable[[], None] = lambda: None) -> list[Any]:
    """POST /2/tweets records each body; ``before`` runs first (e.g. to block)."""
    tweets: list[Any] = []

    def create(r: Request) -> Response:
        before()
        tweets.append(r.json())
        return Response.json({"data": {"id": str(1000 + len(tweets)), "text": "t"}}, 201)

    srv.route("POST", "/2/tweets", create)
    return tweets


def claim(ws: Workspace, target: str, *, age: timedelta, kind: str = "post") -> None:
    """A reservation as another process would leave it, claimed ``age`` ago."""
    with ws.store().transaction() as conn:
        assert db.claim_published(
            conn,
            network="x",
            kind=kind,
            target=target,
            text="someone else's",
            now=datetime.now(UTC) - age,
        )


@pytest.fixture
def srv() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server


def test_a_second_process_is_refused_while_the_first_is_sending(
    tmp_path: Path, srv: FakeServer
) -> None:
    arrived, go = threading.Event(), threading.Event()

    def block() -> None:  # the first send waits here until the second was refused
        arrived.set()
        assert go.wait(5)

    tweets = tweets_route(srv, block)
    first_ws = x_workspace(tmp_path, srv.url)
    second_ws = Workspace.open(tmp_path / "ws")  # its own connection, as another process
    results: list[Any] = []
    thread = threading.Thread(
        target=lambda: results.append(
            publish.post(first_ws, "x", TEXT, approved=True, article=ARTICLE, env=ENV)
        )
    )
    thread.start()
    try:
        assert arrived.wait(5)
        with pytest.raises(PublishInProgress, match="has not finished") as info:
            publish.post(second_ws, "x", TEXT, approved=True, article=ARTICLE, env=ENV)
        assert not info.value.interrupted and info.value.field == "target"
        assert isinstance(info.value, InputError)
        # retry_interrupted never takes over a fresh reservation
        with pytest.raises(PublishInProgress, match="has not finished"):
            publish.post(
                second_ws,
                "x",
                TEXT,
                approved=True,
                article=ARTICLE,
                retry_interrupted=True,
                env=ENV,
            )
    finally:
        go.set()
        thread.join(5)
    assert [r.remote_id for r in results] == ["1001"]
    assert len(srv.requests) == 1 and len(tweets) == 1
    row = db.published_row(second_ws.store().conn, "x", "post", ARTICLE)
    assert row is not None and (row.state, row.remote_id) == ("sent", "1001")
    assert [r.action for r in ledger(second_ws.store().conn)] == ["shared"]
    with pytest.raises(InputError, match="already published on x as 1001") as done:
        publish.post(second_ws, "x", TEXT, approved=True, article=ARTICLE, env=ENV)
    assert not isinstance(done.value, PublishInProgress)
    first_ws.close()
    second_ws.close()


def test_a_stale_reservation_is_refused_then_taken_over_on_request(
    tmp_path: Path, srv: FakeServer
) -> None:
    tweets = tweets_route(srv)
    ws = x_workspace(tmp_path, srv.url)
    claim(ws, "x:101", kind="reply", age=STALE_AFTER + timedelta(minutes=1))
    with pytest.raises(PublishInProgress) as info:
        publish.reply(ws, "x:101", "Thanks!", approved=True, env=ENV)
    refused = info.value
    assert refused.interrupted and refused.field == "target" and refused.claimed_at is not None
    assert "interrupted at" in str(refused) and "may or may not have reached x" in str(refused)
    assert "retry_interrupted=True" in str(refused) and "retry" not in refused.detail
    assert srv.requests == []
    done = publish.reply(ws, "x:101", "Thanks!", approved=True, retry_interrupted=True, env=ENV)
    assert done.remote_id == "1001" and tweets == [
        {"text": "Thanks!", "reply": {"in_reply_to_tweet_id": "101"}}
    ]
    row = db.published_row(ws.store().conn, "x", "reply", "x:101")
    assert row is not None and (row.state, row.remote_id) == ("sent", "1001")
    assert ws.store().conn.execute("SELECT text FROM published").fetchone() == ("Thanks!",)
    # a sent row is never taken over
    with pytest.raises(InputError, match="already published"):
        publish.reply(ws, "x:101", "Again", approved=True, retry_interrupted=True, env=ENV)
    assert len(tweets) == 1
    ws.close()


def test_a_failed_send_releases_the_reservation(tmp_path: Path, srv: FakeServer) -> None:
    refuse = [True]

    def create(r: Request) -> Response:
        if refuse.pop() if refuse else False:
            return Response.json({"title": "Forbidden", "detail": "not permitted"}, 403)
        return Response.json({"data": {"id": "77", "text": "t"}}, 201)

    srv.route("POST", "/2/tweets", create)
    ws = x_workspace(tmp_path, srv.url)
    with pytest.raises(AuthError, match="not permitted"):
        publish.post(ws, "x", TEXT, approved=True, article=ARTICLE, env=ENV)
    assert db.published_row(ws.store().conn, "x", "post", ARTICLE) is None
    assert ledger(ws.store().conn) == []
    # a long rate limit fails at once (no 15-minute sleep holding the reservation), and frees it
    sleeps: list[float] = []
    srv.fault(Fault.rate_limited({"x-rate-limit-reset": str(int(time.time()) + 600)}))
    with pytest.raises(RateLimited):
        publish.post(ws, "x", TEXT, approved=True, article=ARTICLE, env=ENV, sleep=sleeps.append)
    assert sleeps == [] and db.published_row(ws.store().conn, "x", "post", ARTICLE) is None
    done = publish.post(ws, "x", TEXT, approved=True, article=ARTICLE, env=ENV)
    assert done.remote_id == "77" and len(srv.requests) == 3
    assert [r.action for r in ledger(ws.store().conn)] == ["shared"]
    ws.close()


def test_a_send_that_may_have_gone_out_keeps_its_claim_until_confirmed(
    tmp_path: Path, srv: FakeServer
) -> None:
    tweets = tweets_route(srv)
    ws = x_workspace(tmp_path, srv.url)
    # the tweet is created, then the connection drops before the response: no retry
    srv.fault(Fault(drop=True))
    with pytest.raises(DeliveryUnknown, match="Check x before publishing it again"):
        publish.post(ws, "x", TEXT, approved=True, article=ARTICLE, env=ENV)
    assert len(tweets) == 1 and len(srv.requests) == 1
    row = db.published_row(ws.store().conn, "x", "post", ARTICLE)
    assert row is not None and row.state == "sending" and row.unknown
    assert ledger(ws.store().conn) == []
    # at once (not after STALE_AFTER) the next try is refused as interrupted, before any request
    with pytest.raises(PublishInProgress, match="failed after sending") as err:
        publish.post(ws, "x", TEXT, approved=True, article=ARTICLE, env=ENV)
    assert err.value.interrupted and len(srv.requests) == 1
    # the user looked, did not find it (say), and confirms: sent once more, recorded once
    done = publish.post(
        ws, "x", TEXT, approved=True, article=ARTICLE, retry_interrupted=True, env=ENV
    )
    row = db.published_row(ws.store().conn, "x", "post", ARTICLE)
    assert done.remote_id == "1002" and row is not None and row.state == "sent"
    assert not row.unknown and [r.action for r in ledger(ws.store().conn)] == ["shared"]
    # a 5xx on the create is not retried either, and keeps that claim too
    srv.fault(Fault(status=503))
    with pytest.raises(DeliveryUnknown):
        publish.post(ws, "x", "Another read", approved=True, article="https://b.example", env=ENV)
    assert len(srv.requests) == 3 and len(tweets) == 2
    row = db.published_row(ws.store().conn, "x", "post", "https://b.example")
    assert row is not None and row.unknown
    ws.close()


def test_the_migration_reads_earlier_rows_as_sent(
    tmp_path: Path, srv: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from earful.store import migrations

    tweets = tweets_route(srv)
    with monkeypatch.context() as m:  # a database from before 0610
        m.delitem(migrations._MIGRATIONS, "0610_published_state")
        ws = x_workspace(tmp_path, srv.url)
        conn = ws.store().conn
        conn.execute(
            "INSERT INTO published (network, kind, target, text, remote_id, remote_url,"
            " published_at) VALUES ('x', 'post', ?, ?, '555', NULL, '2026-11-01T08:00:00+00:00')",
            (ARTICLE, TEXT),
        )
        columns = [r[1] for r in conn.execute("PRAGMA table_info(published)")]
        assert "state" not in columns
        ws.close()
    ws = Workspace.open(tmp_path / "ws")
    conn = ws.store().conn
    assert "0610_published_state" in {r[0] for r in conn.execute("SELECT name FROM migrations")}
    row = db.published_row(conn, "x", "post", ARTICLE)
    assert row == db.PublishedRow("sent", "555", None)
    with pytest.raises(InputError, match="already published on x as 555"):
        publish.post(ws, "x", TEXT, approved=True, article=ARTICLE, retry_interrupted=True, env=ENV)
    assert tweets == []
    with ws.store().transaction() as c, pytest.raises(Exception, match="CHECK"):
        c.execute("UPDATE published SET state = 'maybe'")
    ws.close()


def test_cli_retry_interrupted_flag(tmp_path: Path, srv: FakeServer) -> None:
    tweets = tweets_route(srv)
    ws = x_workspace(tmp_path, srv.url)
    stale = STALE_AFTER + timedelta(minutes=5)
    claim(ws, ARTICLE, age=stale)
    claim(ws, "x:102", kind="reply", age=timedelta(seconds=5))
    ws.close()
    runner = CliRunner()
    root = str(tmp_path / "ws")
    post = ["post", "x", TEXT, "--article", ARTICLE, "-y", "-w", root, "--json"]
    refused = runner.invoke(app, post, env=ENV)
    assert refused.exit_code == 1 and tweets == []
    said = " ".join(refused.output.split())
    assert "not posted: an earlier publish of this post was interrupted at" in said
    assert "check there first" in said and "--retry-interrupted" in said
    assert "retry_interrupted=True" not in said and "field 'target'" not in said
    sent = runner.invoke(app, [*post, "--retry-interrupted"], env=ENV)
    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.stdout[sent.stdout.index("{") :])["remote_id"] == "1001"
    busy = runner.invoke(
        app, ["reply", "x:102", "Thanks!", "-y", "-w", root, "--retry-interrupted"], env=ENV
    )
    assert busy.exit_code == 1 and "has not finished" in " ".join(busy.output.split())
    assert len(tweets) == 1
