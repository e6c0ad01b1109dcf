"""The spam head's extra cues, and refitting one head without a full rebuild."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from earful.labels import label_batch
from earful.labels.rules import SPAM_CUES, spam_cues
from earful.labels.types import LabelInput


def test_spam_cues_order_and_values() -> None:
    promo = spam_cues("PLEASE check out my channel and SUBSCRIBE http://example.test/x")
    plain = spam_cues("the bridge at 2:10 is the best part of this song")
    assert len(promo) == len(plain) == len(SPAM_CUES)
    cue = dict(zip(SPAM_CUES, promo, strict=True))
    assert cue["promo_phrase"] == 1.0
    assert cue["promo_word"] == 1.0
    assert cue["please"] == 1.0
    assert cue["my_our"] == 1.0
    assert cue["links"] == pytest.approx(1 / 3)
    assert cue["caps_ratio"] == pytest.approx(2 / 7)  # 7 alphabetic words, 2 in capitals
    assert dict(zip(SPAM_CUES, plain, strict=True))["promo_phrase"] == 0.0
    assert sum(plain[:3]) == 0.0


def test_shipped_spam_head_uses_cues(fast_model) -> None:  # type: ignore[no-untyped-def]
    texts = ["hey guys please subscribe to my channel, i make free beats", "love this song"]
    with_cues = fast_model.scores(texts).binary["spam"]
    without = fast_model.scores_from_features(fast_model.features(texts)).binary["spam"]
    assert "spam" in fast_model.cue_weights
    assert len(fast_model.cue_weights["spam"]) == len(SPAM_CUES)
    logit = np.log(with_cues / (1 - with_cues)) - np.log(without / (1 - without))
    expected = np.asarray([spam_cues(t) for t in texts]) @ fast_model.cue_weights["spam"]
    assert np.allclose(logit, expected * fast_model.cue_scale, rtol=1e-3, atol=1e-3)
    assert with_cues[0] > with_cues[1]


def test_comment_spam_end_to_end() -> None:
    res = label_batch(
        [
            LabelInput("a", "Please check out my channel and subscribe, I make covers!!"),
            LabelInput("b", "This chorus still gives me chills after all these years"),
        ]
    )
    assert [r.spam for r in res] == [True, False]
    assert res[0].spam_reasons


def test_a_shared_link_is_spam_only_with_a_reason_on_timelines() -> None:
    """The head learnt from YouTube comments, where a link is the mark of spam; on X and the
    other feeds a post sharing a link needs a rule's reason as well."""
    share = "Tune in tomorrow at 8pm ET for the final, all the details here http://t.co/AbC123"
    promo = "Please check out my channel and subscribe http://t.co/XyZ789"
    scam = "Earn money from home, click here to start today http://t.co/XyZ789"
    items = [LabelInput("1", share), LabelInput("2", promo), LabelInput("3", scam)]
    on_x = [LabelInput(i.id, i.text, source="x") for i in items]
    on_youtube = [LabelInput(i.id, i.text, source="youtube") for i in items]
    youtube = label_batch(on_youtube)
    assert [r.spam for r in youtube] == [True, True, True]
    assert youtube[0].spam_reasons == ("promotion",)  # the comment domain: the head decides
    x = label_batch(on_x)
    # no source, but X wraps every link in t.co: judged as the tweets they are
    unknown = label_batch(items)
    assert [(r.spam, r.spam_reasons) for r in unknown] == [(r.spam, r.spam_reasons) for r in x]
    assert not x[0].spam and x[0].spam_reasons == ()
    # self-promotion on one's own timeline is not spam; selling and scams are
    assert not x[1].spam and x[1].spam_reasons == ()
    assert x[2].spam and "promotion" in x[2].spam_reasons
    assert x[0].spam_score == youtube[0].spam_score  # the score is the head's, either way


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "Dean Ambrose gets the last laugh tonight - Results: http://t.co/aB1 http://t.co/cD2",
            "link_farm",
        ),
        ("He may rank above them all. Brother Brother Brother Brother #RAW", "repeated_text"),
        ("please follow me, it would mean the world to me!!", "promotion"),
        ("the radio ticket giveaway is at 5pm tomorrow", "promotion"),
        ("saw it tonight and loved it, take a look at my review", "engagement_bait"),
    ],
)
def test_comment_thread_signs_are_no_reason_on_timelines(text: str, reason: str) -> None:
    from earful.labels.rules import spam_evidence

    assert reason in spam_evidence(text, None, 1, source="youtube")
    assert reason in spam_evidence(text, None, 1)
    on_x = spam_evidence(text, None, 1, source="x")
    assert reason not in on_x or reason == "engagement_bait"
    assert not label_batch([LabelInput("t", text, source="x")])[0].spam


@pytest.mark.parametrize(
    "text",
    [
        "Hi Sam, do u want to get FREE iPh0ne 7? Kindly check my b1o. Thx https://t.co/aB1",
        "Hey Sam do u want a new phone for free? U better check my bi0. Thx",
    ],
)
def test_scam_phrases_spelled_with_digits_are_spam_on_timelines(text: str) -> None:
    from earful.labels.rules import commercial, spam_evidence

    assert commercial(text)
    assert commercial("fr3e tr1al of the m0ney machine, cl1ck h3re")
    assert "promotion" in spam_evidence(text, None, 1, source="x")
    out = label_batch([LabelInput("t", text, source="x")])[0]
    assert out.spam and "promotion" in out.spam_reasons


