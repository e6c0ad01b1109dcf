"""What routes depend on: the workspace, a read connection per worker thread, the writer.

SQLite in WAL mode lets readers run beside the one writer, so each worker thread reads through
its own :class:`SQLiteStore` while every write goes through the workspace's store (whose
transactions are serialized by its lock). Tests may override :func:`get_state`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from fastapi import Request

if TYPE_CHECKING:
    from earful.store.sqlite import SQLiteStore
    from earful.web.security import Guard
    from earful.workspace import Workspace


log = logging.getLogger(__name__)


class WebState:
    def __init__(self, workspace: Workspace, guard: Guard) -> None:
        self.workspace = workspace
        self.guard = guard
        self._local = threading.local()
        self._readers: list[SQLiteStore] = []
        self._lock = threading.Lock()
        self._context: Any = None
        self._cache: dict[str, tuple[float, int, Any]] = {}
        self._computing: dict[str, threading.Lock] = {}
        self._refreshing: set[str] = set()
        self._generation = 0
        self._pool: ThreadPoolExecutor | None = None

    def cached(self, key: str, ttl: float, compute: Callable[[], Any]) -> Any:
        """``compute()``, reused until the next :meth:`changed`; after ``ttl`` seconds the old
        value is still served while one background thread computes the new one. Concurrent
        misses of one key compute it once."""
        hit = self._cache.get(key)
        if hit is not None and hit[1] == self._generation:
            if time.monotonic() - hit[0] >= ttl:
                self._refresh_later(key, compute)
            return hit[2]
        with self._lock:
            lock = self._computing.setdefault(key, threading.Lock())
        with lock:
            hit = self._cache.get(key)
            if hit is not None and hit[1] == self._generation:
                return hit[2]
            return self._compute(key, compute)

    def _compute(self, key: str, compute: Callable[[], Any]) -> Any:
        generation = self._generation
        value = compute()
        if generation == self._generation:  # no write happened meanwhile
            self._cache[key] = (time.monotonic(), generation, value)
        return value

    def _refresh_later(self, key: str, compute: Callable[[], Any]) -> None:
        with self._lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def run() -> None:
            try:
                self._compute(key, compute)
            except Exception:  # the stale value stays; the next request retries
                log.warning("refreshing %s failed", key, exc_info=True)
            finally:
                with self._lock:
                    self._refreshing.discard(key)

        self._background().submit(run)

    def _background(self) -> ThreadPoolExecutor:
        """One thread (so one read connection) for warming and refreshing caches."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="earful-cache")
            return self._pool

    def warm(self, job: Callable[[], Any]) -> Future[Any]:
        """Run ``job`` (one that fills a cache through :meth:`cached`) in the background."""

        def run() -> None:
            try:
                job()
            except Exception:
                log.warning("warming a cache failed", exc_info=True)

        return self._background().submit(run)

    def changed(self) -> None:
        """Forget cached results after a write."""
        self._generation += 1
        self._cache.clear()

    def writer(self) -> SQLiteStore:
        with self._lock:
            return self.workspace.store()

    def reader(self) -> SQLiteStore:
        store: SQLiteStore | None = getattr(self._local, "store", None)
        if store is None:
            from earful.store import open_store

            self.writer()  # creates and migrates the database once
            store = open_store(self.workspace.db_path)
            self._local.store = store
            with self._lock:
                self._readers.append(store)
        return store

    def context(self) -> Any:
        if self._context is None:
            self._context = self.workspace.query_context()
        return self._context

    def reload_config(self) -> None:
        from earful.config import load_config

        self.workspace.config = load_config(self.workspace.config_path)
        self._context = None
        self.changed()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for store in self._readers:
                store.close()
            self._readers.clear()
        self.workspace.close()


def get_state(request: Request) -> WebState:
    state: WebState = request.app.state.earful
    return state


def reader(request: Request) -> SQLiteStore:
    return get_state(request).reader()


def writer(request: Request) -> SQLiteStore:
    return get_state(request).writer()
