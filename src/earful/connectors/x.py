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
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from earful.connectors.base import BaseConnector, Cursor, Page, Query
from earful.connectors.http import HttpClient
from earful.connectors.xquery import XQuery, compile_x
from earful.errors import ConnectorError, InputError
from earful.formats.earful_jsonl import parse_time
from earful.formats.x import x_lang, x_permalink
from earful.models import Author, Metrics, Post, ReplyTo

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

    def _items(self, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Each post of a response with its own slice of ``includes`` (kept as raw)."""
        data = body.get("data") or []
        if isinstance(data, Mapping):  # the stream sends one post per object
            data = [data]
        includes = body.get("includes") if isinstance(body.get("includes"), Mapping) else {}
        assert isinstance(includes, Mapping)
        users = {u.get("id"): u for u in includes.get("users") or [] if isinstance(u, Mapping)}
        tweets = {t.get("id"): t for t in includes.get("tweets") or [] if isinstance(t, Mapping)}
        items = []
        for tweet in data:
            if not isinstance(tweet, Mapping):
                continue
            refs = [r.get("id") for r in tweet.get("referenced_tweets") or []]
            wanted_users = {tweet.get("author_id"), tweet.get("in_reply_to_user_id")}
            ref_tweets = [tweets[r] for r in refs if r in tweets]
            wanted_users |= {t.get("author_id") for t in ref_tweets}
            items.append(
                {
                    "data": dict(tweet),
                    "includes": {
                        "users": [users[u] for u in wanted_users if u in users],
                        "tweets": ref_tweets,
                    },
                }
            )
        return items

    def to_post(self, raw: Mapping[str, Any]) -> Post:
        tweet = raw.get("data")
        if not isinstance(tweet, Mapping) or not isinstance(tweet.get("id"), str):
            raise InputError("X post without a string id", field="data.id")
        includes = raw.get("includes") or {}
        users = {u.get("id"): u for u in includes.get("users") or []}
        tweets = {t.get("id"): t for t in includes.get("tweets") or []}
        created = tweet.get("created_at")
        if not isinstance(created, str):
            raise InputError("X post without created_at", field="data.created_at")
        note = tweet.get("note_tweet")
        text = str(tweet.get("text") or "")
        if isinstance(note, Mapping) and isinstance(note.get("text"), str):
            text = note["text"]
        refs = {r.get("type"): r.get("id") for r in tweet.get("referenced_tweets") or []}
        if refs.get("retweeted") in tweets:
            original = tweets[refs["retweeted"]]
            text = str(original.get("text") or text)
        user = users.get(tweet.get("author_id"))
        author = _author(user) if user else None
        entities = tweet.get("entities") or {}
        reply_user = users.get(tweet.get("in_reply_to_user_id"))
        reply_to = None
        if "replied_to" in refs or tweet.get("in_reply_to_user_id"):
            reply_to = ReplyTo(
                post_id=refs.get("replied_to"),
                author_handle=reply_user.get("username") if reply_user else None,
            )
        pm = tweet.get("public_metrics") or {}
        return Post(
            source=self.name,
            id=tweet["id"],
            created_at=parse_time(created, "data.created_at"),
            text=text,
            url=x_permalink(author.handle if author else None, tweet["id"]),
            lang=x_lang(tweet.get("lang")),
            author=author,
            reply_to=reply_to,
            quote_of=refs.get("quoted"),
            repost_of=refs.get("retweeted"),
            conversation_id=tweet.get("conversation_id"),
            metrics=Metrics(
                likes=int(pm.get("like_count") or 0),
                reposts=int(pm.get("retweet_count") or 0),
                replies=int(pm.get("reply_count") or 0),
                quotes=int(pm.get("quote_count") or 0),
            ),
            hashtags=tuple(h["tag"] for h in entities.get("hashtags") or [] if "tag" in h),
            mentions=tuple(
                m["username"] for m in entities.get("mentions") or [] if "username" in m
            ),
            urls=tuple(
                u.get("expanded_url") or u["url"]
                for u in entities.get("urls") or []
                if u.get("expanded_url") or u.get("url")
            ),
            raw=raw,
        )

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


def _author(user: Mapping[str, Any]) -> Author:
    pm = user.get("public_metrics") or {}
    return Author(
        id=str(user.get("id")),
        handle=str(user.get("username") or user.get("id")),
        name=user.get("name"),
        bio=user.get("description"),
        followers=pm.get("followers_count"),
        following=pm.get("following_count"),
    )
