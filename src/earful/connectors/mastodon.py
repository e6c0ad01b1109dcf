"""Mastodon (any instance): hashtag and public timelines, status search, the streaming API.

Which feeds a query reads ("fetch wider, filter locally"):

* hashtag timelines ``/api/v1/timelines/tag/:tag`` when every match must carry one of a few
  hashtags (``#a OR #b``), plus the ``hashtags`` option;
* else status search ``/api/v2/search?type=statuses`` when a token is set (full-text search
  needs auth and an Elasticsearch-backed instance); a refused search (401/403/404/422/503)
  falls back to the public timeline and says so in the page notes;
* else the public timeline ``/api/v1/timelines/public`` (``local``/``remote`` options).

Each feed is swept newest-first down to the last run's highest status id (``since_id``),
following ``Link: <…?max_id=…>; rel="next"``; the cursor is ``{"feeds": {key: sweep}}``.
Every status goes through the in-memory matcher. Ids are ``host/status_id`` (see
:mod:`earful.connectors.mastodon_map`). ``stream`` reads the SSE streaming API and reconnects.
"""

from __future__ import annotations

import json
import logging
import re
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlsplit

from earful.connectors.base import BaseConnector, Cursor, Page, Query
from earful.connectors.http import HttpClient
from earful.connectors.mastodon_map import post_from_status
from earful.connectors.payload import Sweep
from earful.connectors.query_terms import alternatives, positive_hashtags, simple_leaf
from earful.errors import AuthError, ConnectorError, InputError
from earful.models import Post
from earful.query.ast import Hashtag, Node, Operator

log = logging.getLogger(__name__)

_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')
_REFUSED = ("HTTP 401", "HTTP 403", "HTTP 404", "HTTP 422", "HTTP 503", "failed after")


def _leaf(node: Node) -> str | None:
    if isinstance(node, Hashtag):
        return f"#{node.tag}"
    if isinstance(node, Operator) and node.name == "from":
        return f"from:@{node.value}"
    if isinstance(node, Operator) and node.name == "lang":
        return f"language:{node.value}"
    return simple_leaf(node)


def _id_key(mark: str) -> tuple[int, str]:
    return (len(mark), mark)


