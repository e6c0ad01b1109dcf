"""Token login, CSRF, Origin and Host checks, security headers, and serve's refusal."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from earful.errors import ConfigError
from earful.web.app import create_app
from earful.web.security import CSP
from earful.web.server import is_loopback, token_for
from tests.web.conftest import LOCAL, TOKEN, first_post


def test_loopback_mode_refuses_other_host_headers(demo_dir: Path) -> None:
    with TestClient(create_app(demo_dir), base_url="http://evil.example") as c:
        assert c.get("/api/v1/posts").status_code == 403
        assert c.get("/search").status_code == 403
    with TestClient(create_app(demo_dir), base_url="http://localhost:8000") as c:
        assert c.get("/api/v1/posts").status_code == 200


def test_security_headers_on_pages_and_api(client: TestClient) -> None:
    for path in ("/search", "/api/v1/posts", "/static/app.js", "/nope"):
        h = client.get(path).headers
        assert h["content-security-policy"] == CSP, path
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
    assert "script-src 'self';" in CSP and "unsafe-inline" not in CSP
    assert "frame-ancestors 'none'" in CSP


def test_state_changes_need_csrf_token_and_same_origin(client: TestClient) -> None:
    post = first_post(client)
    url = f"/api/v1/posts/{post['source']}/{post['id']}/corrections/sentiment"
    good = client.headers["X-CSRF-Token"]
    assert (
        client.put(url, json={"values": ["positive"]}, headers={"X-CSRF-Token": "x"}).status_code
        == 403
    )
    del client.headers["X-CSRF-Token"]
    assert client.put(url, json={"values": ["positive"]}).status_code == 403
    assert client.delete(url).status_code == 403
    r = client.put(
        url,
        json={"values": ["positive"]},
        headers={"X-CSRF-Token": good, "Origin": "http://evil.example"},
    )
    assert r.status_code == 403 and "cross-origin" in r.json()["error"]
    r = client.put(
        url, json={"values": ["positive"]}, headers={"X-CSRF-Token": good, "Origin": LOCAL}
    )
    assert r.status_code == 200


def test_token_mode_requires_the_token_everywhere(demo_dir: Path) -> None:
    app = create_app(demo_dir, token=TOKEN)
    with TestClient(app, base_url="http://192.0.2.10:8000") as c:
        assert c.get("/api/v1/posts").status_code == 401
        assert c.get("/api/v1/openapi.json").status_code == 401
        r = c.get("/search", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert (
            c.get("/api/v1/posts", headers={"Authorization": "Bearer wrong-" + TOKEN}).status_code
            == 401
        )
        ok = c.get("/api/v1/posts", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
        assert c.get("/static/app.css").status_code == 200  # assets are public


def test_bearer_clients_need_no_csrf_but_cookie_sessions_do(demo_dir: Path) -> None:
    app = create_app(demo_dir, token=TOKEN)
    with TestClient(app, base_url="http://192.0.2.10:8000") as c:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        post = c.get("/api/v1/posts", headers=auth).json()["items"][0]
        url = f"/api/v1/posts/{post['source']}/{post['id']}/corrections/sentiment"
        assert c.put(url, json={"values": []}, headers=auth).status_code == 200
        c.get("/login")
        r = c.post(
            "/login",
            data={"token": TOKEN, "csrf_token": c.cookies["earful_csrf"]},
            follow_redirects=False,
        )
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert TOKEN not in cookie
        assert c.get("/search").status_code == 200
        assert c.put(url, json={"values": []}).status_code == 403
        assert (
            c.put(
                url, json={"values": []}, headers={"X-CSRF-Token": c.cookies["earful_csrf"]}
            ).status_code
            == 200
        )


def test_login_rejects_wrong_token_and_missing_csrf(demo_dir: Path) -> None:
    app = create_app(demo_dir, token=TOKEN)
    with TestClient(app, base_url="http://192.0.2.10:8000") as c:
        c.get("/login")
        wrong = c.post("/login", data={"token": "nope", "csrf_token": c.cookies["earful_csrf"]})
        assert wrong.status_code == 401 and "earful_session" not in wrong.headers.get(
            "set-cookie", ""
        )
        assert "nope" not in wrong.text
        no_csrf = c.post("/login", data={"token": TOKEN, "csrf_token": "forged"})
        assert no_csrf.status_code == 403


def test_token_never_logged(demo_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app = create_app(demo_dir, token=TOKEN)
    with TestClient(app, base_url="http://192.0.2.10:8000") as c:
        c.get("/api/v1/posts", headers={"Authorization": "Bearer " + TOKEN})
        c.get("/api/v1/posts", params={"q": "acme ("}, headers={"Authorization": "Bearer " + TOKEN})
    assert TOKEN not in caplog.text


def test_short_token_refused(demo_dir: Path) -> None:
    with pytest.raises(ConfigError, match="16 characters"):
        create_app(demo_dir, token="short")


def test_non_loopback_host_needs_a_token() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert token_for("127.0.0.1", {}) is None
    with pytest.raises(ConfigError, match="EARFUL_TOKEN"):
        token_for("0.0.0.0", {})
    assert token_for("0.0.0.0", {"EARFUL_TOKEN": TOKEN}) == TOKEN


def test_serve_refuses_to_start_off_loopback_without_token(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from earful.cli import app

    monkeypatch.delenv("EARFUL_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "-w", str(demo_dir)])
    assert result.exit_code == 1
    assert "EARFUL_TOKEN" in result.output
