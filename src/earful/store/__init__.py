"""The storage boundary: everything outside this package talks to a store only through
:func:`open_store` and the methods of the object it returns, never through SQL.

SQLite is the only backend today; a PostgreSQL backend would be another class with the same
methods, chosen here by the location's scheme.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from earful.store.sqlite import SQLiteStore

    Store = SQLiteStore


def open_store(location: str | Path) -> SQLiteStore:
    """Open (creating and migrating when needed) the store at ``location``."""
    text = str(location)
    if text.startswith(("postgres://", "postgresql://")):
        from earful.errors import StoreError

        raise StoreError("the PostgreSQL backend is not available yet")
    from earful.store.sqlite import SQLiteStore

    return SQLiteStore(text)


__all__ = ["open_store"]
