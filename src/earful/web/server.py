"""Run the app under uvicorn: loopback by default; any other host needs ``EARFUL_TOKEN``."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING

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


def serve(workspace: str | Path | Workspace, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the dashboard until interrupted."""
    import uvicorn

    from earful.web.app import create_app

    app = create_app(workspace, token=token_for(host))
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, server_header=False)
