"""Reddit: search and subreddit listings (posts and comments) through app-only OAuth.

The token comes from ``POST {auth}/api/v1/access_token`` (HTTP Basic with
``EARFUL_REDDIT_CLIENT_ID``/``EARFUL_REDDIT_CLIENT_SECRET``, ``grant_type=client_credentials``);
``auth`` is the ``auth_url`` option or ``EARFUL_REDDIT_AUTH_URL``, else the API base when that
was overridden, else ``https://www.reddit.com``. The API base defaults to
``https://oauth.reddit.com``. A 401 fetches a new token once.

Feeds: ``/search?sort=new&type=link`` with the query translated into Reddit's Lucene syntax
(restricted to the ``subreddits`` option when set), plus ``/r/{sub}/new`` and
``/r/{sub}/comments`` for each configured subreddit. Each is swept newest-first by ``after``
down to the last run's newest ``created_utc``; the cursor is ``{"feeds": {key: sweep}}``. Every
item passes the in-memory matcher. Ids are fullnames (``t3_…`` posts, ``t1_…`` comments).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from earful.connectors.base import BaseConnector, Cursor, Page, Query
from earful.connectors.http import HttpClient
from earful.connectors.payload import Sweep, count, epoch, obj, text, unique
from earful.connectors.query_terms import alternatives, simple_leaf
from earful.errors import AuthError, ConfigError, InputError
from earful.models import Author, Metrics, Post, ReplyTo
from earful.query.ast import Hashtag, Node, Operator
from earful.text import extract_urls

log = logging.getLogger(__name__)

DEFAULT_AUTH = "https://www.reddit.com"
DEFAULT_UA = "python:earful:0.1 (by /u/earful-app)"


def _leaf(node: Node) -> str | None:
    if isinstance(node, Hashtag):
        return node.tag
    if isinstance(node, Operator) and node.name == "from":
        return f"author:{node.value}"
    if isinstance(node, Operator) and node.name == "url":
        return f"site:{node.value}" if "/" not in node.value else None
    return simple_leaf(node)


def search_string(query: Query) -> str | None:
    """The query in Reddit search syntax (wider than ours), or None if it says nothing."""
    alts = alternatives(query.node, _leaf)
    if not alts:
        return None
    def single(a: str) -> bool:
        return " " not in a or (a.startswith('"') and a.endswith('"') and a.count('"') == 2)

    q = " OR ".join(a if single(a) or len(alts) == 1 else f"({a})" for a in alts)
    return q if len(q) <= 512 else None


def post_from_thing(raw: Mapping[str, Any]) -> Post:
    """A ``t3`` (post) or ``t1`` (comment), wrapped ``{kind, data}`` or bare, as a Post."""
    data = obj(raw, "data") if "data" in raw and "kind" in raw else raw
    kind = text(raw, "kind") or ("t1" if "body" in data else "t3")
    if kind not in ("t1", "t3"):
        raise InputError(f"not a post or comment (kind {kind!r})", field="kind")
    name = text(data, "name") or (f"{kind}_{data['id']}" if text(data, "id") else None)
    if name is None:
        raise InputError("missing required field", field="name")
    created_at = epoch(data.get("created_utc"), "created_utc")
    if kind == "t3":
        title, selftext = text(data, "title") or "", text(data, "selftext") or ""
        body = f"{title}\n\n{selftext}".strip()
        links = [] if data.get("is_self") is not False else [text(data, "url") or ""]
    else:
        body = text(data, "body") or ""
        links = []
    handle = text(data, "author")
    author = None
    if handle and handle != "[deleted]":
        author = Author(id=text(data, "author_fullname") or handle, handle=handle)
    permalink = text(data, "permalink")
    parent = text(data, "parent_id")
    return Post(
        source="reddit",
        id=name,
        created_at=created_at,
        text=body,
        url=f"https://www.reddit.com{permalink}" if permalink else None,
        author=author,
        reply_to=ReplyTo(post_id=parent) if kind == "t1" and parent else None,
        conversation_id=text(data, "link_id") if kind == "t1" else name,
        metrics=Metrics(likes=count(data, "score"), replies=count(data, "num_comments")),
        urls=unique([*links, *extract_urls(body)]),
        raw=raw,
    )


def _mark(created: datetime) -> str:
    return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class RedditConnector(BaseConnector):
    """Reddit search and subreddit listings."""

    name: ClassVar[str] = "reddit"
    default_base_url: ClassVar[str] = "https://oauth.reddit.com"
    secret_keys: ClassVar[Mapping[str, str]] = {
        "client_id": "EARFUL_REDDIT_CLIENT_ID",
        "client_secret": "EARFUL_REDDIT_CLIENT_SECRET",
    }
    _token: str | None = None

    def to_post(self, raw: Mapping[str, Any]) -> Post:
        return post_from_thing(raw)

    @property
    def auth_url(self) -> str:
        url = self.env.get("EARFUL_REDDIT_AUTH_URL") or self.option("auth_url")
        if not url:
            url = DEFAULT_AUTH if self.base_url == self.default_base_url else self.base_url
        return str(url).rstrip("/")

    # -- HTTP ---------------------------------------------------------------------------
    def make_http(self) -> HttpClient:
        http = super().make_http()
        self.configure_http(http)
        return http

    def configure_http(self, http: HttpClient) -> None:
        http.set_header("User-Agent", str(self.option("user_agent", DEFAULT_UA)))

    def _authenticate(self) -> None:
        client_id = self.secret("client_id")
        secret = self.secret("client_secret")
        assert client_id is not None and secret is not None
        data = self.http.post_json(
            f"{self.auth_url}/api/v1/access_token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
        )
        token = data.get("access_token") if isinstance(data, Mapping) else None
        if not isinstance(token, str) or not token:
            raise AuthError("reddit: the token response holds no access_token")
        self._token = token
        self.http.add_secret(token)
        self.http.set_header("Authorization", f"bearer {token}")

    def call(self, path: str, params: Mapping[str, Any]) -> Any:
        if self._token is None:
            self._authenticate()
        try:
            return self.http.get_json(path, params=params)
        except AuthError as exc:
            if "HTTP 401" not in str(exc):
                raise
        self._authenticate()
        return self.http.get_json(path, params=params)

    # -- feeds --------------------------------------------------------------------------
    def feeds(self, query: Query) -> dict[str, tuple[str, dict[str, Any]]]:
        subs = [s.strip().removeprefix("r/") for s in self.option("subreddits", [])
                if isinstance(s, str) and s.strip()]
        feeds: dict[str, tuple[str, dict[str, Any]]] = {}
        q = search_string(query)
        if q is not None and self.option("search", True):
            params = {"q": q, "sort": "new", "type": "link", "t": "all"}
            path = "/search"
            if subs:
                path, params["restrict_sr"] = f"/r/{'+'.join(subs)}/search", "1"
            feeds[f"search:{q}"] = (path, params)
        for sub in subs:
            feeds[f"new:{sub}"] = (f"/r/{sub}/new", {})
            if self.option("comments", True):
                feeds[f"comments:{sub}"] = (f"/r/{sub}/comments", {})
        if not feeds:
            raise ConfigError(
                "sources.reddit.subreddits",
                f"the query {query.text!r} has no searchable words; list subreddits to read",
            )
        return feeds

    def fetch(self, query: Query, cursor: Cursor | None) -> Iterator[Page]:
        limit = self.int_option("page_size", 100, high=100)
        max_pages = self.int_option("max_pages", 100)
        backfill = self.int_option("backfill_pages", 10)
        old = (cursor or {}).get("feeds")
        state: dict[str, Any] = dict(old) if isinstance(old, Mapping) else {}
        pages = 0
        for key, (path, base) in self.feeds(query).items():
            previous = state.get(key)
            sweep = Sweep(previous if isinstance(previous, Mapping) else None)
            first = sweep.bound is None and not sweep.resumed
            feed_pages = 0
            while pages < max_pages:
                params = {**base, "limit": limit, "raw_json": 1}
                if sweep.next:
                    params["after"] = sweep.next
                listing = obj(self.call(path, params) or {}, "data")
                children = listing.get("children")
                items = [c for c in children if isinstance(c, Mapping)] if isinstance(
                    children, list) else []
                matched: list[Post] = []
                notes: list[str] = []
                reached = False
                for item in items:
                    if item.get("kind") == "more":
                        continue
                    try:
                        post = self.to_post(item)
                    except InputError as exc:
                        notes.append(f"skipped an item of {path}: {exc}")
                        continue
                    mark = _mark(post.created_at)
                    if not sweep.newer(mark):
                        reached = True
                        continue
                    sweep.see(mark)
                    if query.matches(post) and post.id not in {p.id for p in matched}:
                        matched.append(post)
                pages += 1
                feed_pages += 1
                after = text(listing, "after") if items else None
                if first and feed_pages >= backfill:
                    after = None
                state[key] = sweep.advance(after, reached_bound=reached)
                yield Page(tuple(matched), {"feeds": dict(state)}, len(items), tuple(notes))
                if sweep.done:
                    break


__all__ = ["RedditConnector", "post_from_thing", "search_string"]
