"""A workspace is a folder with ``earful.toml`` (configuration) and ``earful.db`` (the store)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from earful.config import DEFAULT_TOML, Config, load_config
from earful.errors import ConfigError

if TYPE_CHECKING:
    from earful.store.sqlite import SQLiteStore

CONFIG_NAME = "earful.toml"
DB_NAME = "earful.db"


def resolve_root(path: str | Path | None) -> Path:
    """``path``, else ``$EARFUL_WORKSPACE``, else the current directory."""
    chosen = path if path is not None else os.environ.get("EARFUL_WORKSPACE") or "."
    return Path(chosen).expanduser().resolve()


class Workspace:
    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.config = config
        self._store: SQLiteStore | None = None

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    @classmethod
    def init(cls, root: str | Path, *, config_text: str | None = None) -> Workspace:
        """Create ``earful.toml`` (unless present) and ``earful.db`` in ``root``."""
        path = Path(root).expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        config_file = path / CONFIG_NAME
        if not config_file.exists():
            config_file.write_text(
                config_text if config_text is not None else DEFAULT_TOML.format(name=path.name),
                encoding="utf-8",
            )
        ws = cls.open(path)
        ws.store().close()
        ws._store = None
        return ws

    @classmethod
    def open(cls, root: str | Path | None = None) -> Workspace:
        path = resolve_root(root)
        config_file = path / CONFIG_NAME
        if not config_file.exists():
            raise ConfigError(
                "(file)", f"no {CONFIG_NAME} in {path}; run `earful init {path}` first"
            )
        return cls(path, load_config(config_file))

    def store(self) -> SQLiteStore:
        if self._store is None:
            from earful.store import open_store

            self._store = open_store(self.db_path)
        return self._store

    def query_context(self) -> Any:
        """What the query language needs from the config (product names and aliases)."""
        from earful.query import QueryContext

        return QueryContext.from_config(self.config)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
