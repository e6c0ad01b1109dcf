"""Hacker News through the Algolia HN Search API (stories and comments, newest first).

Each run reads ``search_by_date`` for hits newer than the cursor's ``since`` (epoch seconds,
``numericFilters=created_at_i>since``), page by page. Algolia serves at most ~1,000 hits per
query, so when a window's reachable pages run out before its ``nbHits``, the next window
ends at the oldest hit seen.
Algolia's matching (prefixes, typo tolerance) differs from ours, so every hit is also checked
with the in-memory matcher.

Cursor: ``{"since": S}`` between runs; ``{"since": S, "upper": U, "before": B, "page": P}``
while a run is in progress (U = newest hit of this run, B = inclusive upper bound of the
current window).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from earful.connectors.base import BaseConnector, Cursor, Page, Query
from earful.connectors.html_text import html_to_text
from earful.errors import ConnectorError
from earful.models import Author, Metrics, Post, ReplyTo
from earful.query import And, Operator, Or, Phrase, Term
from earful.text import extract_hashtags, extract_mentions, extract_urls

ITEM_URL = "https://news.ycombinator.com/item?id={}"


class HNConnector(BaseConnector):
    name: ClassVar[str] = "hn"
    default_base_url: ClassVar[str] = "https://hn.algolia.com/api/v1"
    default_interval: ClassVar[float] = 120.0

    def fetch(self, query: Query, cursor: Cursor | None) -> Iterator[Page]:
        per_page = self.int_option("hits_per_page", 100, low=1, high=1000)
        tags = self.option("tags", "(story,comment)")
        params = search_params(query.node)
        author_tag = params.pop("author_tag", None)
        if author_tag:
            tags = f"{author_tag},{tags}"
        state = dict(cursor or {})
        since = int(state.get("since", self.int_option("start", 0, low=0)))
        upper: int | None = state.get("upper")
        before: int | None = state.get("before")
        page = int(state.get("page", 0))
        while True:
            filters = [f"created_at_i>{since}"]
            if before is not None:
                filters.append(f"created_at_i<={before}")
            body = self.http.get_json(
                "/search_by_date",
                params={
                    **params,
                    "tags": tags,
                    "numericFilters": ",".join(filters),
                    "hitsPerPage": per_page,
                    "page": page,
                },
            )
            hits, nb_pages, nb_hits = _hits(body)
            stamps = [int(h["created_at_i"]) for h in hits if _stamp(h) is not None]
            if upper is None:
                upper = max(stamps, default=since)
            posts = tuple(p for p in map(self.to_post, hits) if query.matches(p))
            page += 1
            oldest = min(stamps, default=since)
            if hits and page < nb_pages:
                next_state = {"since": since, "upper": upper, "before": before, "page": page}
            elif hits and nb_hits > page * per_page and oldest > since and oldest != before:
                # Algolia stops serving this window: start a new one at the oldest hit seen.
                before, page = oldest, 0
                next_state = {"since": since, "upper": upper, "before": before, "page": 0}
            else:
                yield Page(posts, {"since": max(upper, since)}, items_read=len(hits))
                return
            yield Page(posts, next_state, items_read=len(hits))

    def to_post(self, raw: Mapping[str, Any]) -> Post:
        object_id = raw.get("objectID")
        stamp = _stamp(raw)
        if not isinstance(object_id, str | int) or stamp is None:
            raise ConnectorError(f"hn: hit without objectID/created_at_i: {str(raw)[:200]}")
        tags = raw.get("_tags") or []
        is_comment = "comment" in tags or raw.get("comment_text") is not None
        links: tuple[str, ...] = ()
        if is_comment:
            text, links = html_to_text(raw.get("comment_text"))
        else:
            body, links = html_to_text(raw.get("story_text"))
            title = str(raw.get("title") or "")
            text = f"{title}\n\n{body}".strip() if body else title
        story_url = raw.get("url")
        urls = ((story_url,) if isinstance(story_url, str) and story_url else ()) + links
        author = raw.get("author")
        parent = raw.get("parent_id")
        story = raw.get("story_id")
        return Post(
            source=self.name,
            id=str(object_id),
            created_at=datetime.fromtimestamp(stamp, UTC),
            text=text,
            url=ITEM_URL.format(object_id),
            author=Author(id=author, handle=author) if isinstance(author, str) and author else None,
            reply_to=ReplyTo(post_id=str(parent)) if is_comment and parent is not None else None,
            conversation_id=str(story) if story is not None else str(object_id),
            metrics=Metrics(likes=_int(raw.get("points")), replies=_int(raw.get("num_comments"))),
            hashtags=extract_hashtags(text),
            mentions=extract_mentions(text),
            urls=tuple(dict.fromkeys(urls + extract_urls(text))),
            raw=raw,
        )


def search_params(node: Any) -> dict[str, str]:
    """Algolia parameters that narrow the search without dropping matches.

    Positive words and phrases ANDed at the top become the ``query``; a top-level OR of words
    becomes ``query`` plus ``optionalWords`` (any of them); ``from:`` becomes ``author_tag``.
    Anything else is left to the local matcher.
    """
    words: list[str] = []
    optional = False
    author: str | None = None
    children = node.children if isinstance(node, And) else (node,)
    for child in children:
        if isinstance(child, Term | Phrase):
            words.append(f'"{child.text}"' if isinstance(child, Phrase) else child.text)
        elif isinstance(child, Operator) and child.name == "from":
            author = child.value
    if not words and isinstance(node, Or) and all(isinstance(c, Term) for c in node.children):
        words = [c.text for c in node.children if isinstance(c, Term)]
        optional = True
    params: dict[str, str] = {}
    if words:
        params["query"] = " ".join(words)
    if optional:
        params["optionalWords"] = " ".join(words)
    if author:
        params["author_tag"] = f"author_{author}"
    return params


def _hits(body: Any) -> tuple[list[Mapping[str, Any]], int, int]:
    if not isinstance(body, Mapping) or not isinstance(body.get("hits"), list):
        raise ConnectorError("hn: search response has no 'hits' list")
    hits = [h for h in body["hits"] if isinstance(h, Mapping)]
    return hits, _int(body.get("nbPages")), _int(body.get("nbHits"))


def _stamp(raw: Mapping[str, Any]) -> int | None:
    value = raw.get("created_at_i")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
