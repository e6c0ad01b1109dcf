"""Publishing a reply or a share after the user's explicit approval: thin shells over
:mod:`earful.outputs.publish`, which checks the text, the approval, the coach and duplicates.

The dashboard sends ``approved: true`` only after the user confirmed the exact text (and
``acknowledge_coach: true`` only after confirming again past the coach's warning). The
library's refusals become distinct status codes so that a client can tell them apart:

* 400 ``not_approved``: ``approved`` was not ``true``; nothing was sent.
* 409 ``coach``: the coach calls the post promotional; ``warning`` says why. Ask again, then
  resend with ``acknowledge_coach: true``.
* 409 ``already_published``: this reply (or this article on this network) was posted before.
* 409 ``in_progress``: another publish of it (another worker, or the CLI) holds its reservation
  and has not finished; ``since`` says when it started. Nothing was sent.
* 409 ``interrupted``: a publish of it was interrupted mid-send at ``since`` and may or may not
  have reached the network. Check there; if it is not there, resend with
  ``retry_interrupted: true``.
* 422: bad input (empty or too long text, unknown item, a network earful cannot reply on).
* 503 ``credentials``: a credential is missing; ``env`` names the environment variable.
* 502 ``auth`` / ``rate_limited`` / ``network``: the network refused or failed. Messages come
  from the HTTP client, which redacts every credential.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from earful.web.deps import WebState, get_state

router = APIRouter(tags=["publish"])
State = Annotated[WebState, Depends(get_state)]
log = logging.getLogger(__name__)

# One publish at a time per process. The library's database reservation is what keeps two
# processes (``--workers N``, the CLI) from both sending; this only queues a double click.
_LOCK = threading.Lock()
_MISSING_ENV = re.compile(r"set the environment variable ([A-Za-z_][A-Za-z0-9_]*)")

Network = Literal["bluesky", "mastodon", "x"]
APPROVED = "true only after the user confirmed this exact text; anything else sends nothing"
ACK = "true only after the user saw the coach's warning (a 409 'coach') and confirmed again"
RETRY = "true only after a 409 'interrupted' and the user checked that the post is not there"


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: str = Field(min_length=3, max_length=2000, description="SOURCE:ID of the queue item")
    text: str = Field(min_length=1, max_length=5000, description="The exact reply")
    approved: StrictBool = Field(False, description=APPROVED)
    acknowledge_coach: StrictBool = Field(False, description=ACK)
    retry_interrupted: StrictBool = Field(False, description=RETRY)
    minutes: float = Field(3.0, ge=0, le=240, description="Time spent (ROI ledger)")


class PostIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    network: Network
    text: str = Field(min_length=1, max_length=5000, description="The exact post")
    article: str | None = Field(
        None, min_length=1, max_length=2000, description="The share-queue article it shares"
    )
    approved: StrictBool = Field(False, description=APPROVED)
    acknowledge_coach: StrictBool = Field(False, description=ACK)
    retry_interrupted: StrictBool = Field(False, description=RETRY)
    minutes: float = Field(2.0, ge=0, le=240, description="Time spent (ROI ledger)")


class PublishedOut(BaseModel):
    network: str
    kind: Literal["reply", "post"]
    target: str = Field(description="The queue item (reply), the article or a text hash (post)")
    remote_id: str
    url: str | None = None
    text: str


class RefusedOut(BaseModel):
    error: str
    code: str
    warning: str | None = None
    env: str | None = None
    since: str | None = Field(None, description="in_progress / interrupted: when it started")


REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"model": RefusedOut, "description": "not approved; nothing sent"},
    409: {
        "model": RefusedOut,
        "description": "coach warning; already published; a publish of it in progress"
        " (in_progress) or interrupted mid-send (interrupted: check, then retry_interrupted)",
    },
    502: {"model": RefusedOut, "description": "the network refused or failed"},
    503: {"model": RefusedOut, "description": "a credential is missing (env names it)"},
}


@router.get("/publish/limits", summary="The networks one can publish to and their text limits")
def limits() -> dict[str, int]:
    from earful.outputs.publish import LIMITS

    return dict(LIMITS)


@router.post(
    "/publish/reply",
    summary="Reply to an answer-queue item on its network (needs approved: true)",
    response_model=PublishedOut,
    responses=REFUSALS,
)
def reply(state: State, body: ReplyIn) -> Any:
    from earful.outputs import publish

    ws = state.workspace
    return _run(
        state,
        body.approved,
        lambda: publish.reply(
            ws,
            body.item,
            body.text,
            approved=body.approved,
            acknowledge_coach=body.acknowledge_coach,
            retry_interrupted=body.retry_interrupted,
            minutes=body.minutes,
        ),
    )


@router.post(
    "/publish/post",
    summary="Post to a network, e.g. a share-queue article's draft (needs approved: true)",
    response_model=PublishedOut,
    responses=REFUSALS,
)
def post(state: State, body: PostIn) -> Any:
    from earful.outputs import publish

    ws = state.workspace
    return _run(
        state,
        body.approved,
        lambda: publish.post(
            ws,
            body.network,
            body.text,
            approved=body.approved,
            article=body.article,
            acknowledge_coach=body.acknowledge_coach,
            retry_interrupted=body.retry_interrupted,
            minutes=body.minutes,
        ),
    )


def _run(state: WebState, approved: bool, send: Callable[[], Any]) -> Any:
    """Call the library; map its refusals (see the module docstring)."""
    from earful.errors import AuthError, ConnectorError, DeliveryUnknown, InputError, RateLimited
    from earful.outputs.publish import NotApproved, PublishInProgress

    state.writer()  # opens (and migrates) the workspace's store before the first publish
    try:
        with _LOCK:
            done = send()
    except NotApproved as exc:
        if approved is not True:
            return _refuse(400, "not_approved", exc)
        warning = str(exc).removeprefix("not posted: ")
        return _refuse(409, "coach", exc, warning=warning)
    except PublishInProgress as exc:
        since = {"since": exc.claimed_at.isoformat()} if exc.claimed_at else {}
        if not exc.interrupted:
            return _refuse(409, "in_progress", exc.reason, **since)
        message = f'{exc.detail}; if it is not there, send again with "retry_interrupted": true'
        return _refuse(409, "interrupted", message, **since)
    except InputError as exc:
        if exc.field == "target":  # the library's "already published" refusal
            return _refuse(409, "already_published", exc)
        raise  # 422 with the field, from errors.install
    except ConnectorError as exc:
        log.warning("publishing failed: %s", type(exc).__name__)
        if isinstance(exc, AuthError) and (m := _MISSING_ENV.search(str(exc))):
            return _refuse(503, "credentials", exc, env=m.group(1))
        code = (
            "auth"
            if isinstance(exc, AuthError)
            else "rate_limited"
            if isinstance(exc, RateLimited)
            else "delivery_unknown"
            if isinstance(exc, DeliveryUnknown)
            else "network"
        )
        return _refuse(502, code, exc)
    state.changed()  # the queue item is answered / the article left the share queue
    return done.to_dict()


def _refuse(status: int, code: str, exc: Exception | str, **extra: str) -> JSONResponse:
    body: dict[str, str] = {"error": str(exc), "code": code, **extra}
    return JSONResponse(body, status_code=status)
