"""An author's post count and account creation time: read from X and Mastodon payloads and
Earful JSONL, stored (migration 0020), and used by the spam rule on bot-like posting rates when
stored posts are labelled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from earful.connectors.mastodon_map import author_from_account
from earful.connectors.x_map import author_from_user
from earful.errors import InputError
from earful.formats.earful_jsonl import post_from_dict, post_to_dict
from earful.labelling import label_store
from earful.workspace import Workspace
from tests.conftest import make_post

JOINED = "2026-11-20T08:30:00Z"


def test_x_and_mastodon_authors_carry_post_count_and_join_time() -> None:
    user = {
        "id": "7",
        "username": "dana",
        "created_at": "2026-11-20T08:30:00.000Z",
        "public_metrics": {"followers_count": 3, "following_count": 9, "tweet_count": 5400},
    }
    a = author_from_user(user)
    assert a is not None and a.posts == 5400
    assert a.joined_at == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    # an unreadable creation time does not reject the post: it is just unknown
    b = author_from_user({**user, "created_at": "last tuesday"})
    assert b is not None and b.joined_at is None and b.posts == 5400
    account = {"acct": "quill", "statuses_count": 12, "created_at": "2016-03-16T00:00:00.000Z"}
    m = author_from_account(account, "social.example")
    assert m is not None and m.posts == 12 and m.joined_at == datetime(2016, 3, 16, tzinfo=UTC)
    bare = author_from_account({"acct": "quill"}, "social.example")
    assert bare is not None and (bare.posts, bare.joined_at) == (None, None)


def test_jsonl_round_trip_and_a_bad_join_time_names_the_field() -> None:
    author = {"id": "7", "handle": "dana", "followers": 3, "posts": 5400, "joined_at": JOINED}
    post = make_post(author=author)
    assert post.author is not None and post.author.posts == 5400
    assert post_to_dict(post)["author"] == {
        "id": "7",
        "handle": "dana",
        "followers": 3,
        "posts": 5400,
        "joined_at": "2026-11-20T08:30:00Z",
    }
    assert post_from_dict(post_to_dict(post)) == post
    with pytest.raises(InputError) as err:
        make_post(author={**author, "joined_at": "soon"})
    assert err.value.field == "author.joined_at"


def test_stored_activity_survives_an_update_without_it(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    author = {"id": "7", "handle": "dana", "posts": 5400, "joined_at": JOINED}
    ws.store().upsert_posts([make_post(author=author)])
    ws.store().upsert_posts([make_post(id="2", author={"id": "7", "handle": "dana"})])
    for pid in ("1", "2"):
        got = ws.store().get_post("x", pid)
        assert got is not None and got.author is not None
        assert got.author.posts == 5400
        assert got.author.joined_at == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    ws.close()


def test_a_bot_like_posting_rate_makes_stored_posts_spam(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    joined = (datetime.now(UTC) - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = "Acme Pulse update is out today, the new export looks good"
    ws.store().upsert_posts(
        [
            # 60,000 posts in ten days: far beyond 150 a day
            make_post(
                id="1",
                text=text,
                author={"id": "b", "handle": "b", "posts": 60_000, "joined_at": joined},
            ),
            make_post(
                id="2",
                text=text,
                author={"id": "h", "handle": "h", "posts": 900, "joined_at": joined},
            ),
        ]
    )
    label_store(ws.store(), ws.config)
    ctx = ws.query_context()
    assert [p.id for p in ws.store().search("spam:true", context=ctx)] == ["1"]
    assert [p.id for p in ws.store().search("spam:false", context=ctx)] == ["2"]
    # the reason is stored beside the flag (the dashboard lists every label row of a post)
    bot, human = (ws.store().post_rowid("x", pid) or 0 for pid in ("1", "2"))
    labels = ws.store().labels_of([bot, human])
    assert [v for v, _score, _by in labels[bot]["spam_reason"]] == ["bot_like_author"]
    assert "spam_reason" not in labels[human]
    ws.close()
