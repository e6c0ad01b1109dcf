"""Helpers for the importer tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from earful.store.sqlite import SQLiteStore

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "importers"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


Snapshot = Callable[[SQLiteStore], dict[str, list[tuple[Any, ...]]]]


@pytest.fixture
def snapshot() -> Snapshot:
    return _snapshot


def _snapshot(store: SQLiteStore) -> dict[str, list[tuple[Any, ...]]]:
    """Everything an import writes, for before/after comparisons."""
    conn = store.conn
    return {
        "posts": conn.execute(
            "SELECT rowid, source, id, created_at, text, author_handle, likes, raw, updated_at"
            " FROM posts ORDER BY rowid"
        ).fetchall(),
        # updated_at last, whatever order later migrations added columns in
        "authors": conn.execute(
            "SELECT source, id, handle, handle_norm, name, bio, followers, following, posts,"
            " joined_at, updated_at FROM authors ORDER BY source, id"
        ).fetchall(),
        "entities": conn.execute("SELECT * FROM post_entities ORDER BY 1, 2, 3").fetchall(),
        "fts": conn.execute("SELECT rowid FROM posts_fts ORDER BY rowid").fetchall(),
    }
