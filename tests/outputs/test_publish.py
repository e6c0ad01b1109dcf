"""Approved publishing to Bluesky, Mastodon and X fakes on 127.0.0.1: nothing without
approval, the real request formats, the coach's promotion check, the ledger, errors and 429."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from connectors.fakes.server import FakeServer, Fault, Request, Response
from earful.errors import AuthError, ConnectorError, InputError
from earful.outputs import publish
from earful.outputs.publish import NotApproved
from earful.store.engage import ledger, queue_states
from earful.workspace import Workspace

from .conftest import SECRET, make_workspace, post

ACCESS = "eyJ.access-jwt-" + SECRET


def bluesky_ws(tmp_path: Path, url: str) -> Workspace:
    ws = make_workspace(tmp_path / "ws", f'\n[sources.bluesky]\nbase_url = "{url}"\n')
    uri = "at://did:plc:ann/app.bsky.feed.post/3kabc"
    view = {
        "uri": uri,
        "cid": "bafyparent",
        "author": {"did": "did:plc:ann", "handle": "ann.example"},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": "does acme pulse work with postgres?",
            "createdAt": "2026-11-20T07:00:00Z",
            "reply": {
                "root": {"uri": "at://did:plc:r/app.bsky.feed.post/root", "cid": "bafyroot"},
                "parent": {"uri": "at://did:plc:r/app.bsky.feed.post/root", "cid": "bafyroot"},
            },
        },
        "indexedAt": "2026-11-20T07:00:01Z",
    }
    from earful.connectors.bluesky_map import post_from_view

    ws.store().upsert_posts([post_from_view(view)])
    return ws


def fake_bluesky(srv: FakeServer) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []

    def session(r: Request) -> Response:
        body = r.json()
        if body != {"identifier": "acme.example", "password": SECRET}:
            return Response.json({"error": "AuthenticationRequired", "message": "Invalid"}, 401)
        return Response.json(
            {
                "accessJwt": ACCESS,
                "refreshJwt": "r-" + SECRET,
                "did": "did:plc:acme",
                "handle": "acme.example",
            }
        )

    def create(r: Request) -> Response:
        if r.headers.get("authorization") != f"Bearer {ACCESS}":
            return Response.json({"error": "ExpiredToken", "message": "Token expired"}, 400)
        records.append(r.json())
        return Response.json({"uri": "at://did:plc:acme/app.bsky.feed.post/3new", "cid": "c"})

    srv.route("POST", "/xrpc/com.atproto.server.createSession", session)
    srv.route("POST", "/xrpc/com.atproto.repo.createRecord", create)
    return records


BSKY_ENV = {"EARFUL_BLUESKY_HANDLE": "acme.example", "EARFUL_BLUESKY_APP_PASSWORD": SECRET}


def test_nothing_is_posted_without_approval(tmp_path: Path) -> None:
    with FakeServer() as srv:
        fake_bluesky(srv)
        ws = bluesky_ws(tmp_path, srv.url)
        item = "bluesky:at://did:plc:ann/app.bsky.feed.post/3kabc"
        for approved in (False, "yes", 1):
            with pytest.raises(NotApproved):
                publish.reply(
                    ws,
                    item,
                    "Yes, it does!",
                    approved=approved,  # type: ignore[arg-type]
                    env=BSKY_ENV,
                )
        assert srv.requests == [] and ledger(ws.store().conn) == []
        ws.close()


def test_bluesky_reply_uses_strong_refs_facets_and_logs_the_ledger(tmp_path: Path) -> None:
    with FakeServer() as srv:
        records = fake_bluesky(srv)
        ws = bluesky_ws(tmp_path, srv.url)
        item = "bluesky:at://did:plc:ann/app.bsky.feed.post/3kabc"
        text = "Yes: see https://acme.example/docs/pg — it works"
        done = publish.reply(ws, item, text, approved=True, env=BSKY_ENV)
        assert done.url == "https://bsky.app/profile/did:plc:acme/post/3new"
        body = records[0]
        assert body["repo"] == "did:plc:acme" and body["collection"] == "app.bsky.feed.post"
        rec = body["record"]
        assert rec["reply"]["parent"] == {"uri": item.split(":", 1)[1], "cid": "bafyparent"}
        assert rec["reply"]["root"]["cid"] == "bafyroot"
        facet = rec["facets"][0]
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        assert text.encode()[start:end] == b"https://acme.example/docs/pg"
        rows = ledger(ws.store().conn)
        assert [(r.action, r.target) for r in rows] == [("replied", item)]
        assert queue_states(ws.store().conn)[("bluesky", item.split(":", 1)[1])].state == "answered"
        with pytest.raises(InputError, match="already published"):
            publish.reply(ws, item, "again", approved=True, env=BSKY_ENV)
        ws.close()


def test_mastodon_reply_resolves_the_status_on_our_instance(tmp_path: Path) -> None:
    got: list[Request] = []

    def search(r: Request) -> Response:
        assert r.arg("q") == "https://other.example/@zed/998" and r.arg("resolve") == "true"
        return Response.json({"accounts": [], "hashtags": [], "statuses": [{"id": "55"}]})

    def statuses(r: Request) -> Response:
        got.append(r)
        if r.headers.get("authorization") != f"Bearer {SECRET}":
            return Response.json({"error": "The access token is invalid"}, 401)
        return Response.json({"id": "777", "url": "https://social.example/@acme/777"})

    with FakeServer() as srv:
        srv.route("GET", "/api/v2/search", search)
        srv.route("POST", "/api/v1/statuses", statuses)
        ws = make_workspace(tmp_path / "ws", f'\n[sources.mastodon]\nbase_url = "{srv.url}"\n')
        ws.store().upsert_posts(
            [
                post(
                    "other.example/998",
                    "zed@other.example",
                    "acme pulse or gizmoly?",
                    source="mastodon",
                    url="https://other.example/@zed/998",
                )
            ]
        )
        item = "mastodon:other.example/998"
        with pytest.raises(AuthError, match="access token is invalid"):
            publish.reply(
                ws, item, "Try Acme!", approved=True, env={"EARFUL_MASTODON_TOKEN": "bad-token-x"}
            )
        assert ledger(ws.store().conn) == []
        done = publish.reply(
            ws, item, "Happy to help", approved=True, env={"EARFUL_MASTODON_TOKEN": SECRET}
        )
        assert done.remote_id == "777"
        body = got[-1].json()
        assert body == {"status": "Happy to help", "in_reply_to_id": "55"}
        assert got[-1].headers["idempotency-key"]
        ws.close()


def test_x_post_rate_limit_then_coach_warning(tmp_path: Path) -> None:
    tweets: list[dict[str, Any]] = []

    def create(r: Request) -> Response:
        assert r.headers["authorization"] == f"Bearer {SECRET}"
        tweets.append(r.json())
        return Response.json({"data": {"id": str(1000 + len(tweets)), "text": "t"}}, 201)

    sleeps: list[float] = []
    with FakeServer() as srv:
        srv.route("POST", "/2/tweets", create)
        ws = make_workspace(tmp_path / "ws", f'\n[sources.x]\nbase_url = "{srv.url}"\n')
        env = {"EARFUL_X_USER_TOKEN": SECRET}
        srv.fault(Fault.rate_limited({"x-rate-limit-reset": str(int(time.time()) + 3)}))
        done = publish.post(
            ws,
            "x",
            "Good thread on metrics https://blog.example/a",
            approved=True,
            article="https://blog.example/a",
            env=env,
            sleep=sleeps.append,
        )
        assert (
            done.remote_id == "1001"
            and tweets[0] == {"text": "Good thread on metrics https://blog.example/a"}
            and 0 < sleeps[0] <= 4
        )
        assert [r.action for r in ledger(ws.store().conn)] == ["shared"]
        # own promotional posts: the next promo breaks the 20% ratio
        ws.store().upsert_posts(
            [
                post(
                    f"own{i}",
                    "acme_pm",
                    f"We just shipped feature {i} in Acme Pulse, try it free",
                    hours_ago=1 + i,
                )
                for i in range(3)
            ]
        )
        promo = "Introducing Acme Pulse 3.0: try it free today"
        warning = publish.promotion_warning(ws, "x", promo, reply=False)
        assert warning and "4 of your last 4 posts" in warning
        with pytest.raises(NotApproved, match="coach"):
            publish.post(ws, "x", promo, approved=True, env=env)
        assert len(tweets) == 1
        publish.post(ws, "x", promo, approved=True, acknowledge_coach=True, env=env)
        assert len(tweets) == 2 and tweets[1] == {"text": promo}
        assert publish.promotion_warning(ws, "x", "Interesting read on churn", reply=False) is None
        ws.close()


def test_x_reply_and_clear_errors(tmp_path: Path) -> None:
    with FakeServer() as srv:
        srv.route(
            "POST",
            "/2/tweets",
            lambda r: Response.json(
                {"title": "Forbidden", "detail": "You are not permitted to reply"}, 403
            ),
        )
        ws = make_workspace(tmp_path / "ws", f'\n[sources.x]\nbase_url = "{srv.url}"\n')
        with pytest.raises(AuthError, match="not permitted to reply"):
            publish.reply(
                ws, "x:101", "Thanks!", approved=True, env={"EARFUL_X_USER_TOKEN": SECRET}
            )
        assert srv.requests[0].json() == {
            "text": "Thanks!",
            "reply": {"in_reply_to_tweet_id": "101"},
        }
        with pytest.raises(AuthError, match="EARFUL_X_USER_TOKEN"):
            publish.reply(ws, "x:101", "Thanks!", approved=True, env={})
        with pytest.raises(InputError, match="280"):
            publish.reply(ws, "x:101", "x" * 281, approved=True, env={})
        with pytest.raises(InputError, match="cannot reply on hn"):
            ws.store().upsert_posts([post("5", "pg", "acme?", source="hn")])
            publish.reply(ws, "hn:5", "hi", approved=True, env={})
        ws.close()


def test_publishing_keeps_credentials_out_of_logs_errors_and_db(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging
    import sqlite3

    caplog.set_level(logging.DEBUG)
    with FakeServer() as srv:
        fake_bluesky(srv)
        srv.route(
            "POST",
            "/xrpc/com.atproto.repo.createRecord",
            lambda r: Response.json(
                {"error": "InvalidRequest", "message": f"echo {r.headers.get('authorization')}"},
                400,
            ),
        )
        ws = bluesky_ws(tmp_path, srv.url)
        with pytest.raises(ConnectorError) as info:
            publish.post(ws, "bluesky", "hello", approved=True, env=BSKY_ENV)
        root = ws.root
        ws.close()
    texts = [str(info.value), *(r.getMessage() for r in caplog.records)]
    assert "HTTP 400" in texts[0]
    assert not [t for t in texts if SECRET in t]
    db = sqlite3.connect(root / "earful.db")
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in db.execute(f'SELECT * FROM "{table}"'):
            assert SECRET not in repr(row)
    db.close()
