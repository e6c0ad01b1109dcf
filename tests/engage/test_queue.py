from __future__ import annotations

from datetime import timedelta

import pytest

from earful.engage.queue import answer_queue, set_state
from earful.errors import InputError
from earful.workspace import Workspace
from tests.engage.conftest import END, add_label, author, post


def _seed(ws: Workspace) -> None:
    big = author("bigco", followers=50_000)
    small = author("tiny", followers=10)
    bot = author("promo_bot", followers=3, following=5000)
    own = author("wid_pm", followers=900)
    posts = [
        post("1", "How do I export a report from Widgetry?", small, hours_ago=2),
        post("2", "Any recommendations for a tool like Widgetry or Gizmoly?", big, hours_ago=3),
        post("3", "Widgetry is great, love it", big, hours_ago=1),
        post("4", "Is there a cheap widgetry alternative? dm me for crypto", bot, hours_ago=1),
        post("5", "Can Widgetry do SSO?", small, hours_ago=100),
        post("6", "How do I add users in widgetry?", small, hours_ago=5),
        post(
            "7",
            "@tiny Settings, then Users.",
            own,
            hours_ago=4,
            reply_to={"post_id": "6", "author_handle": "tiny"},
        ),
        post("8", "Widgetry roadmap looks bold", small, hours_ago=1),
        # a care account's reply asks its customer something: not a question for us to answer
        post(
            "9",
            "@tiny Hi there, sorry to hear that! Could you DM us your Widgetry workspace name?",
            author("gizmoly_care", followers=20_000),
            hours_ago=1,
        ),
    ]
    ws.store().upsert_posts(posts)
    add_label(ws, posts[8], "support_reply", "true")
    add_label(ws, posts[7], "type", "question")  # labels win over the rules
    add_label(ws, posts[2], "type", "praise")


def test_ranking_reasons_and_exclusions(ws: Workspace) -> None:
    _seed(ws)
    items = answer_queue(ws.store(), ws.config, now=END)
    keys = [i.key for i in items]
    assert keys[0] == "x:2"  # a lead from a big account beats a small account's question
    assert items[0].kind == "lead"
    assert "x:1" in keys and "x:8" in keys  # rule-based question and labelled question
    assert "x:3" not in keys  # praise, labelled
    assert "x:4" not in keys  # bot
    assert "x:7" not in keys  # own reply
    assert "x:6" not in keys  # answered from an own account
    assert "x:9" not in keys  # a support account's reply
    assert keys.index("x:1") < keys.index("x:5")  # fresher first at equal reach
    first = items[0]
    assert first.reply_url == "https://x.com/intent/post?in_reply_to=2"
    assert any("50,000 followers" in r for r in first.reasons)
    assert any("labelled as a question" in r for i in items if i.key == "x:8" for r in i.reasons)


def test_states(ws: Workspace) -> None:
    _seed(ws)
    store = ws.store()
    answered = answer_queue(store, ws.config, now=END, states=("answered",))
    assert [i.key for i in answered] == ["x:6"]
    set_state(store, "x:1", "dismissed", now=END)
    set_state(store, "x:2", "snoozed", snooze_hours=10, now=END)
    keys = [i.key for i in answer_queue(store, ws.config, now=END)]
    assert "x:1" not in keys and "x:2" not in keys
    later = [i.key for i in answer_queue(store, ws.config, now=END + timedelta(hours=11))]
    assert "x:2" in later and "x:1" not in later  # the snooze ran out
    set_state(store, "x:1", "new", now=END)
    assert "x:1" in [i.key for i in answer_queue(store, ws.config, now=END)]


def test_bad_state_changes_nothing(ws: Workspace) -> None:
    _seed(ws)
    with pytest.raises(InputError, match="field 'state'"):
        set_state(ws.store(), "x:1", "maybe")
    with pytest.raises(InputError, match="no stored post"):
        set_state(ws.store(), "x:999", "dismissed")
    with pytest.raises(InputError, match="SOURCE:ID"):
        set_state(ws.store(), "nocolon", "dismissed")
    assert ws.store().conn.execute("SELECT count(*) FROM engage_queue").fetchone()[0] == 0
