"""Results kept under the data watermark: a second call is served from the store, and any new
post, label or correction makes the next call recompute."""

from __future__ import annotations

import sqlite3
import time

from earful.engage.digest import build_digest
from earful.engage.experts import experts
from earful.store.engage import cache_put, data_watermark, remember
from earful.workspace import Workspace
from tests.engage.conftest import END, add_label, author, post


def _cached(ws: Workspace, name: str) -> int:
    row = (
        ws.store()
        .conn.execute("SELECT count(*) FROM result_cache WHERE name = ?", (name,))
        .fetchone()
    )
    return int(row[0])


def _seed(ws: Workspace) -> None:
    guru = author("guru", followers=5000, bio="metrics and dashboards")
    fan = author("fan")
    ws.store().upsert_posts(
        [
            post("1", "Dashboards need fewer metrics", guru, hours_ago=10),
            post("2", "@guru so true about metrics", fan, hours_ago=9),
        ]
    )


def test_second_call_is_served_from_the_cache(ws: Workspace) -> None:
    _seed(ws)
    first = experts(ws.store(), "metrics", ws.config, now=END, days=7)
    assert _cached(ws, "experts") == 1
    # poison the stored value: a served hit must return it unchanged
    conn = ws.store().conn
    conn.execute("UPDATE result_cache SET value = '[]' WHERE name = 'experts'")
    assert experts(ws.store(), "metrics", ws.config, now=END, days=7) == []
    conn.execute("DELETE FROM result_cache")
    again = experts(ws.store(), "metrics", ws.config, now=END, days=7)
    assert again == first
    assert [p.handle for p in first][:1] == ["guru"]


def test_new_post_after_cached_result_shows_up(ws: Workspace) -> None:
    _seed(ws)
    before = experts(ws.store(), "metrics", ws.config, now=END, days=7, limit=None)
    assert "newcomer" not in {p.handle for p in before}
    ws.store().upsert_posts(
        [post("3", "My take on metrics for dashboards", author("newcomer"), hours_ago=1)]
    )
    after = experts(ws.store(), "metrics", ws.config, now=END, days=7, limit=None)
    assert "newcomer" in {p.handle for p in after}


def test_label_and_correction_invalidate(ws: Workspace) -> None:
    _seed(ws)
    spam = post("3", "Buy metrics followers now", author("seller"), hours_ago=1)
    ws.store().upsert_posts([spam])
    people = {p.handle for p in experts(ws.store(), "metrics", ws.config, now=END, days=7)}
    assert "seller" in people
    mark = data_watermark(ws.store().conn)
    add_label(ws, spam, "spam", "true")
    assert data_watermark(ws.store().conn) != mark
    people = {p.handle for p in experts(ws.store(), "metrics", ws.config, now=END, days=7)}
    assert "seller" not in people
    rowid = ws.store().post_rowid("x", "3")
    assert rowid is not None
    ws.store().set_correction(rowid, "spam", ["false"])  # the user says: not spam
    people = {p.handle for p in experts(ws.store(), "metrics", ws.config, now=END, days=7)}
    assert "seller" in people


def test_digest_sees_a_new_question_after_a_cached_digest(ws: Workspace) -> None:
    _seed(ws)
    build_digest(ws.store(), ws.config, now=END, insights=False)
    ws.store().upsert_posts(
        [post("9", "Anyone know a good widgetry alternative for metrics?", author("q"), 0.5)]
    )
    digest = build_digest(ws.store(), ws.config, now=END, insights=False)
    assert any(i.section in ("question", "lead") and "@q" in i.title for i in digest.items)


def test_busy_store_does_not_wait_and_just_recomputes(ws: Workspace) -> None:
    other = sqlite3.connect(ws.store().path, timeout=30)
    other.execute("BEGIN IMMEDIATE")  # another process is writing (an import, say)
    try:
        start = time.perf_counter()
        assert remember(ws.store().conn, "t", "k", lambda: 3, lambda v: v, int) == 3
        assert time.perf_counter() - start < 2.0  # did not wait out the 30 s busy timeout
    finally:
        other.rollback()
        other.close()
    assert _cached(ws, "t") == 0
    assert ws.store().conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000


def test_busy_or_read_only_store_just_recomputes(ws: Workspace) -> None:
    conn = ws.store().conn
    conn.execute("BEGIN")  # another transaction open on this connection: the put is refused
    try:
        assert not cache_put(conn, "t", "k", "w", "1", "now")
        calls = []
        value = remember(conn, "t", "k", lambda: calls.append(1) or 5, lambda v: v, int)
        assert value == 5 and calls == [1]
    finally:
        conn.execute("ROLLBACK")
    assert _cached(ws, "t") == 0
    ro = sqlite3.connect(f"file:{ws.store().path}?mode=ro", uri=True)
    try:
        assert remember(ro, "t", "k", lambda: 7, lambda v: v, int) == 7
    finally:
        ro.close()
