"""One X API v2 mapping: connector and twarc2 importer turn one page into the same posts."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest

from earful.config import SourceSettings
from earful.connectors import x_map
from earful.connectors.x import XConnector
from earful.errors import InputError
from earful.importers.base import ReadContext, Rejected
from earful.importers.twarc import read_twarc
from earful.models import Post

from .fakes.x import x_post, x_user

FIXTURES = Path(__file__).parent.parent / "fixtures" / "importers"


def via_connector(page: dict[str, Any]) -> list[Post]:
    conn = XConnector(SourceSettings(name="x"), {})
    return [conn.to_post(item) for item in conn._items(copy.deepcopy(page))]


def via_importer(page: dict[str, Any]) -> list[Post | Rejected]:
    line = json.dumps(page).encode() + b"\n"
    return list(read_twarc(io.BytesIO(line), ReadContext(path=Path("page.jsonl"))))


def rich_page() -> dict[str, Any]:
    """Replies (with and without ``in_reply_to_user_id``), a quote, a long post, duplicates."""
    plain = x_post(1)
    reply = x_post(2, text="@jdoe acme crashed again", user=7)
    reply["in_reply_to_user_id"] = "8"
    reply["referenced_tweets"] = [
        {"type": "replied_to", "id": "500"},
        {"type": "quoted", "id": "501"},
    ]
    reply["entities"]["mentions"] = [{"start": 0, "end": 5, "username": "jdoe"}]
    orphan_reply = x_post(3, user=7)  # the replied-to author comes from includes.tweets
    orphan_reply["referenced_tweets"] = [{"type": "replied_to", "id": "500"}]
    long_post = x_post(4, user=9)
    long_post["note_tweet"] = {
        "text": "A long review of acme #AcmeWidget #Pulse #Pulse https://t.co/a",
        "entities": {
            "hashtags": [{"tag": "AcmeWidget"}, {"tag": "Pulse"}, {"tag": "Pulse"}],
            "urls": [{"url": "https://t.co/a", "expanded_url": "https://acme.example/a"}],
        },
    }
    stranger = x_post(5, user=404)  # author not in includes: unknown, handle-less permalink
    stranger["lang"] = "und"
    stranger["entities"]["urls"].append(dict(stranger["entities"]["urls"][0]))
    no_metrics = x_post(6, user=7)
    del no_metrics["public_metrics"], no_metrics["entities"]
    return {
        "data": [plain, reply, orphan_reply, long_post, stranger, no_metrics],
        "includes": {
            "users": [x_user("101"), x_user("7"), x_user("8"), x_user("9")],
            "tweets": [
                {"id": "500", "author_id": "8", "text": "the parent"},
                {"id": "501", "author_id": "9", "text": "the quoted post"},
            ],
        },
        "meta": {"result_count": 6},
    }


def test_same_page_same_posts() -> None:
    page = rich_page()
    from_api = via_connector(page)
    imported = via_importer(page)
    assert from_api == imported and len(from_api) == 6
    plain, reply, orphan, long_post, stranger, bare = from_api
    assert plain.author and plain.author.handle == "user101"
    assert reply.reply_to and reply.reply_to.author_handle == "user8" and reply.quote_of == "501"
    assert orphan.reply_to and (orphan.reply_to.post_id, orphan.reply_to.author_handle) == (
        "500",
        "user8",
    )
    assert long_post.text.startswith("A long review") and long_post.hashtags == (
        "AcmeWidget",
        "Pulse",
    )
    assert long_post.urls == ("https://acme.example/a",)
    assert stranger.author is None and stranger.lang is None
    assert stranger.url == f"https://x.com/i/web/status/{stranger.id}"
    assert stranger.urls == ("https://acme.example/w/5",)
    assert bare.metrics.likes == 0 and bare.hashtags == () and bare.urls == ()
    # where each keeps the payload: the connector its slice of the page, the importer the tweet
    assert from_api[1].raw is not None and set(from_api[1].raw) == {"data", "includes"}
    assert imported[1].raw == page["data"][1]


@pytest.mark.parametrize("name", ["twarc_search.jsonl", "twarc_flat.jsonl"])
def test_fixture_pages_map_alike(name: str) -> None:
    for line in (FIXTURES / name).read_text().splitlines():
        imported = via_importer(json.loads(line))
        page = json.loads(line)
        if "id" in page:  # a flattened tweet: as the API sent it, with its includes
            users = [page.pop("author"), page.pop("in_reply_to_user")]
            page = {"data": page, "includes": {"users": users}}
        assert via_connector(page) == imported


def test_retweet_text_is_the_one_difference() -> None:
    retweet = x_post(7, text="RT @user9: the original, cut", user=101)
    retweet["referenced_tweets"] = [{"type": "retweeted", "id": "600"}]
    page = {
        "data": [retweet],
        "includes": {
            "users": [x_user("101"), x_user("9")],
            "tweets": [{"id": "600", "author_id": "9", "text": "the original, in full"}],
        },
    }
    (from_api,) = via_connector(page)
    (imported,) = via_importer(page)
    assert isinstance(imported, Post)
    assert from_api.text == "the original, in full" and from_api.repost_of == "600"
    assert imported.text == retweet["text"]
    assert from_api == dataclasses.replace(imported, text=from_api.text)


@pytest.mark.parametrize(
    ("patch", "field", "reason"),
    [
        ({"id": 9.5}, "id", "expected a string"),
        ({"id": None}, "id", "missing required field"),
        ({"created_at": None}, "created_at", "RFC 3339"),
        ({"text": None}, "text", "missing required field"),
        ({"public_metrics": {"like_count": -1}}, "public_metrics.like_count", "non-negative"),
        ({"referenced_tweets": ["500"]}, "referenced_tweets[0]", "expected an object"),
    ],
)
def test_bad_tweets_fail_alike(patch: dict[str, Any], field: str, reason: str) -> None:
    tweet = {**x_post(1), **patch}
    page = {"data": [tweet], "includes": {"users": [x_user("101")]}}
    with pytest.raises(InputError, match=reason) as info:
        via_connector(page)
    assert info.value.field == f"data.{field}"
    (rejected,) = via_importer(page)
    assert isinstance(rejected, Rejected) and reason in rejected.error.reason
    assert rejected.error.field == f"data[0].{field}"


def test_split_keeps_what_each_tweet_needs() -> None:
    items = x_map.split(rich_page())
    reply = items[1]
    assert reply["data"]["id"] == x_post(2)["id"]
    assert [u["id"] for u in reply["includes"]["users"]] == ["7", "8", "9"]
    assert [t["id"] for t in reply["includes"]["tweets"]] == ["500", "501"]
    body = {"data": {"id": "1"}, "includes": {"users": [{"username": "no id"}, "junk"]}}
    assert x_map.split(body) == [{"data": {"id": "1"}, "includes": {"users": [], "tweets": []}}]
