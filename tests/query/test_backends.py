"""Each operator against a real store (SQL) and the in-memory matcher, on the same posts."""

from __future__ import annotations

import pytest

from earful.models import Post
from earful.query import QueryContext, matches, parse
from earful.store.sqlite import SQLiteStore

CASES = [
    # terms: token match, case- and diacritics-insensitive, no stemming
    ("pulse", {"1", "2", "7"}),
    ("PULSE", {"1", "2", "7"}),
    ("genial", {"3"}),
    ("GÉNIAL cafe", {"3"}),
    ("crashed", {"2"}),
    ("crash", {"4", "6"}),
    ("e-mail", {"2"}),
    ("email", {"4"}),
    ("acme.com", {"4"}),
    ('"crash report"', {"4", "6"}),
    ('"report crash"', {"6"}),
    ('"pulse dashboard"', {"1"}),
    ('"dashboard pulse"', set()),
    # boolean structure
    ("crash report", {"4", "6"}),
    ("crash OR great", {"1", "4", "5", "6"}),
    ("great dashboard OR crash", {"1", "4", "6"}),
    ("great (dashboard OR crash)", {"1"}),
    ("crash -email", {"6"}),
    ('crash -"crash report"', set()),
    ("-crash -pulse", {"3", "5"}),
    ("-(crash OR pulse) great", {"5"}),
    ("--crash", {"4", "6"}),
    ("or", set()),
    # entities
    ("#acmepulse", {"1"}),
    ("#saas OR #Pricing", {"7"}),
    ("-#pricing pulse", {"1", "2"}),
    ("@acmehelp", {"2"}),
    ("has:hashtags", {"1", "7"}),
    ("has:mentions", {"2"}),
    ("has:links", {"4"}),
    ("-has:links crash", {"6"}),
    ('url:"acme.com/blog"', {"4"}),
    ("url:CRASH-report", {"4"}),
    ("url:nowhere.example", set()),
    # people and structure
    ("from:grace_h", {"2"}),
    ("from:@GRACE_H", {"2"}),
    ("-from:grace_h pulse", {"1", "7"}),
    ("to:acmepm", {"2"}),
    ("-to:acmepm crash", {"4", "6"}),
    ("is:reply", {"2"}),
    ("is:retweet", {"5"}),
    ("is:quote", {"6"}),
    ("-is:reply -is:retweet -is:quote", {"1", "3", "4", "7"}),
    ("conversation_id:c1", {"2", "6"}),
    ("-conversation_id:c1 crash", {"4"}),
    # metadata
    ("lang:en", {"1", "2", "5"}),
    ("lang:en-gb", {"2"}),
    ("lang:fr OR lang:de", {"3"}),
    ("-lang:en", {"3", "4", "6", "7"}),
    ("since:2026-03-10", {"1", "2", "4", "5", "6", "7"}),
    ("until:2026-03-10", {"3"}),
    ("since:2026-03-11", {"4"}),
    ("until:2026-03-11 since:2026-03-10", {"1", "2", "5", "6", "7"}),
    ("min_faves:12", {"1"}),
    ("min_faves:13", set()),
    ("min_retweets:3", {"1", "4"}),
    ("min_replies:7", {"4"}),
    ("source:mastodon OR source:bluesky", {"3", "5"}),
    ("-source:x", {"3", "5"}),
    # products
    ("product:pulse", {"1", "2", "7"}),
    ('product:"ACME PULSE" crashed', {"2"}),
    ("product:Brightmetrics", {"7"}),
    # labels match nothing until labels exist
    ("sentiment:negative", set()),
    ("-type:bug crash", {"4", "6"}),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_sql_and_matcher_agree(
    store: SQLiteStore, corpus: list[Post], context: QueryContext, query: str, expected: set[str]
) -> None:
    found = {p.id for p in store.search(query, limit=100, context=context)}
    assert found == expected
    assert store.count(query, context=context) == len(expected)
    node = parse(query)
    assert {p.id for p in corpus if matches(node, p, context=context)} == expected


LABELS = [
    ("1", "sentiment", "positive"),
    ("2", "sentiment", "negative"),
    ("2", "type", "bug"),
    ("4", "type", "bug"),
    ("7", "spam", "true"),
    ("7", "spam_reason", "link_farm"),
    ("1", "spam", "false"),
    ("4", "support_reply", "true"),
    ("1", "support_reply", "false"),
]


def _label(store: SQLiteStore) -> dict[str, dict[str, set[str]]]:
    by_post: dict[str, dict[str, set[str]]] = {}
    with store.transaction() as conn:
        for pid, field, value in LABELS:
            rowid = store.post_rowid("x", pid)
            conn.execute(
                "INSERT INTO labels VALUES (?, ?, ?, 0.9, 'test', '1', '2026-03-12T00:00:00Z')",
                (rowid, field, value),
            )
            by_post.setdefault(pid, {}).setdefault(field, set()).add(value)
        # a user correction wins over the model for its field
        conn.execute(
            "INSERT INTO corrections VALUES (?, 'type', 'praise', '2026-03-12T00:00:00Z')",
            (store.post_rowid("x", "4"),),
        )
    by_post["4"]["type"] = {"praise"}
    return by_post


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sentiment:negative", {"2"}),
        ("sentiment:POSITIVE OR type:bug", {"1", "2"}),
        ("type:praise", {"4"}),
        ("spam:true", {"7"}),
        ("spam:false", {"1"}),
        ("-spam:true pulse", {"1", "2"}),
        ("spam_reason:link_farm", {"7"}),
        ("spam_reason:promotion", set()),
        ("support_reply:true", {"4"}),
        ("support_reply:false", {"1"}),
    ],
)
def test_label_fields(
    store: SQLiteStore, corpus: list[Post], query: str, expected: set[str]
) -> None:
    labels = _label(store)
    assert {p.id for p in store.search(query, limit=100)} == expected
    node = parse(query)
    assert {p.id for p in corpus if matches(node, p, labels.get(p.id, {}))} == expected


def test_product_without_context_is_a_phrase(store: SQLiteStore) -> None:
    assert {p.id for p in store.search("product:pulse")} == {"1", "2", "7"}
    assert {p.id for p in store.search('product:"acme pulse"')} == {"1"}


def test_search_is_newest_first_and_limited(store: SQLiteStore) -> None:
    assert [p.id for p in store.search("crash OR genial", limit=2)] == ["4", "6"]
    assert [p.id for p in store.search("crash OR genial", order="oldest")] == ["3", "6", "4"]
