"""An invented workspace for the output tests: product Acme Pulse, own accounts, posts,
one theme and alerts, plus helpers to point channels and trackers at fake servers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from earful.formats.earful_jsonl import post_from_dict
from earful.store import insights as idb
from earful.workspace import Workspace

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
SECRET = "Sh0uldN3verLeak-9c1e7f"

BASE_TOML = """
[workspace]
name = "acme-test"

[[products]]
name = "Acme Pulse"
aliases = ["acme"]
[products.accounts]
x = ["acme_pm"]
bluesky = ["acme.example"]

[outputs]
digest_at = "08:00"
min_severity = "low"
retry_base_s = 60
max_attempts = 3
"""

THEME_TEXTS = [
    ("ana", "acme pulse login fails on ios after the update, stuck on a blank screen"),
    ("ben", "cannot login to acme pulse on my iphone since yesterday <script>x</script>"),
    ("cleo", "acme login broken on ios again, blank screen after password"),
    ("dev", "ios app for acme pulse will not let me log in @someone"),
]


def post(pid: str, handle: str, text: str, hours_ago: float = 2.0, **extra: Any) -> Any:
    source = extra.pop("source", "x")
    data: dict[str, Any] = {
        "source": source,
        "id": pid,
        "created_at": (NOW - timedelta(hours=hours_ago)).isoformat(),
        "text": text,
        "url": extra.pop("url", f"https://x.com/{handle}/status/{pid}"),
        "author": {"id": f"u-{handle}", "handle": handle, "followers": 50, "following": 40},
    }
    data.update(extra)
    return post_from_dict(data)


def make_workspace(root: Path, extra_toml: str = "") -> Workspace:
    root.mkdir(parents=True, exist_ok=True)
    (root / "earful.toml").write_text(BASE_TOML + extra_toml, encoding="utf-8")
    ws = Workspace.open(root)
    store = ws.store()
    posts = [post(str(100 + i), h, t, hours_ago=3 + i) for i, (h, t) in enumerate(THEME_TEXTS)]
    store.upsert_posts(posts)
    return ws


def seed_theme(ws: Workspace, label: str = "iOS login fails with a blank screen") -> int:
    conn = ws.store().conn
    idb.ensure_schema(conn)
    with ws.store().transaction() as c:
        theme = idb.create_theme(c, "", label)
        rows = c.execute("SELECT rowid FROM posts WHERE id IN ('100','101','102','103')")
        idb.assign(c, [(r[0], theme, 0.9, None) for r in rows])
    return theme


def seed_alert(ws: Workspace, key: str = "a1", severity: str = "high", what: str = "") -> int:
    with ws.store().transaction() as c:
        idb.ensure_schema(c)
        alert_id, _ = idb.upsert_alert(
            c,
            dedupe_key=key,
            kind="novel_phrase",
            product="Acme Pulse",
            subject=what or "login blank screen",
            severity=severity,
            score=25.0,
            seen=NOW.isoformat(),
            explanation={
                "what": what or "new phrase 'blank screen' <b>bold</b>",
                "since": (NOW - timedelta(hours=5)).isoformat(),
                "authors": 4,
                "posts": 4,
                "growth": None,
                "examples": [
                    {
                        "source": "x",
                        "id": "101",
                        "url": "https://x.com/ben/status/101",
                        "author": "ben",
                        "text": "cannot login <script>alert(1)</script> & more",
                    },
                    {
                        "source": "x",
                        "id": "9",
                        "url": "javascript:alert(1)",
                        "author": "eve",
                        "text": "bad link",
                    },
                ],
            },
        )
    return alert_id


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    w = make_workspace(tmp_path / "ws")
    yield w
    w.close()