class MastodonConnector(BaseConnector):
    """One Mastodon instance: timelines, search and streaming."""

    name: ClassVar[str] = "mastodon"
    default_base_url: ClassVar[str] = "https://mastodon.social"
    secret_keys: ClassVar[Mapping[str, str]] = {"token": "EARFUL_MASTODON_TOKEN"}

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc or "mastodon"

    def to_post(self, raw: Mapping[str, Any]) -> Post:
        return post_from_status(raw, self.host)

    # -- HTTP ---------------------------------------------------------------------------
    def make_http(self) -> HttpClient:
        http = super().make_http()
        self.configure_http(http)
        return http

    def configure_http(self, http: HttpClient) -> None:
        token = self.secret("token", required=False)
        if token:
            http.set_header("Authorization", f"Bearer {token}")

    def get_page(self, path: str, params: Mapping[str, Any]) -> tuple[Any, str | None]:
        """A JSON body and the ``max_id`` of its ``rel="next"`` link (truncated JSON retried)."""
        attempt = 0
        while True:
            response = self.http.request("GET", path, params=params)
            try:
                body = json.loads(response.content)
                break
            except (ValueError, UnicodeDecodeError) as exc:
                if attempt >= self.http.max_retries:
                    raise ConnectorError(
                        f"mastodon: GET {path} returned invalid JSON {attempt + 1} times: {exc}"
                    ) from None
                self.http.sleep(self.http.backoff(attempt))
                attempt += 1
        next_max = None
        for url, rel in _LINK.findall(response.headers.get("link", "")):
            if rel == "next":
                next_max = parse_qs(urlsplit(url).query).get("max_id", [None])[0]
        return body, next_max

    # -- feeds --------------------------------------------------------------------------
    def feeds(self, query: Query, *, search: bool) -> dict[str, tuple[str, dict[str, Any]]]:
        """key -> (path, params) of the listings that together cover ``query``."""
        local = {"local": "true"} if self.option("local", False) else {}
        if self.option("remote", False):
            local["remote"] = "true"
        extra = self.option("hashtags", [])
        tags = positive_hashtags(query.node)
        if tags is not None or extra:
            names = [*(tags or []), *(t for t in extra if isinstance(t, str))]
            return {
                f"tag:{t.lower()}": (f"/api/v1/timelines/tag/{quote(t, safe='')}", dict(local))
                for t in dict.fromkeys(n.lstrip("#") for n in names)
            }
        alts = alternatives(query.node, _leaf) if search else None
        if alts:
            return {
                f"search:{q}": ("/api/v2/search", {"type": "statuses", "q": q, "resolve": "false"})
                for q in alts
            }
        return {"public": ("/api/v1/timelines/public", dict(local))}

    def fetch(self, query: Query, cursor: Cursor | None) -> Iterator[Page]:
        mode = self.option("search", "auto")
        search = mode is True or (mode == "auto" and bool(self.secret("token", required=False)))
        old = (cursor or {}).get("feeds")
        state: dict[str, Any] = dict(old) if isinstance(old, Mapping) else {}
        notes: list[str] = []
        try:
            yield from self._sweep_feeds(query, self.feeds(query, search=search), state, notes)
        except (AuthError, ConnectorError) as exc:
            if not search or not any(m in str(exc) for m in _REFUSED):
                raise
            notes.append(f"status search refused ({exc}); reading timelines instead")
            log.warning("mastodon: %s", notes[-1])
            feeds = self.feeds(query, search=False)
            yield from self._sweep_feeds(query, feeds, state, notes)

    def _sweep_feeds(
        self,
        query: Query,
        feeds: Mapping[str, tuple[str, dict[str, Any]]],
        state: dict[str, Any],
        notes: list[str],
    ) -> Iterator[Page]:
        limit = self.int_option("page_size", 40, high=40)
        backfill = self.int_option("backfill_pages", 10)
        max_pages = self.int_option("max_pages", 100)
        pages = 0
        for key, (path, base_params) in feeds.items():
            previous = state.get(key)
            sweep = Sweep(previous if isinstance(previous, Mapping) else None, _id_key)
            first = sweep.bound is None and not sweep.resumed
            feed_pages = 0
            while pages < max_pages:
                params = {**base_params, "limit": limit}
                if sweep.bound:
                    params["since_id"] = sweep.bound
                if sweep.next:
                    params["max_id"] = sweep.next
                body, next_max = self.get_page(path, params)
                items = body.get("statuses") if isinstance(body, Mapping) else body
                items = [s for s in items if isinstance(s, Mapping)] if isinstance(
                    items, list) else []
                matched, reached, page_notes = self._page_posts(query, items, sweep)
                pages += 1
                feed_pages += 1
                if path == "/api/v2/search" and items:
                    next_max = str(items[-1].get("id") or "") or None
                if not items or (first and feed_pages >= backfill):
                    next_max = None
                state[key] = sweep.advance(next_max, reached_bound=reached)
                yield Page(
                    tuple(matched), {"feeds": dict(state)}, len(items),
                    tuple([*notes, *page_notes]),
                )
                notes.clear()
                if sweep.done:
                    break

    def _page_posts(
        self, query: Query, items: list[Mapping[str, Any]], sweep: Sweep
    ) -> tuple[list[Post], bool, list[str]]:
        matched: list[Post] = []
        notes: list[str] = []
        reached = False
        seen: set[str] = set()
        for status in items:
            try:
                post = self.to_post(status)
            except InputError as exc:
                notes.append(f"skipped a status: {exc}")
                continue
            mark = str(status["id"])
            if not sweep.newer(mark) or mark == sweep.bound:
                reached = True
                continue
            sweep.see(mark)
            if post.id not in seen and query.matches(post):
                seen.add(post.id)
                matched.append(post)
        return matched, reached, notes

    # -- streaming ----------------------------------------------------------------------
    def stream(self, query: Query) -> Iterator[Post]:
        """Live statuses from the SSE streaming API, matched locally; reconnects with backoff."""
        tags = positive_hashtags(query.node) or []
        local = "/local" if self.option("local", False) else ""
        if len(tags) == 1:
            path, params = f"/api/v1/streaming/hashtag{local}", {"tag": tags[0]}
        else:
            path, params = f"/api/v1/streaming/public{local}", {}
        max_failures = self.int_option("max_reconnects", 10, low=0)
        recent: OrderedDict[str, None] = OrderedDict()
        failures = 0
        while True:
            try:
                with self.http.stream_lines(path, params=params) as lines:
                    for status in _sse_updates(lines):
                        failures = 0
                        try:
                            post = self.to_post(status)
                        except InputError as exc:
                            log.warning("mastodon: skipped a streamed status: %s", exc)
                            continue
                        if post.id in recent:
                            continue
                        recent[post.id] = None
                        if len(recent) > 10_000:
                            recent.popitem(last=False)
                        if query.matches(post):
                            yield post
                reason = "closed by the server"
            except ConnectorError as exc:
                if isinstance(exc, AuthError):
                    raise
                reason = str(exc)
            if failures >= max_failures:
                raise ConnectorError(f"mastodon: stream unavailable ({reason})")
            delay = self.http.backoff(failures)
            failures += 1
            log.warning("mastodon: stream dropped (%s); reconnecting in %.1fs", reason, delay)
            self.http.sleep(delay)


def _sse_updates(lines: Iterator[str]) -> Iterator[Mapping[str, Any]]:
    """Status objects from ``event: update`` server-sent events (heartbeats skipped)."""
    event, data = "", list[str]()
    for line in lines:
        if not line:
            if event == "update" and data:
                try:
                    status = json.loads("\n".join(data))
                except ValueError:
                    log.warning("mastodon: skipped a streamed update that is not JSON")
                    status = None
                if isinstance(status, Mapping):
                    yield status
            event, data = "", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))


__all__ = ["MastodonConnector"]
