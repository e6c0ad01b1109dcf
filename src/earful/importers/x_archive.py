"""X (Twitter) account archive reader: ``data/tweets.js`` (also ``tweets-partN.js``).

The file is ``window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]``: one JSON array after a
JavaScript prefix. It is parsed item by item with :meth:`json.JSONDecoder.raw_decode` over a
sliding window, so memory stays bounded whatever the archive's size.

The archive does not repeat its owner on each tweet. When ``account.js`` sits next to the
tweets file (as in a real archive's ``data/`` folder) the owner's id, handle and name become
each post's author; otherwise the author is left unknown. The source is ``x`` unless
``--source`` says otherwise.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from earful.errors import InputError
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

PREFIX = re.compile(r"\s*window\.YTD\.(\w+)\.part\d+\s*=\s*")
CHUNK = 1 << 20
MAX_ITEM = 64 << 20  # no tweet comes near this: a longer unparsed run means a broken file
_WS = " \t\r\n"
_TIME = "%a %b %d %H:%M:%S %z %Y"


def read_x_archive(fh: IO[bytes], ctx: ReadContext) -> Iterator[Post | Rejected]:
    """Posts from an X archive's tweets file."""
    owner = load_owner(ctx.path.parent / "account.js")
    source = (ctx.source or "x").strip().lower()
    for line, item, raw in iter_items(fh, ctx):
        tweet = item.get("tweet", item) if isinstance(item, dict) else item
        try:
            yield tweet_to_post(tweet, source, owner)
        except InputError as exc:
            yield Rejected(ctx.locate(exc, line), raw)


def iter_items(fh: IO[bytes], ctx: ReadContext) -> Iterator[tuple[int, Any, str]]:
    """``(line, value, text)`` for each element of the archive's array, streamed."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    raw_decode = json.JSONDecoder().raw_decode
    eof = False
    buf = ""
    line, mark = 1, 0  # the line number at buf[mark] (counted incrementally)

    def fill() -> bool:
        nonlocal buf, eof
        chunk = fh.read(CHUNK)
        try:
            buf += decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise ctx.error(f"not UTF-8: {exc.reason}", line=line) from None
        eof = not chunk
        return bool(chunk)

    while len(buf) < 256 and fill():
        pass
    m = PREFIX.match(buf)
    if not m or m.group(1) != "tweets":
        found = repr(buf.lstrip()[:40])
        raise ctx.error(
            f"not an X archive tweets file: expected 'window.YTD.tweets.part0 = [', found {found}",
            line=1,
        )
    pos = m.end()
    while True:  # find the opening bracket
        while pos >= len(buf) and fill():
            pass
        if pos < len(buf) and buf[pos] in _WS:
            pos += 1
            continue
        if pos < len(buf) and buf[pos] == "[":
            pos += 1
            break
        raise _where(ctx, buf, mark, pos, line, "expected '[' after the archive prefix")
    expect_item = True
    while True:
        if pos > CHUNK:  # drop what has been consumed
            line += buf.count("\n", mark, pos)
            buf, pos, mark = buf[pos:], 0, 0
        while pos < len(buf) and buf[pos] in _WS:
            pos += 1
        if pos >= len(buf):
            if fill():
                continue
            raise _where(ctx, buf, mark, pos, line, "truncated archive: the array is not closed")
        ch = buf[pos]
        if ch == "]":
            return
        if ch == ",":
            if expect_item:
                raise _where(ctx, buf, mark, pos, line, "unexpected ','")
            expect_item = True
            pos += 1
            continue
        if not expect_item:
            raise _where(ctx, buf, mark, pos, line, "expected ',' or ']' between items")
        try:
            value, end = raw_decode(buf, pos)
        except json.JSONDecodeError as exc:
            # Near the end of the window the item may just be cut by the chunking.
            cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(buf) - 8
            if cut and not eof and len(buf) - pos < MAX_ITEM:
                fill()
                continue
            at_end = exc.msg.startswith("Unterminated string") or exc.pos >= len(buf.rstrip())
            reason = "truncated archive" if eof and at_end else "invalid JSON"
            raise _where(ctx, buf, mark, exc.pos, line, f"{reason}: {exc.msg}") from None
        if end >= len(buf) and not eof:  # a number or literal may continue in the next chunk
            fill()
            continue
        line += buf.count("\n", mark, pos)
        mark = pos
        yield line, value, buf[pos:end]
        pos = end
        expect_item = False


def _where(ctx: ReadContext, buf: str, mark: int, pos: int, line: int, reason: str) -> InputError:
    """An error at ``buf[pos]``, given that ``buf[mark]`` is on ``line``."""
    pos = min(pos, len(buf))
    line += buf.count("\n", mark, pos)
    column = pos - (buf.rfind("\n", 0, pos) + 1) + 1
    return ctx.error(reason, line=line, column=column)


def load_owner(path: Path) -> Author | None:
    """The archive owner from ``account.js`` next to the tweets file, when present."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    m = re.match(r"\s*window\.YTD\.account\.part\d+\s*=\s*", text)
    if not m:
        return None
    try:
        items = json.loads(text[m.end() :])
        account = items[0]["account"]
        return Author(
            id=str(account["accountId"]),
            handle=str(account["username"]),
            name=account.get("accountDisplayName") or None,
        )
    except (ValueError, LookupError, TypeError, AttributeError):
        return None


