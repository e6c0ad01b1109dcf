"""The SQLite backend: one connection per store, WAL mode, every write a transaction."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from earful.errors import StoreError
from earful.models import Post
from earful.store import posts as _posts
from earful.store.migrations import apply_migrations
from earful.store.posts import UpsertCounts

if TYPE_CHECKING:
    from earful.store.sqlquery import SearchPlan


class SQLiteStore:
    """Posts, authors, labels and sync state in one SQLite file.

    Writes go through :meth:`transaction` (``BEGIN IMMEDIATE``; nested calls join the outer
    transaction), so a failure leaves the database as it was.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from None
        self._lock = threading.RLock()
        self._depth = 0
        self._plans: dict[Any, SearchPlan] = {}
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA busy_timeout = 30000")
        self.conn.execute("PRAGMA temp_store = MEMORY")
        self.conn.execute("PRAGMA cache_size = -65536")
        apply_migrations(self.conn)

    # -- lifecycle -----------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested uses join the outermost one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                self._depth = 0
                self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self.conn.execute("COMMIT")

    # -- posts ---------------------------------------------------------------------------
    def upsert_posts(self, posts: Iterable[Post]) -> UpsertCounts:
        """Insert or update posts keyed by (source, id), all in one transaction."""
        with self.transaction() as conn:
            return _posts.upsert_posts(conn, posts)

    def get_post(self, source: str, post_id: str) -> Post | None:
        for _rowid, post in _posts.iter_rows(
            self.conn, "p.source = ? AND p.id = ?", (source, post_id)
        ):
            return post
        return None

    def get_raw(self, source: str, post_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT raw FROM posts WHERE source = ? AND id = ?", (source, post_id)
        ).fetchone()
        return row[0] if row else None

    def post_rowid(self, source: str, post_id: str) -> int | None:
        row = self.conn.execute(
            "SELECT rowid FROM posts WHERE source = ? AND id = ?", (source, post_id)
        ).fetchone()
        return int(row[0]) if row else None

    def find_posts_by_id(self, post_id: str) -> list[Post]:
        """Posts whose native id is ``post_id`` (any source)."""
        return [p for _r, p in _posts.iter_rows(self.conn, "p.id = ?", (post_id,))]

    def count_posts(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM posts").fetchone()[0])

    def iter_posts(
        self, query: str | None = None, *, context: Any = None, batch: int = 1000
    ) -> Iterator[tuple[int, Post]]:
        """Every post matching ``query`` (all posts when None) as (rowid, post), oldest first."""
        where, params = self._where(query, context)
        last = -1
        while True:
            rows = list(
                _posts.iter_rows(
                    self.conn,
                    f"({where}) AND p.rowid > ?",
                    [*params, last],
                    f"ORDER BY p.rowid LIMIT {int(batch)}",
                )
            )
            if not rows:
                return
            yield from rows
            last = rows[-1][0]

    def search(
        self,
        query: str,
        *,
        limit: int = 50,
        offset: int = 0,
        order: str = "newest",
        context: Any = None,
    ) -> list[Post]:
        """Posts matching ``query`` (Earful query language), newest first by default.

        Rowids are time-ordered, so newest/oldest first is rowid order. When the query has a
        text part that every match needs, the FTS index drives the search in rowid order and
        SQLite stops after the page; otherwise the matching rowids are sorted.
        """
        if order not in ("newest", "oldest", "popular"):
            raise StoreError(f"unknown order {order!r} (newest, oldest, popular)")
        page = f"LIMIT {int(limit)} OFFSET {int(offset)}"
        if order == "popular":
            where, params = self._where(query, context)
            tail = f"ORDER BY (p.likes + 2 * p.reposts + p.replies) DESC, p.rowid DESC {page}"
            return [post for _rowid, post in _posts.iter_rows(self.conn, where, params, tail)]
        direction = "DESC" if order == "newest" else "ASC"
        plan = self._plan(query, context)
        column = {"fts": "posts_fts.rowid", "entity": "e.post_rowid"}.get(
            plan.driver or "", "p.rowid"
        )
        bounds = ""
        bound_params: list[int] = []
        if plan.rowid_min is not None:
            bounds += f" AND {column} >= ?"
            bound_params.append(plan.rowid_min)
        if plan.rowid_max is not None:
            bounds += f" AND {column} < ?"
            bound_params.append(plan.rowid_max)
        order_by = f"ORDER BY {column} {direction} {page}"
        if plan.driver is None:
            rows = _posts.iter_rows(
                self.conn, f"({plan.where}){bounds}", [*plan.params, *bound_params], order_by
            )
            return [post for _rowid, post in rows]
        if plan.driver == "fts":
            sql = f"{_posts.SELECT_FROM_FTS} WHERE posts_fts MATCH ?{bounds} AND ({plan.where})"
        else:
            sql = (
                f"{_posts.SELECT_FROM_ENTITY} WHERE e.kind = ? AND e.value = ?{bounds}"
                f" AND ({plan.where})"
            )
        params = [*plan.driver_params, *bound_params, *plan.params]
        return [_posts.row_to_post(row) for row in self.conn.execute(f"{sql} {order_by}", params)]

    def _plan(self, query: str | None, context: Any) -> SearchPlan:
        from earful.store.sqlquery import SearchPlan, compile_search

        if query is None or not query.strip():
            return SearchPlan(None, [], "1", [])
        key = (query, tuple(sorted(context.products.items())) if context is not None else None)
        plan = self._plans.get(key)
        if plan is None:
            from earful.query import parse

            plan = compile_search(parse(query), context)
            if len(self._plans) > 256:
                self._plans.clear()
            self._plans[key] = plan
        return plan

    def count(self, query: str, *, context: Any = None) -> int:
        where, params = self._where(query, context)
        sql = f"SELECT count(*) FROM posts AS p WHERE {where}"
        return int(self.conn.execute(sql, params).fetchone()[0])

    def _where(self, query: str | None, context: Any) -> tuple[str, Sequence[Any]]:
        if query is None or not query.strip():
            return "1", []
        from earful.query import parse
        from earful.store.sqlquery import compile_where

        return compile_where(parse(query), context)

    # -- aggregates ----------------------------------------------------------------------
    def stats(self) -> list[tuple[str, str, int]]:
        """Post counts by (source, UTC day)."""
        rows = self.conn.execute(
            "SELECT source, substr(created_at, 1, 10) AS day, count(*) FROM posts"
            " GROUP BY source, day ORDER BY day, source"
        )
        return [(r[0], r[1], int(r[2])) for r in rows]

    # -- labels --------------------------------------------------------------------------
    def pending_labels(
        self,
        labeller: str,
        version: str,
        *,
        after: int = -1,
        limit: int = 2000,
        everything: bool = False,
    ) -> list[Any]:
        """Posts this labeller version has not labelled as they now are (``PendingPost``)."""
        from earful.store.labels import pending

        return pending(
            self.conn, labeller, version, after=after, limit=limit, everything=everything
        )

    def count_pending_labels(self, labeller: str, version: str) -> int:
        from earful.store.labels import count_pending

        return count_pending(self.conn, labeller, version)

    def write_labels(
        self,
        labeller: str,
        version: str,
        labelled: Iterable[tuple[int, int, Sequence[tuple[str, str, float]]]],
    ) -> int:
        """Replace the labels of ``(rowid, rev, [(field, value, score)])`` items."""
        from earful.store.labels import write_labels

        with self.transaction() as conn:
            return write_labels(conn, labeller, version, labelled)

    def set_correction(self, post_rowid: int, field: str, values: Sequence[str]) -> None:
        from earful.store.labels import set_correction

        with self.transaction() as conn:
            set_correction(conn, post_rowid, field, values)

    def clear_correction(self, post_rowid: int, field: str) -> int:
        from earful.store.labels import clear_correction

        with self.transaction() as conn:
            return clear_correction(conn, post_rowid, field)

    def labels_of(self, post_rowids: Sequence[int]) -> dict[int, dict[str, list[Any]]]:
        """Effective labels (corrections win) as ``{rowid: {field: [(value, score, by)]}}``."""
        from earful.store.labels import effective

        return effective(self.conn, post_rowids)

    def corrections_with_text(self) -> list[tuple[str, str, str]]:
        from earful.store.labels import corrections_with_text

        return corrections_with_text(self.conn)

    def label_rows_with_text(self, field: str) -> list[tuple[int, str, str]]:
        """``(rowid, text, model value)`` of each post with a model label of ``field``."""
        from earful.store.labels import label_rows_with_text

        return label_rows_with_text(self.conn, field)

    def replace_label_values(self, field: str, changed: Sequence[tuple[int, str, float]]) -> None:
        """New model value and score of ``field`` on these posts (one transaction)."""
        from earful.store.labels import replace_label_values

        with self.transaction() as conn:
            replace_label_values(conn, field, changed)

    def resolve_post(self, ref: str) -> tuple[int, Post]:
        """A post from ``SOURCE:ID`` or a native id that is unique across sources."""
        from earful.errors import InputError

        source, sep, native = ref.partition(":")
        candidates: list[tuple[int, Post]] = []
        if sep and not source.startswith(("at", "http")):
            candidates = list(
                _posts.iter_rows(self.conn, "p.source = ? AND p.id = ?", (source, native))
            )
        if not candidates:
            candidates = list(_posts.iter_rows(self.conn, "p.id = ?", (ref,)))
        if not candidates:
            raise InputError(f"no post with id {ref!r}", field="post")
        if len(candidates) > 1:
            sources = ", ".join(sorted(p.source for _r, p in candidates))
            raise InputError(
                f"id {ref!r} exists on several sources ({sources}); use SOURCE:ID", field="post"
            )
        return candidates[0]

    # -- sync state ----------------------------------------------------------------------
    def get_cursor(self, watch: str, source: str) -> dict[str, Any] | None:
        """The persisted cursor of (watch, source), or None before the first sync."""
        from earful.store.syncstate import get_cursor

        return get_cursor(self.conn, watch, source)

    def source_states(self) -> list[Any]:
        """Per-source health and counters (:class:`earful.store.syncstate.SourceState`)."""
        from earful.store.syncstate import source_states

        return list(source_states(self.conn))

    def cursors(self) -> list[tuple[str, str, dict[str, Any], str]]:
        """Every (watch, source, cursor, updated_at)."""
        from earful.store.syncstate import cursors

        return cursors(self.conn)

    # -- dashboard -----------------------------------------------------------------------
    def timeseries(self, query: str | None, *, days: int = 90, context: Any = None) -> Any:
        """Posts per UTC day by source and sentiment per day (``{days, volume, sentiment}``)."""
        from earful.store.web_queries import timeseries

        where, params = self._where(query, context)
        return timeseries(self.conn, where, params, days)

    def links_of(self, post_rowids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        """The stored links (url, final_url, title, site) of each post."""
        from earful.store.web_queries import links_of

        return links_of(self.conn, post_rowids)

    def label_values(self) -> list[tuple[str, str]]:
        """Distinct (field, value) pairs seen in labels and corrections."""
        from earful.store.web_queries import label_values

        return label_values(self.conn)
