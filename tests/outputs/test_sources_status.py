"""`earful sources` shows delivery channels beside the sources."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from earful.cli import app
from earful.workspace import Workspace

CONFIG = """
[[channels]]
name = "ops"
kind = "webhook"
url = "http://127.0.0.1:9/hook"
"""


def test_sources_lists_channels(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws", config_text=CONFIG)
    runner = CliRunner()
    result = runner.invoke(app, ["sources", "--json", "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    rows = {r["source"]: r for r in json.loads(result.stdout)}
    assert rows["channel:ops"]["kind"] == "webhook"
    assert rows["channel:ops"]["sent"] == 0
    table = runner.invoke(app, ["sources", "-w", str(ws.root)])
    assert table.exit_code == 0 and "webhook" in table.stdout and "ops" in table.stdout
    ws.close()
