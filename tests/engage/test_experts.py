from __future__ import annotations

import pytest

from earful.engage.experts import experts, peers
from earful.engage.graph import pagerank
from earful.errors import InputError
from earful.workspace import Workspace
from tests.engage.conftest import END, add_label, author, post


def test_pagerank_star_and_chain() -> None:
    edges = {"a": {"hub": 1.0}, "b": {"hub": 1.0}, "c": {"hub": 1.0}, "hub": {"d": 1.0}}
    ranks = pagerank(edges)
    order = sorted(ranks, key=lambda n: -ranks[n])
    # d receives all of the hub's rank (plus teleport); the leaves only teleport
    assert order[:2] == ["d", "hub"]
    assert ranks["hub"] > 3 * ranks["a"]
    assert ranks["a"] == pytest.approx(ranks["b"]) == pytest.approx(ranks["c"])
    assert sum(ranks.values()) == pytest.approx(1.0)


def test_pagerank_teleport_favours_topic_people() -> None:
    edges = {"x": {"p": 1.0}, "y": {"q": 1.0}}
    plain = pagerank(edges)
    topical = pagerank(edges, personalization={"x": 1.0})
    assert plain["p"] == pytest.approx(plain["q"])
    assert topical["p"] > topical["q"]
    assert topical["y"] == 0.0


def _seed(ws: Workspace) -> None:
    guru = author("guru", followers=20_000, bio="I write about dashboards and metrics")
    pm = author("pat_pm", followers=300, bio="Product manager at Acme Corp")
    fan1, fan2, fan3 = author("fan1"), author("fan2"), author("fan3")
    bot = author("farm", followers=2, following=8000)
    spammer = author("spammy", followers=500)
    posts = [
        post("1", "Good dashboards start with three metrics", guru, hours_ago=30),
        post(
            "2",
            "@guru agreed, metrics first",
            fan1,
            hours_ago=29,
            reply_to={"post_id": "1", "author_handle": "guru"},
        ),
        post(
            "3",
            "@guru how do you pick dashboards metrics?",
            fan2,
            hours_ago=28,
            reply_to={"post_id": "1", "author_handle": "guru"},
        ),
        post(
            "4",
            "RT @guru: Good dashboards start with three metrics",
            fan3,
            hours_ago=27,
            repost_of="1",
        ),
        post("5", "Our roadmap and metrics review went well @pat_pm", pm, hours_ago=20),
        post("6", "@pat_pm nice metrics post", fan1, hours_ago=19),
        post("7", "@farm metrics metrics metrics", bot, hours_ago=5),
        post("8", "@farm best dashboards", bot, hours_ago=4),
        post("9", "@spammy buy metrics dashboards now", fan2, hours_ago=3),
        post("10", "cheap dashboards metrics here", spammer, hours_ago=2),
        post("11", "@spammy dashboards deal", spammer, hours_ago=2),
    ]
    ws.store().upsert_posts(posts)
    add_label(ws, posts[8], "spam", "true")
    add_label(ws, posts[9], "spam", "true")
    add_label(ws, posts[10], "spam", "true")


def test_experts_rank_and_explain(ws: Workspace) -> None:
    _seed(ws)
    people = experts(ws.store(), "metrics OR dashboards", ws.config, now=END)
    handles = [p.handle for p in people]
    assert handles[0] == "guru"
    assert "farm" not in handles  # follow-farm bot
    assert "spammy" not in handles  # most of their posts are spam
    top = people[0]
    assert top.inbound == {"reply": 2, "repost": 1}
    assert top.people == 3
    assert any("2 replies, 1 repost from 3 people" in r for r in top.reasons)
    assert top.bio_match


def test_peers_are_product_managers(ws: Workspace) -> None:
    _seed(ws)
    assert [p.handle for p in peers(ws.store(), "metrics", ws.config, now=END)] == ["pat_pm"]


def test_topic_without_posts_is_an_error(ws: Workspace) -> None:
    _seed(ws)
    with pytest.raises(InputError, match="no posts on topic"):
        experts(ws.store(), "kubernetes", ws.config)
