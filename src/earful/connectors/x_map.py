"""Map X API v2 tweets (with their ``includes`` expansions) to :class:`~earful.models.Post`.

One mapping for the X connector (search and filtered stream) and the twarc2 importer. A tweet's
author, and the author a reply answers, are resolved through ``includes.users`` (id -> user); the
posts it references (``includes.tweets``) give the replied-to post's author when
``in_reply_to_user_id`` is missing and, if asked, a retweet's full text.

Field by field (docs/importing.md has the same table for twarc imports):

- ``note_tweet.text`` (a long post's full text), else ``text``;
- ``note_tweet.entities`` when present and not empty, else ``entities``: ``hashtags[].tag``,
  ``mentions[].username``, ``urls[].expanded_url``, each in first-seen order without duplicates;
- ``referenced_tweets[]`` ``replied_to`` / ``quoted`` / ``retweeted`` -> ``reply_to.post_id`` /
  ``quote_of`` / ``repost_of`` (the first of each type);
- an author without ``username`` is left unknown; the permalink is then ``x.com/i/web/...``.

Values are read strictly: a missing ``id``, ``text`` or ``created_at``, a value of the wrong type
or a negative count raises :class:`~earful.errors.InputError` naming the field, relative to the
tweet object (callers add their own prefix, such as ``data[3]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from earful.connectors.payload import opt_time
from earful.errors import InputError
from earful.formats.earful_jsonl import parse_time
from earful.formats.x import x_lang, x_permalink
from earful.importers.base import opt_int, opt_list, opt_obj, opt_str, unique
from earful.models import Author, Metrics, Post, ReplyTo

__all__ = ["Objects", "author_from_user", "index", "index_includes", "post_from_tweet", "split"]

#: users or tweets by id, as :func:`index` builds them from ``includes``
Objects = Mapping[str, Mapping[str, Any]]


def index(items: list[Any], field: str) -> dict[str, Mapping[str, Any]]:
    """Objects by their string ``id``; anything else in ``items`` is an error at ``field[i]``."""
    out: dict[str, Mapping[str, Any]] = {}
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise InputError("expected objects with a string 'id'", field=f"{field}[{i}]")
        out[item["id"]] = item
    return out


def index_includes(page: Mapping[str, Any]) -> tuple[Objects, Objects]:
    """``includes.users`` and ``includes.tweets`` of a response page (or a :func:`split` item)."""
    includes = opt_obj(page, "includes")
    users = index(opt_list(includes, "users", "includes.users"), "includes.users")
    tweets = index(opt_list(includes, "tweets", "includes.tweets"), "includes.tweets")
    return users, tweets


def split(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each tweet of a response as ``{"data": tweet, "includes": {...}}`` with only the users
    and referenced tweets it needs (the connector keeps this as the post's raw payload).

    ``data`` may be one object (the filtered stream sends one tweet per message). Entries that
    are not objects, and includes without a string ``id``, are left out.
    """
    data = body.get("data") or []
    if isinstance(data, Mapping):
        data = [data]
    includes = body.get("includes") if isinstance(body.get("includes"), Mapping) else {}
    assert isinstance(includes, Mapping)
    users = _by_id(includes.get("users"))
    tweets = _by_id(includes.get("tweets"))
    items = []
    for tweet in data:
        if not isinstance(tweet, Mapping):
            continue
        refs = [r.get("id") for r in tweet.get("referenced_tweets") or [] if isinstance(r, Mapping)]
        ref_tweets = [tweets[r] for r in refs if isinstance(r, str) and r in tweets]
        ids = [tweet.get("author_id"), tweet.get("in_reply_to_user_id")]
        wanted = {u for u in ids + [t.get("author_id") for t in ref_tweets] if isinstance(u, str)}
        items.append(
            {
                "data": dict(tweet),
                "includes": {
                    "users": [user for uid, user in users.items() if uid in wanted],
                    "tweets": ref_tweets,
                },
            }
        )
    return items


def _by_id(items: object) -> dict[str, Mapping[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {i["id"]: i for i in items if isinstance(i, Mapping) and isinstance(i.get("id"), str)}


def post_from_tweet(
    tweet: object,
    source: str,
    users: Objects,
    tweets: Objects | None = None,
    *,
    raw: Mapping[str, Any] | None = None,
    retweet_text: bool = False,
) -> Post:
    """Map one X API v2 tweet object, resolving users through ``users`` (id -> user).

    ``raw`` is kept as ``Post.raw`` (default: the tweet object). With ``retweet_text`` a retweet
    takes the text of the retweeted post when ``tweets`` holds it (X cuts a retweet's own text
    to ``RT @handle: …`` and 140 characters); the connector asks for this so that its local
    query filter sees the words X matched, twarc imports keep the tweet's own text.
    """
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
    author = author_from_user(users.get(author_id)) if author_id else None
    entities = opt_obj(note, "entities") or opt_obj(tweet, "entities")
    refs: dict[str, str] = {}
    for i, ref in enumerate(opt_list(tweet, "referenced_tweets")):
        if not isinstance(ref, Mapping):
            raise InputError("expected an object", field=f"referenced_tweets[{i}]")
        kind, ref_id = opt_str(ref, "type"), opt_str(ref, "id")
        if kind and ref_id:
            refs.setdefault(kind, ref_id)
    if retweet_text and tweets and refs.get("retweeted") in tweets:
        original = tweets[refs["retweeted"]].get("text")
        if isinstance(original, str) and original:
            text = original
    reply_to = None
    if "replied_to" in refs or tweet.get("in_reply_to_user_id"):
        reply_to = ReplyTo(refs.get("replied_to"), _reply_handle(tweet, refs, users, tweets))
    m = opt_obj(tweet, "public_metrics")
    return Post(
        source=source,
        id=post_id,
        created_at=created_at,
        text=text,
        url=x_permalink(author.handle if author else None, post_id),
        lang=x_lang(opt_str(tweet, "lang")),
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
        raw=dict(tweet) if raw is None else raw,
    )


def author_from_user(user: Mapping[str, Any] | None) -> Author | None:
    """An X v2 user object as an :class:`Author`; ``None`` without one or without a username."""
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
        posts=opt_int(m, "tweet_count", "author.public_metrics.tweet_count"),
        joined_at=opt_time(user.get("created_at")),
    )


def _reply_handle(
    tweet: Mapping[str, Any], refs: Mapping[str, str], users: Objects, tweets: Objects | None
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
