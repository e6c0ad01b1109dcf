"""Save a new ``earful.toml`` from the Settings page: validated first, written atomically."""

from __future__ import annotations

import os
import re
import tempfile
from typing import TYPE_CHECKING

from earful.errors import InputError

if TYPE_CHECKING:
    from earful.web.deps import WebState

_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def save_config(state: WebState, text: str) -> None:
    """Replace ``earful.toml`` with ``text`` when it parses and validates; else change nothing.

    Raises :class:`InputError` (with line and column) for TOML syntax and
    :class:`~earful.errors.ConfigError` (naming the key) for invalid settings.
    """
    import tomllib

    from earful.config import parse_config

    path = state.workspace.config_path
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _AT.search(str(exc))
        raise InputError(
            _AT.sub("", str(exc)).strip(),
            file=path.name,
            line=int(found.group(1)) if found else None,
            column=int(found.group(2)) if found else None,
        ) from None
    parse_config(data, path.name)
    fd, tmp = tempfile.mkstemp(prefix=".earful-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    state.reload_config()
