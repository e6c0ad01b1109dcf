"""The demo generator: deterministic, valid Earful JSONL, and the planted facts hold."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from earful.demo import (
    CONFERENCE_TAG,
    KINDS,
    OWN_HANDLE,
    PLANTED_THEME,
    SOURCES,
    Truth,
    conference_days,
    demo_config,
    generate,
    generate_with_truth,
    planted_window,
    write_jsonl,
)

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
Pair = tuple[dict[str, Any], Truth]


@cache
def _pairs() -> tuple[Pair, ...]:
    return tuple(generate_with_truth())


def _time(post: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))


def test_same_seed_same_output_and_other_seed_differs() -> None:
    a = generate(n_posts=600, seed=3)
    assert a == generate(n_posts=600, seed=3)
    assert a != generate(n_posts=600, seed=4)
    assert [p for p, _ in _pairs()] == generate()


def test_exact_count_and_all_kinds_and_sources() -> None:
    pairs = _pairs()
    assert len(pairs) == 3000
    assert {t.kind for _, t in pairs} == set(KINDS)
    assert {p["source"] for p, _ in pairs} == set(SOURCES)
    assert len(generate(n_posts=250)) == 250


def test_required_fields_and_rfc3339_within_window() -> None:
    end = datetime(2026, 11, 16, 18, 0, tzinfo=UTC)
    for post, truth in _pairs():
        for key in ("source", "id", "created_at", "text"):
            assert isinstance(post[key], str) and post[key], (key, post)
        assert RFC3339.match(post["created_at"]), post["created_at"]
        assert end - timedelta(days=30) <= _time(post) < end
        assert (truth.source, truth.id) == (post["source"], post["id"])
        author = post["author"]
        assert author["id"] and author["handle"]
        if post["source"] != "rss":
            assert set(author) >= {"name", "bio", "followers", "following"}
            assert set(post["metrics"]) == {"likes", "reposts", "replies", "quotes"}
            assert all(isinstance(v, int) and v >= 0 for v in post["metrics"].values())
        if post["source"] == "x":
            assert len(post["text"]) <= 280
        json.dumps(post)


def test_native_looking_ids_unique_per_source() -> None:
    pattern = {
        "x": r"^\d{15,20}$",
        "mastodon": r"^\d{17,19}$",
        "bluesky": r"^at://did:plc:[a-z2-7]{24}/app\.bsky\.feed\.(post|repost)/[2-7a-z]{13}$",
        "reddit": r"^t[13]_[0-9a-z]{6,8}$",
        "hn": r"^\d{8}$",
        "rss": r"^https://\S+$",
    }
    seen: Counter[tuple[str, str]] = Counter((p["source"], p["id"]) for p, _ in _pairs())
    assert max(seen.values()) == 1
    for post, _ in _pairs():
        assert re.match(pattern[post["source"]], post["id"]), post["id"]
        if "url" in post:
            assert post["url"].startswith("https://")


def test_references_point_to_earlier_posts_on_the_same_source() -> None:
    by_key = {(p["source"], p["id"]): p for p, _ in _pairs()}
    counts = Counter[str]()
    for post, _ in _pairs():
        refs = []
        if "reply_to" in post:
            parent = by_key[(post["source"], post["reply_to"]["post_id"])]
            assert parent["author"]["handle"] == post["reply_to"]["author_handle"]
            refs.append(parent)
            counts["reply"] += 1
        for key in ("quote_of", "repost_of", "conversation_id"):
            if key in post:
                refs.append(by_key[(post["source"], post[key])])
                counts[key] += 1
        for ref in refs:
            assert _time(ref) <= _time(post)
        if "reply_to" in post:
            root = by_key[(post["source"], post["conversation_id"])]
            assert "reply_to" not in root
    assert counts["reply"] > 300 and counts["quote_of"] > 10 and counts["repost_of"] > 30


def test_metrics_cover_in_dataset_replies() -> None:
    replies = Counter(
        (p["source"], p["reply_to"]["post_id"]) for p, _ in _pairs() if "reply_to" in p
    )
    by_key = {(p["source"], p["id"]): p for p, _ in _pairs()}
    for key, n in replies.items():
        assert by_key[key]["metrics"]["replies"] >= n
    likes = sorted((p["metrics"]["likes"] for p, _ in _pairs() if "metrics" in p), reverse=True)
    assert likes[0] > 20 * likes[len(likes) // 2]  # heavy tail


def test_planted_problem_only_in_last_days_and_growing() -> None:
    start, end = planted_window()
    planted = [(p, t) for p, t in _pairs() if t.planted]
    assert all(t.kind == "planted_issue" and t.theme == PLANTED_THEME for _, t in planted)
    assert all(start <= _time(p) < end for p, _ in planted)
    authors = {p["author"]["id"] for p, t in planted if not t.spam}
    assert len(authors) >= 30
    assert all(p["author"]["followers"] > 0 for p, _ in planted)
    per_day = Counter(p["created_at"][:10] for p, _ in planted)
    days = sorted(per_day)
    assert len(days) == 3 and per_day[days[0]] < per_day[days[1]] < per_day[days[2]]
    assert len({t.lang for _, t in planted}) >= 2
    texts = {p["text"] for p, _ in planted}
    assert len(texts) >= 25  # varied wording
    novel = re.compile(r"csv|export", re.IGNORECASE)
    for post, truth in _pairs():
        if novel.search(post["text"]):
            assert _time(post) >= start, post["text"]
            assert truth.theme == PLANTED_THEME


def test_planted_problem_follows_the_window_for_another_end() -> None:
    end = datetime(2027, 3, 3, 9, 30, tzinfo=UTC)
    start, _ = planted_window(end)
    pairs = generate_with_truth(n_posts=800, seed=11, end=end)
    planted = [p for p, t in pairs if t.planted]
    assert len(planted) >= 20
    assert all(start <= _time(p) < end for p in planted)
    assert len({p["author"]["id"] for p in planted}) >= 15


def test_spam_authors_look_like_bots_and_repeat_themselves() -> None:
    spam = [p for p, t in _pairs() if t.spam]
    assert spam and all(t.kind == "spam" and not t.relevant for p, t in _pairs() if t.spam)
    for post in spam:
        assert post["author"]["followers"] <= 15
        assert post["author"]["following"] >= 4000
        assert post.get("urls")
    texts = Counter(p["text"] for p in spam)
    assert texts.most_common(1)[0][1] >= 5  # copy-paste spam
    real = [p for p, t in _pairs() if not t.spam and p["source"] != "rss"]
    assert all(p["author"]["following"] < 4000 or p["author"]["followers"] > 15 for p in real)


def test_articles_shared_through_short_links() -> None:
    shares = [(p, t) for p, t in _pairs() if t.kind == "article_share" and t.article]
    sharers: dict[str, set[str]] = {}
    for post, truth in shares:
        assert truth.article is not None
        assert any(u.split("?")[0] == truth.article for u in post["urls"])
        sharers.setdefault(truth.article, set()).add(post["author"]["id"])
    assert max(len(s) for s in sharers.values()) >= 20
    x_shares = [p for p, t in shares if p["source"] == "x" and "repost_of" not in p]
    assert all("https://t.co/" in p["text"] for p in x_shares)
    assert any("utm_source=" in u for p, _ in shares for u in p["urls"])


def test_conference_concentrated_in_two_days() -> None:
    conf = [p for p, t in _pairs() if t.kind == "conference"]
    assert all(CONFERENCE_TAG in p["text"] for p in conf)
    days = {d.isoformat() for d in conference_days()}
    on_days = sum(p["created_at"][:10] in days for p in conf)
    assert on_days >= 0.75 * len(conf)
    assert all(datetime.fromisoformat(d).weekday() < 5 for d in days)


def test_own_accounts_promote_and_help() -> None:
    own = [(p, t) for p, t in _pairs() if p["author"]["handle"] == OWN_HANDLE]
    assert {p["source"] for p, _ in own} == {"x", "bluesky"}
    kinds = Counter(t.kind for _, t in own)
    assert kinds["own_promo"] >= 20 and kinds["own_helpful"] >= 20
    assert sum("reply_to" in p for p, t in own if t.kind == "own_helpful") >= 20


def test_weekends_are_quieter() -> None:
    per_weekday = Counter(_time(p).weekday() for p, _ in _pairs())
    weekday_avg = sum(per_weekday[d] for d in range(5)) / 5
    weekend_avg = (per_weekday[5] + per_weekday[6]) / 2
    assert weekend_avg < 0.75 * weekday_avg


def test_languages_ambiguity_and_relevance() -> None:
    pairs = _pairs()
    langs = Counter(t.lang for _, t in pairs)
    assert {"es", "de", "fr", "pt"} <= set(langs) and langs["en"] < len(pairs)
    assert all(p["lang"] == t.lang for p, t in pairs)
    offtopic = [p for p, t in pairs if t.kind == "offtopic"]
    assert sum("puls" in p["text"].lower() for p in offtopic) >= 0.4 * len(offtopic)
    assert all(not t.relevant for _, t in pairs if t.kind == "offtopic")
    assert {t.product for _, t in pairs} >= {"Acme Pulse", "Brightmetrics", "Chartwell", None}


def test_expert_hubs_attract_interactions() -> None:
    pairs = _pairs()
    role = {(p["source"], p["author"]["handle"]): t.role for p, t in pairs}
    targets = Counter(
        (p["source"], p["reply_to"]["author_handle"])
        for p, t in pairs
        if "reply_to" in p and t.kind in ("peer", "expert")
    )
    top = [key for key, _ in targets.most_common(5)]
    assert sum(role.get(k) == "expert" for k in top) >= 3
    mentions = sum(bool(p.get("mentions")) for p, t in pairs if t.kind in ("peer", "conference"))
    assert mentions >= 50


def test_write_jsonl_round_trip(tmp_path: Path) -> None:
    posts, truth = tmp_path / "demo.jsonl", tmp_path / "truth.jsonl"
    n = write_jsonl(posts, n_posts=300, seed=5, truth_path=truth)
    lines = posts.read_text(encoding="utf-8").splitlines()
    assert n == len(lines) == 300
    assert [json.loads(line) for line in lines] == generate(n_posts=300, seed=5)
    gold = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]
    assert [(g["source"], g["id"]) for g in gold] == [
        (json.loads(line)["source"], json.loads(line)["id"]) for line in lines
    ]


def test_importable_by_the_earful_jsonl_reader() -> None:
    reader = pytest.importorskip("earful.formats.earful_jsonl")
    for post, _ in _pairs():
        reader.post_from_dict(post)


def test_config_and_bad_arguments() -> None:
    cfg = demo_config()
    assert cfg["product"]["name"] == "Acme Pulse"
    assert OWN_HANDLE in cfg["product"]["own_accounts"]["x"]
    with pytest.raises(ValueError):
        generate(n_posts=10)
