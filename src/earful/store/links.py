"""The links tables: each link once (as posted → where it leads, with page metadata) and the
posts that carry it. Plain functions over a :class:`sqlite3.Connection`.

``links.url`` is the canonical form of the URL as posted (a short link stays short);
``links.canonical`` is the canonical form of where it ends up (equal to ``url`` until expanded).
``post_links`` maps a post to its links and repeats ``canonical`` so posts can be grouped by page.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from earful.errors import StoreError
from earful.store.migrations import apply_migrations, migration

if TYPE_CHECKING:
    from earful.links.expand import LinkResult

LINKS_SCHEMA = (
    """CREATE TABLE links (
        url TEXT PRIMARY KEY,
        canonical TEXT NOT NULL,
        final_url TEXT,
        status INTEGER,
        hops INTEGER,
        content_type TEXT,
        title TEXT,
        description TEXT,
        site_name TEXT,
        page_canonical TEXT,
        fetched_at TEXT,
        error TEXT
    )""",
    "CREATE INDEX links_canonical ON links (canonical)",
    "CREATE INDEX links_unfetched ON links (fetched_at) WHERE fetched_at IS NULL",
    """CREATE TABLE post_links (
        post_rowid INTEGER NOT NULL,
        url TEXT NOT NULL,
        canonical TEXT NOT NULL,
        PRIMARY KEY (post_rowid, url)
    ) WITHOUT ROWID""",
    "CREATE INDEX post_links_url ON post_links (url)",
    "CREATE INDEX post_links_canonical ON post_links (canonical, post_rowid)",
    """CREATE TRIGGER post_links_cleanup AFTER DELETE ON posts BEGIN
        DELETE FROM post_links WHERE post_rowid = old.rowid;
    END""",
)

_COLUMNS = (
    "url, canonical, final_url, status, hops, content_type, title, description, site_name,"
    " page_canonical, fetched_at, error"
)


@migration("0300_links")
def create_links(conn: sqlite3.Connection) -> None:
    for statement in LINKS_SCHEMA:
        conn.execute(statement)


@dataclass(frozen=True, slots=True)
class LinkRow:
    url: str
    canonical: str
    final_url: str | None
    status: int | None
    hops: int | None
    content_type: str | None
    title: str | None
    description: str | None
    site_name: str | None
    page_canonical: str | None
    fetched_at: str | None
    error: str | None
    posts: int = 0

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the links tables if this database does not have them yet."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'post_links'"
    ).fetchone()
    if row is not None:
        return
    if conn.in_transaction:
        raise StoreError("the links tables must be created outside a transaction")
    apply_migrations(conn)


def record_post_links(conn: sqlite3.Connection, post_rowid: int, urls: Sequence[str]) -> int:
    """Link ``post_rowid`` to ``urls`` (canonical); returns how many links were new."""
    new = 0
    for url in urls:
        cur = conn.execute(
            "INSERT INTO links (url, canonical) VALUES (?, ?) ON CONFLICT (url) DO NOTHING",
            (url, url),
        )
        new += cur.rowcount
        conn.execute(
            "INSERT INTO post_links (post_rowid, url, canonical)"
            " SELECT ?, url, canonical FROM links WHERE url = ?"
            " ON CONFLICT (post_rowid, url) DO NOTHING",
            (post_rowid, url),
        )
    return new


def unfetched(conn: sqlite3.Connection, urls: Iterable[str], *, refresh: bool = False) -> list[str]:
    """Those of ``urls`` not fetched yet (all of them with ``refresh``), in order."""
    wanted = list(dict.fromkeys(urls))
    if refresh:
        return wanted
    done: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        done.update(
            r[0]
            for r in conn.execute(
                f"SELECT url FROM links WHERE url IN ({marks}) AND fetched_at IS NOT NULL", chunk
            )
        )
    return [u for u in wanted if u not in done]


def save_result(conn: sqlite3.Connection, result: LinkResult) -> None:
    """Store what expanding a link found, and regroup its posts under the final canonical URL."""
    conn.execute(
        "INSERT INTO links (url, canonical) VALUES (?, ?) ON CONFLICT (url) DO NOTHING",
        (result.url, result.canonical),
    )
    conn.execute(
        "UPDATE links SET canonical = ?, final_url = ?, status = ?, hops = ?, content_type = ?,"
        " title = ?, description = ?, site_name = ?, page_canonical = ?, fetched_at = ?,"
        " error = ? WHERE url = ?",
        (
            result.canonical,
            result.final_url,
            result.status,
            result.hops,
            result.content_type,
            result.title,
            result.description,
            result.site_name,
            result.page_canonical,
            result.fetched_at,
            result.error,
            result.url,
        ),
    )
    conn.execute(
        "UPDATE post_links SET canonical = ? WHERE url = ?", (result.canonical, result.url)
    )


def get_links(conn: sqlite3.Connection, urls: Sequence[str]) -> list[LinkRow]:
    """The stored rows for ``urls`` (in that order, missing ones skipped) with post counts."""
    rows: dict[str, LinkRow] = {}
    wanted = list(dict.fromkeys(urls))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        sql = (
            f"SELECT {_COLUMNS}, (SELECT count(*) FROM post_links AS pl WHERE pl.url = links.url)"
            f" FROM links WHERE url IN ({marks})"
        )
        for r in conn.execute(sql, chunk):
            rows[r[0]] = LinkRow(*r)
    return [rows[u] for u in wanted if u in rows]


def links_of_post(conn: sqlite3.Connection, post_rowid: int) -> list[LinkRow]:
    urls = [
        r[0]
        for r in conn.execute(
            "SELECT url FROM post_links WHERE post_rowid = ? ORDER BY url", (post_rowid,)
        )
    ]
    return get_links(conn, urls)


def posts_linking(conn: sqlite3.Connection, canonical: str) -> list[int]:
    """Rowids of the posts whose links end at ``canonical``."""
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT DISTINCT post_rowid FROM post_links WHERE canonical = ? ORDER BY post_rowid",
            (canonical,),
        )
    ]
