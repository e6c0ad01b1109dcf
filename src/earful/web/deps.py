"""What routes depend on: the workspace, a read connection per worker thread, the writer.

SQLite in WAL mode lets readers run beside the one writer, so each worker thread reads through
its own :class:`SQLiteStore` while every write goes through the workspace's store (whose
transactions are serialized by its lock). Tests may override :func:`get_state`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import Request

if TYPE_CHECKING:
    from earful.store.sqlite import SQLiteStore
    from earful.web.security import Guard
    from earful.workspace import Workspace


class WebState:
    def __init__(self, workspace: Workspace, guard: Guard) -> None:
        self.workspace = workspace
        self.guard = guard
        self._local = threading.local()
        self._readers: list[SQLiteStore] = []
        self._lock = threading.Lock()
        self._context: Any = None
        self._cache: dict[str, tuple[float, Any]] = {}

    def cached(self, key: str, ttl: float, compute: Callable[[], Any]) -> Any:
        """``compute()``, reused for ``ttl`` seconds or until the next :meth:`changed`."""
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < ttl:
            return hit[1]
        value = compute()
        self._cache[key] = (now, value)
        return value

    def changed(self) -> None:
        """Forget cached results after a write."""
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
