from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from connectors.fakes.hn import hn_hit
from connectors.fakes.server import Response
from connectors.fakes.x import x_post
from earful.cli import app
from earful.sync import sync
from earful.workspace import Workspace

from .helpers import FakeFeeds, FakeHN, FakeServer, FakeX, env_for, workspace

SECRET = "SeCrEt-Tok3n-7f3a9c1e"


def test_credentials_never_reach_logs_errors_or_db(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeServer() as xs, FakeServer() as hs, FakeServer() as rs:
        x = FakeX(xs, [x_post(i, text="acme") for i in range(5)], token="other")

        def echo(request):  # a hostile server that reflects the credentials back
            auth = request.headers.get("authorization", "")
            return Response.json({"title": "Unauthorized", "detail": f"bad {auth} {SECRET}"}, 401)

        xs.route("GET", "/2/tweets/search/recent", echo)
        hn = FakeHN(hs, [hn_hit(1, stamp=1_772_000_000)])
        hs.route("GET", "/api/v1/search_by_date", lambda r: Response(503, SECRET.encode()))
        feeds = FakeFeeds(rs)
        url = feeds.add("/f.xml", [])
        root = workspace(tmp_path / "ws", [url + f"?access_token={SECRET}"], retries=1)
        ws = Workspace.open(root)
        env = env_for(x, hn, SECRET)
        results = sync(ws, env=env)
        ws.close()
    errors = [r.error for r in results if r.error]
    assert len(errors) == 2 and "HTTP 401" in errors[0]
    texts = [*errors, *(r.getMessage() for r in caplog.records)]
    assert any("access_token=***" in t for t in texts)
    assert not [t for t in texts if SECRET in t]
    for path in root.glob("earful.db*"):
        assert SECRET.encode() not in path.read_bytes()
    import sqlite3

    db = sqlite3.connect(root / "earful.db")
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in db.execute(f'SELECT * FROM "{table}"'):
            assert SECRET not in repr(row)


def test_cli_sync_sources_watch(tmp_path: Path) -> None:
    with FakeServer() as xs, FakeServer() as hs, FakeServer() as rs:
        x = FakeX(xs, [x_post(i, text="acme") for i in range(30)], token=SECRET)
        hn = FakeHN(hs, [hn_hit(i, stamp=1_772_000_000 + i) for i in range(20)])
        url = FakeFeeds(rs).add("/f.xml", [])
        root = workspace(tmp_path / "ws", [url])
        env = env_for(x, hn, SECRET)
        runner = CliRunner()
        out = runner.invoke(app, ["sync", "-w", str(root), "--json"], env=env)
        assert out.exit_code == 0, out.output
        rows = json.loads(out.stdout)
        assert {(r["source"], r["inserted"]) for r in rows} == {("x", 30), ("hn", 20), ("rss", 0)}
        adhoc = runner.invoke(
            app, ["sync", "-w", str(root), "--source", "hn", "--query", "acme", "--json"], env=env
        )
        assert adhoc.exit_code == 0 and json.loads(adhoc.stdout)[0]["watch"].startswith("adhoc:")
        x.posts.append(x_post(99, text="acme"))
        once = runner.invoke(app, ["watch", "-w", str(root), "--once"], env=env)
        assert once.exit_code == 0 and "stored 1 new" in once.stdout
        state = runner.invoke(app, ["sources", "-w", str(root), "--json"], env=env)
        by_source = {r["source"]: r for r in json.loads(state.stdout)}
        assert by_source["x"]["posts_collected"] == 31 and by_source["x"]["quota_used"] == 31
        assert by_source["x"]["quota_unit"] == "posts read" and by_source["hn"]["last_success"]
        table = runner.invoke(app, ["sources", "-w", str(root)], env=env)
        assert table.exit_code == 0 and "never" not in table.stdout
        bad = runner.invoke(app, ["sync", "nope", "-w", str(root)], env=env)
        assert bad.exit_code == 1 and "no watch named 'nope'" in bad.output
