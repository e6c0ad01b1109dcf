"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from earful.formats.earful_jsonl import post_from_dict
from earful.models import Post
from earful.store import open_store
from earful.store.sqlite import SQLiteStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = open_store(tmp_path / "earful.db")
    yield s
    s.close()


def make_post(**fields: Any) -> Post:
    """A valid Post from Earful JSONL fields (defaults filled in)."""
    data: dict[str, Any] = {
        "source": "x",
        "id": "1",
        "created_at": "2026-11-02T10:00:00Z",
        "text": "hello world",
    }
    data.update(fields)
    return post_from_dict(data)


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
