"""Links of stored posts: collect them, expand the ones not fetched yet, store the results.

Expansion runs on a bounded thread pool (``workers``, default 8) sharing one guarded client.
Politeness is per host: at most ``per_host`` requests to a host at a time, ``interval`` seconds
apart. The host is that of the link as posted (a short-link service gets the same care).
Results are written from the calling thread as they arrive, so an interruption keeps what was
fetched; a link fetched once is not fetched again unless ``refresh`` is set.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from earful.links.expand import FetchOptions, LinkResult, fetch_link
from earful.links.extract import links_of_post

if TYPE_CHECKING:
    import httpx

    from earful.links.guard import AddressPolicy
    from earful.store.links import LinkRow
    from earful.store.sqlite import SQLiteStore

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class LinksReport:
    posts: int = 0
    links: list[str] = field(default_factory=list)
    new: int = 0
    fetched: int = 0
    failed: int = 0


class HostThrottle:
    """At most ``per_host`` concurrent requests per host, starting ``interval`` seconds apart."""

    def __init__(self, per_host: int = 2, interval: float = 0.25) -> None:
        self.per_host = per_host
        self.interval = interval
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            sem = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        with sem:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next.get(host, now))
                self._next[host] = start + self.interval
            if start > now:
                time.sleep(start - now)
            yield


def collect_links(
    store: SQLiteStore, query: str | None = None, *, context: Any = None
) -> LinksReport:
    """Record the links of every post matching ``query`` (all posts when None)."""
    from earful.store import links as db

    db.ensure_schema(store.conn)
    report = LinksReport()
    seen: dict[str, None] = {}
    with store.transaction() as conn:
        for rowid, post in store.iter_posts(query, context=context):
            urls = links_of_post(post)
            report.posts += 1
            report.new += db.record_post_links(conn, rowid, urls)
            for url in urls:
                seen.setdefault(url, None)
    report.links = list(seen)
    return report


def expand_links(
    store: SQLiteStore,
    urls: list[str],
    *,
    policy: AddressPolicy,
    options: FetchOptions | None = None,
    refresh: bool = False,
    workers: int = 8,
    throttle: HostThrottle | None = None,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Fetch those of ``urls`` not fetched yet and store them; returns (fetched, failed)."""
    from earful.links.guard import guarded_client
    from earful.store import links as db

    db.ensure_schema(store.conn)
    todo = db.unfetched(store.conn, urls, refresh=refresh)
    if not todo:
        return 0, 0
    gate = throttle or HostThrottle()
    own = client is None
    http = client if client is not None else guarded_client(policy)

    def one(url: str) -> LinkResult:
        with gate.slot(urlsplit(url).hostname or ""):
            return fetch_link(http, url, options)

    done = failed = 0
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            pending: set[Future[LinkResult]] = set()
            queue = iter(todo)
            for url in queue:  # keep at most 2 * workers in flight
                pending.add(pool.submit(one, url))
                if len(pending) >= 2 * workers:
                    break
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                with store.transaction() as conn:
                    for future in finished:
                        result = future.result()
                        db.save_result(conn, result)
                        done += 1
                        failed += result.error is not None
                for url in queue:
                    pending.add(pool.submit(one, url))
                    if len(pending) >= 2 * workers:
                        break
                if progress is not None:
                    progress(done, len(todo))
    finally:
        if own:
            http.close()
    return done, failed


def process_links(
    store: SQLiteStore,
    query: str | None = None,
    *,
    context: Any = None,
    expand: bool = False,
    policy: AddressPolicy | None = None,
    options: FetchOptions | None = None,
    refresh: bool = False,
    workers: int = 8,
    progress: Progress | None = None,
) -> tuple[LinksReport, list[LinkRow]]:
    """Collect the links of matching posts, expand them when asked, return their stored rows."""
    from earful.links.guard import AddressPolicy
    from earful.store import links as db

    report = collect_links(store, query, context=context)
    if expand:
        report.fetched, report.failed = expand_links(
            store,
            report.links,
            policy=policy or AddressPolicy(),
            options=options,
            refresh=refresh,
            workers=workers,
            progress=progress,
        )
    return report, db.get_links(store.conn, report.links)
