"""Writing and reading posts (the SQLite backend's post operations)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from earful.formats.earful_jsonl import format_time
from earful.models import Author, Metrics, Post, ReplyTo
from earful.text import fold, normalize

POST_COLUMNS = (
    "rowid, source, id, created_at, text, url, lang, author_id, author_handle, reply_to_id,"
    " reply_to_handle, quote_of, repost_of, conversation_id, likes, reposts, replies, quotes,"
    " hashtags, mentions, urls"
)

_UPSERT = """
INSERT INTO posts (source, id, created_at, created_ts, text, norm, url, lang, author_id,
    author_handle, reply_to_id, reply_to_handle, quote_of, repost_of, conversation_id,
    likes, reposts, replies, quotes, hashtags, mentions, urls, raw, imported_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, id) DO UPDATE SET
    created_at = excluded.created_at, created_ts = excluded.created_ts, text = excluded.text,
    norm = excluded.norm, url = coalesce(excluded.url, url), lang = coalesce(excluded.lang, lang),
    author_id = coalesce(excluded.author_id, author_id),
    author_handle = coalesce(excluded.author_handle, author_handle),
    reply_to_id = excluded.reply_to_id, reply_to_handle = excluded.reply_to_handle,
    quote_of = excluded.quote_of, repost_of = excluded.repost_of,
    conversation_id = coalesce(excluded.conversation_id, conversation_id),
    likes = excluded.likes, reposts = excluded.reposts, replies = excluded.replies,
    quotes = excluded.quotes, hashtags = excluded.hashtags, mentions = excluded.mentions,
    urls = excluded.urls, raw = excluded.raw, updated_at = excluded.updated_at
RETURNING rowid
"""

_AUTHOR = """
INSERT INTO authors (source, id, handle, handle_norm, name, bio, followers, following, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, id) DO UPDATE SET
    handle = excluded.handle, handle_norm = excluded.handle_norm,
    name = coalesce(excluded.name, name), bio = coalesce(excluded.bio, bio),
    followers = coalesce(excluded.followers, followers),
    following = coalesce(excluded.following, following), updated_at = excluded.updated_at
"""


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    inserted: int = 0
    updated: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(self.inserted + other.inserted, self.updated + other.updated)


def upsert_posts(conn: sqlite3.Connection, posts: Iterable[Post]) -> UpsertCounts:
    """Insert or update ``posts`` on the open transaction of ``conn``."""
    now = datetime.now(UTC).isoformat()
    inserted = updated = 0
    for post in posts:
        author = post.author
        handle_norm = fold(author.handle) if author else None
        existed = conn.execute(
            "SELECT 1 FROM posts WHERE source = ? AND id = ?", (post.source, post.id)
        ).fetchone()
        row = conn.execute(
            _UPSERT,
            (
                post.source,
                post.id,
                format_time(post.created_at),
                int(post.created_at.timestamp()),
                post.text,
                normalize(post.text),
                post.url,
                post.lang,
                author.id if author else None,
                handle_norm,
                post.reply_to.post_id if post.reply_to else None,
                fold(post.reply_to.author_handle)
                if post.reply_to and post.reply_to.author_handle
                else None,
                post.quote_of,
                post.repost_of,
                post.conversation_id,
                post.metrics.likes,
                post.metrics.reposts,
                post.metrics.replies,
                post.metrics.quotes,
                json.dumps(list(post.hashtags), ensure_ascii=False),
                json.dumps(list(post.mentions), ensure_ascii=False),
                json.dumps(list(post.urls), ensure_ascii=False),
                json.dumps(post.raw, ensure_ascii=False, default=str)
                if post.raw is not None
                else None,
                now,
                now,
            ),
        ).fetchone()
        rowid = row[0]
        if existed is None:
            inserted += 1
        else:
            updated += 1
            conn.execute("DELETE FROM post_entities WHERE post_rowid = ?", (rowid,))
        conn.executemany(
            "INSERT OR IGNORE INTO post_entities (kind, value, post_rowid) VALUES (?, ?, ?)",
            _entities(post, rowid),
        )
        if author is not None:
            conn.execute(
                _AUTHOR,
                (
                    post.source,
                    author.id,
                    author.handle,
                    handle_norm,
                    author.name,
                    author.bio,
                    author.followers,
                    author.following,
                    now,
                ),
            )
    return UpsertCounts(inserted, updated)


def _entities(post: Post, rowid: int) -> list[tuple[str, str, int]]:
    out = [("hashtag", fold(t), rowid) for t in post.hashtags]
    out += [("mention", fold(m), rowid) for m in post.mentions]
    out += [("url", u.casefold(), rowid) for u in post.urls]
    return out


def row_to_post(row: Sequence[Any], raw: Any = None) -> Post:
    (
        _rowid,
        source,
        post_id,
        created_at,
        text,
        url,
        lang,
        author_id,
        author_handle,
        reply_to_id,
        reply_to_handle,
        quote_of,
        repost_of,
        conversation_id,
        likes,
        reposts,
        replies,
        quotes,
        hashtags,
        mentions,
        urls,
        *author_cols,
    ) = row
    author = None
    if author_id is not None:
        a_handle, a_name, a_bio, a_followers, a_following = (
            author_cols if author_cols else (author_handle, None, None, None, None)
        )
        author = Author(
            id=author_id,
            handle=a_handle or author_handle or author_id,
            name=a_name,
            bio=a_bio,
            followers=a_followers,
            following=a_following,
        )
    reply_to = (
        ReplyTo(post_id=reply_to_id, author_handle=reply_to_handle)
        if reply_to_id is not None or reply_to_handle is not None
        else None
    )
    return Post(
        source=source,
        id=post_id,
        created_at=datetime.fromisoformat(created_at.replace("Z", "+00:00")),
        text=text,
        url=url,
        lang=lang,
        author=author,
        reply_to=reply_to,
        quote_of=quote_of,
        repost_of=repost_of,
        conversation_id=conversation_id,
        metrics=Metrics(likes=likes, reposts=reposts, replies=replies, quotes=quotes),
        hashtags=tuple(json.loads(hashtags)),
        mentions=tuple(json.loads(mentions)),
        urls=tuple(json.loads(urls)),
        raw=json.loads(raw) if raw else None,
    )


SELECT_POSTS = (
    "SELECT p.rowid, p.source, p.id, p.created_at, p.text, p.url, p.lang, p.author_id,"
    " p.author_handle, p.reply_to_id, p.reply_to_handle, p.quote_of, p.repost_of,"
    " p.conversation_id, p.likes, p.reposts, p.replies, p.quotes, p.hashtags, p.mentions, p.urls,"
    " a.handle, a.name, a.bio, a.followers, a.following"
    " FROM posts AS p LEFT JOIN authors AS a ON a.source = p.source AND a.id = p.author_id"
)


def iter_rows(
    conn: sqlite3.Connection, where: str, params: Sequence[Any], tail: str = ""
) -> Iterator[tuple[int, Post]]:
    sql = f"{SELECT_POSTS} WHERE {where} {tail}"
    for row in conn.execute(sql, params):
        yield row[0], row_to_post(row)
