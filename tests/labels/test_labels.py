"""Behaviour of the labellers on sentences written for these tests."""

from __future__ import annotations

import subprocess
import sys

import pytest

from earful.labels import (
    LABELLER_NAME,
    LABELLER_VERSION,
    AuthorInfo,
    LabelInput,
    LabelResult,
    ProductSpec,
    label_batch,
)

pytestmark = pytest.mark.usefixtures("fast_model")


def one(text: str, author: AuthorInfo | None = None) -> LabelResult:
    return label_batch([LabelInput("x", text, author)])[0]


def test_constants() -> None:
    assert LABELLER_NAME and LABELLER_VERSION.count(".") == 2


def test_import_is_light() -> None:
    code = "import sys, earful.labels; print('sklearn' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I absolutely love this app, the new dashboard is wonderful!", "positive"),
        ("Best purchase I made all year, thank you so much :)", "positive"),
        ("This is the worst update ever, everything is broken and I hate it", "negative"),
        ("Terrible support, they ignored my ticket for a week. Awful.", "negative"),
        ("The quarterly meeting is scheduled for Tuesday at 10am.", "neutral"),
    ],
)
def test_sentiment(text: str, expected: str) -> None:
    r = one(text)
    assert r.sentiment == expected
    assert 0.0 <= r.sentiment_score <= 1.0


def test_polarity_orders_sentences() -> None:
    good, bad = label_batch(
        [
            LabelInput("a", "Great product, works perfectly"),
            LabelInput("b", "Awful, it never works"),
        ]
    )
    assert good.polarity > 0 > bad.polarity


def test_question() -> None:
    assert one("How do I export my invoices as a spreadsheet?").question
    assert not one("I exported my invoices yesterday and it worked.").question
    assert "question" in one("Does the mobile version support offline mode?").feedback


def test_complaint_and_bug() -> None:
    r = one("@acmehelp your app crashes every time I try to log in, I have lost my whole day")
    assert r.complaint and "complaint" in r.feedback
    assert "bug" in r.feedback
    assert not one("Happy birthday to my wonderful sister!").complaint


def test_feature_request() -> None:
    r = one("Please add an option to export reports to PDF, it would be really useful")
    assert "feature_request" in r.feedback


def test_praise() -> None:
    assert "praise" in one("Loving the new release, the team did an amazing job").feedback


def test_lead() -> None:
    assert one("Can anyone recommend a good alternative to Trellix for a small team?").lead
    assert one("We are looking for a tool to track customer feedback, any suggestions?").lead
    assert not one("I had pasta for dinner and watched a film.").lead


@pytest.mark.parametrize(
    "text",
    [
        "Torn between Notion and Coda for our wiki, pros/cons?",
        "Is Linear worth it vs Jira for a team of six?",
        "Has anyone switched from Asana to ClickUp? Regrets?",
        "What's a good CRM for a two-person agency?",
        "Thinking about Intercom for our startup, anything to watch out for?",
        "Figma or Sketch, which one would you pick for a new design team?",
    ],
)
def test_lead_comparing_products(text: str) -> None:
    assert one(text).lead


@pytest.mark.parametrize(
    "text",
    [
        "Is there a way to export my boards to PDF?",  # a user's how-to question, not a lead
        "Switched from night shifts to day shifts and I sleep so much better",
    ],
)
def test_not_lead(text: str) -> None:
    assert not one(text).lead


def test_spam_link_farm() -> None:
    r = one(
        "subscribe to my channel!!! http://spam.example/a http://spam.example/b "
        "http://spam.example/c free gift cards"
    )
    assert r.spam
    assert "link_farm" in r.spam_reasons
    ham = one("The second verse of this song gives me chills every time")
    assert not ham.spam and ham.spam_reasons == ()


def test_spam_bot_author() -> None:
    bot = AuthorInfo(followers=3, following=4800, posts=90000, account_age_days=20)
    r = one("nice post", bot)
    assert r.spam and "bot_like_author" in r.spam_reasons


def test_spam_repeated_text_in_batch() -> None:
    items = [
        LabelInput(str(i), "Win a brand new phone today, visit our page now") for i in range(4)
    ]
    assert all("repeated_text" in r.spam_reasons for r in label_batch(items))


