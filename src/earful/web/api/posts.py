"""Post search and query validation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from earful.web import views
from earful.web.deps import WebState, get_state
from earful.web.schemas import Order, PostOut, SearchOut, ValidateOut

router = APIRouter(tags=["posts"])
State = Annotated[WebState, Depends(get_state)]


@router.get("/posts", response_model=SearchOut, summary="Search posts with the query language")
def search_posts(
    state: State,
    q: Annotated[str, Query(max_length=2000, description="Earful query (docs/query.md)")] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    order: Order = "newest",
) -> Response:
    result = views.search(state, q, limit=limit, offset=offset, order=order)
    # Serialized once by pydantic-core (the response_model above documents it).
    return Response(result.model_dump_json(), media_type="application/json")


@router.get("/query/validate", response_model=ValidateOut, summary="Check a query as you type")
def validate_query(state: State, q: Annotated[str, Query(max_length=2000)] = "") -> ValidateOut:
    return views.validate(state, q)


@router.get("/posts/{source}/{post_id}", response_model=PostOut, summary="One post with labels")
def get_post(state: State, source: str, post_id: str) -> PostOut:
    store = state.reader()
    post = store.get_post(source, post_id)
    if post is None:
        raise HTTPException(404, f"no post {source}:{post_id}")
    return views.decorate(store, [post])[0]
