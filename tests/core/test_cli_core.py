from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from earful.cli import app
from earful.workspace import Workspace
from tests.conftest import make_post

runner = CliRunner()


def _workspace(tmp_path: Path) -> Path:
    ws = Workspace.init(tmp_path / "ws")
    ws.store().upsert_posts(
        [
            make_post(
                id="1",
                text="Acme Pulse export is broken",
                author={"id": "1", "handle": "ann"},
                created_at="2026-11-01T10:00:00Z",
            ),
            make_post(
                source="hn",
                id="2",
                text="Chartwell pricing question",
                created_at="2026-11-02T10:00:00Z",
            ),
        ]
    )
    ws.close()
    return ws.root


def test_init_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "earful.toml").exists()


def test_workspace_from_env(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    result = runner.invoke(app, ["stats", "--json"], env={"EARFUL_WORKSPACE": str(root)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"source": "x", "day": "2026-11-01", "posts": 1},
        {"source": "hn", "day": "2026-11-02", "posts": 1},
    ]


def test_missing_workspace_fails_clearly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats", "--workspace", str(tmp_path)])
    assert result.exit_code == 1
    assert "earful init" in result.output


def test_search_json(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    result = runner.invoke(app, ["search", "export", "--json", "-w", str(root)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["source"], r["id"], r["author"]) for r in rows] == [("x", "1", "ann")]
    assert rows[0]["created_at"] == "2026-11-01T10:00:00Z"


def test_search_table_escapes_markup(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    ws.store().upsert_posts([make_post(id="9", text="[bold red]fake[/] alarm")])
    ws.close()
    result = runner.invoke(app, ["search", "alarm", "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert "[bold red]fake[/]" in result.output


def test_export_jsonl_and_csv(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["export", "", "-o", str(out), "-w", str(root)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert {(d["source"], d["id"]) for d in lines} == {("x", "1"), ("hn", "2")}
    result = runner.invoke(app, ["export", "pricing", "--format", "csv", "-w", str(root)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["id"] for r in rows] == ["2"]
