"""Incremental collection: pull each (watch, source) from its cursor, one transaction per page.

Every page's posts, its new cursor and the source's counters are committed together, so a
process killed at any moment resumes from the last committed page: nothing is lost (the
cursor never runs ahead of the stored posts) and nothing is duplicated (posts are keyed by
``(source, id)``; a page fetched twice only updates them).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from earful.errors import ConfigError, ConnectorError, InputError

if TYPE_CHECKING:
    from earful.config import Config
    from earful.connectors.base import BaseConnector, Query
    from earful.store.sqlite import SQLiteStore
    from earful.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    """One (watch, source) pair to pull."""

    watch: str
    query: str
    source: str


@dataclass(slots=True)
class SyncResult:
    watch: str
    source: str
    pages: int = 0
    inserted: int = 0
    updated: int = 0
    items_read: int = 0
    requests: int = 0
    error: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "watch": self.watch,
            "source": self.source,
            "pages": self.pages,
            "inserted": self.inserted,
            "updated": self.updated,
            "items_read": self.items_read,
            "requests": self.requests,
            "error": self.error,
        }


PageCallback = Callable[[SyncResult], None]


def adhoc_watch_name(query: str) -> str:
    """The cursor key of an ad-hoc ``--query``: ``adhoc:`` + a hash of the query text."""
    digest = hashlib.sha256(" ".join(query.split()).encode("utf-8")).hexdigest()[:12]
    return f"adhoc:{digest}"


def plan(
    config: Config,
    watches: Iterable[str] = (),
    *,
    source: str | None = None,
    query: str | None = None,
) -> list[Job]:
    """The (watch, source) jobs for ``earful sync``: named watches (default all) or one query."""
    from earful.connectors import REGISTRY

    if source is not None and source not in REGISTRY:
        raise ConfigError("--source", f"unknown source {source!r} (known: {', '.join(REGISTRY)})")
    if query is not None:
        sources = [source] if source else _default_sources(config)
        return [Job(adhoc_watch_name(query), query, s) for s in sources]
    names = list(watches)
    chosen = [config.watch(n) for n in names] if names else list(config.watches)
    jobs: list[Job] = []
    for name, watch in zip(names or [w.name for w in config.watches], chosen, strict=True):
        if watch is None:
            known = ", ".join(w.name for w in config.watches) or "none"
            raise ConfigError("watches", f"no watch named {name!r} (known: {known})")
        for s in watch.sources or _default_sources(config):
            if source is None or s == source:
                jobs.append(Job(watch.name, watch.query, s))
    if not jobs:
        raise ConfigError("watches", "nothing to sync: add [[watches]] or pass --query")
    return jobs


def _default_sources(config: Config) -> list[str]:
    sources = list(config.sources)
    if not sources:
        raise ConfigError("sources", "no sources configured; add a [sources.NAME] table")
    return sources


def sync_job(
    store: SQLiteStore,
    connector: BaseConnector,
    watch: str,
    query: Query,
    *,
    stop: threading.Event | None = None,
    on_page: PageCallback | None = None,
) -> SyncResult:
    """Pull one (watch, source) from its cursor; a connector error is recorded, not raised."""
    from earful.store import posts as store_posts
    from earful.store import syncstate

    source = connector.name
    result = SyncResult(watch, source)
    cursor = store.get_cursor(watch, source)
    http = connector.http
    seen_requests = http.stats.requests
    try:
        for page in connector.fetch(query, cursor):
            requests = http.stats.requests - seen_requests
            seen_requests = http.stats.requests
            rate = http.stats.rate_limit.as_dict() if http.stats.rate_limit else None
            quota = page.items_read if connector.quota_unit else 0
            with store.transaction() as conn:
                counts = store_posts.upsert_posts(conn, page.posts)
                if page.cursor is not None:
                    syncstate.set_cursor(conn, watch, source, page.cursor)
                syncstate.add_progress(
                    conn,
                    source,
                    posts=counts.inserted,
                    requests=requests,
                    quota=quota,
                    rate_limit=rate,
                )
            result.pages += 1
            result.inserted += counts.inserted
            result.updated += counts.updated
            result.items_read += page.items_read
            result.requests += requests
            if on_page is not None:
                on_page(result)
            if stop is not None and stop.is_set():
                break
    except (ConnectorError, InputError, ConfigError) as exc:
        message = http.redact(str(exc) if isinstance(exc, ConnectorError) else f"{source}: {exc}")
        result.error = message
        log.warning("%s/%s: %s", watch, source, message)
        rate = http.stats.rate_limit.as_dict() if http.stats.rate_limit else None
        with store.transaction() as conn:
            syncstate.record_error(
                conn,
                source,
                message,
                requests=http.stats.requests - seen_requests,
                rate_limit=rate,
            )
        result.requests += http.stats.requests - seen_requests
        return result
    with store.transaction() as conn:
        syncstate.add_progress(conn, source, requests=http.stats.requests - seen_requests)
        syncstate.record_success(conn, source)
    result.requests += http.stats.requests - seen_requests
    return result


def sync(
    ws: Workspace,
    watches: Iterable[str] = (),
    *,
    source: str | None = None,
    query: str | None = None,
    env: Mapping[str, str] | None = None,
    stop: threading.Event | None = None,
    on_page: PageCallback | None = None,
) -> list[SyncResult]:
    """``earful sync``: every planned (watch, source), one after the other."""
    from earful.connectors.base import Query

    jobs = plan(ws.config, watches, source=source, query=query)
    context = ws.query_context()
    connectors: dict[str, BaseConnector] = {}
    results = []
    try:
        for job in jobs:
            if stop is not None and stop.is_set():
                break
            connector = connectors.get(job.source)
            if connector is None:
                connector = connectors[job.source] = build_connector(ws.config, job.source, env)
            parsed = Query.parse(job.query, context)
            results.append(
                sync_job(ws.store(), connector, job.watch, parsed, stop=stop, on_page=on_page)
            )
    finally:
        for connector in connectors.values():
            connector.close()
    return results


def build_connector(
    config: Config, source: str, env: Mapping[str, str] | None = None
) -> BaseConnector:
    from earful.config import SourceSettings
    from earful.connectors import make_connector

    settings = config.sources.get(source) or SourceSettings(name=source)
    return make_connector(source, settings, env)


__all__ = ["Job", "SyncResult", "adhoc_watch_name", "build_connector", "plan", "sync", "sync_job"]


# -- earful watch ----------------------------------------------------------------------------
@dataclass(slots=True)
class WatchCounts:
    """Live counters of ``earful watch`` per (watch, source)."""

    inserted: int = 0
    polls: int = 0
    streaming: bool = False
    reconnects: int = 0
    error: str | None = None


def watch(
    ws: Workspace,
    watches: Iterable[str] = (),
    *,
    env: Mapping[str, str] | None = None,
    stop: threading.Event | None = None,
    max_seconds: float | None = None,
    once: bool = False,
    on_change: Callable[[dict[tuple[str, str], WatchCounts]], None] | None = None,
    after_round: Callable[[], None] | None = None,
) -> dict[tuple[str, str], WatchCounts]:
    """``earful watch``: poll each (watch, source) on its interval and keep streams open.

    Streams run in threads for sources that support them and have ``stream = true``; a dropped
    stream reconnects with jittered backoff. Returns when ``stop`` is set, after
    ``max_seconds``, or (``once``) after one poll of every job; pages already fetched are
    committed, so stopping at any moment loses nothing. ``after_round`` runs after each pass
    over the due jobs (the CLI labels new posts and sends due alerts there).
    """
    import time

    from earful.connectors.base import Query

    stop = stop or threading.Event()
    jobs = plan(ws.config, watches)
    context = ws.query_context()
    store = ws.store()
    connectors = {s: build_connector(ws.config, s, env) for s in {j.source for j in jobs}}
    counts = {(j.watch, j.source): WatchCounts() for j in jobs}
    changed = on_change or (lambda _c: None)
    threads = []
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    try:
        for job in jobs:
            connector = connectors[job.source]
            if not once and hasattr(connector, "stream") and connector.option("stream", False):
                query = Query.parse(job.query, context)
                thread = threading.Thread(
                    target=_stream_loop,
                    args=(store, connector, query, counts[(job.watch, job.source)], stop, changed),
                    name=f"earful-stream-{job.source}",
                    daemon=True,
                )
                counts[(job.watch, job.source)].streaming = True
                threads.append(thread)
                thread.start()
        due = {job: 0.0 for job in jobs if not counts[(job.watch, job.source)].streaming}
        while not stop.is_set() and due:
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                break
            for job, when in sorted(due.items(), key=lambda kv: kv[1]):
                if when > now or stop.is_set():
                    continue
                connector = connectors[job.source]
                result = sync_job(
                    store, connector, job.watch, Query.parse(job.query, context), stop=stop
                )
                c = counts[(job.watch, job.source)]
                c.inserted += result.inserted
                c.polls += 1
                c.error = result.error
                changed(counts)
                due[job] = time.monotonic() + connector.interval
            if after_round is not None:
                after_round()
            if once:
                break
            wait = min(due.values()) - time.monotonic()
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
            stop.wait(max(0.05, min(wait, 1.0)))
        if not once and not due and threads:
            stop.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        for connector in connectors.values():
            connector.close()
    return counts


def _stream_loop(
    store: SQLiteStore,
    connector: BaseConnector,
    query: Query,
    counts: WatchCounts,
    stop: threading.Event,
    changed: Callable[[dict[tuple[str, str], WatchCounts]], None],
) -> None:
    """Read a stream until ``stop``; reconnect with backoff after drops and errors."""
    from earful.store import posts as store_posts
    from earful.store import syncstate

    attempt = 0
    stream = getattr(connector, "stream")  # noqa: B009  (checked by the caller)
    while not stop.is_set():
        try:
            for post in stream(query):
                attempt = 0
                with store.transaction() as conn:
                    inserted = store_posts.upsert_posts(conn, [post]).inserted
                    syncstate.add_progress(
                        conn, connector.name, posts=inserted, quota=1 if connector.quota_unit else 0
                    )
                counts.inserted += inserted
                counts.error = None
                if stop.is_set():
                    return
            counts.error = "stream ended"
        except (ConnectorError, InputError) as exc:
            counts.error = connector.http.redact(str(exc))
            with store.transaction() as conn:
                syncstate.record_error(conn, connector.name, counts.error)
        counts.reconnects += 1
        stop.wait(connector.http.backoff(min(attempt, 8)))
        attempt += 1


__all__ += ["WatchCounts", "watch"]
