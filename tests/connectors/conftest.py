"""Fixtures for connector tests: a running fake server and no-wait HTTP clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from earful.connectors.http import HttpClient

from .fakes.server import FakeServer


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as srv:
        yield srv


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait the HTTP layer asked for (tests never really sleep)."""
    return []


@pytest.fixture
def make_http(sleeps: list[float]) -> Iterator[object]:
    clients: list[HttpClient] = []

    def make(source: str, base_url: str, **kw: object) -> HttpClient:
        kw.setdefault("timeout", 1.0)
        client = HttpClient(source, base_url=base_url, sleep=sleeps.append, **kw)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()
