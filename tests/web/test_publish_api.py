"""Publishing through the REST API (library: earful.outputs.publish) against Bluesky and X fakes
on 127.0.0.1: nothing without approval, exactly one request with the exact text, the coach's
409 then an acknowledged retry, duplicates refused, CSRF, missing credentials, network errors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from earful.store.engage import ledger, queue_states
from earful.web.app import create_app
from earful.workspace import Workspace
from tests.outputs.conftest import SECRET, post
from tests.outputs.test_publish import BSKY_ENV, bluesky_ws, fake_bluesky
from tests.web.conftest import LOCAL

ITEM = "bluesky:at://did:plc:ann/app.bsky.feed.post/3kabc"
PROMO = "Introducing Acme Pulse 3.0: try it free today"


@dataclass
class Env:
    client: TestClient
    ws: Workspace
    srv: Any
    records: list[dict[str, Any]]  # Bluesky createRecord bodies
    tweets: list[dict[str, Any]]  # X /2/tweets bodies


def publish_workspace(root: Path, url: str) -> Workspace:
    """The output tests' Acme workspace with a Bluesky question to answer; Bluesky and X at
    ``url``."""
    bluesky_ws(root, url).close()
    toml = root / "ws" / "earful.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + f'\n[sources.x]\nbase_url = "{url}"\n',
        encoding="utf-8",
    )
    return Workspace.open(root / "ws")


def add_tweets(srv: Any) -> list[dict[str, Any]]:
    from connectors.fakes.server import Request, Response

    tweets: list[dict[str, Any]] = []

    def create(r: Request) -> Response:
        if r.headers.get("authorization") != f"Bearer {SECRET}":
            return Response.json({"title": "Unauthorized", "detail": "Unauthorized"}, 401)
        tweets.append(r.json())
        return Response.json({"data": {"id": str(1000 + len(tweets)), "text": "t"}}, 201)

    srv.route("POST", "/2/tweets", create)
    return tweets


def client_for(ws: Workspace) -> TestClient:
    c = TestClient(create_app(ws, warm=False), base_url=LOCAL)
    c.get("/login")  # receives the CSRF cookie
    c.headers["X-CSRF-Token"] = c.cookies["earful_csrf"]
    return c


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    from connectors.fakes.server import FakeServer

    for name, value in {**BSKY_ENV, "EARFUL_X_USER_TOKEN": SECRET}.items():
        monkeypatch.setenv(name, value)
    with FakeServer() as srv:
        records = fake_bluesky(srv)
        tweets = add_tweets(srv)
        ws = publish_workspace(tmp_path, srv.url)
        with client_for(ws) as client:
            yield Env(client, ws, srv, records, tweets)


def _sent(e: Env) -> int:
    """Requests that would publish something (session logins do not)."""
    return len(e.records) + len(e.tweets)


def test_nothing_is_sent_without_approval(env: Env) -> None:
    c = env.client
    for body in ({}, {"approved": False}):
        r = c.post("/api/v1/publish/reply", json={"item": ITEM, "text": "Yes!", **body})
        assert r.status_code == 400 and r.json()["code"] == "not_approved", r.text
        r = c.post("/api/v1/publish/post", json={"network": "x", "text": "Hi", **body})
        assert r.status_code == 400 and r.json()["code"] == "not_approved", r.text
    for loose in ("true", "yes", 1):  # only JSON true approves
        r = c.post("/api/v1/publish/reply", json={"item": ITEM, "text": "Yes!", "approved": loose})
        assert r.status_code == 422, r.text
    assert env.srv.requests == [] and ledger(env.ws.store().conn) == []


def test_an_approved_reply_sends_the_exact_text_once(env: Env) -> None:
    c = env.client
    text = "Yes — it works with Postgres 16: https://acme.example/docs/pg"
    r = c.post("/api/v1/publish/reply", json={"item": ITEM, "text": text, "approved": True})
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["network"] == "bluesky" and done["kind"] == "reply" and done["target"] == ITEM
    assert done["url"] == "https://bsky.app/profile/did:plc:acme/post/3new"
    assert len(env.records) == 1 and env.records[0]["record"]["text"] == text
    assert env.tweets == []
    conn = env.ws.store().conn
    assert [(row.action, row.target) for row in ledger(conn)] == [("replied", ITEM)]
    assert queue_states(conn)[("bluesky", ITEM.split(":", 1)[1])].state == "answered"
    answered = c.get("/api/v1/queue", params={"status": "answered"}).json()
    assert ITEM in [i["key"] for i in answered]
    # the same reply again, approved again: refused before any request
    before = len(env.srv.requests)
    again = c.post("/api/v1/publish/reply", json={"item": ITEM, "text": "again", "approved": True})
    assert again.status_code == 409 and again.json()["code"] == "already_published"
    assert "already published" in again.json()["error"]
    assert len(env.srv.requests) == before and len(env.records) == 1


def test_the_coach_warning_is_a_409_then_an_acknowledged_post_goes_out(env: Env) -> None:
    env.ws.store().upsert_posts(
        [
            post(f"own{i}", "acme_pm", f"We just shipped feature {i} in Acme Pulse, try it free")
            for i in range(3)
        ]
    )
    c = env.client
    body = {"network": "x", "text": PROMO, "approved": True}
    r = c.post("/api/v1/publish/post", json=body)
    assert r.status_code == 409, r.text
    refused = r.json()
    assert refused["code"] == "coach" and "promotional" in refused["warning"]
    assert refused["warning"] in refused["error"]
    assert _sent(env) == 0
    r = c.post("/api/v1/publish/post", json={**body, "acknowledge_coach": True})
    assert r.status_code == 200, r.text
    assert env.tweets == [{"text": PROMO}] and r.json()["remote_id"] == "1001"
    assert [row.action for row in ledger(env.ws.store().conn)] == ["shared"]


def test_sharing_an_article_takes_it_off_the_share_queue_once(env: Env) -> None:
    c = env.client
    article = "https://blog.example/churn"
    body = {"network": "x", "text": f"Good read {article}", "article": article, "approved": True}
    r = c.post("/api/v1/publish/post", json=body)
    assert r.status_code == 200 and r.json()["target"] == article
    rows = ledger(env.ws.store().conn)
    assert [(row.action, row.target) for row in rows] == [("shared", article)]
    again = c.post("/api/v1/publish/post", json=body)
    assert again.status_code == 409 and again.json()["code"] == "already_published"
    assert len(env.tweets) == 1


def test_csrf_and_origin_are_required(env: Env) -> None:
    c = env.client
    body = {"item": ITEM, "text": "Yes!", "approved": True}
    token = c.headers.pop("X-CSRF-Token")
    r = c.post("/api/v1/publish/reply", json=body)
    assert r.status_code == 403 and "CSRF" in r.json()["error"]
    r = c.post(
        "/api/v1/publish/reply",
        json=body,
        headers={"X-CSRF-Token": token, "Origin": "http://evil.example"},
    )
    assert r.status_code == 403
    assert env.srv.requests == [] and ledger(env.ws.store().conn) == []


def test_missing_credentials_name_the_variable_only(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EARFUL_X_USER_TOKEN")
    r = env.client.post(
        "/api/v1/publish/post", json={"network": "x", "text": "Hi", "approved": True}
    )
    assert r.status_code == 503, r.text
    assert r.json()["code"] == "credentials" and r.json()["env"] == "EARFUL_X_USER_TOKEN"
    monkeypatch.delenv("EARFUL_BLUESKY_APP_PASSWORD")
    r = env.client.post("/api/v1/publish/reply", json={"item": ITEM, "text": "Y", "approved": True})
    assert r.status_code == 503 and r.json()["env"] == "EARFUL_BLUESKY_APP_PASSWORD", r.text
    assert SECRET not in r.text and _sent(env) == 0


def test_network_errors_are_502_without_secrets(
    env: Env, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from connectors.fakes.server import Request, Response

    def echo(r: Request) -> Response:  # a hostile server echoing the credentials it got
        message = f"echo {r.headers.get('authorization')} {r.body.decode()}"
        return Response.json({"error": "InvalidRequest", "message": message}, 400)

    env.srv.route("POST", "/xrpc/com.atproto.repo.createRecord", echo)
    r = env.client.post("/api/v1/publish/reply", json={"item": ITEM, "text": "Y", "approved": True})
    assert r.status_code == 502 and r.json()["code"] == "network", r.text
    assert "HTTP 400" in r.json()["error"]
    monkeypatch.setenv("EARFUL_X_USER_TOKEN", "refused-token-" + SECRET)
    r = env.client.post(
        "/api/v1/publish/post", json={"network": "x", "text": "Y", "approved": True}
    )
    assert r.status_code == 502 and r.json()["code"] == "auth", r.text
    for text in [r.text, *(rec.getMessage() for rec in caplog.records)]:
        assert SECRET not in text
    assert ledger(env.ws.store().conn) == []


def test_bad_input_is_422_and_the_schema_documents_the_endpoints(env: Env) -> None:
    c = env.client
    r = c.post("/api/v1/publish/post", json={"network": "x", "text": "x" * 281, "approved": True})
    assert r.status_code == 422 and "280" in r.json()["error"]
    r = c.post("/api/v1/publish/post", json={"network": "myspace", "text": "Hi", "approved": True})
    assert r.status_code == 422
    r = c.post("/api/v1/publish/reply", json={"item": "x:nope", "text": "Hi", "approved": True})
    assert r.status_code == 422 and r.json()["field"] == "item"
    assert _sent(env) == 0
    assert c.get("/api/v1/publish/limits").json() == {"bluesky": 300, "mastodon": 500, "x": 280}
    paths = c.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/publish/reply", "/api/v1/publish/post"} <= paths.keys()
    assert "409" in paths["/api/v1/publish/reply"]["post"]["responses"]
    assert c.get("/api/docs").status_code == 200


def test_a_reservation_elsewhere_is_a_409_in_progress_then_interrupted(env: Env) -> None:
    from datetime import UTC, datetime, timedelta

    from earful.outputs.publish import STALE_AFTER
    from earful.store import outputs as db

    def claim(age: timedelta) -> None:  # as another worker or the CLI would hold it
        with env.ws.store().transaction() as conn:
            conn.execute("DELETE FROM published")
            assert db.claim_published(
                conn,
                network="bluesky",
                kind="reply",
                target=ITEM,
                text="elsewhere",
                now=datetime.now(UTC) - age,
            )

    c = env.client
    body = {"item": ITEM, "text": "Yes!", "approved": True}
    claim(timedelta(seconds=3))
    for retry in (False, True):  # a fresh reservation is never taken over
        r = c.post("/api/v1/publish/reply", json={**body, "retry_interrupted": retry})
        assert r.status_code == 409 and r.json()["code"] == "in_progress", r.text
        assert "has not finished" in r.json()["error"] and r.json()["since"]
    claim(STALE_AFTER + timedelta(minutes=1))
    r = c.post("/api/v1/publish/reply", json=body)
    assert r.status_code == 409 and r.json()["code"] == "interrupted", r.text
    refused = r.json()
    assert "may or may not have reached bluesky" in refused["error"]
    assert '"retry_interrupted": true' in refused["error"] and refused["since"]
    assert env.srv.requests == [] and _sent(env) == 0
    r = c.post("/api/v1/publish/reply", json={**body, "retry_interrupted": "true"})
    assert r.status_code == 422, r.text  # only JSON true
    r = c.post("/api/v1/publish/reply", json={**body, "retry_interrupted": True})
    assert r.status_code == 200, r.text
    assert len(env.records) == 1 and env.records[0]["record"]["text"] == "Yes!"
    r = c.post("/api/v1/publish/reply", json={**body, "retry_interrupted": True})
    assert r.status_code == 409 and r.json()["code"] == "already_published", r.text
    r = c.post("/api/v1/publish/post", json={"network": "x", "text": "Hi", "approved": True})
    assert r.status_code == 200 and r.json()["remote_id"] == "1001", r.text
    schema = c.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "retry_interrupted" in schema["ReplyIn"]["properties"]
    assert "retry_interrupted" in schema["PostIn"]["properties"]


def test_a_send_that_may_have_gone_out_is_502_delivery_unknown_then_interrupted(
    env: Env,
) -> None:
    from connectors.fakes.server import Fault

    c = env.client
    body = {"item": ITEM, "text": "Yes, it does!", "approved": True}
    env.srv.fault(Fault(status=503, path="/xrpc/com.atproto.repo.createRecord"))
    r = c.post("/api/v1/publish/reply", json=body)
    assert r.status_code == 502 and r.json()["code"] == "delivery_unknown", r.text
    assert "Check bluesky" in r.json()["error"]
    creates = [q for q in env.srv.requests if q.path.endswith("createRecord")]
    assert len(creates) == 1  # not retried
    r = c.post("/api/v1/publish/reply", json=body)
    assert r.status_code == 409 and r.json()["code"] == "interrupted", r.text
    assert "failed after sending" in r.json()["error"]
    r = c.post("/api/v1/publish/reply", json={**body, "retry_interrupted": True})
    assert r.status_code == 200, r.text
    assert len(env.records) == 1 and env.records[0]["record"]["text"] == "Yes, it does!"
    assert [row.action for row in ledger(env.ws.store().conn)] == ["replied"]
