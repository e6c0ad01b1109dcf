"""Writing and reading posts (the SQLite backend's post operations)."""

from __future__ import annotations

import json
import json.encoder
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from earful.formats.earful_jsonl import format_time, parse_time
from earful.models import Author, Metrics, Post, ReplyTo
from earful.text import fold, normalize

# json's C string encoder (quotes and escapes, non-ASCII kept): what json.dumps uses for a str.
_encode_string: Callable[[str], str] = json.encoder.encode_basestring

POST_COLUMNS = (
    "rowid, source, id, created_at, text, url, lang, author_id, author_handle, reply_to_id,"
    " reply_to_handle, quote_of, repost_of, conversation_id, likes, reposts, replies, quotes,"
    " hashtags, mentions, urls"
)

_UPSERT = """
INSERT INTO posts (rowid, source, id, created_at, created_ts, text, norm, url, lang, author_id,
    author_handle, reply_to_id, reply_to_handle, quote_of, repost_of, conversation_id,
    likes, reposts, replies, quotes, hashtags, mentions, urls, raw, imported_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, id) DO UPDATE SET
    text = excluded.text,
    norm = excluded.norm, url = coalesce(excluded.url, url), lang = coalesce(excluded.lang, lang),
    author_id = coalesce(excluded.author_id, author_id),
    author_handle = coalesce(excluded.author_handle, author_handle),
    reply_to_id = excluded.reply_to_id, reply_to_handle = excluded.reply_to_handle,
    quote_of = excluded.quote_of, repost_of = excluded.repost_of,
    conversation_id = coalesce(excluded.conversation_id, conversation_id),
    likes = excluded.likes, reposts = excluded.reposts, replies = excluded.replies,
    quotes = excluded.quotes, hashtags = excluded.hashtags, mentions = excluded.mentions,
    urls = excluded.urls, raw = excluded.raw, updated_at = excluded.updated_at, rev = rev + 1
RETURNING rowid, rev
"""

# New posts only: OR IGNORE skips a row whose key another post holds (see PostWriter).
_INSERT_NEW = """
INSERT OR IGNORE INTO posts (rowid, source, id, created_at, created_ts, text, norm, url, lang,
    author_id, author_handle, reply_to_id, reply_to_handle, quote_of, repost_of, conversation_id,
    likes, reposts, replies, quotes, hashtags, mentions, urls, raw, imported_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

_AT_KEYS = "SELECT rowid, source, id FROM posts WHERE rowid IN (SELECT value FROM json_each(?))"

_AUTHOR = """
INSERT INTO authors (source, id, handle, handle_norm, name, bio, followers, following, posts,
    joined_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, id) DO UPDATE SET
    handle = excluded.handle, handle_norm = excluded.handle_norm,
    name = coalesce(excluded.name, name), bio = coalesce(excluded.bio, bio),
    followers = coalesce(excluded.followers, followers),
    following = coalesce(excluded.following, following),
    posts = coalesce(excluded.posts, posts), joined_at = coalesce(excluded.joined_at, joined_at),
    updated_at = excluded.updated_at
