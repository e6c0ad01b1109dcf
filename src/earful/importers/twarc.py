"""X API v2 / twarc2 JSON-lines reader.

Each line is either a response page as ``twarc2 search`` writes it (``data`` — a list, or one
object — with ``includes.users``/``includes.tweets`` and ``meta``), or a "flattened" tweet as
``twarc2 flatten`` writes it (one tweet per line with ``author`` embedded). Pages with no
``data`` (an empty search result, or only ``errors``) hold no posts. Tweets listed only in
``includes.tweets`` (the tweets that were quoted, replied to or retweeted) are used to resolve
handles but are not imported themselves. The raw value kept with each post is its tweet object.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

from earful.errors import InputError
from earful.formats.earful_jsonl import parse_time
from earful.formats.x import x_lang, x_permalink
from earful.importers.base import (
    ReadContext,
    Rejected,
    opt_int,
    opt_list,
    opt_obj,
    opt_str,
    unique,
)
from earful.models import Author, Metrics, Post, ReplyTo

Users = Mapping[str, Mapping[str, Any]]


def read_twarc(fh: IO[bytes], ctx: ReadContext) -> Iterator[Post | Rejected]:
    """Posts from twarc2 / X API v2 JSON lines."""
    source = (ctx.source or "x").strip().lower()
    for lineno, data in enumerate(fh, 1):
        if lineno == 1 and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if data.isspace() or not data:
            continue
        text = data.decode("utf-8", "replace").rstrip("\r\n")
        try:
            page = json.loads(data.decode("utf-8").rstrip("\r\n"))
        except UnicodeDecodeError as exc:
            error = ctx.error(f"not UTF-8: {exc.reason}", line=lineno, column=exc.start + 1)
            yield Rejected(error, text)
            continue
        except json.JSONDecodeError as exc:
            error = ctx.error(f"invalid JSON: {exc.msg}", line=lineno, column=exc.colno)
            yield Rejected(error, text)
            continue
        if not isinstance(page, dict):
            error = ctx.error(f"expected a JSON object, got {type(page).__name__}", line=lineno)
            yield Rejected(error, text)
            continue
        if "data" in page or "includes" in page or "meta" in page or "errors" in page:
            yield from _page(page, lineno, text, source, ctx)
        elif "id" in page and "text" in page:
            try:
                yield _flat(page, source)
            except InputError as exc:
                yield Rejected(ctx.locate(exc, lineno), text)
        else:
            reason = "neither an X API v2 response page ('data') nor a flattened tweet"
            yield Rejected(ctx.error(reason, line=lineno), text)


def _page(
    page: Mapping[str, Any], lineno: int, text: str, source: str, ctx: ReadContext
) -> Iterator[Post | Rejected]:
    try:
        includes = opt_obj(page, "includes")
        users = _index(opt_list(includes, "users", "includes.users"), "includes.users")
        tweets = _index(opt_list(includes, "tweets", "includes.tweets"), "includes.tweets")
        data = page.get("data")
        items: list[Any] = [data] if isinstance(data, dict) else opt_list(page, "data")
    except InputError as exc:
        yield Rejected(ctx.locate(exc, lineno), text)
        return
    for i, tweet in enumerate(items):
        prefix = f"data[{i}]" if not isinstance(data, dict) else "data"
        try:
            yield tweet_to_post(tweet, source, users, tweets)
        except InputError as exc:
            raw = json.dumps(tweet, ensure_ascii=False)
            yield Rejected(ctx.locate(exc, lineno, prefix), raw)


def _index(items: list[Any], field: str) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise InputError("expected objects with a string 'id'", field=f"{field}[{i}]")
        out[item["id"]] = item
    return out


def _flat(tweet: Mapping[str, Any], source: str) -> Post:
    """A ``twarc2 flatten`` line: the author and referenced tweets are embedded."""
    users: dict[str, Mapping[str, Any]] = {}
    author = tweet.get("author")
    if isinstance(author, Mapping) and isinstance(author.get("id"), str):
        users[author["id"]] = author
    tweets: dict[str, Mapping[str, Any]] = {}
    for ref in opt_list(tweet, "referenced_tweets"):
        if isinstance(ref, Mapping) and isinstance(ref.get("id"), str):
            tweets[ref["id"]] = ref
            ref_author = ref.get("author")
            if isinstance(ref_author, Mapping) and isinstance(ref_author.get("id"), str):
                users.setdefault(ref_author["id"], ref_author)
    in_reply_to = tweet.get("in_reply_to_user")
    if isinstance(in_reply_to, Mapping) and isinstance(in_reply_to.get("id"), str):
        users.setdefault(in_reply_to["id"], in_reply_to)
    return tweet_to_post(tweet, source, users, tweets)


def tweet_to_post(tweet: object, source: str, users: Users, tweets: Users | None = None) -> Post:
    """Map one X API v2 tweet object, resolving users through ``users`` (id → user)."""
    if not isinstance(tweet, Mapping):
        raise InputError(f"expected an object, got {type(tweet).__name__}")
    post_id = opt_str(tweet, "id")
    if not post_id:
        raise InputError("missing required field", field="id")
    note = opt_obj(tweet, "note_tweet")
    text = note.get("text") if isinstance(note.get("text"), str) else tweet.get("text")
    if not isinstance(text, str):
        raise InputError(
            "missing required field" if text is None else "expected a string", field="text"
        )
    created_at = parse_time(tweet.get("created_at"))
    author_id = opt_str(tweet, "author_id")
    author = _author(users.get(author_id)) if author_id else None
    entities = opt_obj(note, "entities") or opt_obj(tweet, "entities")
    refs: dict[str, str] = {}
    for i, ref in enumerate(opt_list(tweet, "referenced_tweets")):
        if not isinstance(ref, Mapping):
            raise InputError("expected an object", field=f"referenced_tweets[{i}]")
        kind, ref_id = opt_str(ref, "type"), opt_str(ref, "id")
        if kind and ref_id:
            refs.setdefault(kind, ref_id)
    reply_to = None
    if "replied_to" in refs or tweet.get("in_reply_to_user_id"):
        reply_to = ReplyTo(refs.get("replied_to"), _reply_handle(tweet, refs, users, tweets))
    m = opt_obj(tweet, "public_metrics")
    handle = author.handle if author else None
    lang = opt_str(tweet, "lang")
    return Post(
        source=source,
        id=post_id,
        created_at=created_at,
        text=text,
        url=x_permalink(handle, post_id),
        lang=x_lang(lang),
        author=author,
        reply_to=reply_to,
        quote_of=refs.get("quoted"),
        repost_of=refs.get("retweeted"),
        conversation_id=opt_str(tweet, "conversation_id"),
        metrics=Metrics(
            likes=opt_int(m, "like_count", "public_metrics.like_count") or 0,
            reposts=opt_int(m, "retweet_count", "public_metrics.retweet_count") or 0,
            replies=opt_int(m, "reply_count", "public_metrics.reply_count") or 0,
            quotes=opt_int(m, "quote_count", "public_metrics.quote_count") or 0,
        ),
        hashtags=unique(_values(entities, "hashtags", "tag")),
        mentions=unique(_values(entities, "mentions", "username")),
        urls=unique(_values(entities, "urls", "expanded_url")),
        raw=dict(tweet),
    )


def _author(user: Mapping[str, Any] | None) -> Author | None:
    if user is None:
        return None
    handle = opt_str(user, "username", "author.username")
    if not handle:
        return None
    m = opt_obj(user, "public_metrics", "author.public_metrics")
    return Author(
        id=str(user["id"]),
        handle=handle,
        name=opt_str(user, "name", "author.name"),
        bio=opt_str(user, "description", "author.description"),
        followers=opt_int(m, "followers_count", "author.public_metrics.followers_count"),
        following=opt_int(m, "following_count", "author.public_metrics.following_count"),
    )


def _reply_handle(
    tweet: Mapping[str, Any], refs: Mapping[str, str], users: Users, tweets: Users | None
) -> str | None:
    user_id = opt_str(tweet, "in_reply_to_user_id")
    if user_id is None and tweets and "replied_to" in refs:
        parent = tweets.get(refs["replied_to"])
        user_id = opt_str(parent, "author_id") if parent else None
    user = users.get(user_id) if user_id else None
    return opt_str(user, "username") if user else None


def _values(entities: Mapping[str, Any], kind: str, key: str) -> list[str]:
    out: list[str] = []
    for i, entity in enumerate(opt_list(entities, kind, f"entities.{kind}")):
        if not isinstance(entity, Mapping):
            raise InputError("expected an object", field=f"entities.{kind}[{i}]")
        value = opt_str(entity, key, f"entities.{kind}[{i}].{key}")
        if value:
            out.append(value)
    return out