@pytest.mark.parametrize(
    "text",
    [
        "Moto G 3rd gen at 8099, 4G and 2GB, out on 15th Aug https://t.co/aB1",
        "my bio teacher said the exam is at 9am, free period after",
        "the 1st iPhone was free with the 2yr plan back in 2007",
    ],
)
def test_digits_in_ordinary_posts_are_not_read_as_scams(text: str) -> None:
    from earful.labels.rules import commercial

    assert not commercial(text)


def test_retrain_unknown_head_changes_nothing(tmp_path: Path) -> None:
    from earful.labels.train import retrain_heads

    with pytest.raises(ValueError, match="sentiment"):
        retrain_heads(tmp_path, ["sentiment"], log=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "text",
    [
        "win free followers at a.example.com b.example.net c.example.org",
        "call +1 555 010 2030 now http://shop.example/deal",
        "check out my page http://x.example",
        "see http://one.example and http://two.example",
        "nothing to see here, just a normal comment",
        "thumbs up if you are still here in 2026",
    ],
)
def test_spam_evidence_same_with_precomputed_cues(text: str) -> None:
    from earful.labels.rules import spam_evidence

    assert spam_evidence(text, None, 1, spam_cues(text)) == spam_evidence(text, None, 1)


@pytest.mark.parametrize(
    ("text", "bait"),
    [
        ("Thumbs up if you came here from the radio", 1.0),
        ("give it a listen, my new cover is up", 1.0),
        ("Check me out, I rap", 1.0),
        ('Search "Some Band - Song" on youtube', 1.0),
        ("I like this song and the video", 0.0),
        ("the second verse is the best part", 0.0),
    ],
)
def test_engagement_bait_cue(text: str, bait: float) -> None:
    assert dict(zip(SPAM_CUES, spam_cues(text), strict=True))["bait"] == bait


def test_markup_is_not_repeated_text() -> None:
    from earful.labels.rules import spam_evidence

    text = "sorry to all my haters" + "<br />" * 12 + "see you at the party"
    assert "repeated_text" not in spam_evidence(text, None, 1)
    assert "repeated_text" not in spam_evidence("@user @user @user @user see you sunday", None, 1)
    assert "repeated_text" not in spam_evidence("bus music &gt;&gt;&gt;&gt;&gt;", None, 1)
    assert "repeated_text" in spam_evidence("buy buy buy buy buy now", None, 1)


def test_every_spam_reason_is_a_search_value() -> None:
    from earful.labels.rules import spam_evidence
    from earful.labels.types import AuthorInfo
    from earful.query.ast import SPAM_REASONS

    bot = AuthorInfo(handle="b", followers=1, following=900)
    texts = [
        "win free followers at a.example.com b.example.net c.example.org",
        "buy buy buy buy now",
        "check out my channel",
        "thumbs up if you are still here in 2026",
    ]
    found = {r for t in texts for r in spam_evidence(t, bot, 1)}
    assert found == set(SPAM_REASONS)


@pytest.mark.parametrize(
    ("text", "offsite"),
    [
        ('<a href="http://www.youtube.com/watch?v=abc&t=2m19s">2:19</a> best part', False),
        ("the official one: http://youtu.be/9bZkp7q19f0", False),
        ("m.youtube.com/watch?v=abc is the live version", False),
        ("so true https://t.co/AbC123", False),
        ("no links here, just www and dots... fine.", False),
        ("https://www.tsu.example/KodysMan plz ^^", True),
        ("Incmedia.org where the truth meets you.", True),
        ("please see W W W. THE REPORT. NET for the truth", True),
        ("see w  w  w . the-report . net", True),
        ("go share youtu  be/ARkglzjQuP0 on fb", True),
        ("watch?v=vtaRGgvGtWQ   Check this out .", True),
        ("my new site: tunes dot com", True),
    ],
)
def test_offsite_link(text: str, offsite: bool) -> None:
    from earful.labels.rules import link_count, offsite_link

    assert offsite_link(text) is offsite
    assert offsite_link(text, link_count(text)) is offsite


def test_offsite_link_is_looked_for_in_comments_only() -> None:
    from earful.labels.rules import spam_evidence

    text = "Incmedia.org where the truth meets you."
    assert "offsite_link" in spam_evidence(text, None, 1)
    assert "offsite_link" in spam_evidence(text, None, 1, source="youtube")
    # a shared link on a timeline, or in a support ticket, is not a mark of spam
    assert "offsite_link" not in spam_evidence(text, None, 1, source="x")
    assert "offsite_link" not in spam_evidence(text, None, 1, source="support")


def test_offsite_link_makes_a_comment_spam_whatever_the_head_says() -> None:
    from earful.labels import LabelInput, label_batch
    from earful.labels.model import fast_model

    text = "I read about this song on musicnews.net yesterday"
    th = fast_model().meta["thresholds"]["spam"]
    assert fast_model().scores([text]).binary["spam"][0] < th  # the head alone misses it
    comment, tweet = label_batch(
        [LabelInput("c", text, source="youtube"), LabelInput("t", text, source="x")]
    )
    assert comment.spam and "offsite_link" in comment.spam_reasons
    assert not tweet.spam and tweet.spam_reasons == ()


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("read this https://t.co/AbC123", "x"),
        ("read this t.co/AbC123", "x"),
        ("read this https://example.org/t.co/x", None),
        ("about.co/ path", None),
        ("no link at all", None),
    ],
)
def test_implied_source(text: str, source: str | None) -> None:
    from earful.labels.rules import implied_source

    assert implied_source(text) == source