"""


# New posts enter the full-text index this many at a time, in rowid order.
FTS_BATCH = 20_000


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    inserted: int = 0
    updated: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(self.inserted + other.inserted, self.updated + other.updated)


# A post turned into plain tuples, ready for the database: (post row starting with its
# post_key, without timestamps; entities as (kind, value); author row without timestamp or
# None). Pure and picklable, so an importer may prepare posts in another process while this
# one writes.
Prepared = tuple[tuple[Any, ...], list[tuple[str, str]], tuple[Any, ...] | None]


def prepare(post: Post, raw_json: str | None = None) -> Prepared:
    """Everything :func:`write_prepared` needs from ``post``, computed without the database.

    ``raw_json`` is the raw payload already serialised (e.g. the JSONL line it came from);
    without it ``post.raw`` is serialised here.
    """
    if raw_json is None and post.raw is not None:
        raw_json = json.dumps(post.raw, ensure_ascii=False, default=str)
    author = post.author
    handle_norm = fold(author.handle) if author else None
    created_ts = int(post.created_at.timestamp())
    row = (
        post_key(created_ts, post.source, post.id),
        post.source,
        post.id,
        format_time(post.created_at),
        created_ts,
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
        _json_list(post.hashtags),
        _json_list(post.mentions),
        _json_list(post.urls),
        raw_json,
    )
    author_row = (
        (
            post.source,
            author.id,
            author.handle,
            handle_norm,
            author.name,
            author.bio,
            author.followers,
            author.following,
            author.posts,
            format_time(author.joined_at) if author.joined_at is not None else None,
        )
        if author is not None
        else None
    )
    return row, _entities(post), author_row


def upsert_posts(
    conn: sqlite3.Connection, posts: Iterable[Post], batch: int = 2000
) -> UpsertCounts:
    """Insert or update ``posts`` on the open transaction of ``conn``."""
    return write_prepared(conn, map(prepare, posts), batch)


def write_prepared(
    conn: sqlite3.Connection, prepared: Iterable[Prepared], batch: int = 2000
) -> UpsertCounts:
    """Upsert prepared posts on the open transaction of ``conn`` (see :class:`PostWriter`)."""
    writer = PostWriter(conn)
    items: list[Prepared] = []
    for item in prepared:
        items.append(item)
        if len(items) >= batch:
            writer.write(items)
            items = []
    writer.write(items)
    return writer.close()


class PostWriter:
    """Upserts batches of prepared posts on the open transaction of a connection.

    Posts that are new (their ``(source, id)`` not stored, their key free) are inserted with
    one ``executemany`` per batch in key order; the rest (updates, repeats within a batch, key
    collisions) go through a per-row upsert that probes for a free key. Entities and authors
    are written per batch; new posts enter the full-text index in rowid order, up to
    :data:`FTS_BATCH` at a time (FTS5 flushes its pending terms whenever a rowid goes
    backwards). Call :meth:`close` before the transaction commits. A post seen twice (even
    within one batch) keeps only its latest entities.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.now = datetime.now(UTC).isoformat()
        self.inserted = self.updated = 0
        self.fts: list[tuple[int, str]] = []
        self.unindexed: set[tuple[str, str]] = set()  # inserted, not yet in self.fts's flush

    def write(self, items: Sequence[Prepared]) -> None:
        if not items:
            return
        existing = self._existing(items)
        fresh: set[tuple[str, str]] = set()
        fast: list[Prepared] = []
        slow: list[Prepared] = []
        authors: dict[tuple[str, str], tuple[Any, ...]] = {}
        now = self.now
        for item in items:
            row, _entities, author_row = item
            skey = (row[1], row[2])
            if skey in existing or skey in fresh:
                slow.append(item)
            else:
                fresh.add(skey)
                fast.append(item)
            if author_row is not None:
                authors[(author_row[0], author_row[1])] = (*author_row, now)
        left = self._insert(fast)
        if left:
            # Their keys are taken (same second, same 20-bit hash): let the upsert probe,
            # in file order with the rest.
            queued = {id(item) for item in slow}
            slow = [i for i in items if id(i) in queued or (i[0][1], i[0][2]) in left]
            fast = [item for item in fast if (item[0][1], item[0][2]) not in left]
        entities = {
            row[0]: [(kind, value, row[0]) for kind, value in post_entities]
            for row, post_entities, _a in fast
        }
        stale = [(rowid,) for rowid in self._upsert_rows(slow, entities)]
        if stale:
            self.conn.executemany("DELETE FROM post_entities WHERE post_rowid = ?", stale)
        self.conn.executemany(
            "INSERT OR IGNORE INTO post_entities (kind, value, post_rowid) VALUES (?, ?, ?)",
            [row for rows in entities.values() for row in rows],
        )
        self.conn.executemany(_AUTHOR, list(authors.values()))
        if len(self.fts) >= FTS_BATCH:
            self._index()

    def _insert(self, fast: list[Prepared]) -> set[tuple[str, str]]:
        """Insert new posts in key order; the ``(source, id)`` of those whose key was taken."""
        if not fast:
            return set()
        now = self.now
        rows = sorted(((*row, now, now) for row, _e, _a in fast), key=_first)
        left: set[tuple[str, str]] = set()
        if self.conn.executemany(_INSERT_NEW, rows).rowcount < len(rows):
            keys = json.dumps([r[0] for r in rows])
            stored = set(self.conn.execute(_AT_KEYS, (keys,)).fetchall())
            left = {(r[1], r[2]) for r in rows if (r[0], r[1], r[2]) not in stored}
            rows = [r for r in rows if (r[1], r[2]) not in left]
        self.inserted += len(rows)
        self.fts += [(r[0], r[6]) for r in rows]
        self.unindexed.update((r[1], r[2]) for r in rows)
        return left

    def close(self) -> UpsertCounts:
        """Finish the full-text index; the counts of everything written."""
        self._index()
        return UpsertCounts(self.inserted, self.updated)

    def _upsert_rows(
        self, slow: list[Prepared], entities: dict[int, list[tuple[str, str, int]]]
    ) -> list[int]:
        """Upsert ``slow`` one by one; the rowids of updated posts whose entities go stale."""
        stale: list[int] = []
        execute = self.conn.execute
        now = self.now
        for row, post_entities, _author in slow:
            if (row[1], row[2]) in self.unindexed:
                # The update trigger removes the old text from the index, so it must be there.
                self._index()
            key = row[0]
            for _attempt in range(64):
                try:
                    rowid, rev = execute(_UPSERT, (key, *row[1:], now, now)).fetchone()
                    break
                except sqlite3.IntegrityError as exc:
                    if "posts.rowid" not in str(exc):
                        raise
                    key += 1  # another post holds this key: probe the next one
            else:  # pragma: no cover - needs 64 posts in one second with colliding hashes
                raise sqlite3.IntegrityError("no free post key")
            if rev == 0:
                self.inserted += 1
                self.fts.append((rowid, row[6]))
                self.unindexed.add((row[1], row[2]))
            else:
                self.updated += 1
                if rowid not in entities:
                    stale.append(rowid)
            entities[rowid] = [(kind, value, rowid) for kind, value in post_entities]
        return stale

    def _index(self) -> None:
        self.fts.sort(key=_first)
        self.conn.executemany("INSERT INTO posts_fts (rowid, norm) VALUES (?, ?)", self.fts)
        self.fts.clear()
        self.unindexed.clear()

    def _existing(self, items: Sequence[Prepared]) -> set[tuple[str, str]]:
        """The ``(source, id)`` keys of ``items`` already stored (compared as the unique
        index compares them: bound parameters, no round trip through JSON)."""
        by_source: dict[str, list[str]] = {}
        for row, _e, _a in items:
            by_source.setdefault(row[1], []).append(row[2])
        found: set[tuple[str, str]] = set()
        for source, ids in by_source.items():
            for start in range(0, len(ids), _IN_LIMIT):
                part = ids[start : start + _IN_LIMIT]
                sql = f"SELECT id FROM posts WHERE source = ? AND id IN ({_marks(len(part))})"
                rows = self.conn.execute(sql, [source, *part])
                found.update((source, post_id) for (post_id,) in rows)
        return found


