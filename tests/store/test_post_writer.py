"""The batched writer: new posts in one executemany, everything else upserted row by row."""

from __future__ import annotations

import zlib
from pathlib import Path

from earful.store.posts import PostWriter, post_key, prepare
from earful.store.sqlite import SQLiteStore
from tests.conftest import make_post


def _colliding_ids(n: int = 3) -> list[str]:
    """Ids whose post keys collide for source x in the same second (same 20-bit hash)."""
    seen: dict[int, list[str]] = {}
    i = 0
    while True:
        post_id = f"c{i}"
        spread = zlib.crc32(f"x\0{post_id}".encode()) & 0xFFFFF
        seen.setdefault(spread, []).append(post_id)
        if len(seen[spread]) == n:
            return seen[spread]
        i += 1


def _check_index(store: SQLiteStore) -> None:
    store.conn.execute("INSERT INTO posts_fts (posts_fts) VALUES ('integrity-check')")


def test_colliding_keys_in_one_batch_get_distinct_rowids(store: SQLiteStore) -> None:
    ids = _colliding_ids()
    posts = [make_post(id=i, text=f"collide {i}") for i in ids]
    assert len({post_key(int(p.created_at.timestamp()), "x", p.id) for p in posts}) == 1
    counts = store.upsert_posts([*posts, make_post(id="other")])
    assert (counts.inserted, counts.updated) == (4, 0)
    rowids = {store.post_rowid("x", i) for i in ids}
    assert len(rowids) == 3
    _check_index(store)
    assert sorted(p.id for p in store.search("collide", limit=10)) == sorted(ids)


def test_new_post_colliding_with_a_stored_one(store: SQLiteStore) -> None:
    first, second, _ = _colliding_ids()
    store.upsert_posts([make_post(id=first, text="stored #a")])
    counts = store.upsert_posts(
        [
            make_post(id="n1"),
            make_post(id=second, text="new #b"),
            make_post(id=first, text="stored again #c"),
        ]
    )
    assert (counts.inserted, counts.updated) == (2, 1)
    assert store.count_posts() == 3
    _check_index(store)
    assert [p.id for p in store.search("new")] == [second]
    assert [p.id for p in store.search("#c")] == [first]
    assert store.search("#a") == []


def test_one_writer_over_many_batches(store: SQLiteStore) -> None:
    """Repeats across batches, before and after the index is fed, keep exact counts."""
    batches = [
        [make_post(id=str(i), text=f"round {r} post {i} #r{r}") for i in range(r, r + 30)]
        for r in range(0, 90, 10)
    ]
    with store.transaction() as conn:
        writer = PostWriter(conn)
        for batch in batches:
            writer.write([prepare(p) for p in batch])
        counts = writer.close()
    assert (counts.inserted, counts.updated) == (110, 160)
    assert store.count_posts() == 110
    _check_index(store)
    assert [p.text for p in store.search('"post 45"')] == ["round 40 post 45 #r40"]
    assert len(store.search("#r80", limit=100)) == 30
    assert sorted(int(p.id) for p in store.search("#r30", limit=100)) == list(range(30, 40))


def test_colliding_post_repeated_in_its_batch_keeps_the_last_version(store: SQLiteStore) -> None:
    first, second, _ = _colliding_ids()
    counts = store.upsert_posts(
        [
            make_post(id=first, text="first"),
            make_post(id=second, text="second old #old"),
            make_post(id=second, text="second new #new"),
        ]
    )
    assert (counts.inserted, counts.updated) == (2, 1)
    got = store.get_post("x", second)
    assert got is not None and got.text == "second new #new"
    _check_index(store)
    assert [p.id for p in store.search("#new")] == [second]
    assert store.search("old") == []


def test_existing_posts_are_found_in_large_batches_and_odd_ids(store: SQLiteStore) -> None:
    posts = [make_post(id=f"{i}\x00é\u2028\"'\\") for i in range(1200)]
    assert store.upsert_posts(posts).inserted == 1200
    counts = store.upsert_posts(posts)  # one batch of 1200 > the ids per lookup
    assert (counts.inserted, counts.updated) == (0, 1200)
    assert store.count_posts() == 1200


def test_import_raises_the_page_cache_and_puts_it_back(tmp_path: Path) -> None:
    from earful.importers import import_file
    from earful.importers.base import IMPORT_CACHE_KIB
    from earful.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    store = ws.store()
    (before,) = store.conn.execute("PRAGMA cache_size").fetchone()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(store.conn.execute("PRAGMA cache_size").fetchone()[0])

    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"source": "x", "id": "1", "created_at": "2026-11-01T00:00:00Z", "text": "hi"}\n',
        encoding="utf-8",
    )
    import_file(store, src, fmt="jsonl", progress=progress)
    assert -IMPORT_CACHE_KIB in seen
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == before
