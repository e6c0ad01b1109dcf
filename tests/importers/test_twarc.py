"""X API v2 / twarc2 import: response pages, flattened lines, broken pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.errors import InputError
from earful.importers import import_file, sniff_format
from earful.store.sqlite import SQLiteStore
from tests.importers.conftest import Snapshot


def test_search_pages(store: SQLiteStore, fixtures: Path) -> None:
    path = fixtures / "twarc_search.jsonl"
    assert sniff_format(path) == "twarc"
    report = import_file(store, path)
    assert (report.inserted, report.rejected) == (4, 0)  # includes.tweets not imported
    assert store.get_post("x", "1400000000000000000") is None

    launch = store.get_post("x", "1500000000000000001")
    assert launch is not None and launch.author is not None
    assert (launch.author.handle, launch.author.name, launch.author.followers) == (
        "AcmeDev", "Acme Developers", 570000)
    assert launch.author.bio == "Building Pulse"
    assert launch.url == "https://x.com/AcmeDev/status/1500000000000000001"
    assert launch.created_at == datetime(2025, 2, 10, 15, 0, tzinfo=UTC)
    assert (launch.metrics.likes, launch.metrics.reposts, launch.metrics.replies,
            launch.metrics.quotes) == (310, 40, 12, 5)
    assert launch.hashtags == ("PulseAPI",) and launch.mentions == ("pm_rita",)
    assert launch.urls == ("https://acme.example/api-v2",)
    assert launch.conversation_id == "1500000000000000001"

    reply = store.get_post("x", "1500000000000000002")
    assert reply is not None and reply.reply_to is not None
    assert (reply.reply_to.post_id, reply.reply_to.author_handle) == (
        "1500000000000000001", "acmedev")  # the store folds handles it indexes
    repost = store.get_post("x", "1500000000000000003")
    assert repost is not None and repost.repost_of == "1500000000000000001"

    note = store.get_post("x", "1500000000000000004")
    assert note is not None
    assert note.text.startswith("Long-form review of Pulse.") and len(note.text) > 280
    assert note.quote_of == "1500000000000000001"
    assert note.author is None  # user 777 not in includes
    assert note.url == "https://x.com/i/web/status/1500000000000000004"
    raw = store.get_raw("x", "1500000000000000004")
    assert raw is not None and "note_tweet" in json.loads(raw)


def test_flattened_line(store: SQLiteStore, fixtures: Path) -> None:
    path = fixtures / "twarc_flat.jsonl"
    assert sniff_format(path) == "twarc"
    report = import_file(store, path, source="x-research")
    assert report.inserted == 1
    post = store.get_post("x-research", "1500000000000000002")
    assert post is not None and post.author is not None
    assert post.author.handle == "pm_rita" and post.author.following == 150
    assert post.reply_to is not None and post.reply_to.author_handle == "acmedev"


def test_bad_pages(
    store: SQLiteStore, fixtures: Path, snapshot: Snapshot, tmp_path: Path
) -> None:
    path = fixtures / "twarc_bad.jsonl"
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        import_file(store, path)
    assert (info.value.line, info.value.field) == (1, "data[1].created_at")
    assert snapshot(store) == before
    rejects = tmp_path / "rejects.jsonl"
    report = import_file(store, path, skip_bad=rejects)
    assert (report.inserted, report.rejected) == (3, 2)
    rows = [json.loads(x) for x in rejects.read_text().splitlines()]
    assert [(r["line"], r.get("field"), r.get("column")) for r in rows] == [
        (1, "data[1].created_at", None), (2, None, 21)]
    assert json.loads(rows[0]["raw"])["id"] == "1500000000000000002"
    assert rows[1]["raw"] == '{"data": [{"id": "1"'


@pytest.mark.parametrize(
    ("line", "reason", "field"),
    [
        ('{"data": [{"id": "9", "text": "t", "created_at": "2025-01-01T00:00:00Z",'
         ' "public_metrics": {"like_count": -1}}]}',
         "non-negative", "data[0].public_metrics.like_count"),
        ('{"data": {"id": 9.5, "text": "t", "created_at": "2025-01-01T00:00:00Z"}}',
         "expected a string", "data.id"),
        ('{"data": [], "includes": {"users": [{"name": "no id"}]}}', "string 'id'",
         "includes.users[0]"),
        ('{"hello": "world"}', "neither", None),
        ("[1, 2]", "expected a JSON object", None),
    ],
)
def test_wrong_shapes(
    store: SQLiteStore, tmp_path: Path, line: str, reason: str, field: str | None
) -> None:
    path = tmp_path / "page.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=reason) as info:
        import_file(store, path, fmt="twarc")
    assert (info.value.line, info.value.field) == (1, field)
