"""Earful JSONL import: mapping, errors with file/line/column/field, all-or-nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from earful.errors import InputError
from earful.importers import import_file
from earful.importers.base import ReadContext, Rejected
from earful.store.sqlite import SQLiteStore
from tests.importers.conftest import Snapshot


def test_good_file_imports_every_post(store: SQLiteStore, fixtures: Path) -> None:
    report = import_file(store, fixtures / "good.jsonl")
    assert (report.inserted, report.updated, report.rejected) == (4, 0, 0)
    post = store.get_post("x", "1001")
    assert post is not None
    assert post.author is not None and post.author.handle == "dana_pm"
    assert post.author.followers == 120
    assert post.hashtags == ("bug",) and post.mentions == ("acmehelp",)
    assert post.urls == ("https://acme.example/status",)
    assert post.metrics.likes == 3
    bsky = store.get_post("bluesky", "at://did:plc:abc/app.bsky.feed.post/3k")
    assert bsky is not None
    assert bsky.created_at.isoformat() == "2025-03-01T09:00:00+00:00"
    assert bsky.hashtags == ("Pulse",)
    reply = store.get_post("x", "1002")
    assert reply is not None and reply.reply_to is not None
    assert reply.reply_to.post_id == "1001"
    raw = store.get_raw("mastodon", "110")
    assert raw is not None and json.loads(raw)["quote_of"] == "109"
    assert store.count("#bug") == 1


def test_reimport_is_idempotent(store: SQLiteStore, fixtures: Path, snapshot: Snapshot) -> None:
    import_file(store, fixtures / "good.jsonl")
    before = snapshot(store)
    report = import_file(store, fixtures / "good.jsonl")
    assert (report.inserted, report.updated) == (0, 4)
    after = snapshot(store)
    assert store.count_posts() == 4
    assert after["entities"] == before["entities"]
    # authors: same rows, only updated_at (the last column) moves
    assert [a[:-1] for a in after["authors"]] == [a[:-1] for a in before["authors"]]
    assert [p[:8] for p in after["posts"]] == [p[:8] for p in before["posts"]]


@pytest.mark.parametrize(
    ("name", "line", "column", "field", "reason"),
    [
        ("bad_json.jsonl", 3, 68, None, "invalid JSON: Expecting ',' delimiter"),
        ("missing_field.jsonl", 2, None, "text", "missing required field"),
        ("bad_time.jsonl", 2, None, "created_at", "not an RFC 3339 timestamp"),
        ("wrong_type.jsonl", 2, None, "metrics.likes", "expected a non-negative integer"),
    ],
)
def test_bad_line_fails_with_location_and_changes_nothing(
    store: SQLiteStore,
    fixtures: Path,
    snapshot: Snapshot,
    name: str,
    line: int,
    column: int | None,
    field: str | None,
    reason: str,
) -> None:
    import_file(store, fixtures / "good.jsonl")
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        import_file(store, fixtures / name)
    err = info.value
    assert err.file == str(fixtures / name)
    assert (err.line, err.column, err.field) == (line, column, field)
    assert err.reason.startswith(reason)
    assert f"line {line}" in str(err)
    assert snapshot(store) == before


def test_naive_timestamp_and_float_id_are_rejected(
    store: SQLiteStore, fixtures: Path, tmp_path: Path
) -> None:
    rejects = tmp_path / "rejects.jsonl"
    import_file(store, fixtures / "bad_time.jsonl", skip_bad=rejects)
    import_file(store, fixtures / "wrong_type.jsonl", skip_bad=rejects)
    rows = [json.loads(x) for x in rejects.read_text().splitlines()]
    assert [(r["line"], r["field"]) for r in rows] == [(2, "metrics.likes"), (3, "id")]
    assert store.count_posts() == 2  # 4001 and 5001


def test_skip_bad_writes_rejects_and_imports_the_rest(
    store: SQLiteStore, fixtures: Path, tmp_path: Path
) -> None:
    rejects = tmp_path / "rejects.jsonl"
    report = import_file(store, fixtures / "bad_json.jsonl", skip_bad=rejects)
    assert (report.inserted, report.updated, report.rejected) == (3, 0, 1)
    assert {p.id for _, p in store.iter_posts()} == {"2001", "2002", "2004"}
    (record,) = [json.loads(x) for x in rejects.read_text().splitlines()]
    assert record["file"] == str(fixtures / "bad_json.jsonl")
    assert record["line"] == 3 and record["column"] == 68
    assert record["error"].startswith("invalid JSON")
    assert record["raw"] == (fixtures / "bad_json.jsonl").read_text().splitlines()[2]


def test_source_option_fills_missing_source(store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "nosource.jsonl"
    path.write_text(
        '{"id": "1", "created_at": "2025-01-01T00:00:00Z", "text": "hi"}\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match="field 'source'"):
        import_file(store, path)
    import_file(store, path, source="HN")
    assert store.get_post("hn", "1") is not None
    raw = store.get_raw("hn", "1")
    assert raw is not None and json.loads(raw)["source"] == "HN"  # the payload as imported


def test_raw_payload_is_the_line(store: SQLiteStore, tmp_path: Path) -> None:
    line = '{"source":"x","id":"1","created_at":"2025-01-01T00:00:00Z","text":"caf\\u00e9",  "n":1}'
    path = tmp_path / "compact.jsonl"
    path.write_text(line + "\r\n", encoding="utf-8")
    import_file(store, path)
    assert store.get_raw("x", "1") == line
    post = store.get_post("x", "1")
    assert post is not None and post.text == "café"


def test_invalid_utf8_names_line_and_column(store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    bad = b'{"source": "x", "id": "2", "created_at": "2025-01-01T00:00:00Z", "text": "caf\xe9"}'
    path.write_bytes(
        b'{"source": "x", "id": "1", "created_at": "2025-01-01T00:00:00Z", "text": "ok"}\n'
        + bad + b"\n"
    )
    with pytest.raises(InputError) as info:
        import_file(store, path)
    assert (info.value.line, info.value.column) == (2, bad.index(b"\xe9") + 1)
    assert store.count_posts() == 0


def test_progress_reports_bytes(store: SQLiteStore, fixtures: Path) -> None:
    calls: list[tuple[int, int]] = []
    import_file(store, fixtures / "good.jsonl", progress=lambda d, t: calls.append((d, t)))
    size = (fixtures / "good.jsonl").stat().st_size
    assert calls[0] == (0, size) and calls[-1] == (size, size)
    assert all(0 <= d <= t for d, t in calls)


def test_batches_commit_together(store: SQLiteStore, tmp_path: Path, snapshot: Snapshot) -> None:
    """A bad line after several full batches still rolls everything back."""
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(2500):
            fh.write(json.dumps({"source": "x", "id": str(i), "text": f"post {i} #t{i % 7}",
                                 "created_at": "2025-01-01T00:00:00Z"}) + "\n")
        fh.write('{"source": "x", "id": "bad"}\n')
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        import_file(store, path)
    assert info.value.line == 2501
    assert snapshot(store) == before
    report = import_file(store, path, skip_bad=tmp_path / "r.jsonl")
    assert (report.inserted, report.rejected) == (2500, 1)
    assert store.count("#t3") == len([i for i in range(2500) if i % 7 == 3])


POST = '{"source": "x", "created_at": "2026-01-01T00:00:00Z", "text": "t", '


@pytest.mark.parametrize(
    "line",
    [
        POST + '"id": "1", "a": 1, "a": 2}',
        POST + '"id": "1", "a": 1e400, "b": NaN, "c": -Infinity}',
        '{"id": "1", "created_at": "2026-01-01T00:00:00Z", "text": "t",'
        ' "big": 1234567890123456789012}',
        POST + '"id": "1", "a": "\\ud800"}',
        POST + '"id": 123456789012345678901234567890}',
        POST + '"id": "1", "metrics": {"likes": 98765432109876543210}}',
        POST + '"id": 18446744073709551615, "b": -9223372036854775808, "c": 1.0000000000000002}',
        POST + '"id": "1",, }',
        POST + '"id": "tab\there"}',
        POST + '"id": [1, 2}',
        "{'id': 1}",
        '"just a string"',
        POST + '"id": "1"} trailing',
    ],
)
@pytest.mark.parametrize("source", [None, "hn"])
def test_fast_json_reads_what_json_reads(
    line: str, source: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from earful.importers import jsonl

    path = tmp_path / "one.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    ctx = ReadContext(path=path, source=source)

    def outcome() -> list[object]:
        with path.open("rb") as fh:
            return [
                (item.error.reason, item.error.column) if isinstance(item, Rejected) else item
                for item in jsonl.prepare_jsonl(fh, ctx)
            ]

    fast = outcome()
    monkeypatch.setattr(jsonl, "_fast_loads", lambda: None)
    assert fast == outcome()
