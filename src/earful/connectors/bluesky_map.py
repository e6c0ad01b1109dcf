"""Map Bluesky payloads to :class:`~earful.models.Post`.

Two shapes arrive: a ``postView`` from ``app.bsky.feed.searchPosts`` (uri, cid, author, record,
counts) and a Jetstream commit event (did, time_us, commit{rkey, cid, record}). Both carry an
``app.bsky.feed.post`` record; everything but the record's text and creation time is optional.

Ids are the ``at://`` URI (globally unique); the permalink uses the author's DID, which survives
handle changes; ``conversation_id`` is the thread root's URI (the post's own for a thread start).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from earful.connectors.payload import count, obj, req_str, req_time, text, unique
from earful.errors import InputError
from earful.models import Author, Metrics, Post, ReplyTo
from earful.text import extract_hashtags, extract_mentions, extract_urls

__all__ = ["event_to_view", "permalink", "post_from_view"]

POST_COLLECTION = "app.bsky.feed.post"


def permalink(uri: str, author: str | None = None) -> str | None:
    """``https://bsky.app/profile/{did or handle}/post/{rkey}`` for an ``at://`` post URI."""
    parts = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(parts) != 3 or parts[1] != POST_COLLECTION:
        return None
    return f"https://bsky.app/profile/{author or parts[0]}/post/{parts[2]}"


def event_to_view(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """A Jetstream ``create`` commit of a post as a minimal postView; ``None`` for other events."""
    commit = obj(event, "commit")
    if (
        event.get("kind") != "commit"
        or commit.get("operation") != "create"
        or commit.get("collection") != POST_COLLECTION
    ):
        return None
    did = req_str(event, "did", "did")
    rkey = req_str(commit, "rkey", "commit.rkey")
    record = commit.get("record")
    if not isinstance(record, Mapping):
        raise InputError("missing required object", field="commit.record")
    return {
        "uri": f"at://{did}/{POST_COLLECTION}/{rkey}",
        "cid": commit.get("cid"),
        "author": {"did": did},
        "record": dict(record),
        "time_us": event.get("time_us"),
    }


def post_from_view(view: Mapping[str, Any], raw: Mapping[str, Any] | None = None) -> Post:
    """Map a postView (or :func:`event_to_view` output) to a Post; ``raw`` is kept beside it."""
    uri = req_str(view, "uri", "uri")
    if not uri.startswith("at://"):
        raise InputError(f"expected an at:// URI, got {uri!r}", field="uri")
    record = view.get("record")
    if not isinstance(record, Mapping):
        raise InputError("missing required object", field="record")
    author_view = obj(view, "author")
    did = text(author_view, "did") or uri.removeprefix("at://").split("/")[0]
    handle = text(author_view, "handle")
    author = Author(
        id=did,
        handle=handle or did,
        name=text(author_view, "displayName"),
        bio=text(author_view, "description"),
        followers=_opt_count(author_view, "followersCount"),
        following=_opt_count(author_view, "followsCount"),
    )
    body = record.get("text")
    body = body if isinstance(body, str) else ""
    created_at = _created(view, record)

    hashtags, mentions, urls = _facets(record, body)
    tags = record.get("tags")
    if isinstance(tags, list):
        hashtags += [t.lstrip("#") for t in tags if isinstance(t, str)]
    quote_of, embed_urls = _embed(record.get("embed"))
    view_embed = obj(view, "embed")
    _, view_urls = _embed(view_embed)
    urls += embed_urls + view_urls

    reply = obj(record, "reply")
    parent = text(obj(reply, "parent"), "uri")
    root = text(obj(reply, "root"), "uri")
    langs = record.get("langs")
    lang = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None
    return Post(
        source="bluesky",
        id=uri,
        created_at=created_at,
        text=body,
        url=permalink(uri, did),
        lang=lang,
        author=author,
        reply_to=ReplyTo(post_id=parent) if parent else None,
        quote_of=quote_of,
        conversation_id=root or (parent if parent else uri),
        metrics=Metrics(
            likes=count(view, "likeCount"),
            reposts=count(view, "repostCount"),
            replies=count(view, "replyCount"),
            quotes=count(view, "quoteCount"),
        ),
        hashtags=unique(hashtags),
        mentions=unique(mentions),
        urls=unique(urls),
        raw=raw if raw is not None else view,
    )


def _created(view: Mapping[str, Any], record: Mapping[str, Any]) -> Any:
    try:
        return req_time(record.get("createdAt"), "record.createdAt")
    except InputError:
        if isinstance(view.get("indexedAt"), str):
            return req_time(view.get("indexedAt"), "indexedAt")
        raise


def _opt_count(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    return count(data, key) if isinstance(value, int) and not isinstance(value, bool) else None


def _facets(record: Mapping[str, Any], body: str) -> tuple[list[str], list[str], list[str]]:
    hashtags: list[str] = []
    mentions: list[str] = []
    urls: list[str] = []
    facets = record.get("facets")
    if not isinstance(facets, list):
        # Some clients write no facets: fall back to the text itself.
        return (
            list(extract_hashtags(body)), list(extract_mentions(body)), list(extract_urls(body))
        )
    encoded = body.encode("utf-8")
    for facet in facets:
        if not isinstance(facet, Mapping):
            continue
        features = facet.get("features")
        for feature in features if isinstance(features, list) else []:
            if not isinstance(feature, Mapping):
                continue
            kind = str(feature.get("$type", "")).rsplit("#", 1)[-1]
            if kind == "tag" and (tag := text(feature, "tag")):
                hashtags.append(tag.lstrip("#"))
            elif kind == "link" and (link := text(feature, "uri")):
                urls.append(link)
            elif kind == "mention":
                label = _slice(encoded, obj(facet, "index"))
                if label.startswith("@") and len(label) > 1:
                    mentions.append(label[1:])
                elif did := text(feature, "did"):
                    mentions.append(did)
    return hashtags, mentions, urls


def _slice(encoded: bytes, index: Mapping[str, Any]) -> str:
    start, end = index.get("byteStart"), index.get("byteEnd")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
        return ""
    return encoded[start:end].decode("utf-8", errors="ignore").strip()


def _embed(embed: object) -> tuple[str | None, list[str]]:
    """(quoted post URI, link URLs) from a record embed or an embed view."""
    if not isinstance(embed, Mapping):
        return None, []
    kind = str(embed.get("$type", ""))
    quote: str | None = None
    urls: list[str] = []
    if kind.startswith("app.bsky.embed.record#") or kind == "app.bsky.embed.record":
        quote = text(obj(embed, "record"), "uri")
    elif kind.startswith("app.bsky.embed.recordWithMedia"):
        inner = obj(embed, "record")
        quote = text(obj(inner, "record"), "uri") or text(inner, "uri")
        _, urls = _embed(embed.get("media"))
    elif kind.startswith("app.bsky.embed.external") and (
        link := text(obj(embed, "external"), "uri")
    ):
        urls.append(link)
    return quote, urls
