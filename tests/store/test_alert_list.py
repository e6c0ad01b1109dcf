"""``list_alerts``: state, product and limit filters."""

from __future__ import annotations

from earful.store import insights as idb
from earful.store.sqlite import SQLiteStore

PRODUCTS = ("Acme Pulse", "O'Brien's \"app\"", "", "acme pulse")


def seed(store: SQLiteStore, n: int = 120) -> None:
    with store.transaction() as conn:
        idb.ensure_schema(conn)
        for i in range(n):
            alert_id, _ = idb.upsert_alert(
                conn,
                dedupe_key=f"k{i}",
                kind="novel_phrase",
                product=PRODUCTS[i % len(PRODUCTS)],
                subject=f"phrase {i}",
                severity="high",
                score=float(i % 7),  # ties, so the id tiebreak shows
                seen="2026-03-01T12:00:00+00:00",
                explanation={"phrases": [f"phrase {i}"]},
            )
            if i % 3:
                idb.set_alert_state(conn, alert_id, idb.ALERT_STATES[i % 3])


def test_product_filter_matches_filtering_every_alert(store: SQLiteStore) -> None:
    seed(store)
    conn = store.conn
    everything = idb.list_alerts(conn, idb.ALERT_STATES, limit=None)
    assert len(everything) == 120
    for product in PRODUCTS:
        got = idb.list_alerts(conn, idb.ALERT_STATES, limit=None, product=product)
        assert got == [a for a in everything if a.product == product]
        assert got and all(a.product == product for a in got)  # exact, case-sensitive
    assert idb.list_alerts(conn, idb.ALERT_STATES, limit=None, product="Nope") == []


def test_product_with_states_and_limit(store: SQLiteStore) -> None:
    seed(store)
    conn = store.conn
    new_pulse = idb.list_alerts(conn, ("new",), limit=None, product="Acme Pulse")
    assert new_pulse and {a.state for a in new_pulse} == {"new"}
    assert idb.list_alerts(conn, ("new",), limit=3, product="Acme Pulse") == new_pulse[:3]
    ranks = [(-a.score, a.id) for a in new_pulse]
    assert ranks == sorted(ranks)  # highest score first, then oldest


def test_default_limit_unchanged(store: SQLiteStore) -> None:
    seed(store)
    assert len(idb.list_alerts(store.conn, idb.ALERT_STATES)) == 50
    assert len(idb.list_alerts(store.conn, idb.ALERT_STATES, limit=1_000_000)) == 120


def test_product_filter_uses_the_product_index(store: SQLiteStore) -> None:
    seed(store, n=8)
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM alerts WHERE state IN (?, ?, ?) AND product = ?",
        (*idb.ALERT_STATES, "Acme Pulse"),
    ).fetchall()
    assert any("alerts_product" in str(row[-1]) for row in plan), plan
