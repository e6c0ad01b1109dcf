"""The web app's cache: reuse, background refresh after the TTL, one computation per miss,
writes invalidate; the factory for uvicorn workers; store reads behind the charts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from earful.errors import ConfigError
from earful.web.deps import WebState
from earful.web.security import Guard
from earful.workspace import Workspace


@pytest.fixture
def state(demo_dir: Path) -> WebState:
    return WebState(Workspace.open(demo_dir), Guard())


def test_cached_reuses_then_refreshes_in_the_background(state: WebState) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert state.cached("k", 60, compute) == 1
    assert state.cached("k", 60, compute) == 1 and len(calls) == 1
    assert state.cached("k", 0, compute) == 1  # stale value served at once ...
    deadline = time.monotonic() + 5
    while state.cached("k", 60, compute) != 2:  # ... and replaced by the background refresh
        assert time.monotonic() < deadline
        time.sleep(0.01)
    state.changed()
    assert state.cached("k", 60, compute) == 3  # a write forgets cached values
    state.close()


def test_concurrent_misses_compute_once(state: WebState) -> None:
    calls: list[int] = []
    gate = threading.Event()

    def slow() -> str:
        calls.append(1)
        gate.wait(5)
        return "v"

    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(state.cached("s", 60, slow)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    time.sleep(0.1)
    gate.set()
    for t in threads:
        t.join(5)
    assert results == ["v"] * 8 and len(calls) == 1
    state.close()


def test_a_write_during_computation_is_not_cached(state: WebState) -> None:
    def racing() -> str:
        state.changed()  # a triage action lands while the digest is being built
        return "old"

    assert state.cached("r", 60, racing) == "old"
    assert state.cached("r", 60, lambda: "new") == "new"
    state.close()


def test_factory_reads_the_workspace_from_the_environment(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from earful.web.app import factory

    monkeypatch.delenv("EARFUL_WORKSPACE", raising=False)
    with pytest.raises(ConfigError, match="EARFUL_WORKSPACE"):
        factory()
    monkeypatch.setenv("EARFUL_WORKSPACE", str(demo_dir))
    monkeypatch.setenv("EARFUL_TOKEN", "t" * 20)
    with TestClient(factory(), base_url="http://127.0.0.1") as client:
        assert client.get("/api/v1/sources").status_code == 401
        ok = client.get("/api/v1/sources", headers={"Authorization": "Bearer " + "t" * 20})
        assert ok.status_code == 200


def test_series_links_and_label_values_come_from_the_store(demo_dir: Path) -> None:
    from earful.store import open_store

    store = open_store(demo_dir / "earful.db")
    try:
        series = store.timeseries("acme", days=30)
        assert len(series["days"]) == 30 and series["days"] == sorted(series["days"])
        in_window = sum(n for per in series["volume"].values() for n in per.values())
        assert 0 < in_window <= store.count("acme")
        assert sum(n for per in series["sentiment"].values() for n in per.values()) == in_window
        assert ("sentiment", "neutral") in store.label_values()
        rowid = store.post_rowid("x", "no-such-post") or -1
        assert store.links_of([rowid]) == {rowid: []}
    finally:
        store.close()
