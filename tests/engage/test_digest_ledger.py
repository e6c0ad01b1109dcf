from __future__ import annotations

import sys
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from earful.engage.coach import coach
from earful.engage.digest import DigestItem, build_digest, plan, render_digest
from earful.engage.ledger import log_action, roi
from earful.engage.relations import export_follows, log_relation
from earful.errors import InputError
from earful.workspace import Workspace
from tests.engage.conftest import END, author, post

HOSTILE = '<script>alert(1)</script> "quoted" & <img src=x onerror=y>'


def _seed(ws: Workspace) -> None:
    own = author("wid_pm", 1000)
    user = author("evil<b>", 5000, bio=HOSTILE)
    posts = [
        post(f"o{i}", f"Widgetry now supports format {i}! Try it free", own, hours_ago=10 * i)
        for i in range(1, 5)
    ]
    posts += [
        post(
            f"h{i}",
            f"@u{i} you can do that in settings",
            own,
            hours_ago=10 * i + 5,
            reply_to={"post_id": f"z{i}", "author_handle": f"u{i}"},
        )
        for i in range(1, 7)
    ]
    posts += [
        post("q1", f"How do I use widgetry with {HOSTILE}?", user, hours_ago=1),
        post("q2", "Any recommendations for a dashboards tool like Gizmoly?", user, hours_ago=2),
        post(
            "r1",
            "@wid_pm thanks!",
            author("u1"),
            hours_ago=3,
            reply_to={"post_id": "o1", "author_handle": "wid_pm"},
        ),
    ]
    ws.store().upsert_posts(posts)


def test_coach_numbers(ws: Workspace) -> None:
    _seed(ws)
    (rep,) = coach(ws.store(), ws.config, now=END)
    assert (rep.posts, rep.replies, rep.broadcasts) == (10, 6, 4)
    assert (rep.promo_last10, rep.last10) == (4, 10)
    assert rep.advice[0] == "4 of your last 10 posts promote Widgetry; aim for at most 2."
    with pytest.raises(InputError, match=r"not listed under products\.accounts"):
        coach(ws.store(), ws.config, handle="@stranger")


def test_plan_fits_budget_and_spreads() -> None:
    items = [DigestItem("question", f"q{i}", "", None, 3, 90 - i, "") for i in range(5)]
    items += [
        DigestItem("expert", "e", "", None, 1, 20, ""),
        DigestItem("coach", "c", "", None, 1, 10, ""),
    ]
    chosen, left = plan(items, 7)
    assert sum(i.minutes for i in chosen) <= 7
    assert {i.section for i in chosen} == {"question", "expert", "coach"}
    assert left == len(items) - len(chosen)


@pytest.mark.parametrize("minutes", [1, 5, 10, 30])
def test_digest_respects_budget(ws: Workspace, minutes: int) -> None:
    _seed(ws)
    d = build_digest(ws.store(), ws.config, minutes=minutes, now=END)
    assert d.minutes <= minutes
    if minutes >= 10:
        assert {"question", "lead", "coach"} <= {i.section for i in d.items}


def test_digest_escapes_hostile_text(ws: Workspace) -> None:
    _seed(ws)
    page = render_digest(ws, 30, "html", now=END)
    assert "<script>" not in page and "onerror=y>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<svg" in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    md = render_digest(ws, 30, "markdown", now=END)
    assert "<script>" not in md and "\\<script\\>" in md
    assert "Questions to answer" in render_digest(ws, 30, "text", now=END)


