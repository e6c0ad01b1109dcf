"""The REST API under ``/api/v1``: one router per resource."""

from __future__ import annotations

from fastapi import APIRouter


def api_router() -> APIRouter:
    from earful.web.api import (
        charts,
        engage,
        insights,
        labels,
        people,
        posts,
        publish,
        settings,
        sources,
    )

    router = APIRouter(prefix="/api/v1")
    for module in (posts, labels, sources, settings, charts, engage, insights, people, publish):
        router.include_router(module.router)
    return router
