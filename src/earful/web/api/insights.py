"""Themes (list, drill-down, rename, merge, split, file), alerts and share of voice."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from earful.web import insight_views as iv
from earful.web.deps import WebState, get_state

router = APIRouter(tags=["insights"])
State = Annotated[WebState, Depends(get_state)]
Product = Annotated[str | None, Query(max_length=200, description="Product (default: the first)")]


class RenameIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    others: list[int] = Field(min_length=1, max_length=50, description="Themes merged into this")


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phrase: str | None = Field(None, max_length=200)
    posts: list[str] = Field(default=[], max_length=500, description="SOURCE:ID of posts to move")
    name: str | None = Field(None, max_length=200)


class FileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tracker: str | None = Field(None, description="A tracker of earful.toml: github, jira, linear")
    url: str | None = Field(None, max_length=2000, description="Or: the issue filed by hand")
    minutes: float = Field(2.0, ge=0, le=240, description="Time spent, logged in the ledger")


class AlertStateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["acknowledge", "resolve", "reopen"]


@router.get("/themes", summary="Themes of a product with counts, trend and filed issues")
def list_themes(state: State, product: Product = None) -> list[dict[str, Any]]:
    return iv.themes(state, product)


@router.post("/themes/refresh", summary="Re-cluster themes and detect alerts (earful themes)")
def refresh_themes(state: State, product: Product = None) -> dict[str, Any]:
    return iv.refresh(state, product)


@router.get("/themes/{theme_id}", summary="One theme with its member posts")
def get_theme(
    state: State, theme_id: int, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> dict[str, Any]:
    return iv.theme(state, theme_id, limit=limit)


@router.put("/themes/{theme_id}/name", summary="Rename a theme (later runs keep the name)")
def rename_theme(state: State, theme_id: int, body: RenameIn) -> dict[str, Any]:
    iv.rename(state, theme_id, body.name)
    return {"id": theme_id, "label": " ".join(body.name.split())}


@router.post("/themes/{theme_id}/merge", summary="Merge other themes into this one")
def merge_themes(state: State, theme_id: int, body: MergeIn) -> dict[str, Any]:
    iv.merge(state, theme_id, body.others)
    return {"id": theme_id, "merged": body.others}


@router.post("/themes/{theme_id}/split", summary="Move posts (by phrase or id) to a new theme")
def split_theme(state: State, theme_id: int, body: SplitIn) -> dict[str, Any]:
    new_id = iv.split(state, theme_id, body.phrase or None, body.posts, body.name or None)
    return {"id": theme_id, "new_theme": new_id}


@router.post(
    "/themes/{theme_id}/file",
    summary="File into a tracker, or record an issue filed by hand; logs 'filed' in the ledger",
)
def file_theme(state: State, theme_id: int, body: FileIn) -> dict[str, Any]:
    from earful.errors import InputError

    if (body.tracker is None) == (body.url is None):
        raise InputError("give either a tracker or the URL of an issue", field="tracker")
    if body.tracker is not None:
        return iv.file(state, theme_id, body.tracker, minutes=body.minutes)
    return iv.mark_filed(state, theme_id, body.url or "", minutes=body.minutes)


@router.get("/alerts", summary="Emerging issues with their explanation, strongest first")
def list_alerts(
    state: State, show_all: Annotated[bool, Query(alias="all")] = False
) -> list[dict[str, Any]]:
    return iv.alerts(state, show_all=show_all)


@router.post("/alerts/{alert_id}/state", summary="Acknowledge, resolve or reopen an alert")
def set_alert_state(state: State, alert_id: int, body: AlertStateIn) -> dict[str, Any]:
    return iv.set_alert(state, alert_id, body.action)


@router.get("/voice", summary="Share of voice against competitors per ISO week")
def voice(state: State, product: Product = None) -> dict[str, Any]:
    return iv.voice(state, product)
