"""Products and watches (earful.toml)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from earful.web import views
from earful.web.deps import WebState, get_state
from earful.web.schemas import SettingsIn, SettingsOut
from earful.web.settings_io import save_config

router = APIRouter(tags=["settings"])
State = Annotated[WebState, Depends(get_state)]


@router.get("/settings", response_model=SettingsOut, summary="Products, watches and the file")
def get_settings(state: State) -> SettingsOut:
    return views.settings(state)


@router.put("/settings", response_model=SettingsOut, summary="Replace earful.toml (validated)")
def put_settings(state: State, body: SettingsIn) -> SettingsOut:
    save_config(state, body.toml)
    return views.settings(state)
