"""Earful JSONL: the interchange format (see docs/jsonl.md).

:func:`post_from_dict` validates one decoded line and maps it to a :class:`~earful.models.Post`;
:func:`post_to_dict` is its inverse. Errors are :class:`~earful.errors.InputError` naming the field;
callers add the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from earful.errors import InputError
from earful.models import Author, Metrics, Post, ReplyTo
from earful.text import extract_hashtags, extract_mentions, extract_urls

REQUIRED = ("source", "id", "created_at", "text")


def parse_time(value: object, field: str = "created_at") -> datetime:
    """Parse an RFC 3339 timestamp (``Z`` or an offset) into aware UTC."""
    if not isinstance(value, str) or not value.strip():
        raise InputError("expected an RFC 3339 timestamp string", field=field)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"not an RFC 3339 timestamp: {value!r}", field=field) from None
    if parsed.tzinfo is None:
        raise InputError(f"timestamp has no time zone: {value!r}", field=field)
    return parsed.astimezone(UTC)


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with a ``Z`` suffix, second precision unless sub-second data exists."""
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat() + "Z"


def _str(obj: Mapping[str, Any], key: str, field: str, *, required: bool = False) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise InputError("missing required field", field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InputError(f"expected a string, got {type(value).__name__}", field=field)
    text = str(value)
    if required and not text.strip():
        raise InputError("must not be empty", field=field)
    return text


def _int(obj: Mapping[str, Any], key: str, field: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        raise InputError(f"expected a non-negative integer, got {value!r}", field=field)
    if value < 0:
        raise InputError(f"expected a non-negative integer, got {value}", field=field)
    return value


def _obj(obj: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InputError(f"expected an object, got {type(value).__name__}", field=key)
    return value


def _strlist(obj: Mapping[str, Any], key: str, strip: str = "") -> tuple[str, ...] | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError("expected a list of strings", field=key)
    out: dict[str, None] = {}
    for v in value:
        v = v.strip()
        if strip:
            v = v.lstrip(strip)
        if v:
            out.setdefault(v, None)
    return tuple(out)


def post_from_dict(obj: object, raw: Mapping[str, Any] | None = None) -> Post:
    """Validate one Earful JSONL object and map it to a Post (entities derived when absent)."""
    if type(obj) is dict:
        post = _plain_post(obj, raw)
        if post is not None:
            return post
    return _checked_post(obj, raw)


def _opt(value: object) -> bool:
    """Is ``value`` absent or a plain string (what the fast path accepts as-is)?"""
    return value is None or type(value) is str


def _count(value: object) -> bool:
    return value is None or (type(value) is int and value >= 0)


def _strings(value: object) -> bool:
    return value is None or (type(value) is list and all(type(v) is str for v in value))


def _plain_post(obj: dict[str, Any], raw: Mapping[str, Any] | None) -> Post | None:
    """:func:`_checked_post` for the common shape (plain strings, ints, dicts and lists), or
    None for anything else, so the checked path decides and names the first bad field."""
    get = obj.get
    source, post_id, text = get("source"), get("id"), get("text")
    if type(source) is not str or type(post_id) is not str or type(text) is not str:
        return None
    if not source.strip() or not post_id.strip():
        return None
    url, lang, quote_of = get("url"), get("lang"), get("quote_of")
    repost_of, conversation_id = get("repost_of"), get("conversation_id")
    if not (_opt(url) and _opt(lang) and _opt(quote_of) and _opt(repost_of)):
        return None
    if not _opt(conversation_id):
        return None
    hashtags, mentions, urls = get("hashtags"), get("mentions"), get("urls")
    if not (_strings(hashtags) and _strings(mentions) and _strings(urls)):
        return None
    author = None
    a = get("author")
    if a is not None:
        if type(a) is not dict:
            return None
        handle, author_id, name, bio = a.get("handle"), a.get("id"), a.get("name"), a.get("bio")
        followers, following = a.get("followers"), a.get("following")
        if not (_opt(handle) and _opt(author_id) and _opt(name) and _opt(bio)):
            return None
        if not (handle or author_id) or not (_count(followers) and _count(following)):
            return None
        posts, joined = a.get("posts"), a.get("joined_at")
        if not _count(posts) or not _opt(joined):
            return None
        try:
            joined_at = parse_time(joined, "author.joined_at") if joined is not None else None
        except InputError:
            return None
        author = Author(
            id=author_id or (handle or ""),
            handle=(handle or author_id or "").lstrip("@"),
            name=name,
            bio=bio,
            followers=followers,
            following=following,
            posts=posts,
            joined_at=joined_at,
        )
    reply_to = None
    r = get("reply_to")
    if r is not None:
        if type(r) is not dict:
            return None
        reply_id, reply_handle = r.get("post_id"), r.get("author_handle")
        if not (_opt(reply_id) and _opt(reply_handle)):
            return None
        reply_to = ReplyTo(
            post_id=reply_id, author_handle=reply_handle.lstrip("@") if reply_handle else None
        )
    m = get("metrics")
    if m is None:
        metrics = Metrics()
    else:
        if type(m) is not dict:
            return None
        likes, reposts, replies, quotes = (
            m.get("likes"),
            m.get("reposts"),
            m.get("replies"),
            m.get("quotes"),
        )
        if not (_count(likes) and _count(reposts) and _count(replies) and _count(quotes)):
            return None
        metrics = Metrics(likes or 0, reposts or 0, replies or 0, quotes or 0)
    created_at = parse_time(get("created_at"))  # the checked path's first error here too
    return Post(
        source=source.strip().lower(),
        id=post_id.strip(),
        created_at=created_at,
        text=text,
        url=url,
        lang=lang.lower() if lang else None,
        author=author,
        reply_to=reply_to,
        quote_of=quote_of,
        repost_of=repost_of,
        conversation_id=conversation_id,
        metrics=metrics,
        hashtags=_strlist(obj, "hashtags", "#") or ()
        if hashtags is not None
        else extract_hashtags(text),
        mentions=_strlist(obj, "mentions", "@") or ()
        if mentions is not None
        else extract_mentions(text),
        urls=_strlist(obj, "urls") or () if urls is not None else extract_urls(text),
        raw=raw if raw is not None else dict(obj),
    )


def _checked_post(obj: object, raw: Mapping[str, Any] | None) -> Post:
    if not isinstance(obj, Mapping):
        raise InputError(f"expected a JSON object, got {type(obj).__name__}")
    source = _str(obj, "source", "source", required=True)
    post_id = _str(obj, "id", "id", required=True)
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError(
            "missing required field" if text is None else "expected a string", field="text"
        )
    created_at = parse_time(obj.get("created_at"))
    assert source is not None and post_id is not None

    author = None
    a = _obj(obj, "author")
    if a is not None:
        handle = _str(a, "handle", "author.handle")
        author_id = _str(a, "id", "author.id")
        if not handle and not author_id:
            raise InputError("needs an 'id' or a 'handle'", field="author")
        author = Author(
            id=author_id or (handle or ""),
            handle=(handle or author_id or "").lstrip("@"),
            name=_str(a, "name", "author.name"),
            bio=_str(a, "bio", "author.bio"),
            followers=_int(a, "followers", "author.followers"),
            following=_int(a, "following", "author.following"),
            posts=_int(a, "posts", "author.posts"),
            joined_at=(
                parse_time(a["joined_at"], "author.joined_at")
                if a.get("joined_at") is not None
                else None
            ),
        )
    reply_to = None
    r = _obj(obj, "reply_to")
    if r is not None:
        handle = _str(r, "author_handle", "reply_to.author_handle")
        reply_to = ReplyTo(
            post_id=_str(r, "post_id", "reply_to.post_id"),
            author_handle=handle.lstrip("@") if handle else None,
        )
    m = _obj(obj, "metrics") or {}
    metrics = Metrics(
        likes=_int(m, "likes", "metrics.likes") or 0,
        reposts=_int(m, "reposts", "metrics.reposts") or 0,
        replies=_int(m, "replies", "metrics.replies") or 0,
        quotes=_int(m, "quotes", "metrics.quotes") or 0,
    )
    hashtags = _strlist(obj, "hashtags", "#")
    mentions = _strlist(obj, "mentions", "@")
    urls = _strlist(obj, "urls")
    lang = _str(obj, "lang", "lang")
    return Post(
        source=source.strip().lower(),
        id=post_id.strip(),
        created_at=created_at,
        text=text,
        url=_str(obj, "url", "url"),
        lang=lang.lower() if lang else None,
        author=author,
        reply_to=reply_to,
        quote_of=_str(obj, "quote_of", "quote_of"),
        repost_of=_str(obj, "repost_of", "repost_of"),
        conversation_id=_str(obj, "conversation_id", "conversation_id"),
        metrics=metrics,
        hashtags=hashtags if hashtags is not None else extract_hashtags(text),
        mentions=mentions if mentions is not None else extract_mentions(text),
        urls=urls if urls is not None else extract_urls(text),
        raw=raw if raw is not None else dict(obj),
    )


def post_to_dict(post: Post) -> dict[str, Any]:
    """The Earful JSONL object for ``post`` (absent optional fields omitted)."""
    out: dict[str, Any] = {
        "source": post.source,
        "id": post.id,
        "created_at": format_time(post.created_at),
        "text": post.text,
    }
    if post.url:
        out["url"] = post.url
    if post.lang:
        out["lang"] = post.lang
    if post.author:
        a = post.author
        author: dict[str, Any] = {"id": a.id, "handle": a.handle}
        for key in ("name", "bio", "followers", "following", "posts"):
            value = getattr(a, key)
            if value is not None:
                author[key] = value
        if a.joined_at is not None:
            author["joined_at"] = format_time(a.joined_at)
        out["author"] = author
    if post.reply_to:
        out["reply_to"] = {
            k: v
            for k, v in (
                ("post_id", post.reply_to.post_id),
                ("author_handle", post.reply_to.author_handle),
            )
            if v is not None
        }
    for key in ("quote_of", "repost_of", "conversation_id"):
        value = getattr(post, key)
        if value is not None:
            out[key] = value
    m = post.metrics
    out["metrics"] = {
        "likes": m.likes,
        "reposts": m.reposts,
        "replies": m.replies,
        "quotes": m.quotes,
    }
    out["hashtags"] = list(post.hashtags)
    out["mentions"] = list(post.mentions)
    out["urls"] = list(post.urls)
    return out


def loads_line(line: str) -> object:
    """Decode one JSONL line; a syntax error names its column."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", column=exc.colno) from None
