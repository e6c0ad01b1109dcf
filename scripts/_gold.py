"""Gold label rows for evaluation workspaces (demo truth -> the store's labels table)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

KIND_TYPES = {
    "bug": "bug",
    "planted_issue": "bug",
    "feature_request": "feature_request",
    "complaint": "complaint",
    "praise": "praise",
    "question": "question",
}


def label_rows(rowid: int, truth: Any, product_names: list[str]) -> list[tuple[Any, ...]]:
    ts = datetime.now(UTC).isoformat()
    rows: list[tuple[Any, ...]] = [
        (rowid, "sentiment", truth.sentiment, 1.0),
        (rowid, "spam", "true" if truth.spam else "false", 1.0),
    ]
    if truth.kind in KIND_TYPES:
        rows.append((rowid, "type", KIND_TYPES[truth.kind], 1.0))
    for name in product_names:
        rows.append((rowid, f"relevant:{name}", "true" if truth.product == name else "false", 1.0))
    return [(*r, "gold", "1", ts) for r in rows]


def write_gold(store: Any, pairs: list[tuple[dict[str, Any], Any]], products: list[str]) -> int:
    rows = []
    for post, truth in pairs:
        rowid = store.post_rowid(post["source"], post["id"])
        if rowid is not None:
            rows += label_rows(rowid, truth, products)
    with store.transaction() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO labels (post_rowid, field, value, score, labeller, version,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)
