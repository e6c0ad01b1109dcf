"""A small workspace with hand-written feedback posts and label rows."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from earful.formats.earful_jsonl import post_from_dict
from earful.workspace import Workspace

CONFIG = """
[workspace]
name = "t"

[[products]]
name = "Widgety"
aliases = ["widgety app"]
competitors = ["Gadgetron"]
[products.accounts]
x = ["widgety_team"]
"""

END = datetime(2026, 6, 30, 12, tzinfo=UTC)

TOPICS = {
    "sync": [
        "Widgety calendar sync keeps dropping my {x} events from the calendar",
        "Widgety calendar sync dropped my {x} events again, calendar sync is broken",
    ],
    "darkmode": [
        "please add a dark theme to Widgety, a dark theme for late work at {x}",
        "Widgety dark theme request: a dark theme would save my eyes at {x}",
    ],
    "pricing": [
        "Widgety per seat price doubled, the per seat price for {x} seats is too much",
        "the Widgety per seat price is too much now, {x} seats at that per seat price",
    ],
    "webhook": [
        "Widgety webhook retries fail with a timeout, webhook retries broken since {x}",
        "webhook retries fail in Widgety since {x}, the webhook retries time out",
    ],
}
FILL = ["monday", "9pm", "40", "twelve", "noon", "friday", "25", "midnight", "eight", "sunday"]
_ids = itertools.count(1000)


def post(topic: str, when: datetime, author: str, *, n: int = 0, **extra: Any) -> dict[str, Any]:
    templates = TOPICS[topic]
    text = templates[n % len(templates)].format(x=FILL[n % len(FILL)])
    pid = str(next(_ids))
    data: dict[str, Any] = {
        "source": "x",
        "id": pid,
        "created_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "text": text,
        "author": {"id": author, "handle": author, "followers": 120, "following": 80},
    }
    data.update(extra)
    return data


class Ws:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        (root / "earful.toml").write_text(CONFIG, encoding="utf-8")
        self.ws = Workspace.init(root)
        self.store = self.ws.store()
        self.config = self.ws.config

    def add(
        self,
        items: list[dict[str, Any]],
        *,
        sentiment: str = "negative",
        kind: str = "bug",
        spam: bool = False,
    ) -> list[int]:
        self.store.upsert_posts([post_from_dict(i) for i in items])
        rows = []
        for item in items:
            rowid = self.store.post_rowid(item["source"], item["id"])
            assert rowid is not None
            for field, value in (
                ("sentiment", sentiment),
                ("type", kind),
                ("spam", "true" if spam else "false"),
                ("relevant:widgety", "true"),  # as the labeller writes it
            ):
                rows.append((rowid, field, value, 0.9, "test", "1", "2026-01-01"))
        with self.store.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO labels VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        return [r[0] for r in rows[::4]]


def spread(
    topic: str, count: int, start: datetime, days: float, prefix: str
) -> list[dict[str, Any]]:
    step = timedelta(days=days) / count
    return [post(topic, start + i * step, f"{prefix}{topic}{i}", n=i) for i in range(count)]


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Ws]:
    w = Ws(tmp_path / "ws")
    yield w
    w.ws.close()
