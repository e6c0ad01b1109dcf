"""Today (the digest), the answer queue and the ROI ledger: calls into :mod:`earful.engage`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from earful.web.deps import WebState, get_state

router = APIRouter(tags=["engage"])
State = Annotated[WebState, Depends(get_state)]


class QueueStateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["new", "answered", "dismissed", "snoozed"]
    minutes: float = Field(3.0, ge=0, le=240, description="Time spent, logged when answered")
    snooze_hours: float = Field(24.0, gt=0, le=24 * 90)


class LedgerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["replied", "filed", "shared", "followed"]
    target: str = Field("", max_length=500)
    minutes: float = Field(ge=0, le=24 * 60)
    note: str = Field("", max_length=2000)


@router.get("/digest", summary="Today: the time-boxed plan")
def digest(state: State, minutes: Annotated[float, Query(ge=1, le=240)] = 10.0) -> Response:
    import json

    from earful.web.views import DIGEST_TTL
    from earful.web.views import digest as today

    def encode() -> bytes:
        return json.dumps(today(state, minutes), ensure_ascii=False).encode()

    body: bytes = state.cached(f"digest-json:{float(minutes)}", DIGEST_TTL, encode)
    return Response(body, media_type="application/json")


@router.get("/queue", summary="The answer queue (questions and leads), ranked")
def queue(
    state: State,
    status: Annotated[str, Query(pattern="^(new|answered|dismissed|snoozed)$")] = "new",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    from earful.engage.queue import answer_queue

    items = answer_queue(state.reader(), state.workspace.config, states=(status,), limit=limit)
    return [item.to_dict() for item in items]


@router.post("/queue/{key}/state", summary="Mark a queue item; answering logs it in the ledger")
def set_queue_state(state: State, key: str, body: QueueStateIn) -> dict[str, Any]:
    from earful.engage.ledger import TRIAGE_MINUTES, log_action
    from earful.engage.queue import set_state

    store = state.writer()
    with store.transaction():
        result = set_state(store, key, body.state, snooze_hours=body.snooze_hours)
        if body.state == "answered":
            result["ledger_id"] = log_action(store, "replied", key, minutes=body.minutes)
        elif body.state in ("dismissed", "snoozed"):
            result["ledger_id"] = log_action(
                store, "triaged", key, minutes=TRIAGE_MINUTES, note=body.state
            )
    state.changed()
    return result


@router.get("/ledger", summary="ROI per ISO week: minutes spent and outcomes")
def ledger(state: State, weeks: Annotated[int, Query(ge=1, le=104)] = 8) -> list[dict[str, Any]]:
    from earful.engage.ledger import roi

    return [w.to_dict() for w in roi(state.reader(), state.workspace.config, weeks=weeks)]


@router.post("/ledger", summary="Log an action and the minutes it took")
def log(state: State, body: LedgerIn) -> dict[str, Any]:
    from earful.engage.ledger import log_action

    row = log_action(state.writer(), body.action, body.target, minutes=body.minutes, note=body.note)
    state.changed()
    return {"id": row}