def tweet_to_post(tweet: object, source: str, owner: Author | None) -> Post:
    """Map one archive tweet object."""
    if not isinstance(tweet, Mapping):
        raise InputError(f"expected an object, got {type(tweet).__name__}", field="tweet")
    post_id = opt_str(tweet, "id_str") or opt_str(tweet, "id")
    if not post_id:
        raise InputError("missing required field", field="id_str")
    text = tweet.get("full_text", tweet.get("text"))
    if not isinstance(text, str):
        raise InputError(
            "missing required field" if text is None else "expected a string", field="full_text"
        )
    created = tweet.get("created_at")
    if not isinstance(created, str):
        raise InputError(
            "missing required field" if created is None else "expected a string", field="created_at"
        )
    try:
        created_at = datetime.strptime(created.strip(), _TIME).astimezone(UTC)
    except ValueError:
        raise InputError(
            f"expected a time like 'Wed Oct 10 20:19:24 +0000 2018', got {created!r}",
            field="created_at",
        ) from None
    entities = opt_obj(tweet, "entities")
    hashtags = [_entity(e, "text", "entities.hashtags") for e in opt_list(entities, "hashtags")]
    mentions = [
        _entity(e, "screen_name", "entities.user_mentions")
        for e in opt_list(entities, "user_mentions")
    ]
    urls = [_entity(e, "expanded_url", "entities.urls") for e in opt_list(entities, "urls")]
    reply_id = opt_str(tweet, "in_reply_to_status_id_str") or opt_str(
        tweet, "in_reply_to_status_id"
    )
    reply_handle = opt_str(tweet, "in_reply_to_screen_name")
    handle = owner.handle if owner else None
    lang = opt_str(tweet, "lang")
    return Post(
        source=source,
        id=post_id,
        created_at=created_at,
        text=text,
        url=x_permalink(handle, post_id),
        lang=x_lang(lang),
        author=owner,
        reply_to=ReplyTo(reply_id, reply_handle) if reply_id or reply_handle else None,
        metrics=Metrics(
            likes=opt_int(tweet, "favorite_count") or 0,
            reposts=opt_int(tweet, "retweet_count") or 0,
        ),
        hashtags=unique(hashtags),
        mentions=unique(mentions),
        urls=unique(urls),
        raw=dict(tweet),
    )


def _entity(entity: object, key: str, field: str) -> str:
    if not isinstance(entity, Mapping):
        raise InputError("expected a list of objects", field=field)
    value = opt_str(entity, key, f"{field}.{key}")
    return value or ""
