"""Library calls shared by the API routes and the pages, returning the API's models."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from earful.web import data
from earful.web.schemas import (
    AuthorOut,
    CursorOut,
    LabelOut,
    LinkOut,
    PostOut,
    SearchOut,
    SettingsOut,
    SourceOut,
    SourcesOut,
    ValidateOut,
)

if TYPE_CHECKING:
    from earful.models import Post
    from earful.store.sqlite import SQLiteStore
    from earful.web.deps import WebState


DIGEST_TTL = 300.0  # seconds before a digest is recomputed (in the background); writes reset it


def digest(state: WebState, minutes: float = 10.0) -> dict[str, Any]:
    """Today's plan (:func:`earful.engage.digest.build_digest`), cached."""
    from earful.engage.digest import build_digest

    def compute() -> dict[str, Any]:
        plan = build_digest(state.reader(), state.workspace.config, minutes=minutes)
        return plan.to_dict()

    result: dict[str, Any] = state.cached(f"digest:{float(minutes)}", DIGEST_TTL, compute)
    return result


def post_out(
    post: Post, labels: list[data.Label] | None = None, links: list[dict[str, object]] | None = None
) -> PostOut:
    from earful.formats.earful_jsonl import format_time

    author = post.author
    return PostOut(
        source=post.source,
        id=post.id,
        created_at=format_time(post.created_at),
        text=post.text,
        url=post.url,
        lang=post.lang,
        author=AuthorOut(
            id=author.id, handle=author.handle, name=author.name, followers=author.followers
        )
        if author
        else None,
        likes=post.metrics.likes,
        reposts=post.metrics.reposts,
        replies=post.metrics.replies,
        labels=[
            LabelOut(field=lab.field, value=lab.value, score=lab.score, labeller=lab.labeller)
            for lab in labels or []
        ],
        links=[LinkOut.model_validate(link) for link in links or []],
    )


def decorate(store: SQLiteStore, posts: list[Post]) -> list[PostOut]:
    """Posts with their effective labels and stored links."""
    rowids = [store.post_rowid(p.source, p.id) or 0 for p in posts]
    labels = data.labels_of(store, rowids)
    links = data.links_of(store, rowids)
    return [post_out(p, labels[r], links[r]) for p, r in zip(posts, rowids, strict=True)]


def search(
    state: WebState, query: str, *, limit: int = 50, offset: int = 0, order: str = "newest"
) -> SearchOut:
    store = state.reader()
    posts = store.search(
        query, limit=limit + 1, offset=offset, order=order, context=state.context()
    )
    return SearchOut(
        query=query,
        order=order,
        limit=limit,
        offset=offset,
        has_more=len(posts) > limit,
        items=decorate(store, posts[:limit]),
    )


def validate(state: WebState, query: str) -> ValidateOut:
    from earful.errors import QueryError

    try:
        data.validate_query(query, state.context())
    except QueryError as exc:
        return ValidateOut(ok=False, error=str(exc), column=exc.column)
    return ValidateOut(ok=True)


def sources(state: WebState) -> SourcesOut:
    from earful.config import KNOWN_SOURCES

    store = state.reader()
    config = state.workspace.config
    states = {s.source: s for s in store.source_states()}
    names = list(dict.fromkeys([*config.sources, *states]))
    names += [n for n in KNOWN_SOURCES if n not in names and _watched(state, n)]
    out = []
    for name in names:
        settings = config.sources.get(name)
        st = states.get(name)
        out.append(
            SourceOut(
                source=name,
                configured=settings is not None,
                base_url=settings.base_url if settings else None,
                credentials={env: bool(os.environ.get(env)) for env in settings.env.values()}
                if settings
                else {},
                last_success=st.last_success if st else None,
                last_error=st.last_error if st else None,
                last_error_at=st.last_error_at if st else None,
                rate_limit=dict(st.rate_limit) if st and st.rate_limit else None,
                posts_collected=st.posts_collected if st else 0,
                requests=st.requests if st else 0,
                quota_used=st.quota_used if st else 0,
            )
        )
    cursors = [
        CursorOut(watch=w, source=s, cursor=c, updated_at=u) for w, s, c, u in store.cursors()
    ]
    return SourcesOut(sources=out, cursors=cursors)


def _watched(state: WebState, source: str) -> bool:
    return any(source in w.sources for w in state.workspace.config.watches)


def settings(state: WebState) -> SettingsOut:
    from earful.web.schemas import ProductOut, WatchOut

    config = state.workspace.config
    return SettingsOut(
        name=config.name,
        products=[
            ProductOut(
                name=p.name,
                aliases=list(p.aliases),
                description=p.description,
                competitors=list(p.competitors),
                accounts={k: list(v) for k, v in p.accounts.items()},
            )
            for p in config.products
        ],
        watches=[
            WatchOut(name=w.name, query=w.query, sources=list(w.sources)) for w in config.watches
        ],
        toml=state.workspace.config_path.read_text(encoding="utf-8"),
    )


def publish_limits() -> dict[str, int]:
    """Networks the dashboard can publish to, with their text limits (``publish.LIMITS``)."""
    from earful.outputs.publish import LIMITS

    return dict(LIMITS)


def own_networks(state: WebState) -> list[str]:
    """The networks one can post to, those with an own account (``products.accounts``) first."""
    from earful.outputs.publish import NETWORKS

    own = {
        n for p in state.workspace.config.products for n, handles in p.accounts.items() if handles
    }
    return sorted(NETWORKS, key=lambda n: (n not in own, NETWORKS.index(n)))
