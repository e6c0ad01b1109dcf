"""`earful import` through the CLI, and format sniffing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earful.cli import app
from earful.errors import InputError
from earful.importers import sniff_format
from earful.workspace import Workspace

runner = CliRunner()


def _ws(tmp_path: Path) -> Path:
    return Workspace.init(tmp_path / "ws").root


def _count(root: Path) -> int:
    ws = Workspace.open(root)
    try:
        return ws.store().count_posts()
    finally:
        ws.close()


def test_import_jsonl_then_reimport(tmp_path: Path, fixtures: Path) -> None:
    root = _ws(tmp_path)
    args = ["import", str(fixtures / "good.jsonl"), "-w", str(root)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Imported 4 new and 0 updated posts" in result.output
    result = runner.invoke(app, args)
    assert "Imported 0 new and 4 updated posts" in result.output
    assert _count(root) == 4


def test_import_csv_with_map(tmp_path: Path, fixtures: Path) -> None:
    root = _ws(tmp_path)
    result = runner.invoke(app, [
        "import", str(fixtures / "airline.csv"), "-w", str(root), "--source", "x",
        "--map", "id=tweet_id", "--map", "created_at=tweet_created", "--map", "author.handle=name",
    ])
    assert result.exit_code == 0, result.output
    assert "Imported 4 new" in result.output


def test_bad_map_item_exits_nonzero(tmp_path: Path, fixtures: Path) -> None:
    root = _ws(tmp_path)
    result = runner.invoke(app, ["import", str(fixtures / "airline.csv"), "-w", str(root),
                                 "--map", "text"])
    assert result.exit_code == 1
    assert "expected FIELD=COLUMN" in result.output


def test_bad_file_exits_nonzero_and_writes_nothing(tmp_path: Path, fixtures: Path) -> None:
    root = _ws(tmp_path)
    result = runner.invoke(app, ["import", str(fixtures / "bad_json.jsonl"), "-w", str(root)])
    assert result.exit_code == 1
    assert "bad_json.jsonl, line 3, column 68: invalid JSON" in result.output.replace("\n", "")
    assert _count(root) == 0


def test_skip_bad(tmp_path: Path, fixtures: Path) -> None:
    root = _ws(tmp_path)
    rejects = tmp_path / "rejects.jsonl"
    result = runner.invoke(app, ["import", str(fixtures / "twarc_bad.jsonl"), "-w", str(root),
                                 "--skip-bad", str(rejects)])
    assert result.exit_code == 0, result.output
    assert "rejected 2" in result.output
    assert len(rejects.read_text().splitlines()) == 2
    assert _count(root) == 3


def test_untrusted_text_in_errors_is_not_markup(tmp_path: Path) -> None:
    root = _ws(tmp_path)
    path = tmp_path / "evil.jsonl"
    path.write_text('{"source": "x", "id": "1", "created_at": "[bold red]x[/]", "text": ""}\n',
                    encoding="utf-8")
    result = runner.invoke(app, ["import", str(path), "-w", str(root)])
    assert result.exit_code == 1
    assert "[bold red]x[/]" in result.output


def test_sniffing(tmp_path: Path, fixtures: Path) -> None:
    assert sniff_format(fixtures / "good.jsonl") == "jsonl"
    assert sniff_format(fixtures / "airline.csv") == "csv"
    assert sniff_format(fixtures / "x_archive" / "data" / "tweets.js") == "x-archive"
    renamed = tmp_path / "page.json"
    shutil.copy(fixtures / "twarc_search.jsonl", renamed)
    assert sniff_format(renamed) == "twarc"
    ndjson = tmp_path / "posts.ndjson"
    ndjson.write_text(json.dumps({"source": "x", "id": "1"}) + "\n", encoding="utf-8")
    assert sniff_format(ndjson) == "jsonl"
    unknown = tmp_path / "notes.txt"
    unknown.write_text("hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="--format"):
        sniff_format(unknown)
    with pytest.raises(InputError, match="cannot read file"):
        sniff_format(tmp_path / "missing.jsonl")


def test_sniffs_flattened_tweet_with_client_source(tmp_path: Path) -> None:
    """v2 tweets may carry `source` (the client app); they are still twarc lines."""
    path = tmp_path / "flat.jsonl"
    path.write_text(json.dumps({"id": "1", "text": "hi", "source": "Twitter Web App",
                                "author_id": "2", "created_at": "2025-01-01T00:00:00Z"}) + "\n",
                    encoding="utf-8")
    assert sniff_format(path) == "twarc"


def test_unwritable_rejects_file_fails_cleanly(tmp_path: Path, fixtures: Path) -> None:
    root = _ws(tmp_path)
    result = runner.invoke(app, ["import", str(fixtures / "bad_json.jsonl"), "-w", str(root),
                                 "--skip-bad", str(tmp_path / "missing" / "rejects.jsonl")])
    assert result.exit_code == 1
    assert "cannot write rejects" in result.output
    assert _count(root) == 0
    result = runner.invoke(app, ["import", str(fixtures / "good.jsonl"), "-w", str(root),
                                 "--skip-bad", str(fixtures / "good.jsonl")])
    assert result.exit_code == 1
    assert "other than the input" in result.output