def test_repeated_text_on_timelines_counts_one_author_and_needs_a_link() -> None:
    # on X the same words from many accounts are reposts, share buttons and "same here" replies
    text = "Acme Pulse keeps logging me out every few minutes. Anyone else?"
    many = [LabelInput(str(i), text, AuthorInfo(handle=f"user{i}"), source="x") for i in range(6)]
    assert not any(r.spam for r in label_batch(many))
    # no author: each post is its own (an `earful label` line without one)
    assert not any(
        r.spam for r in label_batch([LabelInput(str(i), text, source="x") for i in range(4)])
    )
    # one account posting it again and again: flooding, when it carries a link
    flood = "Best analytics tools, honest review https://deals.example/x"
    same = [LabelInput(str(i), flood, AuthorInfo(handle="Deals1"), source="x") for i in range(3)]
    assert all("repeated_text" in r.spam_reasons for r in label_batch(same))
    # the same on another network is cross-posting, not a third copy
    spread = [*same[:2], LabelInput("b", flood, AuthorInfo(handle="deals1"), source="bluesky")]
    assert not any("repeated_text" in r.spam_reasons for r in label_batch(spread))
    # a brand's repeated announcement or canned reply (no link) is not spam
    canned = [
        LabelInput(
            str(i),
            "Sorry about that, we're on it and will follow up here.",
            AuthorInfo(handle="acme"),
            source="x",
        )
        for i in range(5)
    ]
    assert not any(r.spam for r in label_batch(canned))
    # comments still count every copy in the batch
    comments = [
        LabelInput(str(i), text, AuthorInfo(handle=f"u{i}"), source="youtube") for i in range(3)
    ]
    assert all("repeated_text" in r.spam_reasons for r in label_batch(comments))


@pytest.mark.parametrize(
    "text",
    [
        "Bookmarking this https://x.com/someone/status/2118340547208750135",
        "@sam Sorry to hear that! Please call 1-800-555-0199, or click here: https://help.example/a",
        "@acme can you please DM me for follow-up? My free trial ends tomorrow",
        "Started the Acme Pulse free trial today, looks promising",
        "Half the team is back in the office, the rest work from home https://blog.example/p",
    ],
)
def test_support_talk_and_digits_in_links_are_not_promotion_on_timelines(text: str) -> None:
    from earful.labels.rules import spam_evidence

    assert "promotion" not in spam_evidence(text, None, 1, source="x")
    assert not label_batch([LabelInput("t", text, source="x")])[0].spam


@pytest.mark.parametrize(
    "text",
    [
        "Our new phone is out. Click here to find out more https://shop.example/p",
        "Sale this week only! Call 0161 496 0000 https://shop.example/p",
    ],
)
def test_ad_copy_broadcast_on_a_timeline_is_promotion(text: str) -> None:
    from earful.labels.rules import spam_evidence

    assert "promotion" in spam_evidence(text, None, 1, source="x")
    # the same words in a comment thread were promotion before and still are
    assert "promotion" in spam_evidence(text, None, 1, source="youtube")


def test_language() -> None:
    assert one("This is clearly a sentence written in English about software.").lang == "en"
    assert one("Ceci est une phrase écrite en français à propos du logiciel.").lang == "fr"
    assert one("Dies ist ein deutscher Satz über die neue Software.").lang == "de"
    assert one("😀😀").lang == "und"


PULSE = ProductSpec(
    name="Acme Pulse",
    aliases=("Pulse",),
    about="team analytics dashboard app for tracking product metrics",
    competitors=("Mixpanel", "Amplitude"),
)


def test_relevance() -> None:
    texts = [
        "Acme Pulse dashboard update broke my metrics export",
        "Switched from Mixpanel to Pulse and the analytics are so much clearer",
        "My pulse was racing after the morning run",
        "Check your pulse rate before and after exercise",
        "Nothing to do with the product at all",
    ]
    res = label_batch([LabelInput(str(i), t) for i, t in enumerate(texts)], PULSE)
    assert [r.relevant for r in res] == [True, True, False, False, False]
    assert res[0].to_json()["relevant"] is True


