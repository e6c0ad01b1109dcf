from __future__ import annotations

from pathlib import Path

import pytest

from earful.store import open_store
from earful.store.sqlite import SQLiteStore
from tests.conftest import make_post


def test_wal_mode_and_migrations_recorded(store: SQLiteStore, tmp_path: Path) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in store.conn.execute("SELECT name FROM migrations")]
    assert "0001_core" in names
    store.close()
    # Reopening applies nothing twice.
    again = open_store(tmp_path / "earful.db")
    assert [r[0] for r in again.conn.execute("SELECT name FROM migrations")] == names
    again.close()


def test_same_post_twice_is_updated_not_duplicated(store: SQLiteStore) -> None:
    first = make_post(id="7", text="first #old", metrics={"likes": 1},
                      author={"id": "a1", "handle": "jane", "followers": 5})
    assert store.upsert_posts([first]).inserted == 1
    second = make_post(id="7", text="second #new", metrics={"likes": 9},
                       author={"id": "a1", "handle": "jane", "followers": 8})
    counts = store.upsert_posts([second])
    assert (counts.inserted, counts.updated) == (0, 1)
    assert store.count_posts() == 1
    got = store.get_post("x", "7")
    assert got is not None
    assert got.text == "second #new" and got.metrics.likes == 9
    assert got.author is not None and got.author.followers == 8
    entities = store.conn.execute("SELECT kind, value FROM post_entities").fetchall()
    assert entities == [("hashtag", "new")]
    fts = store.conn.execute(
        "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'first'"
    ).fetchone()[0]
    assert fts == 0
    assert store.conn.execute(
        "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'second'"
    ).fetchone()[0] == 1


def test_same_post_twice_in_one_batch(store: SQLiteStore) -> None:
    counts = store.upsert_posts([make_post(id="1"), make_post(id="1"), make_post(id="2")])
    assert (counts.inserted, counts.updated) == (2, 1)
    assert store.count_posts() == 2


def test_same_id_on_two_sources_are_two_posts(store: SQLiteStore) -> None:
    store.upsert_posts([make_post(source="x", id="1"), make_post(source="hn", id="1")])
    assert store.count_posts() == 2


def test_failed_write_leaves_database_unchanged(store: SQLiteStore) -> None:
    store.upsert_posts([make_post(id="1", text="kept")])

    def posts() -> object:
        yield make_post(id="1", text="changed")
        yield make_post(id="2")
        raise RuntimeError("boom half-way")

    with pytest.raises(RuntimeError):
        store.upsert_posts(posts())  # type: ignore[arg-type]
    assert store.count_posts() == 1
    got = store.get_post("x", "1")
    assert got is not None and got.text == "kept"


def test_nested_transactions_join_the_outer_one(store: SQLiteStore) -> None:
    with pytest.raises(ValueError), store.transaction():
        store.upsert_posts([make_post(id="1")])
        raise ValueError
    assert store.count_posts() == 0


def test_raw_payload_kept(store: SQLiteStore) -> None:
    store.upsert_posts([make_post(id="5", extra_field={"nested": True})])
    raw = store.get_raw("x", "5")
    assert raw is not None and '"nested": true' in raw


def test_stats_by_source_and_day(store: SQLiteStore) -> None:
    store.upsert_posts(
        [
            make_post(id="1", created_at="2026-11-01T23:59:59Z"),
            make_post(id="2", created_at="2026-11-02T00:00:00Z"),
            make_post(source="hn", id="3", created_at="2026-11-02T05:00:00Z"),
        ]
    )
    assert store.stats() == [
        ("x", "2026-11-01", 1),
        ("hn", "2026-11-02", 1),
        ("x", "2026-11-02", 1),
    ]


def test_iter_posts_pages_through_everything(store: SQLiteStore) -> None:
    store.upsert_posts([make_post(id=str(i)) for i in range(25)])
    ids = [p.id for _r, p in store.iter_posts(None, batch=7)]
    assert sorted(ids, key=int) == [str(i) for i in range(25)]


def test_full_text_index_stays_consistent_with_repeats(store: SQLiteStore) -> None:
    posts = [make_post(id=str(i % 7), text=f"version {i} of the text") for i in range(40)]
    counts = store.upsert_posts(posts)
    assert (counts.inserted, counts.updated) == (7, 33)
    store.conn.execute("INSERT INTO posts_fts (posts_fts) VALUES ('integrity-check')")
    hits = store.conn.execute(
        "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH '\"version 39\"'"
    ).fetchone()[0]
    assert hits == 1


def test_rowids_are_time_ordered(store: SQLiteStore) -> None:
    store.upsert_posts(
        [
            make_post(id="late", created_at="2026-11-03T00:00:00Z"),
            make_post(id="early", created_at="2026-11-01T00:00:00Z"),
            make_post(id="mid", created_at="2026-11-02T00:00:00Z"),
        ]
    )
    ids = [p.id for p in store.search("hello", limit=10)]
    assert ids == ["late", "mid", "early"]
    assert [p.id for p in store.search("hello", order="oldest")] == ["early", "mid", "late"]
    assert [p.id for p in store.search("-nothing", limit=2)] == ["late", "mid"]
