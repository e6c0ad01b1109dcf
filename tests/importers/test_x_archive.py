"""X account archive (tweets.js) import: streaming, owner from account.js, broken archives."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.errors import InputError
from earful.importers import import_file, sniff_format, x_archive
from earful.store.sqlite import SQLiteStore
from tests.importers.conftest import Snapshot


def test_archive_imports_with_owner(store: SQLiteStore, fixtures: Path) -> None:
    path = fixtures / "x_archive" / "data" / "tweets.js"
    assert sniff_format(path) == "x-archive"
    report = import_file(store, path)
    assert (report.inserted, report.rejected) == (3, 0)
    post = store.get_post("x", "1849000000000000001")
    assert post is not None
    assert post.created_at == datetime(2024, 10, 23, 9, 0, tzinfo=UTC)
    assert post.author is not None
    assert (post.author.id, post.author.handle, post.author.name) == ("5150", "pm_owner",
                                                                       "Pat the PM")
    assert post.url == "https://x.com/pm_owner/status/1849000000000000001"
    assert post.hashtags == ("PulseLaunch",) and post.mentions == ("acme",)
    assert post.urls == ("https://acme.example/blog/pulse-2",)
    assert (post.metrics.likes, post.metrics.reposts) == (12, 3)
    reply = store.get_post("x", "1849000000000000002")
    assert reply is not None and reply.reply_to is not None
    assert (reply.reply_to.post_id, reply.reply_to.author_handle) == (
        "1848000000000000009", "leo_dev")
    french = store.get_post("x", "1849000000000000003")
    assert french is not None and french.lang == "fr"
    raw = store.get_raw("x", "1849000000000000001")
    assert raw is not None and json.loads(raw)["display_text_range"] == ["0", "76"]
    assert [p.author_handle for _, p in store.iter_posts()] == ["pm_owner"] * 3


def test_archive_without_account_leaves_author_unknown(
    store: SQLiteStore, fixtures: Path, tmp_path: Path
) -> None:
    path = tmp_path / "tweets.js"
    shutil.copy(fixtures / "x_archive" / "data" / "tweets.js", path)
    import_file(store, path, source="x-work")
    post = store.get_post("x-work", "1849000000000000001")
    assert post is not None and post.author is None
    assert post.url == "https://x.com/i/web/status/1849000000000000001"


def test_truncated_archive_fails_and_changes_nothing(
    store: SQLiteStore, fixtures: Path, snapshot: Snapshot, tmp_path: Path
) -> None:
    import_file(store, fixtures / "good.jsonl")
    before = snapshot(store)
    path = fixtures / "truncated_tweets.js"
    for skip in (None, tmp_path / "rejects.jsonl"):
        with pytest.raises(InputError, match="truncated archive") as info:
            import_file(store, path, skip_bad=skip)
        text = path.read_text(encoding="utf-8")
        assert info.value.line == text.count("\n") + 1
        assert snapshot(store) == before
    assert not (tmp_path / "rejects.jsonl").exists()


def test_bad_item_names_line_and_field(
    store: SQLiteStore, fixtures: Path, tmp_path: Path
) -> None:
    path = fixtures / "bad_item_tweets.js"
    with pytest.raises(InputError) as info:
        import_file(store, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line == "  {"]
    assert (info.value.line, info.value.field) == (starts[1], "created_at")
    assert store.count_posts() == 0
    rejects = tmp_path / "rejects.jsonl"
    report = import_file(store, path, skip_bad=rejects)
    assert (report.inserted, report.rejected) == (2, 1)
    (row,) = [json.loads(x) for x in rejects.read_text().splitlines()]
    assert json.loads(row["raw"])["tweet"]["id_str"] == "1849000000000000002"


def test_streams_items_across_chunks(
    store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items are cut by the read chunks everywhere; each still parses, on the right line."""
    monkeypatch.setattr(x_archive, "CHUNK", 7)
    items = [
        {"tweet": {"id_str": str(i), "full_text": f"n\u00e9 {i} \U0001f600",
                   "created_at": "Wed Oct 10 20:19:24 +0000 2018", "favorite_count": i}}
        for i in range(40)
    ]
    path = tmp_path / "tweets.js"
    path.write_text("window.YTD.tweets.part0 = [\n" + ",\n".join(json.dumps(x, ensure_ascii=False)
                    for x in items) + "\n]", encoding="utf-8")
    report = import_file(store, path)
    assert report.inserted == 40
    post = store.get_post("x", "39")
    assert post is not None and post.metrics.likes == 39 and post.text.endswith("\U0001f600")
    items[33]["tweet"]["created_at"] = "yesterday"
    path.write_text("window.YTD.tweets.part0 = [\n" + ",\n".join(json.dumps(x) for x in items)
                    + "\n]", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_file(store, path)
    assert (info.value.line, info.value.field) == (35, "created_at")


_TWEET = json.dumps(
    {"tweet": {"id_str": "1", "full_text": "hi", "created_at": "Wed Oct 10 20:19:24 +0000 2018"}}
)


@pytest.mark.parametrize(
    ("body", "reason", "line"),
    [
        ("window.YTD.like.part0 = []", "not an X archive tweets file", 1),
        ("window.YTD.tweets.part0 = {}", "expected '['", 1),
        ("window.YTD.tweets.part0 = [\n" + _TWEET + " " + _TWEET + "\n]", "expected ','", 2),
        ("window.YTD.tweets.part0 = [\n" + _TWEET + ",,\n]", "unexpected ','", 2),
        ('window.YTD.tweets.part0 = [\n{"tweet": {"id_str": }}\n]', "invalid JSON", 2),
    ],
)
def test_malformed_archives(
    store: SQLiteStore, tmp_path: Path, body: str, reason: str, line: int
) -> None:
    path = tmp_path / "tweets.js"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(reason)) as info:
        import_file(store, path, fmt="x-archive")
    assert info.value.line == line
    assert store.count_posts() == 0
