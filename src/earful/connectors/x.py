"""X (Twitter) API v2: recent or full-archive search, and the filtered stream.

Search polls ``/2/tweets/search/recent`` (``full_archive = true`` -> ``/2/tweets/search/all``)
with expansions for authors, referenced posts and entities, newest first, following
``next_token`` until it is absent. ``since_id`` is the ``newest_id`` of the *first* page of the
previous poll, kept while paging, so a poll never skips what arrived mid-run.

Cursor: ``{"since_id": ID}`` between runs; ``{"since_id": OLD, "newest_id": NEW,
"next_token": T}`` while a poll is in progress (a restart continues from page T).

The stream keeps one ``earful:`` rule per query (added and removed through
``/2/tweets/search/stream/rules``) and reads newline-delimited JSON, skipping keep-alive lines.
X bills per post read, so pages report ``items_read`` (``earful sources`` shows the total).
Tweets become posts through :mod:`earful.connectors.x_map`, the mapping the twarc2 importer uses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from earful.connectors import x_map
from earful.connectors.base import BaseConnector, Cursor, Page, Query
from earful.connectors.http import HttpClient
from earful.connectors.xquery import XQuery, compile_x
from earful.errors import ConnectorError, InputError
from earful.models import Post

TWEET_FIELDS = (
    "created_at,lang,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,"
    "entities,public_metrics,note_tweet"
)
USER_FIELDS = "username,name,description,public_metrics,verified,created_at"
EXPANSIONS = (
    "author_id,referenced_tweets.id,referenced_tweets.id.author_id,"
    "entities.mentions.username,in_reply_to_user_id"
)
RULES = "/2/tweets/search/stream/rules"


class XConnector(BaseConnector):
    name: ClassVar[str] = "x"
    default_base_url: ClassVar[str] = "https://api.x.com"
    secret_keys: ClassVar[Mapping[str, str]] = {"token": "EARFUL_X_BEARER_TOKEN"}
    default_interval: ClassVar[float] = 300.0
    quota_unit: ClassVar[str | None] = "posts read"

    def make_http(self) -> HttpClient:
        http = super().make_http()
        http.set_header("Authorization", f"Bearer {self.secret('token')}")
        return http

    @property
    def full_archive(self) -> bool:
        return bool(self.option("full_archive", False))

    def _params(self) -> dict[str, str]:
        return {
            "tweet.fields": TWEET_FIELDS,
            "user.fields": USER_FIELDS,
            "expansions": EXPANSIONS,
        }

    # -- search -------------------------------------------------------------------------
    def fetch(self, query: Query, cursor: Cursor | None) -> Iterator[Page]:
        xq = compile_x(query.node, query.context, limit=1024 if self.full_archive else 512)
        if xq.impossible:
            return
        path = "/2/tweets/search/all" if self.full_archive else "/2/tweets/search/recent"
        high = 500 if self.full_archive else 100
        per_page = self.int_option("max_results", high, low=10, high=high)
        state = dict(cursor or {})
        since_id = state.get("since_id")
        newest = state.get("newest_id")
        token = state.get("next_token")
        while True:
            params: dict[str, Any] = {
                **self._params(),
                "query": xq.text,
                "max_results": per_page,
            }
            if since_id:
                params["since_id"] = since_id
            elif xq.start_time:
                params["start_time"] = xq.start_time
            if xq.end_time:
                params["end_time"] = xq.end_time
            if token:
                params["next_token"] = token
            body = self.http.get_json(path, params=params)
            if not isinstance(body, Mapping):
                raise ConnectorError("x: search response is not a JSON object")
            items = self._items(body)
            meta = body.get("meta") if isinstance(body.get("meta"), Mapping) else {}
            assert isinstance(meta, Mapping)
            if newest is None and meta.get("newest_id"):
                newest = str(meta["newest_id"])
            posts = tuple(self._keep(self.to_post(item), query, xq) for item in items)
            token = meta.get("next_token")
            count = len(items)
            if token:
                yield Page(
                    tuple(p for p in posts if p is not None),
                    {"since_id": since_id, "newest_id": newest, "next_token": token},
                    items_read=count,
                )
                continue
            final = {"since_id": newest or since_id} if (newest or since_id) else {}
            yield Page(tuple(p for p in posts if p is not None), final, items_read=count)
            return

    @staticmethod
    def _keep(post: Post, query: Query, xq: XQuery) -> Post | None:
        return post if xq.exact or query.matches(post) else None

    @staticmethod
    def _items(body: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Each post of a response with its own slice of ``includes`` (kept as raw)."""
        return x_map.split(body)

    def to_post(self, raw: Mapping[str, Any]) -> Post:
        """Map one :meth:`_items` entry; errors in the tweet name fields under ``data.``."""
        users, tweets = x_map.index_includes(raw)
        try:
            return x_map.post_from_tweet(
                raw.get("data"), self.name, users, tweets, raw=raw, retweet_text=True
            )
        except InputError as exc:
            field = f"data.{exc.field}" if exc.field else "data"
            raise InputError(exc.reason, field=field) from None

    # -- filtered stream ------------------------------------------------------------------
    def rule_for(self, query: Query) -> tuple[str, str, XQuery]:
        xq = compile_x(query.node, query.context, stream=True, limit=1024)
        tag = "earful:" + hashlib.sha256(query.text.encode()).hexdigest()[:12]
        return xq.text, tag, xq

    def sync_rules(self, query: Query) -> XQuery:
        """Make the stream's ``earful:`` rule for ``query`` exist (others of ours removed)."""
        value, tag, xq = self.rule_for(query)
        body = self.http.get_json(RULES)
        rules = body.get("data") or [] if isinstance(body, Mapping) else []
        stale = [
            r["id"]
            for r in rules
            if str(r.get("tag", "")).startswith("earful:")
            and (r.get("tag") != tag or r.get("value") != value)
        ]
        if stale:
            self.http.post_json(RULES, json_body={"delete": {"ids": stale}})
        if not any(r.get("tag") == tag and r.get("value") == value for r in rules):
            reply = self.http.post_json(RULES, json_body={"add": [{"value": value, "tag": tag}]})
            errors = reply.get("errors") if isinstance(reply, Mapping) else None
            if errors and not (reply.get("data") if isinstance(reply, Mapping) else None):
                raise ConnectorError(f"x: stream rule rejected: {errors[0]}")
        return xq

    def stream(self, query: Query) -> Iterator[Post]:
        """Posts from the filtered stream until the connection ends (raises on a drop)."""
        xq = self.sync_rules(query)
        with self.http.stream_lines("/2/tweets/search/stream", params=self._params()) as lines:
            for line in lines:
                if not line.strip():
                    continue  # keep-alive
                try:
                    body = json.loads(line)
                except ValueError:
                    raise ConnectorError("x: stream sent a line that is not JSON") from None
                if isinstance(body, Mapping) and body.get("errors") and not body.get("data"):
                    raise ConnectorError(f"x: stream error: {body['errors'][0]}")
                if not isinstance(body, Mapping):
                    continue
                for item in self._items(body):
                    post = self._keep(self.to_post(item), query, xq)
                    if post is not None:
                        self.http.stats.extra["items_read"] = (
                            int(self.http.stats.extra.get("items_read", 0)) + 1
                        )
                        yield post
