"""Delivery through a real SMTP exchange, a Slack incoming webhook and a JSON webhook on
127.0.0.1: once per channel, retried with backoff, failures visible, secrets kept out."""

from __future__ import annotations

import email
import logging
import sqlite3
from datetime import timedelta
from email.policy import default as email_policy
from pathlib import Path

import pytest

from connectors.fakes.server import FakeServer, Fault, Request, Response
from earful.outputs import outbox
from earful.outputs.delivery import deliver_due
from earful.workspace import Workspace

from .conftest import NOW, SECRET, make_workspace, seed_alert
from .fake_smtp import FakeSMTP


def channels_toml(smtp_port: int, hook_url: str, *, slack: bool = True) -> str:
    text = f"""
[[channels]]
name = "mail"
kind = "email"
to = ["pm@example.com"]
from = "earful@example.com"
smtp_host = "127.0.0.1"
smtp_port = {smtp_port}
username_env = "T_SMTP_USER"
password_env = "T_SMTP_PASSWORD"

[[channels]]
name = "hook"
kind = "webhook"
url = "{hook_url}/hook"
token_env = "T_HOOK_TOKEN"
send = ["alerts"]
"""
    if slack:
        text += """
[[channels]]
name = "slack"
kind = "slack"
url_env = "T_SLACK_URL"
send = ["alerts"]
min_severity = "high"
"""
    return text


def env(srv: FakeServer) -> dict[str, str]:
    return {
        "T_SMTP_USER": "mailer",
        "T_SMTP_PASSWORD": SECRET,
        "T_HOOK_TOKEN": SECRET + "hook",
        "T_SLACK_URL": f"{srv.url}/services/T000/B000/{SECRET}",
    }


def _receivers(srv: FakeServer, hook_status: int = 200) -> list[Request]:
    got: list[Request] = []

    def hook(r: Request) -> Response:
        got.append(r)
        return Response.json({"ok": hook_status == 200}, hook_status)

    def slack(r: Request) -> Response:
        got.append(r)
        return Response(200, b"ok", {"Content-Type": "text/plain"})

    srv.route("POST", "/hook", hook)
    srv.route("POST", f"/services/T000/B000/{SECRET}", slack)
    return got


def test_alert_and_digest_sent_once_per_channel(tmp_path: Path, sleeps: list[float]) -> None:
    with FakeServer() as srv, FakeSMTP(password=SECRET) as smtp:
        got = _receivers(srv)
        ws = make_workspace(tmp_path / "ws", channels_toml(smtp.port, srv.url))
        seed_alert(ws, "a1", "high")
        seed_alert(ws, "a2", "low", what="minor thing")
        report = deliver_due(ws, NOW, env=env(srv), sleep=sleeps.append)
        # mail: 2 alerts + digest; hook: 2 alerts; slack: only the high one
        assert (report.queued, report.sent, report.failed) == (6, 6, 0), report.to_dict()
        again = deliver_due(ws, NOW + timedelta(hours=1), env=env(srv), sleep=sleeps.append)
        assert (again.queued, again.sent) == (0, 0)
        ws.close()
    assert smtp.logins == ["mailer"] * 3 and len(smtp.messages) == 3
    subjects = []
    for m in smtp.messages:
        msg = email.message_from_bytes(m.data, policy=email_policy)
        assert m.rcpt_to == ["pm@example.com"] and msg.get_content_type() == "multipart/alternative"
        parts = {p.get_content_type(): p.get_content() for p in msg.iter_parts()}
        assert set(parts) == {"text/plain", "text/html"}
        assert "<script>" not in parts["text/html"] and "javascript:" not in parts["text/html"]
        subjects.append(str(msg["Subject"]))
    assert any("digest for 2026-11-20" in s for s in subjects)
    assert any("high alert (Acme Pulse)" in s for s in subjects)
    hooks = [r for r in got if r.path == "/hook"]
    assert len(hooks) == 2 and hooks[0].headers["authorization"] == f"Bearer {SECRET}hook"
    body = hooks[0].json()
    assert body["kind"] == "alert" and body["data"]["explanation"]["authors"] == 4
    slacks = [r.json() for r in got if r.path.startswith("/services/")]
    assert len(slacks) == 1 and "&lt;script&gt;" in slacks[0]["text"]
    assert "<javascript" not in slacks[0]["text"]


