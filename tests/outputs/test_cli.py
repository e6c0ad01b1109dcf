"""The output commands end to end through the CLI, against the loopback fakes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from connectors.fakes.server import FakeServer, Request, Response
from earful.cli import app

from .conftest import SECRET, make_workspace, seed_alert, seed_theme
from .test_trackers import FakeGitHub, gh_issue, gh_toml


def test_deliver_twice_sends_once_and_outbox_shows_it(tmp_path: Path) -> None:
    got: list[Request] = []

    def hook(r: Request) -> Response:
        got.append(r)
        return Response.json({"ok": True})

    with FakeServer() as srv:
        srv.route("POST", "/hook", hook)
        ws = make_workspace(
            tmp_path / "ws",
            f"""
[[channels]]
name = "hook"
kind = "webhook"
url = "{srv.url}/hook"
send = ["alerts"]
""",
        )
        seed_alert(ws)
        ws.close()
        runner = CliRunner()
        root = str(tmp_path / "ws")
        first = runner.invoke(app, ["deliver", "-w", root, "--json"])
        assert first.exit_code == 0, first.output
        assert json.loads(first.stdout)["sent"] == 1
        second = runner.invoke(app, ["deliver", "-w", root, "--json"])
        assert json.loads(second.stdout)["sent"] == 0 and len(got) == 1
        shown = runner.invoke(app, ["outbox", "-w", root, "--json"])
        data = json.loads(shown.stdout)
        assert data["channels"][0]["sent"] == 1 and data["messages"][0]["state"] == "sent"
        table = runner.invoke(app, ["outbox", "-w", root])
        assert "hook" in table.stdout and "sent" in table.stdout


def test_file_prompts_on_a_duplicate(tmp_path: Path) -> None:
    with FakeServer() as srv:
        gh = FakeGitHub(srv, [gh_issue(3, "iOS login shows a blank screen")])
        ws = make_workspace(tmp_path / "ws", gh_toml(srv.url))
        theme = seed_theme(ws)
        ws.close()
        runner = CliRunner()
        root = str(tmp_path / "ws")
        env = {"EARFUL_GITHUB_TOKEN": SECRET}
        out = runner.invoke(
            app, ["file", str(theme), "--to", "github", "-w", root], input="n\n", env=env
        )
        assert out.exit_code == 0, out.output
        assert "looks like the same thing" in out.output and "Filed github #4" in out.stdout
        assert len(gh.issues) == 2 and gh.comments == []
        again = runner.invoke(app, ["file", str(theme), "--to", "github", "-w", root], env=env)
        assert again.exit_code == 1 and "already linked" in again.output
        synced = runner.invoke(app, ["trackers", "sync", "-w", root, "--json"], env=env)
        assert json.loads(synced.stdout)[0]["state"] == "open"


def test_reply_needs_confirmation(tmp_path: Path) -> None:
    with FakeServer() as srv:
        srv.route("POST", "/2/tweets", lambda r: Response.json({"data": {"id": "9"}}, 201))
        make_workspace(tmp_path / "ws", f'\n[sources.x]\nbase_url = "{srv.url}"\n').close()
        runner = CliRunner()
        root = str(tmp_path / "ws")
        env = {"EARFUL_X_USER_TOKEN": SECRET}
        no = runner.invoke(app, ["reply", "x:101", "Thanks <b>!", "-w", root], input="n\n", env=env)
        assert no.exit_code == 1 and "not posted" in no.output and srv.requests == []
        yes = runner.invoke(
            app, ["reply", "x:101", "Thanks!", "-w", root, "--json"], input="y\n", env=env
        )
        assert yes.exit_code == 0, yes.output
        assert json.loads(yes.stdout[yes.stdout.index("{") :])["remote_id"] == "9"
        assert len(srv.requests) == 1


def test_export_insight_command(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    seed_theme(ws)
    ws.close()
    out = tmp_path / "themes.jsonl"
    result = CliRunner().invoke(
        app, ["export-insight", "themes", "-o", str(out), "-f", "jsonl", "-w", str(tmp_path / "ws")]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["authors"] == 4
    bad = CliRunner().invoke(
        app, ["export-insight", "themes", "-o", str(out), "-f", "xlsx", "-w", str(tmp_path / "ws")]
    )
    assert bad.exit_code == 1 and "unknown format" in bad.output
