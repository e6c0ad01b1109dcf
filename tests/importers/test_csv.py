"""CSV import with --map: field mapping, timestamps, mangled ids, header errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.errors import InputError
from earful.importers import import_file, parse_mapping
from earful.importers.csv import parse_csv_time
from earful.store.sqlite import SQLiteStore
from tests.importers.conftest import Snapshot

AIRLINE_MAP = [
    "id=tweet_id",
    "created_at=tweet_created",
    "author.handle=name",
    "metrics.reposts=retweet_count",
]


def test_parse_mapping() -> None:
    assert parse_mapping(["text=body", " author.handle = user "]) == {
        "text": "body",
        "author.handle": "user",
    }
    for bad, field in (("text", "text"), ("=body", None), ("text=", "text"),
                       ("colour=c", "colour"), ("metrics.views=v", "metrics.views")):
        with pytest.raises(InputError) as info:
            parse_mapping([bad])
        assert info.value.field == field
    with pytest.raises(InputError, match="mapped twice"):
        parse_mapping(["text=a", "text=b"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-02-24 11:35:52 -0800", datetime(2015, 2, 24, 19, 35, 52, tzinfo=UTC)),
        ("2015-02-24 11:35 +05:30", datetime(2015, 2, 24, 6, 5, tzinfo=UTC)),
        ("2015-02-24 11:35:52", datetime(2015, 2, 24, 11, 35, 52, tzinfo=UTC)),
        ("2015-02-24T19:35:52Z", datetime(2015, 2, 24, 19, 35, 52, tzinfo=UTC)),
        ("2015-02-24T19:35:52.5+00:00", datetime(2015, 2, 24, 19, 35, 52, 500000, tzinfo=UTC)),
        ("Wed Oct 10 20:19:24 +0000 2018", datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)),
        ("1424806552", datetime(2015, 2, 24, 19, 35, 52, tzinfo=UTC)),
        ("1424806552000", datetime(2015, 2, 24, 19, 35, 52, tzinfo=UTC)),
    ],
)
def test_csv_time_formats(value: str, expected: datetime) -> None:
    assert parse_csv_time(value) == expected


@pytest.mark.parametrize(
    "value", ["24/02/2015", "1/7/15 15:02", "2015-13-01 10:00:00", "soon", "999999999999"]
)
def test_csv_time_rejects(value: str) -> None:
    with pytest.raises(InputError, match="unrecognised timestamp") as info:
        parse_csv_time(value)
    assert info.value.field == "created_at"


def test_mapped_csv_imports(store: SQLiteStore, fixtures: Path) -> None:
    report = import_file(
        store, fixtures / "airline.csv", mapping=parse_mapping(AIRLINE_MAP), source="x"
    )
    assert (report.inserted, report.rejected) == (4, 0)
    post = store.get_post("x", "90001")
    assert post is not None
    assert post.text == "@Skyway my bag is lost again #fail"
    assert post.created_at == datetime(2015, 2, 24, 19, 35, 52, tzinfo=UTC)
    assert post.author is not None and post.author.handle == "jo_flies"
    assert post.hashtags == ("fail",) and post.mentions == ("Skyway",)
    multi = store.get_post("x", "90003")
    assert multi is not None and multi.text == "Line one\nline two of a multi-line complaint"
    assert multi.metrics.reposts == 1
    raw = store.get_raw("x", "90003")
    assert raw is not None and json.loads(raw)["airline"] == "Skyway"
    assert store.get_post("x", "90004") is not None


def test_bad_rows_fail_with_line_and_field(
    store: SQLiteStore, fixtures: Path, snapshot: Snapshot
) -> None:
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        import_file(store, fixtures / "airline_bad.csv",
                    mapping=parse_mapping(AIRLINE_MAP), source="x")
    assert (info.value.line, info.value.field) == (3, "id")
    assert "spreadsheet" in info.value.reason
    assert snapshot(store) == before


def test_skip_bad_csv(store: SQLiteStore, fixtures: Path, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.jsonl"
    report = import_file(store, fixtures / "airline_bad.csv",
                         mapping=parse_mapping(AIRLINE_MAP), source="x", skip_bad=rejects)
    assert (report.inserted, report.rejected) == (2, 4)
    rows = [json.loads(x) for x in rejects.read_text().splitlines()]
    assert [(r["line"], r.get("field")) for r in rows] == [
        (3, "id"), (4, "metrics.reposts"), (5, "created_at"), (6, None)
    ]
    assert rows[3]["error"] == "expected 6 columns, got 5"
    source_lines = (fixtures / "airline_bad.csv").read_text().splitlines(keepends=True)
    assert [r["raw"] for r in rows] == source_lines[2:6]


def test_header_errors(store: SQLiteStore, fixtures: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        import_file(store, fixtures / "airline.csv",
                    mapping=parse_mapping([*AIRLINE_MAP, "text=body"]), source="x")
    assert (info.value.line, info.value.field) == (1, "text")
    assert "no column 'body'" in info.value.reason
    with pytest.raises(InputError, match="no column for id, created_at"):
        import_file(store, fixtures / "airline.csv", source="x")
    with pytest.raises(InputError, match="--source"):
        import_file(store, fixtures / "airline.csv", mapping=parse_mapping(AIRLINE_MAP))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty file"):
        import_file(store, empty)
    assert store.count_posts() == 0


def test_export_csv_round_trip(store: SQLiteStore, fixtures: Path, tmp_path: Path) -> None:
    """Our own export's columns map without --map."""
    import io

    from earful.exporters import export_posts

    report = import_file(store, fixtures / "export.csv")
    assert report.inserted == 2
    post = store.get_post("x", "7001")
    assert post is not None and post.author is not None
    assert (post.author.handle, post.author.name, post.metrics.likes) == ("dana_pm", "Dana", 4)
    assert post.hashtags == ("love",)
    out = io.StringIO()
    export_posts((p for _, p in store.iter_posts()), out, "csv")
    again = tmp_path / "again.csv"
    again.write_text(out.getvalue(), encoding="utf-8")
    report = import_file(store, again)
    assert (report.inserted, report.updated) == (0, 2)


def test_map_rejected_for_other_formats(store: SQLiteStore, fixtures: Path) -> None:
    with pytest.raises(InputError, match="CSV files only"):
        import_file(store, fixtures / "good.jsonl", mapping={"text": "body"})
