"""`earful search` with good and malformed queries."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from earful.cli import app
from earful.models import Post
from earful.workspace import Workspace

CONFIG = """\
[workspace]
name = "t"

[[products]]
name = "Acme Pulse"
aliases = ["Pulse"]
"""


def _workspace(tmp_path: Path, corpus: list[Post]) -> Path:
    ws = Workspace.init(tmp_path, config_text=CONFIG)
    ws.store().upsert_posts(corpus)
    ws.close()
    return tmp_path


def test_malformed_query_names_the_column(tmp_path: Path, corpus: list[Post]) -> None:
    root = _workspace(tmp_path, corpus)
    result = CliRunner().invoke(app, ["search", "crash (report", "--workspace", str(root)])
    assert result.exit_code != 0
    assert "column 7" in result.output
    assert "never closed" in result.output


def test_unknown_operator_is_reported(tmp_path: Path, corpus: list[Post]) -> None:
    root = _workspace(tmp_path, corpus)
    result = CliRunner().invoke(app, ["search", "a since:2026-02-30", "-w", str(root)])
    assert result.exit_code != 0
    assert "column 3" in result.output and "bad date" in result.output


def test_search_uses_products_from_the_config(tmp_path: Path, corpus: list[Post]) -> None:
    root = _workspace(tmp_path, corpus)
    result = CliRunner().invoke(
        app, ["search", "product:pulse -from:grace_h", "--json", "-w", str(root)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p["id"] for p in json.loads(result.output)) == ["1", "7"]