def test_digest_with_and_without_insights(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(ws)
    off = build_digest(ws.store(), ws.config, now=END, insights=False)
    assert off.sections_missing == ["themes and alerts (disabled)"]
    monkeypatch.setitem(sys.modules, "earful.insights.themes", None)  # not installed
    monkeypatch.setitem(sys.modules, "earful.store.insights", None)
    gone = build_digest(ws.store(), ws.config, now=END)
    assert {"alerts", "themes"} <= set(gone.sections_missing)
    assert gone.items  # the rest of the digest still works


def test_ledger_and_roi(ws: Workspace) -> None:
    _seed(ws)
    store = ws.store()
    monday = END - timedelta(days=END.weekday())
    log_action(store, "replied", "x:q1", minutes=4, at=END)
    log_action(store, "filed", "GH-12", minutes=6, at=END)
    log_action(store, "followed", "x:@guru", minutes=1, at=END - timedelta(days=8))
    log_action(store, "shared", "https://e.com/a", minutes=2, at=END)
    with pytest.raises(InputError, match="minutes"):
        log_action(store, "replied", minutes=-1)
    with pytest.raises(InputError, match="action"):
        log_action(store, "liked", minutes=1)
    weeks = roi(store, ws.config, weeks=2, now=END)
    assert [w.week for w in weeks] == [
        (monday - timedelta(days=7)).date().isoformat(),
        monday.date().isoformat(),
    ]
    last, prev = weeks[1], weeks[0]
    assert (last.minutes, last.answers_sent, last.issues_filed, last.shares) == (12, 1, 1, 1)
    assert last.replies_received == 1  # r1 replied to wid_pm
    assert (prev.minutes, prev.follows) == (1, 1)
    assert last.outcomes_per_hour == pytest.approx(4 / 0.2)
    from earful.engage.queue import answer_queue

    assert "x:q1" in [i.key for i in answer_queue(store, ws.config, now=END, states=("answered",))]


def test_relations_and_exports(ws: Workspace) -> None:
    store = ws.store()
    log_relation(store, "mastodon", "ada@example.social", "followed", at=END)
    log_relation(store, "x", "@grace", "followed", at=END)
    log_relation(store, "x", "grace", "talked", at=END)
    log_relation(store, "x", "linus", "followed", at=END)
    log_relation(store, "x", "linus", "unfollowed", at=END)
    with pytest.raises(InputError, match="user@instance"):
        log_relation(store, "mastodon", "ada", "followed")
    assert export_follows(store, "mastodon") == (
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "ada@example.social,true,false,\n"
    )
    assert export_follows(store, "x") == "@grace\n"
    csv_text = export_follows(store, "csv")
    assert "x,grace,https://x.com/grace," in csv_text and "linus" not in csv_text


def test_cli_json(ws: Workspace) -> None:
    _seed(ws)
    from earful.cli import app

    runner = CliRunner()
    base = ["--workspace", str(ws.root), "--json"]
    result = runner.invoke(app, ["questions", *base])
    assert result.exit_code == 0, result.output
    assert '"kind": "question"' in result.output
    result = runner.invoke(app, ["questions", "--dismiss", "x:404", "--workspace", str(ws.root)])
    assert result.exit_code == 1 and "no stored post" in result.output
    for args in (
        ["coach"],
        ["digest", "--minutes", "5"],
        ["roi"],
        ["event", "#none"],
        ["articles"],
        ["peers"],
    ):
        result = runner.invoke(app, [*args, *base])
        assert result.exit_code == 0, (args, result.output)


def test_digest_alert_shows_the_onset_not_the_detection_time(ws: Workspace) -> None:
    from earful.engage.digest import _insight_items
    from earful.store.insights import upsert_alert

    store = ws.store()
    with store.conn:
        upsert_alert(
            store.conn,
            dedupe_key="k",
            kind="phrase_spike",
            product="Widgetry",
            subject="export · empty",
            severity="high",
            score=9.0,
            seen="2026-11-16T17:52:00+00:00",
            explanation={"since": "2026-11-13T18:08:00+00:00", "what": "grew"},
        )
    digest = build_digest(store, ws.config, now=END)
    (item,) = [i for i in _insight_items(store, ws.config, digest) if i.section == "alert"]
    assert "since 2026-11-13T18:08" in item.why and "17:52" not in item.why
