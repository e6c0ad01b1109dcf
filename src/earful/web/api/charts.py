"""Volume and sentiment over time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from earful.web import data
from earful.web.deps import WebState, get_state
from earful.web.schemas import SeriesOut

router = APIRouter(tags=["charts"])


@router.get("/charts/series", response_model=SeriesOut, summary="Posts and sentiment per day")
def series(
    state: Annotated[WebState, Depends(get_state)],
    q: Annotated[str, Query(max_length=2000)] = "",
    days: Annotated[int, Query(ge=1, le=3650)] = 90,
) -> SeriesOut:
    return SeriesOut(**data.timeseries(state.reader(), q, state.context(), days=days))
