"""``earful serve``: the dashboard and REST API."""

from __future__ import annotations

from typing import Annotated

import typer

from earful.cli.app import WorkspaceOpt, app, console, open_workspace, user_errors


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind; anything but loopback needs EARFUL_TOKEN.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=32, help="Server processes (each reads the database).")
    ] = 1,
    workspace: WorkspaceOpt = None,
) -> None:
    """Serve the dashboard and the REST API (http://127.0.0.1:8000 by default)."""
    from earful.web.server import serve as run
    from earful.web.server import token_for

    with user_errors():
        ws = open_workspace(workspace)
        token_for(host)  # refuse before binding when a token is missing
        console(stderr=True).print(f"Serving {ws.root} on http://{host}:{port}/ (Ctrl+C stops)")
        run(ws, host=host, port=port, workers=workers)
