"""Labels and corrections: a correction replaces the model's values of one field."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path

from earful.web import data, views
from earful.web.deps import WebState, get_state
from earful.web.schemas import CorrectionIn, PostOut

router = APIRouter(tags=["labels"])
State = Annotated[WebState, Depends(get_state)]
_NAME = re.compile(r"^[a-z][a-z0-9_:.-]{0,63}$")
Field = Annotated[
    str,
    Path(
        pattern=_NAME.pattern,
        description=(
            "sentiment, type, complaint, question, lead, spam, support_reply, lang, "
            "relevant:PRODUCT"
        ),
    ),
]


@router.get("/labels", summary="Label fields and the values seen for each")
def label_values(state: State) -> dict[str, list[str]]:
    found: dict[str, list[str]] = state.cached(
        "label-values", 300.0, lambda: data.label_values(state.reader())
    )
    return found


@router.put(
    "/posts/{source}/{post_id}/corrections/{field}",
    response_model=PostOut,
    summary="Correct a label (an empty list removes the correction)",
)
def put_correction(
    state: State, source: str, post_id: str, field: Field, body: CorrectionIn
) -> PostOut:
    store = state.writer()
    rowid = store.post_rowid(source, post_id)
    if rowid is None:
        raise HTTPException(404, f"no post {source}:{post_id}")
    data.correct(store, state.workspace.config, rowid, field, body.values)
    state.changed()
    post = store.get_post(source, post_id)
    assert post is not None
    return views.decorate(store, [post])[0]


@router.delete(
    "/posts/{source}/{post_id}/corrections/{field}",
    response_model=PostOut,
    summary="Remove a correction (the model's label shows again)",
)
def delete_correction(state: State, source: str, post_id: str, field: Field) -> PostOut:
    return put_correction(state, source, post_id, field, CorrectionIn(values=[]))
