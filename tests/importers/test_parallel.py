"""Parsing in worker processes gives exactly what parsing in-process gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from earful.errors import InputError
from earful.importers import import_file
from earful.importers import parallel as par
from earful.store import open_store


def _write(path: Path, n: int, bad_line: int | None = None) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(1, n + 1):
            if i == bad_line:
                fh.write('{"source": "x", "id": "broken", "created_at": "nope", "text": "t"}\n')
                continue
            fh.write(json.dumps({"source": "x", "id": str(i % 900), "created_at":
                                 "2026-11-01T10:00:00Z", "text": f"post #{i} about café"}) + "\n")


def _rows(db: Path) -> list[tuple[str, str, str]]:
    store = open_store(db)
    rows = store.conn.execute("SELECT source, id, text FROM posts ORDER BY id").fetchall()
    store.close()
    return rows


def test_workers_match_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(par, "BLOCK_LINES", 50)  # many blocks in flight
    data = tmp_path / "posts.jsonl"
    _write(data, 2000)
    reports = []
    for workers in (0, 2):
        store = open_store(tmp_path / f"w{workers}.db")
        reports.append(import_file(store, data, workers=workers))
        store.close()
    assert reports[0] == reports[1]
    assert (reports[0].inserted, reports[0].updated) == (900, 1100)
    assert _rows(tmp_path / "w0.db") == _rows(tmp_path / "w2.db")


def test_worker_error_names_the_right_line(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(par, "BLOCK_LINES", 50)
    data = tmp_path / "posts.jsonl"
    _write(data, 1000, bad_line=777)
    store = open_store(tmp_path / "w.db")
    with pytest.raises(InputError) as info:
        import_file(store, data, workers=2)
    assert (info.value.line, info.value.field) == (777, "created_at")
    assert store.count_posts() == 0
    skipped = tmp_path / "rejected.jsonl"
    report = import_file(store, data, workers=2, skip_bad=skipped)
    assert report.rejected == 1
    assert json.loads(skipped.read_text())["line"] == 777
    store.close()
