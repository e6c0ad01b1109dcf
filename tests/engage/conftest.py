"""A small invented workspace for the engagement tests: product Widgetry, one own account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from earful.formats.earful_jsonl import post_from_dict
from earful.models import Post
from earful.workspace import Workspace

END = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)

TOML = """
[workspace]
name = "engage-test"

[[products]]
name = "Widgetry"
aliases = ["widgetry app"]
competitors = ["Gizmoly"]
[products.accounts]
x = ["wid_pm"]

[[watches]]
name = "product"
query = 'widgetry OR gizmoly'

[[watches]]
name = "market"
query = 'dashboards OR metrics OR roadmap'
"""


def author(
    handle: str, followers: int = 100, following: int = 100, bio: str = ""
) -> dict[str, Any]:
    return {
        "id": f"u-{handle}",
        "handle": handle,
        "followers": followers,
        "following": following,
        "bio": bio,
    }


def post(
    pid: str,
    text: str,
    who: dict[str, Any],
    hours_ago: float = 1.0,
    **extra: Any,
) -> Post:
    data: dict[str, Any] = {
        "source": extra.pop("source", "x"),
        "id": pid,
        "created_at": (END - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "text": text,
        "author": who,
        "url": f"https://x.com/{who['handle']}/status/{pid}",
    }
    data.update(extra)
    return post_from_dict(data)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.init(tmp_path / "ws", config_text=TOML)
    yield workspace
    workspace.close()


def add_label(workspace: Workspace, p: Post, field: str, value: str, score: float = 0.9) -> None:
    store = workspace.store()
    rowid = store.post_rowid(p.source, p.id)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO labels (post_rowid, field, value, score, labeller, version, created_at)"
            " VALUES (?, ?, ?, ?, 'test', '1', '2026-05-20T00:00:00Z')",
            (rowid, field, value, score),
        )
