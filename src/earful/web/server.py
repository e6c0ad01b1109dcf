"""Run the app under uvicorn: loopback by default; any other host needs ``EARFUL_TOKEN``."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from earful.errors import ConfigError

if TYPE_CHECKING:
    from earful.workspace import Workspace

TOKEN_ENV = "EARFUL_TOKEN"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def token_for(host: str, environ: dict[str, str] | None = None) -> str | None:
    """The token the app must require on ``host``: EARFUL_TOKEN, mandatory off loopback."""
    env = os.environ if environ is None else environ
    token = env.get(TOKEN_ENV) or None
    if token is None and not is_loopback(host):
        raise ConfigError(
            TOKEN_ENV, f"set it (16+ characters) to serve on {host}; only 127.0.0.1 runs without"
        )
    return token


def serve(
    workspace: str | Path | Workspace,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
) -> None:
    """Serve the dashboard until interrupted; ``workers`` > 1 starts that many processes
    (through :func:`earful.web.app.factory`), each with its own read connections and cache."""
    import uvicorn

    from earful.web.app import WORKSPACE_ENV, create_app

    token = token_for(host)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": False,
        "server_header": False,
    }
    if workers <= 1:
        uvicorn.run(create_app(workspace, token=token), **options)
        return
    root = workspace if isinstance(workspace, str | Path) else workspace.root
    os.environ[WORKSPACE_ENV] = str(Path(root).resolve())
    uvicorn.run("earful.web.app:factory", factory=True, workers=workers, **options)
