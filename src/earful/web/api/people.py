"""Experts and peers, articles and the share queue, the coach and conference mode."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from earful.web import people_views as pv
from earful.web.deps import WebState, get_state

router = APIRouter(tags=["people"])
State = Annotated[WebState, Depends(get_state)]
Topic = Annotated[str, Query(max_length=2000, description="An Earful query (default: all posts)")]


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=1, max_length=2000, description="The article shared")
    minutes: float = Field(2.0, ge=0, le=240)
    note: str = Field("", max_length=2000, description="What you posted")


class FollowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    network: str = Field(pattern=r"^[a-z][a-z0-9_.-]{0,31}$")
    handle: str = Field(min_length=1, max_length=300)
    minutes: float = Field(1.0, ge=0, le=240)
    note: str = Field("", max_length=2000)


@router.get("/experts", summary="Experts on a topic (graph rank, topical posts, bio), with reasons")
def experts(
    state: State,
    topic: Topic = "",
    peers: Annotated[bool, Query(description="Product managers only")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[dict[str, Any]]:
    return pv.people(state, topic, peers=peers, limit=limit)


@router.post("/experts/follow", summary="Log a follow (ledger and relationship log)")
def follow(state: State, body: FollowIn) -> dict[str, Any]:
    target = f"{body.network}:{body.handle.strip().lstrip('@')}"
    return {"ledger_id": pv.log(state, "followed", target, minutes=body.minutes, note=body.note)}


@router.get("/articles", summary="Articles shared on a topic by credible people, with drafts")
def articles(
    state: State,
    topic: Topic = "",
    queue: Annotated[bool, Query(description="Only articles not shared yet")] = False,
    days: Annotated[float, Query(ge=1, le=3650)] = 30.0,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[dict[str, Any]]:
    return pv.articles(state, topic, queue=queue, days=days, limit=limit)


@router.post("/articles/share", summary="Log a share (leaves the share queue)")
def share(state: State, body: ShareIn) -> dict[str, Any]:
    return {"ledger_id": pv.log(state, "shared", body.url, minutes=body.minutes, note=body.note)}


@router.get("/coach", summary="Reputation and promotion coach for your own accounts")
def coach(
    state: State,
    handle: Annotated[str, Query(max_length=300)] = "",
    days: Annotated[float, Query(ge=1, le=3650)] = 30.0,
) -> list[dict[str, Any]]:
    return pv.coach(state, handle, days=days)


@router.get("/event", summary="Conference mode: top posts, posters, links and themes of a tag")
def event(
    state: State,
    tag: Annotated[str, Query(min_length=1, max_length=2000)],
    start: Annotated[str, Query(alias="from", max_length=40)] = "",
    end: Annotated[str, Query(alias="to", max_length=40)] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict[str, Any]:
    return pv.event(state, tag, start or None, end or None, limit=limit)