def test_relevance_learns_from_corrections() -> None:
    apple = ProductSpec("Apple", about="maker of the iPhone and Mac computers")
    text = "Apple harvest festival this weekend with cider and pies"
    before = label_batch([LabelInput("a", text)], apple)[0]
    corrected = ProductSpec(
        "Apple",
        about="maker of the iPhone and Mac computers",
        examples=(
            ("Apple harvest season: picking apples at the orchard", False),
            ("Apple cider and apple pie at the farm festival", False),
            ("Apple released a new MacBook today", True),
        ),
    )
    after = label_batch([LabelInput("a", text)], corrected)[0]
    assert after.relevance_score is not None and before.relevance_score is not None
    assert after.relevance_score < before.relevance_score
    assert after.relevant is False


def test_rows_and_json() -> None:
    r = label_batch([LabelInput("p1", "Why does the app crash on startup?")], PULSE)[0]
    fields = {f for f, _v, _s in r.rows()}
    assert {"lang", "sentiment", "complaint", "question", "lead", "spam"} <= fields
    assert "relevant:acme pulse" in fields
    assert list(r.to_json()) == [
        "id",
        "lang",
        "sentiment",
        "sentiment_score",
        "feedback",
        "complaint",
        "question",
        "lead",
        "spam",
        "spam_reasons",
        "relevant",
    ]
    assert all(isinstance(s, float) for _f, _v, s in r.rows())


def test_empty_and_order() -> None:
    assert label_batch([]) == []
    items = [LabelInput(str(i), t) for i, t in enumerate(["", "   ", "ok", "great!"])]
    assert [r.id for r in label_batch(items)] == ["0", "1", "2", "3"]


def test_deterministic() -> None:
    items = [LabelInput("a", "The update is fine I guess"), LabelInput("b", "meh")]
    assert label_batch(items) == label_batch(items)


def test_relevance_batch_vote_matches_set_jaccard() -> None:
    """The examples' vote, computed for a batch as one sparse product, is the plain
    max-Jaccard difference over word uni+bigrams, text by text."""
    import math
    from itertools import pairwise

    from earful.labels.relevance import _compile, _rule_logit, relevance, relevance_batch

    def bag(t: str) -> frozenset[str]:
        import re

        w = re.findall(r"[a-z0-9][a-z0-9+#.'-]*[a-z0-9+#]|[a-z0-9]", t.lower())
        return frozenset(w + [a + " " + b for a, b in pairwise(w)])

    def jac(a: frozenset[str], b: frozenset[str]) -> float:
        return len(a & b) / max(len(a | b), 1)

    pos = ["The new Apple laptop battery lasts forever", "Apple stock is up after the iPhone event"]
    neg = ["Apple crumble with fresh Apple slices", "an Apple a day keeps the doctor away"]
    spec = ProductSpec(
        "Apple",
        about="iPhone maker",
        examples=tuple((t, True) for t in pos) + tuple((t, False) for t in neg),
    )
    texts = [
        "Apple laptop battery died today",
        "baked an Apple crumble, fresh slices",
        "Apple",
        "no mention here",
        "APPLE iPhone event: the stock is up",
    ]
    batch = relevance_batch(texts, spec)
    for text, (ok, score) in zip(texts, batch, strict=True):
        assert relevance(text, spec) == (ok, score)
        logit = _rule_logit(text, _compile(spec))
        if logit is None:
            assert (ok, score) == (False, 0.0)
            continue
        b = bag(text)
        vote = max(jac(b, bag(p)) for p in pos) - max(jac(b, bag(n)) for n in neg)
        expected = 1 / (1 + math.exp(-(logit + 12.0 * vote)))
        assert math.isclose(score, expected, rel_tol=1e-5)


def test_other_tools_source_names_are_the_networks() -> None:
    from earful.labels.rules import canonical_source

    assert canonical_source(" Twitter ") == "x" and canonical_source("bsky") == "bluesky"
    assert canonical_source("HackerNews") == "hn" and canonical_source("YouTube") == "youtube"
    assert canonical_source("") is None and canonical_source(None) is None
    text = "great write-up on pricing https://t.co/abc123 https://t.co/def456"
    as_x, as_twitter = label_batch([LabelInput("a", text, source=s) for s in ("x", "Twitter")])
    assert not as_x.spam and not as_twitter.spam
    # the comment rules still apply to a comment, whatever its capitals
    (comment,) = label_batch([LabelInput("c", text, source="YouTube")])
    assert comment.spam and "link_farm" in comment.spam_reasons