_IN_LIMIT = 500  # ids per lookup (SQLite allows 32766 parameters since 3.32, 999 before)


@lru_cache(maxsize=64)
def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _first(item: tuple[Any, ...]) -> Any:
    return item[0]


def post_key(created_ts: int, source: str, post_id: str) -> int:
    """The time-ordered rowid for a post: ``created_ts << 20`` plus 20 bits of its key hash."""
    spread = zlib.crc32(f"{source}\0{post_id}".encode()) & 0xFFFFF
    return (max(created_ts, 0) << 20) | spread


def _json_list(values: tuple[str, ...]) -> str:
    """``json.dumps(list(values), ensure_ascii=False)``, built from json's own string encoder."""
    if not values:
        return "[]"
    return "[" + ", ".join(map(_encode_string, values)) + "]"


def _entities(post: Post) -> list[tuple[str, str]]:
    if not (post.hashtags or post.mentions or post.urls):
        return []
    out = [("hashtag", fold(t)) for t in post.hashtags]
    out += [("mention", fold(m)) for m in post.mentions]
    out += [("url", u.casefold()) for u in post.urls]
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
        a_handle, a_name, a_bio, a_followers, a_following, a_posts, a_joined = (
            author_cols if author_cols else (author_handle, None, None, None, None, None, None)
        )
        author = Author(
            id=author_id,
            handle=a_handle or author_handle or author_id,
            name=a_name,
            bio=a_bio,
            followers=a_followers,
            following=a_following,
            posts=a_posts,
            joined_at=parse_time(a_joined, "author.joined_at") if a_joined else None,
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


_SELECT_COLUMNS = (
    "SELECT p.rowid, p.source, p.id, p.created_at, p.text, p.url, p.lang, p.author_id,"
    " p.author_handle, p.reply_to_id, p.reply_to_handle, p.quote_of, p.repost_of,"
    " p.conversation_id, p.likes, p.reposts, p.replies, p.quotes, p.hashtags, p.mentions, p.urls,"
    " a.handle, a.name, a.bio, a.followers, a.following, a.posts, a.joined_at"
)
_JOIN_AUTHORS = "LEFT JOIN authors AS a ON a.source = p.source AND a.id = p.author_id"
SELECT_POSTS = f"{_SELECT_COLUMNS} FROM posts AS p {_JOIN_AUTHORS}"
# Driven by the full-text index: FTS5 walks its matches in rowid order, posts joined by rowid.
SELECT_FROM_ENTITY = (
    f"{_SELECT_COLUMNS} FROM post_entities AS e JOIN posts AS p ON p.rowid = e.post_rowid"
    f" {_JOIN_AUTHORS}"
)
SELECT_FROM_FTS = (
    f"{_SELECT_COLUMNS} FROM posts_fts JOIN posts AS p ON p.rowid = posts_fts.rowid {_JOIN_AUTHORS}"
)


def iter_rows(
    conn: sqlite3.Connection, where: str, params: Sequence[Any], tail: str = ""
) -> Iterator[tuple[int, Post]]:
    sql = f"{SELECT_POSTS} WHERE {where} {tail}"
    for row in conn.execute(sql, params):
        yield row[0], row_to_post(row)
