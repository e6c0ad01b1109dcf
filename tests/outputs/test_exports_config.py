"""Exports (CSV, JSONL, Parquet) of queries and insights, and the outputs config sections."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from earful.config import parse_config
from earful.errors import ConfigError, InputError
from earful.outputs.exports import export_insight, export_query
from earful.workspace import Workspace

from .conftest import seed_alert, seed_theme


def test_query_exports_in_three_formats(ws: Workspace, tmp_path: Path) -> None:
    n = export_query(ws, "ios", tmp_path / "p.csv", "csv")
    rows = list(csv.DictReader((tmp_path / "p.csv").open(encoding="utf-8")))
    assert n == len(rows) == 3 and {r["author_handle"] for r in rows} == {"ana", "cleo", "dev"}
    assert export_query(ws, "", tmp_path / "p.jsonl", "jsonl") == 4
    first = json.loads((tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["source"] == "x" and "text" in first
    pq = pytest.importorskip("pyarrow.parquet")
    assert export_query(ws, "ios", tmp_path / "p.parquet", "parquet") == 3
    table = pq.read_table(tmp_path / "p.parquet")
    assert table.num_rows == 3 and "likes" in table.column_names


def test_insight_exports(ws: Workspace, tmp_path: Path) -> None:
    theme = seed_theme(ws)
    seed_alert(ws)
    assert export_insight(ws, "themes", tmp_path / "t.csv", "csv") == 1
    row = next(csv.DictReader((tmp_path / "t.csv").open(encoding="utf-8")))
    assert int(row["id"]) == theme and row["authors"] == "4"
    assert len(json.loads(row["members"])) == 4
    assert export_insight(ws, "alerts", tmp_path / "a.jsonl", "jsonl") == 1
    alert = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8"))
    assert alert["explanation"]["authors"] == 4
    pq = pytest.importorskip("pyarrow.parquet")
    export_insight(ws, "themes", tmp_path / "t.parquet", "parquet")
    assert pq.read_table(tmp_path / "t.parquet").to_pylist()[0]["posts"] == 4
    with pytest.raises(InputError, match="unknown insight"):
        export_insight(ws, "nope", tmp_path / "x.csv", "csv")
    with pytest.raises(InputError, match="unknown format"):
        export_insight(ws, "themes", tmp_path / "x.xls", "xls")
    assert not (tmp_path / "x.csv").exists()


def test_parquet_without_pyarrow_names_the_extra(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(InputError, match=r"earful\[parquet\]"):
        export_query(ws, "", tmp_path / "p.parquet", "parquet")
    assert not (tmp_path / "p.parquet").exists()


BASE = {"workspace": {"name": "t"}}


def cfg(**sections: object) -> object:
    return parse_config({**BASE, **sections}, "earful.toml")


def test_config_parses_channels_and_trackers() -> None:
    c = cfg(
        outputs={"digest_at": "07:30", "min_severity": "high"},
        channels=[
            {
                "name": "mail",
                "kind": "email",
                "to": "pm@x.test",
                "from": "e@x.test",
                "smtp_host": "smtp.x.test",
                "password_env": "SMTP_PW",
            },
            {"name": "s", "kind": "slack", "url_env": "SLACK_URL", "send": ["alerts"]},
        ],
        trackers={"github": {"repo": "acme/pulse", "token_env": "GH"}},
    )
    assert c.outputs.digest_at == "07:30" and c.channels[0].options["to"] == ["pm@x.test"]  # type: ignore[attr-defined]
    assert c.channels[1].env == {"url": "SLACK_URL"}  # type: ignore[attr-defined]
    assert c.trackers["github"].env == {"token": "GH"}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sections", "key", "reason"),
    [
        (
            {"channels": [{"name": "s", "kind": "slack", "url": "https://hooks.slack.com/x"}]},
            "channels[0].url",
            "secret",
        ),
        (
            {"channels": [{"name": "h", "kind": "webhook", "url": "http://h", "token": "abc"}]},
            "channels[0].token",
            "token_env",
        ),
        ({"channels": [{"name": "h", "kind": "pager"}]}, "channels[0].kind", "one of"),
        (
            {
                "channels": [
                    {"name": "m", "kind": "email", "to": ["x"], "from": "a@b", "smtp_host": "h"}
                ]
            },
            "channels[0].to",
            "addresses",
        ),
        ({"trackers": {"github": {"repo": "nope"}}}, "trackers.github.repo", "owner/name"),
        ({"trackers": {"jira": {"project": "P"}}}, "trackers.jira.base_url", "required"),
        ({"trackers": {"gitlab": {}}}, "trackers.gitlab", "unknown tracker"),
        ({"outputs": {"digest_at": "25:00"}}, "outputs.digest_at", "time of day"),
        (
            {"trackers": {"linear": {"team_id": "t", "api_key": "lin_x"}}},
            "trackers.linear.api_key",
            "api_key_env",
        ),
    ],
)
def test_config_errors_name_the_key(sections: dict[str, object], key: str, reason: str) -> None:
    with pytest.raises(ConfigError) as info:
        cfg(**sections)
    assert f"config key '{key}'" in str(info.value) and reason in str(info.value)
