"""The web app factory: ``create_app(workspace, token=...)``; importing does no work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from earful.workspace import Workspace

HERE = Path(__file__).parent


def create_app(
    workspace: str | Path | Workspace, *, token: str | None = None, warm: bool = True
) -> FastAPI:
    """The dashboard and REST API over ``workspace`` (a folder or an open :class:`Workspace`).

    With ``token`` every request must authenticate (Bearer header or login cookie); without
    one the app answers loopback clients only. ``warm`` computes Today's digest in the
    background at startup.
    """
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from earful.errors import ConfigError
    from earful.web import errors, pages, pages_more
    from earful.web.api import api_router
    from earful.web.deps import WebState
    from earful.web.security import Guard, GuardMiddleware
    from earful.workspace import Workspace

    if token is not None and len(token) < 16:
        raise ConfigError("EARFUL_TOKEN", "must be at least 16 characters long")
    ws = workspace if isinstance(workspace, Workspace) else Workspace.open(workspace)
    state = WebState(ws, Guard(token=token))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm:
            from earful.web.views import digest

            state.warm(lambda: digest(state))
        yield
        state.close()

    app = FastAPI(
        title="Earful",
        version="1",
        description="The REST API of the Earful dashboard (docs/web.md).",
        docs_url=None,  # Swagger UI needs a CDN and inline script; see /api/docs instead
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    app.state.earful = state
    app.add_middleware(GuardMiddleware, guard=state.guard)
    errors.install(app)
    app.include_router(api_router())
    app.include_router(pages.router())
    app.include_router(pages_more.router())
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


WORKSPACE_ENV = "EARFUL_WORKSPACE"


def factory() -> FastAPI:
    """``uvicorn --factory earful.web.app:factory``: the app over ``$EARFUL_WORKSPACE`` (token
    from ``$EARFUL_TOKEN``), so that uvicorn can start several worker processes."""
    import os

    from earful.errors import ConfigError

    root = os.environ.get(WORKSPACE_ENV)
    if not root:
        raise ConfigError(WORKSPACE_ENV, "set it to the workspace folder to serve")
    return create_app(root, token=os.environ.get("EARFUL_TOKEN") or None)
