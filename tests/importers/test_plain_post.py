"""The fast path of post_from_dict gives exactly what the checked path gives (post or error)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from earful.errors import InputError
from earful.formats.earful_jsonl import _checked_post, _plain_post, post_from_dict

ODD: list[Any] = [None, "", " ", "@", True, 0, -1, 7, 1.5, [], {}, ["a", 1], [None], "12", " 5"]
strings = st.sampled_from(["x", " X ", "@Ann", "ann", "café #Tag @bob https://a.io/x.", "ΩA"])
counts = st.sampled_from([0, 3, 12345])
times = st.sampled_from(
    ["2026-11-01T10:00:00Z", "2026-11-01T10:00:00.5+02:00", " 2026-11-01T10:00:00z ",
     "2026-11-01T10:00:00", "nope", ""]
)
lists = st.lists(st.sampled_from(["#Bug", "bug", " ", "@x", "https://a.io", "Café"]))
TOP = ("source", "id", "text", "url", "lang", "quote_of", "repost_of", "conversation_id")
NESTED = {
    "author": ("id", "handle", "name", "bio", "followers", "following"),
    "reply_to": ("post_id", "author_handle"),
    "metrics": ("likes", "reposts", "replies", "quotes"),
}
PATHS = [*TOP, "created_at", "hashtags", "mentions", "urls", *NESTED,
         *(f"{k}.{f}" for k, fields in NESTED.items() for f in fields)]


def _sub(draw: st.DrawFn, fields: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        if draw(st.booleans()):
            out[f] = draw(counts if f in ("followers", "following", *NESTED["metrics"])
                          else strings)
    return out


@st.composite
def objects(draw: st.DrawFn) -> dict[str, Any]:
    """A valid post object, then none, one or two fields set to something odd."""
    obj: dict[str, Any] = {k: draw(strings) for k in ("source", "id", "text")}
    for key in TOP[3:]:
        if draw(st.booleans()):
            obj[key] = draw(strings)
    obj["created_at"] = draw(times)
    for key, fields in NESTED.items():
        if draw(st.booleans()):
            obj[key] = _sub(draw, fields)
    for key in ("hashtags", "mentions", "urls"):
        if draw(st.booleans()):
            obj[key] = draw(lists)
    for path in draw(st.lists(st.sampled_from(PATHS), max_size=2)):
        head, _, tail = path.partition(".")
        value = draw(st.sampled_from(ODD))
        if not tail:
            obj[head] = value
        elif isinstance(obj.get(head), dict):
            obj[head][tail] = value
        else:
            obj[head] = {tail: value}
    return obj


def _outcome(obj: dict[str, Any], checked: bool) -> Any:
    try:
        post = _checked_post(obj, None) if checked else post_from_dict(obj)
    except InputError as exc:
        return ("error", exc.reason, exc.field)
    return ("post", post, dict(post.raw or {}))


@settings(max_examples=800, deadline=None)
@given(objects())
def test_fast_path_matches_checked_path(obj: dict[str, Any]) -> None:
    assert _outcome(obj, checked=False) == _outcome(obj, checked=True)


def test_common_shape_takes_the_fast_path() -> None:
    obj = {"source": "x", "id": "1", "created_at": "2026-11-01T10:00:00Z", "text": "hi #a",
           "author": {"id": "1", "handle": "ann", "followers": 3},
           "metrics": {"likes": 1}, "reply_to": {"post_id": "0"}}
    post = _plain_post(obj, None)
    assert post is not None and post == _checked_post(obj, None)


FULL = {"source": " X ", "id": " 7 ", "text": "Café #Tag @bob https://a.io/x.",
        "created_at": "2026-11-01T10:00:00.5+02:00", "url": "u", "lang": "EN",
        "quote_of": "1", "repost_of": "2", "conversation_id": "3",
        "author": {"id": "9", "handle": "@Ann", "name": "Ann", "bio": "b", "followers": 5,
                   "following": 6},
        "reply_to": {"post_id": "4", "author_handle": "@Bob"},
        "metrics": {"likes": 1, "reposts": 2, "replies": 3, "quotes": 4},
        "hashtags": ["#Bug", " x "], "mentions": ["@y"], "urls": ["https://b.io"]}


def test_every_single_odd_field_matches_checked_path() -> None:
    import copy

    base = copy.deepcopy(FULL)
    assert _plain_post(base, None) is not None
    assert _outcome(base, checked=False) == _outcome(base, checked=True)
    for path in PATHS:
        head, _, tail = path.partition(".")
        for value in ODD:
            obj = copy.deepcopy(FULL)
            if tail:
                obj[head][tail] = value
            else:
                obj[head] = value
            assert _outcome(obj, checked=False) == _outcome(obj, checked=True), (path, value)
            if tail:
                del obj[head][tail]
            else:
                del obj[head]
            assert _outcome(obj, checked=False) == _outcome(obj, checked=True), (path, "gone")
