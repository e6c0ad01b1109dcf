"""Source health, cursors and quota."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from earful.web import views
from earful.web.deps import WebState, get_state
from earful.web.schemas import SourcesOut

router = APIRouter(tags=["sources"])


@router.get("/sources", response_model=SourcesOut, summary="Health, cursors and quota per source")
def list_sources(state: Annotated[WebState, Depends(get_state)]) -> SourcesOut:
    return views.sources(state)
