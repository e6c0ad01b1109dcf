"""X API v2 / twarc2 JSON-lines reader.

Each line is either a response page as ``twarc2 search`` writes it (``data`` — a list, or one
object — with ``includes.users``/``includes.tweets`` and ``meta``), or a "flattened" tweet as
``twarc2 flatten`` writes it (one tweet per line with ``author`` embedded). Pages with no
``data`` (an empty search result, or only ``errors``) hold no posts. Tweets listed only in
``includes.tweets`` (the tweets that were quoted, replied to or retweeted) are used to resolve
handles but are not imported themselves. The raw value kept with each post is its tweet object.
The tweet itself is mapped by :mod:`earful.connectors.x_map`, as the X connector's are.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

from earful.connectors.x_map import index_includes, post_from_tweet
from earful.errors import InputError
from earful.importers.base import ReadContext, Rejected, opt_list
from earful.models import Post


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
        users, tweets = index_includes(page)
        data = page.get("data")
        items: list[Any] = [data] if isinstance(data, dict) else opt_list(page, "data")
    except InputError as exc:
        yield Rejected(ctx.locate(exc, lineno), text)
        return
    for i, tweet in enumerate(items):
        prefix = f"data[{i}]" if not isinstance(data, dict) else "data"
        try:
            yield post_from_tweet(tweet, source, users, tweets)
        except InputError as exc:
            raw = json.dumps(tweet, ensure_ascii=False)
            yield Rejected(ctx.locate(exc, lineno, prefix), raw)


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
    return post_from_tweet(tweet, source, users, tweets)
