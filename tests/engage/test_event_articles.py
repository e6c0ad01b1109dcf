from __future__ import annotations

from datetime import timedelta

from earful.engage.articles import articles, draft_post, share_queue
from earful.engage.event import event_markdown, event_summary
from earful.engage.ledger import log_action
from earful.workspace import Workspace
from tests.engage.conftest import END, author, post


def test_event_summary(ws: Workspace) -> None:
    a, b, c = author("ann", 500), author("bob", 50), author("cyd", 10)
    spam = author("bot", 1, 9000)
    ws.store().upsert_posts(
        [
            post(
                "1",
                "Keynote on pricing at #DevDay2026 was great https://slides.example.org/k",
                a,
                hours_ago=5,
                metrics={"likes": 40, "reposts": 5},
            ),
            post("2", "Pricing workshop at #DevDay2026 now #pricing", b, hours_ago=4),
            post(
                "3",
                "Lunch at #DevDay2026 https://slides.example.org/k?utm_source=x",
                b,
                hours_ago=3,
            ),
            post("4", "RT @ann: Keynote on pricing at #DevDay2026", c, hours_ago=2, repost_of="1"),
            post("5", "#DevDay2026 free tokens!!!", spam, hours_ago=1),
            post("6", "Unrelated pricing post", c, hours_ago=1),
        ]
    )
    s = event_summary(ws.store(), "#DevDay2026", context=ws.query_context())
    assert (s.posts, s.reposts, s.spam_skipped, s.people) == (3, 1, 1, 3)
    assert s.top_posts[0]["key"] == "x:1"
    assert s.posters[0] == {"handle": "bob", "posts": 2}
    assert s.links == [{"url": "https://slides.example.org/k", "sharers": 2, "title": None}]
    assert "pricing" in s.themes
    assert ("#pricing", 1) in s.hashtags
    assert s.bucket == "hour" and sum(n for _t, n in s.timeline) == 4
    windowed = event_summary(
        ws.store(),
        "#DevDay2026",
        start=END - timedelta(hours=3, minutes=30),
        context=ws.query_context(),
    )
    assert windowed.posts == 1
    md = event_markdown(s)
    assert "3 posts and 1 reposts by 3 people" in md and "\\#DevDay2026" in md


def test_articles_dedupe_and_rank(ws: Workspace) -> None:
    expert = author("guru", 30_000, bio="metrics writer")
    fans = [author(f"f{i}") for i in range(3)]
    bot = author("farm", 1, 7000)
    store = ws.store()
    posts = [
        post("1", "Read this https://blog.example.com/a?utm_source=tw", fans[0], hours_ago=10),
        post("2", "Great https://blog.example.com/a", fans[1], hours_ago=9),
        post("3", "Again https://blog.example.com/a#top", fans[1], hours_ago=8),
        post("4", "short https://sho.rt/xyz", fans[2], hours_ago=7),
        post("5", "https://other.example.net/b metrics", expert, hours_ago=6),
        post("6", "https://spam.example/win https://spam.example/win2", bot, hours_ago=5),
        post("7", "see https://x.com/guru/status/5", fans[0], hours_ago=4),
        post("8", "our launch https://blog.example.com/a", author("wid_pm"), hours_ago=3),
        post(
            "9",
            "@guru replying to you",
            fans[2],
            hours_ago=3,
            reply_to={"post_id": "5", "author_handle": "guru"},
        ),
    ]
    store.upsert_posts(posts)
    rowid = store.post_rowid("x", "4")
    with store.transaction() as conn:  # the links package expanded the short link earlier
        conn.execute(
            "INSERT INTO links (url, canonical, title, description, fetched_at) VALUES"
            " ('https://sho.rt/xyz', 'https://blog.example.com/a', NULL, NULL, '2026-05-20'),"
            " ('https://blog.example.com/a', 'https://blog.example.com/a', 'Article <A>',"
            " 'about a', '2026-05-20')"
        )
        conn.execute(
            "INSERT INTO post_links (post_rowid, url, canonical) VALUES"
            " (?, 'https://sho.rt/xyz', 'https://blog.example.com/a')",
            (rowid,),
        )
    ranked = articles(store, ws.config, now=END, expertise={"guru": 1.0})
    urls = [a.url for a in ranked]
    assert urls == ["https://blog.example.com/a", "https://other.example.net/b"]
    top = ranked[0]
    assert top.sharers == 3  # f0, f1 (twice) and f2 via the expanded short link; not wid_pm
    assert top.title == "Article <A>"
    assert ranked[1].weight == 3.0  # one sharer with expertise 1.0
    assert top.draft.startswith("Worth a read: Article <A> https://blog.example.com/a")
    log_action(store, "shared", "https://blog.example.com/a", minutes=2, at=END)
    assert [a.url for a in share_queue(store, ws.config, now=END, expertise={})] == [
        "https://other.example.net/b"
    ]


def test_draft_fits_280() -> None:
    draft = draft_post("https://e.com/" + "a" * 50, "T" * 400, "someone")
    assert len(draft) <= 280 and draft.endswith("(via @someone)")