def test_failure_is_visible_then_retried_with_backoff(tmp_path: Path, sleeps: list[float]) -> None:
    smtp_server = FakeSMTP(password=SECRET, rcpt_reply="550 5.1.1 no such user")
    with FakeServer() as srv, smtp_server as smtp:
        got = _receivers(srv, hook_status=400)
        ws = make_workspace(tmp_path / "ws", channels_toml(smtp.port, srv.url, slack=False))
        seed_alert(ws)
        first = deliver_due(ws, NOW, env=env(srv), digest=False, sleep=sleeps.append)
        assert first.sent == 0 and first.failed == 2
        errors = " ".join(first.errors)
        assert "550" in errors and "HTTP 400" in errors
        status = {s.channel: s for s in outbox.status(ws.store(), ws.config)}
        assert status["mail"].failed == 1 and "550" in (status["mail"].last_error or "")
        # not due yet: backoff is 60 s after the first failure
        early = deliver_due(ws, NOW + timedelta(seconds=30), env=env(srv), digest=False)
        assert early.results == []
        smtp.rcpt_reply = None
        srv.routes.clear()
        _receivers(srv, hook_status=200)
        later = deliver_due(ws, NOW + timedelta(seconds=61), env=env(srv), digest=False)
        assert later.sent == 2 and later.failed == 0
        status = {s.channel: s for s in outbox.status(ws.store(), ws.config)}
        assert status["mail"].sent == 1 and status["mail"].failed == 0
        ws.close()
    assert len(smtp.messages) == 1 and len(got) == 1


def test_gives_up_after_max_attempts_and_retry_command(tmp_path: Path) -> None:
    with FakeServer() as srv, FakeSMTP(password="other") as smtp:
        _receivers(srv)
        ws = make_workspace(tmp_path / "ws", channels_toml(smtp.port, srv.url, slack=False))
        seed_alert(ws)
        when = NOW
        states = []
        for _ in range(3):
            report = deliver_due(ws, when, env=env(srv), digest=False)
            states += [r.state for r in report.results if r.channel == "mail"]
            when += timedelta(hours=7)
        assert states == ["failed", "failed", "dead"]
        row = outbox.messages(ws.store(), ("dead",))[0]
        assert "login refused" in (row.last_error or "")
        outbox.retry(ws.store(), row.id, when)
        assert outbox.messages(ws.store(), ("pending",))[0].id == row.id
        ws.close()


def test_rate_limits_retry_through_the_shared_http_layer(
    tmp_path: Path, sleeps: list[float]
) -> None:
    with FakeServer() as srv, FakeSMTP(password=SECRET) as smtp:
        got = _receivers(srv)
        ws = make_workspace(tmp_path / "ws", channels_toml(smtp.port, srv.url))
        seed_alert(ws)
        srv.fault(Fault.rate_limited({"Retry-After": "2"}, path="/hook"))
        srv.fault(Fault.rate_limited({"Retry-After": "3600"}, path="/services"))
        report = deliver_due(ws, NOW, env=env(srv), digest=False, sleep=sleeps.append)
        by = {r.channel: r for r in report.results}
        assert by["hook"].state == "sent" and sleeps and 2 <= sleeps[0] <= 2.5
        assert by["slack"].state == "failed" and "rate limited" in (by["slack"].error or "")
        # the retry waits for the network's reset, not just the 60 s backoff
        assert by["slack"].next_attempt_at == (NOW + timedelta(seconds=3600)).isoformat()
        ws.close()
    assert len([r for r in got if r.path == "/hook"]) == 1


def test_secrets_never_reach_logs_errors_or_db(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeServer() as srv, FakeSMTP(password="nope") as smtp:

        def echo(r: Request) -> Response:  # a hostile server reflecting credentials back
            return Response.json({"error": f"bad {r.headers.get('authorization')} {SECRET}"}, 403)

        srv.route("POST", "/hook", echo)
        srv.route("POST", f"/services/T000/B000/{SECRET}", echo)
        ws = make_workspace(tmp_path / "ws", channels_toml(smtp.port, srv.url))
        seed_alert(ws)
        report = deliver_due(ws, NOW, env=env(srv), digest=False)
        root = ws.root
        ws.close()
    assert report.failed == 3
    texts = [*report.errors, *(r.getMessage() for r in caplog.records)]
    assert not [t for t in texts if SECRET in t]
    db = sqlite3.connect(root / "earful.db")
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in db.execute(f'SELECT * FROM "{table}"'):
            assert SECRET not in repr(row)
    db.close()


def test_no_channels_is_a_no_op(ws: Workspace) -> None:
    seed_alert(ws)
    assert deliver_due(ws, NOW).to_dict()["queued"] == 0


def test_digest_waits_for_its_time(tmp_path: Path) -> None:
    with FakeServer() as srv, FakeSMTP(password=SECRET) as smtp:
        _receivers(srv)
        ws = make_workspace(tmp_path / "ws", channels_toml(smtp.port, srv.url, slack=False))
        early = deliver_due(ws, NOW.replace(hour=7), env=env(srv))
        assert early.queued == 0
        on_time = deliver_due(ws, NOW, env=env(srv))
        next_day = deliver_due(ws, NOW + timedelta(days=1), env=env(srv))
        ws.close()
    assert on_time.sent == 1 and next_day.sent == 1 and len(smtp.messages) == 2
