"""Bluesky: ``app.bsky.feed.searchPosts`` through an app-password session, Jetstream for live posts.

Search needs a session (``com.atproto.server.createSession`` with ``EARFUL_BLUESKY_HANDLE`` and
``EARFUL_BLUESKY_APP_PASSWORD``); an expired access token (``ExpiredToken``) is refreshed with
``refreshSession``, and the session is created afresh when the refresh token is refused too.

The query is translated into one search string per alternative (``a OR b`` becomes two
searches, since OR support in ``q`` is unconfirmed); each alternative is swept newest-first down
to the previous run's high-water mark (see :class:`~earful.connectors.payload.Sweep`), and every
hit is checked by the in-memory matcher. The cursor is ``{"branches": {q: sweep cursor}}``.

Live posts come from Jetstream (JSON over WebSocket, no auth), filtered by the matcher,
resuming a few seconds before the last ``time_us`` after a dropped connection.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from datetime import UTC
from typing import Any, ClassVar
from urllib.parse import urlencode

from earful.connectors.base import BaseConnector, Cursor, Page, Query
from earful.connectors.bluesky_map import event_to_view, post_from_view
from earful.connectors.payload import Sweep
from earful.connectors.query_terms import alternatives, quote, simple_leaf
from earful.errors import AuthError, ConfigError, ConnectorError, InputError
from earful.models import Post
from earful.query.ast import Hashtag, Mention, Node, Operator

log = logging.getLogger(__name__)

SEARCH = "/xrpc/app.bsky.feed.searchPosts"
CREATE_SESSION = "/xrpc/com.atproto.server.createSession"
REFRESH_SESSION = "/xrpc/com.atproto.server.refreshSession"
JETSTREAM = "wss://jetstream2.us-east.bsky.network/subscribe"
_EXPIRED = ("ExpiredToken", "InvalidToken", "Token has expired")


def _leaf(node: Node) -> str | None:
    if isinstance(node, Hashtag):
        return f"#{node.tag}"
    if isinstance(node, Mention):
        return f"@{node.handle}"
    if isinstance(node, Operator):
        if node.name == "from":
            return f"from:{node.value}"
        if node.name == "lang":
            return f"lang:{node.value}"
        if node.name == "url":
            return quote(node.value)
        return None
    return simple_leaf(node)


def search_strings(query: Query) -> list[str]:
    """The ``q`` values whose results together cover ``query``."""
    alts = alternatives(query.node, _leaf)
    if not alts:
        raise ConfigError(
            "query",
            f"Bluesky search needs at least one word, phrase, #tag or @mention: {query.text!r}",
        )
    return alts


def _time_mark(post: Post, view: Mapping[str, Any]) -> str:
    """The sweep mark: the earlier of createdAt and indexedAt (≈ the search's ``sortAt``)."""
    moment = post.created_at
    indexed = view.get("indexedAt")
    if isinstance(indexed, str):
        try:
            from earful.connectors.payload import req_time

            moment = min(moment, req_time(indexed, "indexedAt"))
        except InputError:
            pass
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class BlueskyConnector(BaseConnector):
    """Bluesky search (authenticated) and Jetstream (live)."""

    name: ClassVar[str] = "bluesky"
    default_base_url: ClassVar[str] = "https://bsky.social"
    secret_keys: ClassVar[Mapping[str, str]] = {
        "handle": "EARFUL_BLUESKY_HANDLE",
        "app_password": "EARFUL_BLUESKY_APP_PASSWORD",
    }

    _access: str | None = None
    _refresh: str | None = None
    last_time_us: int | None = None

    # -- mapping ------------------------------------------------------------------------
    def to_post(self, raw: Mapping[str, Any]) -> Post:
        """A postView or a Jetstream commit event as a Post."""
        if "commit" in raw and "record" not in raw:
            view = event_to_view(raw)
            if view is None:
                raise InputError("not a post creation event", field="commit")
            return post_from_view(view, raw)
        return post_from_view(raw)

    # -- session ------------------------------------------------------------------------
    def secrets(self) -> list[str]:
        # The handle is an identifier, not a secret; only the password is redacted.
        value = self.env.get(self.env_name("app_password"))
        return [value] if value else []

    def _login(self) -> None:
        handle = self.secret("handle")
        password = self.secret("app_password")
        data = self.http.post_json(
            CREATE_SESSION, json_body={"identifier": handle, "password": password}
        )
        self._set_session(data)

    def _set_session(self, data: Any) -> None:
        access = data.get("accessJwt") if isinstance(data, Mapping) else None
        refresh = data.get("refreshJwt") if isinstance(data, Mapping) else None
        if not isinstance(access, str) or not access:
            raise AuthError("bluesky: the session response holds no access token")
        self._access = access
        self.http.add_secret(access)
        if isinstance(refresh, str) and refresh:
            self._refresh = refresh
            self.http.add_secret(refresh)
        self.http.set_header("Authorization", f"Bearer {access}")

    def _renew(self) -> None:
        """Refresh the session; create a new one when the refresh token is refused too."""
        if self._refresh:
            try:
                data = self.http.post_json(
                    REFRESH_SESSION, headers={"Authorization": f"Bearer {self._refresh}"}
                )
                self._set_session(data)
                log.info("bluesky: session refreshed")
                return
            except ConnectorError as exc:
                log.info("bluesky: refresh refused (%s); creating a new session", exc)
        self._access = self._refresh = None
        self._login()

    def call(self, path: str, params: Mapping[str, Any]) -> Any:
        """An authenticated XRPC GET, renewing an expired session once."""
        if self._access is None:
            self._login()
        try:
            return self.http.get_json(path, params=params)
        except ConnectorError as exc:
            if not any(marker in str(exc) for marker in _EXPIRED):
                raise
        self._renew()
        return self.http.get_json(path, params=params)

    # -- search -------------------------------------------------------------------------
    def fetch(self, query: Query, cursor: Cursor | None) -> Iterator[Page]:
        limit = self.int_option("page_size", 100, high=100)
        backfill = self.int_option("backfill_pages", 10)
        max_pages = self.int_option("max_pages", 100)
        strings = search_strings(query)
        old = (cursor or {}).get("branches")
        branches: dict[str, Any] = {
            q: dict(old[q]) if isinstance(old, Mapping) and isinstance(old.get(q), Mapping)
            else None
            for q in strings
        }
        pages = 0
        for q in strings:
            sweep = Sweep(branches[q])
            seen: set[str] = set()
            first = sweep.bound is None and not sweep.resumed
            branch_pages = 0
            while pages < max_pages:
                params: dict[str, Any] = {"q": q, "sort": "latest", "limit": limit}
                if sweep.bound:
                    params["since"] = sweep.bound
                if sweep.next:
                    params["cursor"] = sweep.next
                data = self.call(SEARCH, params)
                items = data.get("posts") if isinstance(data, Mapping) else None
                items = items if isinstance(items, list) else []
                matched: list[Post] = []
                notes: list[str] = []
                reached = False
                for view in items:
                    if not isinstance(view, Mapping):
                        continue
                    try:
                        post = self.to_post(view)
                    except InputError as exc:
                        notes.append(f"skipped a post in search {q!r}: {exc}")
                        continue
                    mark = _time_mark(post, view)
                    if not sweep.newer(mark):
                        reached = True
                        continue
                    sweep.see(mark)
                    if post.id not in seen and query.matches(post):
                        seen.add(post.id)
                        matched.append(post)
                pages += 1
                branch_pages += 1
                token = data.get("cursor") if items and isinstance(data, Mapping) else None
                if first and branch_pages >= backfill:
                    token = None
                branches[q] = sweep.advance(token, reached_bound=reached)
                yield Page(
                    tuple(matched), {"branches": dict(branches)}, len(items), tuple(notes)
                )
                if sweep.done:
                    break

    # -- Jetstream ----------------------------------------------------------------------
    @property
    def jetstream_url(self) -> str:
        url = self.env.get("EARFUL_BLUESKY_JETSTREAM_URL") or self.option("jetstream_url")
        return str(url or JETSTREAM)

    def stream(self, query: Query, cursor: int | None = None) -> Iterator[Post]:
        """Live posts matching ``query``; reconnects with backoff, resuming from ``time_us``."""
        from websockets.exceptions import InvalidHandshake, WebSocketException
        from websockets.sync.client import connect

        max_failures = self.int_option("max_reconnects", 10, low=0)
        replay_us = 3_000_000
        self.last_time_us = cursor
        recent: OrderedDict[str, None] = OrderedDict()
        failures = 0
        while True:
            params = [("wantedCollections", "app.bsky.feed.post")]
            if self.last_time_us is not None:
                params.append(("cursor", str(max(self.last_time_us - replay_us, 0))))
            sep = "&" if "?" in self.jetstream_url else "?"
            url = f"{self.jetstream_url}{sep}{urlencode(params)}"
            try:
                with connect(url, open_timeout=10, close_timeout=2, max_size=2**22) as ws:
                    log.info("bluesky: Jetstream connected (cursor %s)", self.last_time_us)
                    for message in ws:
                        failures = 0
                        post = self._event_post(message)
                        if post is None or post.id in recent:
                            continue
                        recent[post.id] = None
                        if len(recent) > 50_000:
                            recent.popitem(last=False)
                        if query.matches(post):
                            yield post
                reason = "closed by the server"
            except (OSError, TimeoutError, InvalidHandshake, WebSocketException) as exc:
                reason = f"{type(exc).__name__}: {exc}"
            if failures >= max_failures:
                raise ConnectorError(
                    f"bluesky: Jetstream unreachable after {failures + 1} attempts ({reason})"
                )
            delay = self.http.backoff(failures)
            failures += 1
            log.warning("bluesky: Jetstream dropped (%s); reconnecting in %.1fs", reason, delay)
            self.http.sleep(delay)

    def _event_post(self, message: str | bytes) -> Post | None:
        try:
            event = json.loads(message)
        except (ValueError, UnicodeDecodeError):
            log.warning("bluesky: skipped a Jetstream message that is not JSON")
            return None
        if not isinstance(event, Mapping):
            return None
        time_us = event.get("time_us")
        if isinstance(time_us, int) and not isinstance(time_us, bool):
            self.last_time_us = max(self.last_time_us or 0, time_us)
        try:
            view = event_to_view(event)
            return None if view is None else post_from_view(view, event)
        except InputError as exc:
            log.warning("bluesky: skipped a Jetstream event: %s", exc)
            return None


__all__ = ["BlueskyConnector", "search_strings"]
