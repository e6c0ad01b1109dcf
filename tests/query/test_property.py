"""Property: the SQL back end and the in-memory matcher select the same posts.

Posts are generated from a small vocabulary with case and diacritics variants, entities,
replies, reposts, quotes, dates around day boundaries, metrics, sources, languages and labels
(some overridden by user corrections); queries are generated as ASTs, written out with
``to_text`` and parsed back, then run through ``store.search``/``store.count`` and ``matches``.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from earful.models import Author, Metrics, Post, ReplyTo
from earful.query import (
    And,
    Hashtag,
    Mention,
    Node,
    Not,
    Operator,
    Or,
    Phrase,
    QueryContext,
    Term,
    matches,
    parse,
    to_text,
)
from earful.store import open_store

WORDS = [
    "crash",
    "Crash",
    "CRASH",
    "café",
    "CAFE",
    "naïve",
    "naive",
    "pulse",
    "report",
    "e-mail",
    "email",
    "acme.com",
    "Acme",
    "bug",
    "great",
    "slow",
    "Zoë",
]
TAGS = ["Bug", "bug", "Pricing", "café", "Cafe"]
HANDLES = ["Ann", "ann", "Bob", "Zoë", "zoe"]
URLS = ["https://acme.com/Blog/A", "https://ex.org/x?q=1", "https://café.example/Y"]
LANGS = [None, "en", "EN", "en-GB", "fr", "english"]
LABELS = {
    "sentiment": ["positive", "negative"],
    "type": ["bug", "praise"],
    "spam": ["true", "false"],
    "spam_reason": ["link_farm", "promotion"],
}
BASE = datetime(2026, 3, 10, tzinfo=UTC)
CONTEXT = QueryContext({"acme": ("Acme", "acme.com", "Pulse Café"), "pulse": ("Pulse",)})

times = st.builds(
    lambda d, s, us: BASE + timedelta(days=d, seconds=s, microseconds=us),
    st.integers(-1, 1),
    st.sampled_from([0, 1, 43_200, 86_399]),
    st.sampled_from([0, 500_000]),
)
reply_tos = st.one_of(
    st.none(),
    st.builds(ReplyTo, st.sampled_from([None, "9"]), st.sampled_from([None, "", *HANDLES])),
)


@st.composite
def posts(draw: st.DrawFn, index: int) -> Post:
    words = draw(st.lists(st.sampled_from(WORDS), max_size=6))
    words += [f"#{t}" for t in draw(st.lists(st.sampled_from(TAGS), max_size=1))]
    return Post(
        source=draw(st.sampled_from(["x", "bluesky", "mastodon"])),
        id=str(index),
        created_at=draw(times),
        text=" ".join(draw(st.permutations(words))),
        lang=draw(st.sampled_from(LANGS)),
        author=draw(
            st.one_of(st.none(), st.builds(Author, st.just("a"), st.sampled_from(HANDLES)))
        ),
        reply_to=draw(reply_tos),
        quote_of=draw(st.sampled_from([None, "1"])),
        repost_of=draw(st.sampled_from([None, "2"])),
        conversation_id=draw(st.sampled_from([None, "c1", "c2"])),
        metrics=Metrics(*draw(st.tuples(*[st.integers(0, 3)] * 4))),
        hashtags=tuple(draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))),
        mentions=tuple(draw(st.lists(st.sampled_from(HANDLES), max_size=2, unique=True))),
        urls=tuple(draw(st.lists(st.sampled_from(URLS), max_size=2, unique=True))),
    )


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[Post], list[tuple[int, str, str, bool]]]:
    n = draw(st.integers(4, 16))
    items = [draw(posts(i)) for i in range(n)]
    labels = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.sampled_from(sorted(LABELS)),
                st.integers(0, 1),
                st.booleans(),  # True: a user correction
            ),
            max_size=8,
        )
    )
    return items, [(i, f, LABELS[f][v], corr) for i, f, v, corr in labels]


def _ops(name: str, values: list[str]) -> list[Node]:
    return [Operator(name, v) for v in values]


DAYS = ["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12"]
#: Every leaf the generator draws from; each example also runs all of them on their own.
LEAVES: list[Node] = [
    *(Term(w) for w in [*WORDS, "missing", "or", "AND"]),
    *(Phrase(t) for t in ["crash report", "cafe NAIVE", "acme com", "Zoe"]),
    *(Hashtag(t) for t in TAGS),
    *(Mention(h) for h in HANDLES),
    *_ops("from", HANDLES),
    *_ops("to", HANDLES),
    *_ops("lang", ["en", "en-gb", "fr", "de"]),
    *_ops("since", DAYS),
    *_ops("until", DAYS),
    *_ops("url", ["acme.com/blog", "CAFÉ", "?q=", "https://ex"]),
    *_ops("has", ["links", "hashtags", "mentions"]),
    *_ops("is", ["reply", "retweet", "quote"]),
    *_ops("min_faves", ["0", "1", "3"]),
    *_ops("min_retweets", ["1", "2"]),
    *_ops("min_replies", ["2", "4"]),
    *_ops("conversation_id", ["c1", "c2"]),
    *_ops("source", ["x", "bluesky"]),
    *_ops("product", ["acme", "Pulse", "Unknown Café"]),
    *(op for field, values in LABELS.items() for op in _ops(field, values)),
]
leaves = st.sampled_from(LEAVES)
queries: st.SearchStrategy[Node] = st.recursive(
    leaves,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda c: And(tuple(c))),
        st.lists(inner, min_size=2, max_size=3).map(lambda c: Or(tuple(c))),
    ),
    max_leaves=6,
)


@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(corpus=corpora(), nodes=st.lists(queries, min_size=1, max_size=6))
def test_sql_and_matcher_agree(
    corpus: tuple[list[Post], list[tuple[int, str, str, bool]]], nodes: list[Node]
) -> None:
    items, label_rows = corpus
    effective = _effective_labels(label_rows)
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "earful.db") as store:
        store.upsert_posts(items)
        with store.transaction() as conn:
            for i, field, value, correction in label_rows:
                rowid = store.post_rowid(items[i].source, items[i].id)
                table = "corrections" if correction else "labels"
                extra = "" if correction else ", 0.5, 'test', '1'"
                cols = "" if correction else ", score, labeller, version"
                conn.execute(
                    f"INSERT OR IGNORE INTO {table} (post_rowid, field, value{cols}, created_at)"
                    f" VALUES (?, ?, ?{extra}, '2026-03-12T00:00:00Z')",
                    (rowid, field, value),
                )
        for node in [*nodes, *LEAVES]:
            text = to_text(node)
            parsed = parse(text)
            expected = {
                p.id for i, p in enumerate(items) if matches(parsed, p, effective.get(i), CONTEXT)
            }
            found = {p.id for p in store.search(text, limit=100, context=CONTEXT)}
            assert found == expected, text
            assert store.count(text, context=CONTEXT) == len(expected), text


def _effective_labels(rows: list[tuple[int, str, str, bool]]) -> dict[int, dict[str, set[str]]]:
    """What the ``effective_labels`` view means: corrections replace a field's model labels."""
    model: dict[int, dict[str, set[str]]] = {}
    user: dict[int, dict[str, set[str]]] = {}
    for i, field, value, correction in rows:
        (user if correction else model).setdefault(i, {}).setdefault(field, set()).add(value)
    out: dict[int, dict[str, set[str]]] = {}
    for i in model.keys() | user.keys():
        fields = dict(model.get(i, {}))
        fields.update(user.get(i, {}))
        out[i] = fields
    return out
