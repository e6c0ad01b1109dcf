"""Schema migrations, recorded in the ``migrations`` table and applied in order, once each.

Other modules register their own migrations with :func:`migration`; names sort the order
(``0001_core`` < ``0100_labels`` < ``0200_sources``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

# Modules that register migrations; each is imported before migrating.
MIGRATION_MODULES = (
    "earful.store.schema",
    "earful.store.links",
    "earful.store.labels",
    "earful.store.insights",
    "earful.store.engage",
    "earful.store.outputs",
)

Migration = Callable[[sqlite3.Connection], None]
_MIGRATIONS: dict[str, Migration] = {}


def migration(name: str) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        if name in _MIGRATIONS and _MIGRATIONS[name] is not fn:
            raise ValueError(f"migration {name!r} registered twice")
        _MIGRATIONS[name] = fn
        return fn

    return register


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply every registered migration not yet recorded; returns the names applied."""
    import importlib

    for module in MIGRATION_MODULES:
        importlib.import_module(module)

    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    applied = []
    for name in sorted(_MIGRATIONS):
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            _MIGRATIONS[name](conn)
            conn.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat()),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(name)
    return applied
