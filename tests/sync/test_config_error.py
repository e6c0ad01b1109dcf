"""A query a network cannot search is that source's error, not the end of the whole sync."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from earful.cli import app
from earful.workspace import Workspace


def test_unsearchable_query_is_recorded_as_source_error(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    env = {
        "EARFUL_REDDIT_CLIENT_ID": "id",
        "EARFUL_REDDIT_CLIENT_SECRET": "secret",
        "EARFUL_REDDIT_BASE_URL": "http://127.0.0.1:9",
    }
    result = CliRunner().invoke(
        app, ["sync", "--source", "reddit", "--query", "-acme", "-w", str(ws.root)], env=env
    )
    assert result.exit_code == 1
    states = {s.source: s for s in ws.store().source_states()}
    assert "no searchable words" in (states["reddit"].last_error or "")
    ws.close()
