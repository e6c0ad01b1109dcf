"""Fixtures: a local HTTP server and a policy that may reach exactly that server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from earful.links.guard import AddressPolicy

from .localserver import LocalServer, fake_resolver


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer()
    yield srv
    srv.close()


@pytest.fixture
def test_policy(server: LocalServer) -> AddressPolicy:
    """Blocks private addresses except exactly this test server; fake names map to it."""
    return AddressPolicy(
        allow={("127.0.0.1", server.port)},
        resolver=fake_resolver(
            {
                "public.example": ["127.0.0.1"],
                "short.example": ["127.0.0.1"],
                "evil.example": ["127.0.0.1"],
                "metadata.example": ["169.254.169.254"],
            }
        ),
    )
