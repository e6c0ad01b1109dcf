"""Shared setup for sync tests: a workspace wired to fake X, HN and RSS servers."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from connectors.fakes.hn import FakeHN
from connectors.fakes.rss import FakeFeeds
from connectors.fakes.server import FakeServer, Request, Response
from connectors.fakes.x import FakeX


def workspace(root: Path, feeds: list[str], retries: int = 5) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "earful.toml").write_text(
        f"""
[workspace]
name = "t"

[[watches]]
name = "acme"
query = "acme"
sources = ["x", "hn", "rss"]

[sources.x]
max_results = 100

[sources.hn]
hits_per_page = 100
retries = {retries}

[sources.rss]
feeds = {feeds!r}
""".replace("'", '"'),
        encoding="utf-8",
    )
    return root


def env_for(x: FakeX, hn: FakeHN, token: str) -> dict[str, str]:
    return {
        "EARFUL_X_BASE_URL": x.server.url,
        "EARFUL_HN_BASE_URL": hn.base_url,
        "EARFUL_X_BEARER_TOKEN": token,
    }


def flaky(server: FakeServer, rng: random.Random, rate: float) -> None:
    """Wrap every route: with probability ``rate`` answer 503, 429 or a truncated body."""
    for key, handler in list(server.routes.items()):

        def wrapped(request: Request, handler: Any = handler) -> Response:
            roll = rng.random()
            if roll < rate / 3:
                return Response.json({"error": "unavailable"}, 503)
            if roll < 2 * rate / 3:
                return Response.json({"title": "Too Many Requests"}, 429, {"Retry-After": "0"})
            response = handler(request)
            if roll < rate and response.status == 200:
                response.body = response.body[: len(response.body) // 2]
            return response

        server.routes[key] = wrapped


__all__ = ["FakeFeeds", "FakeHN", "FakeServer", "FakeX", "env_for", "flaky", "workspace"]
