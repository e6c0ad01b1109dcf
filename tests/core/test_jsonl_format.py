from __future__ import annotations

from datetime import UTC, datetime

import pytest

from earful.errors import InputError
from earful.formats.earful_jsonl import (
    format_time,
    loads_line,
    parse_time,
    post_from_dict,
    post_to_dict,
)


def test_minimal_line_derives_entities() -> None:
    post = post_from_dict(
        {
            "source": "X",
            "id": 12,
            "created_at": "2026-11-02T10:00:00+02:00",
            "text": "Trying #AcmePulse with @jane_doe: https://acme.example/a?b=1.",
        }
    )
    assert post.source == "x"
    assert post.id == "12"
    assert post.created_at == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    assert post.hashtags == ("AcmePulse",)
    assert post.mentions == ("jane_doe",)
    assert post.urls == ("https://acme.example/a?b=1",)
    assert post.raw is not None and post.raw["id"] == 12


def test_explicit_entities_win_and_are_cleaned() -> None:
    post = post_from_dict(
        {
            "source": "x",
            "id": "1",
            "created_at": "2026-11-02T10:00:00Z",
            "text": "see https://t.co/abc #x",
            "hashtags": ["#Launch", "Launch"],
            "mentions": ["@bob"],
            "urls": ["https://example.com/article"],
        }
    )
    assert post.hashtags == ("Launch",)
    assert post.mentions == ("bob",)
    assert post.urls == ("https://example.com/article",)


def test_round_trip_full_post() -> None:
    data = {
        "source": "bluesky",
        "id": "at://did:plc:abc/app.bsky.feed.post/3k",
        "created_at": "2026-11-02T10:00:00Z",
        "text": "Reply text",
        "url": "https://bsky.app/profile/a/post/3k",
        "lang": "EN",
        "author": {"id": "did:plc:abc", "handle": "@a.bsky.social", "name": "A", "bio": "PM",
                   "followers": 10, "following": 3},
        "reply_to": {"post_id": "p0", "author_handle": "@b"},
        "quote_of": "q1",
        "conversation_id": "root",
        "metrics": {"likes": 1, "reposts": 2, "replies": 3, "quotes": 4},
    }
    post = post_from_dict(data)
    assert post.lang == "en"
    assert post.author is not None and post.author.handle == "a.bsky.social"
    assert post.reply_to is not None and post.reply_to.author_handle == "b"
    again = post_from_dict(post_to_dict(post))
    assert again == post


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"id": "1", "created_at": "2026-11-02T10:00:00Z", "text": "t"}, "source"),
        ({"source": "x", "created_at": "2026-11-02T10:00:00Z", "text": "t"}, "id"),
        ({"source": "x", "id": "1", "text": "t"}, "created_at"),
        ({"source": "x", "id": "1", "created_at": "2026-11-02T10:00:00Z"}, "text"),
        ({"source": "x", "id": "1", "created_at": "yesterday", "text": "t"}, "created_at"),
        ({"source": "x", "id": "1", "created_at": "2026-11-02T10:00:00", "text": "t"},
         "created_at"),
        ({"source": "x", "id": "1", "created_at": "2026-11-02T10:00:00Z", "text": 5}, "text"),
        ({"source": "x", "id": "1", "created_at": "2026-11-02T10:00:00Z", "text": "t",
          "metrics": {"likes": -1}}, "metrics.likes"),
        ({"source": "x", "id": "1", "created_at": "2026-11-02T10:00:00Z", "text": "t",
          "author": {"name": "no id"}}, "author"),
        ({"source": "x", "id": "1", "created_at": "2026-11-02T10:00:00Z", "text": "t",
          "hashtags": "notalist"}, "hashtags"),
    ],
)
def test_bad_fields_name_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        post_from_dict(data)
    assert info.value.field == field
    assert field in str(info.value)


def test_bad_json_names_the_column() -> None:
    with pytest.raises(InputError) as info:
        loads_line('{"source": "x", "id": }')
    assert info.value.column == 23
    located = info.value.located(file="a.jsonl", line=7)
    assert str(located).startswith("a.jsonl, line 7, column 23")


def test_time_helpers() -> None:
    assert parse_time("2026-01-02T03:04:05.5Z") == datetime(2026, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)
    assert format_time(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
