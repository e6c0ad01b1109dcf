"""Helpers shared by the Bluesky, Mastodon and Reddit connector tests."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from earful.config import SourceSettings
from earful.connectors.base import BaseConnector, Cursor, Query
from earful.connectors.http import HttpClient
from earful.store.sqlite import SQLiteStore


def make(
    cls: type[BaseConnector],
    base_url: str,
    env: Mapping[str, str],
    sleeps: list[float] | None = None,
    timeout: float = 5.0,
    **options: Any,
) -> Any:
    """A connector pointed at a fake server, sleeping into ``sleeps`` instead of waiting."""
    settings = SourceSettings(name=cls.name, base_url=base_url, options=options)
    conn = cls(settings, env)
    record = sleeps if sleeps is not None else []
    conn._http = HttpClient(
        cls.name,
        base_url=conn.base_url,
        secrets=conn.secrets(),
        timeout=timeout,
        sleep=record.append,
        rng=random.Random(7),
        max_retries=3,
    )
    conn._http = _with_auth(conn, conn._http)
    return conn


def _with_auth(conn: BaseConnector, http: HttpClient) -> HttpClient:
    hook = getattr(conn, "configure_http", None)
    if hook is not None:
        hook(http)
    return http


def sync_all(
    conn: BaseConnector, query: str, store: SQLiteStore, cursor: Cursor | None = None,
    stop_after: int | None = None,
) -> tuple[Cursor | None, int]:
    """Store every page with its cursor, as the sync engine does; returns (cursor, pages)."""
    q = Query.parse(query)
    pages = 0
    for page in conn.fetch(q, cursor):
        with store.transaction():
            store.upsert_posts(page.posts)
        cursor = page.cursor
        pages += 1
        if stop_after is not None and pages >= stop_after:
            break
    return cursor, pages
