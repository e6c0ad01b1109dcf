"""Parser: precedence, negation, every operator, canonical text and every error's column."""

from __future__ import annotations

import pytest

from earful.errors import QueryError
from earful.query import (
    OPERATORS,
    And,
    Hashtag,
    Mention,
    Not,
    Operator,
    Or,
    Phrase,
    Term,
    parse,
    to_text,
)

a, b, c, d = Term("a"), Term("b"), Term("c"), Term("d")


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("a", a),
        ("a b", And((a, b))),
        ("a b OR c", Or((And((a, b)), c))),
        ("a OR b c", Or((a, And((b, c))))),
        ("a OR b OR c", Or((a, b, c))),
        ("(a OR b) c", And((Or((a, b)), c))),
        ("a (b OR c) d", And((a, Or((b, c)), d))),
        ("((a))", a),
        ("(a b) c", And((a, b, c))),
        ("-a", Not(a)),
        ("--a", Not(Not(a))),
        ("-(a OR b)", Not(Or((a, b)))),
        ('-"a b"', Not(Phrase("a b"))),
        (
            "-#x -@y -from:z",
            And((Not(Hashtag("x")), Not(Mention("y")), Not(Operator("from", "z")))),
        ),
        ("a-b", Term("a-b")),
        ("or", Term("or")),
        ("a or b", And((a, Term("or"), b))),
        ("AND", Term("AND")),
        ('"OR"', Phrase("OR")),
        ('x"y z"', And((Term("x"), Phrase("y z")))),
        ("http://acme.com/a", Term("http://acme.com/a")),
        ("  a\tb\n", And((a, b))),
    ],
)
def test_structure(query: str, tree: object) -> None:
    assert parse(query) == tree


@pytest.mark.parametrize(
    ("query", "op"),
    [
        ("from:Ann", Operator("from", "Ann")),
        ("from:@Ann", Operator("from", "Ann")),
        ("to:bob", Operator("to", "bob")),
        ("lang:pt-BR", Operator("lang", "pt-br")),
        ("since:2026-02-28", Operator("since", "2026-02-28")),
        ("until:2024-02-29", Operator("until", "2024-02-29")),
        ('url:"acme.com/a b"', Operator("url", "acme.com/a b")),
        ("url:https://acme.com/x?y=1", Operator("url", "https://acme.com/x?y=1")),
        ("has:LINKS", Operator("has", "links")),
        ("has:hashtags", Operator("has", "hashtags")),
        ("has:mentions", Operator("has", "mentions")),
        ("is:reply", Operator("is", "reply")),
        ("is:retweet", Operator("is", "retweet")),
        ("is:repost", Operator("is", "retweet")),
        ("is:quote", Operator("is", "quote")),
        ("min_faves:010", Operator("min_faves", "10")),
        ("min_retweets:0", Operator("min_retweets", "0")),
        ("min_replies:5", Operator("min_replies", "5")),
        ("conversation_id:123", Operator("conversation_id", "123")),
        ("source:bluesky", Operator("source", "bluesky")),
        ('product:"Acme Pulse"', Operator("product", "Acme Pulse")),
        ("sentiment:Negative", Operator("sentiment", "negative")),
        ("type:bug", Operator("type", "bug")),
        ("spam:TRUE", Operator("spam", "true")),
        ("spam:false", Operator("spam", "false")),
        ("spam_reason:Link_Farm", Operator("spam_reason", "link_farm")),
        ("support_reply:True", Operator("support_reply", "true")),
        ("FROM:ann", Operator("from", "ann")),
        ("#Tag", Hashtag("Tag")),
        ("@Someone", Mention("Someone")),
    ],
)
def test_operators(query: str, op: object) -> None:
    assert parse(query) == op


def test_every_operator_is_covered() -> None:
    seen = {
        "from",
        "to",
        "lang",
        "since",
        "until",
        "url",
        "has",
        "is",
        "min_faves",
        "min_retweets",
        "min_replies",
        "conversation_id",
        "source",
        "product",
        "sentiment",
        "type",
        "spam",
        "spam_reason",
        "support_reply",
    }
    assert set(OPERATORS) == seen


@pytest.mark.parametrize(
    ("query", "column", "message"),
    [
        ('crash "report', 7, "unbalanced quote"),
        ('url:"acme', 5, "unbalanced quote"),
        ("a (b c", 3, "'(' is never closed"),
        ("(a (b)", 1, "'(' is never closed"),
        ("a b)", 4, "')' has no matching '('"),
        (")", 1, "')' has no matching '('"),
        ("a () b", 3, "empty group"),
        ("a foo:bar", 3, "unknown operator 'foo:'"),
        ("since:2026-1-2", 1, "bad date"),
        ("x until:2026-02-30", 3, "bad date"),
        ("since:yesterday", 1, "bad date"),
        ("a from:", 3, "empty value"),
        ('url:""', 1, "empty value"),
        ("from:@", 1, "empty value"),
        ("# x", 1, "empty value"),
        ("a @", 3, "empty value"),
        ("min_faves:ten", 1, "bad number"),
        ("min_replies:-1", 1, "bad number"),
        ("min_retweets:1.5", 1, "bad number"),
        ("OR a", 1, "dangling OR"),
        ("a OR", 3, "dangling OR"),
        ("a OR OR b", 3, "dangling OR"),
        ("(a OR) b", 4, "dangling OR"),
        ("a - b", 3, "'-' must be followed"),
        ("a -", 3, "'-' must be followed"),
        ("(a -)", 4, "'-' must be followed"),
        ("-OR a", 1, "'-' must be followed"),
        ("has:media", 1, "bad value 'media'"),
        ("is:bookmarked", 1, "bad value"),
        ("spam:maybe", 1, "bad value"),
        ("spam_reason:spammy", 1, "bad value"),
        ("lang:english!", 1, "bad language code"),
        ("hello ???", 7, "nothing to search for"),
        ('""', 1, "empty phrase"),
        ('"?!"', 1, "nothing to search for"),
        ("", 1, "empty query"),
        ("   ", 1, "empty query"),
    ],
)
def test_errors_name_the_column(query: str, column: int, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(query)
    assert info.value.column == column
    assert message in str(info.value)
    assert f"column {column}" in str(info.value)


@pytest.mark.parametrize(
    "query",
    [
        'acme -is:retweet (#bug OR "crash report")',
        "a b OR c d",
        "(a OR b) (c OR -d)",
        "-(a b) OR -(c OR d)",
        "--a",
        'url:"a b" from:x min_faves:3 since:2026-01-01',
        '"OR" or AND',
        "e-mail acme.com @x #y",
    ],
)
def test_to_text_round_trips(query: str) -> None:
    node = parse(query)
    text = to_text(node)
    assert parse(text) == node
    assert to_text(parse(text)) == text


def test_to_text_is_canonical() -> None:
    assert to_text(parse("  a   (b)  or  FROM:@x min_faves:007 ")) == "a b or from:x min_faves:7"
    assert to_text(parse('((a OR b)) OR "c"')) == 'a OR b OR "c"'
    # nodes built by hand that no bare word can express are quoted
    assert to_text(Term("OR")) == '"OR"'
    assert to_text(Term("#x")) == '"#x"'
    assert to_text(Or((Or((a, b)), c))) == "(a OR b) OR c"
    assert parse(to_text(Not(And((a, Or((b, c))))))) == Not(And((a, Or((b, c)))))
