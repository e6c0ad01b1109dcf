"""Publishing from the dashboard in headless Chromium, against Bluesky and X fakes on 127.0.0.1:
the confirm dialog shows the exact text; dismissed, nothing is sent; accepted, one request with
that text; a coach warning asks a second time; the item or article is marked in the page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from earful.store.engage import ledger
from earful.web.app import create_app
from earful.workspace import Workspace
from tests.outputs.conftest import SECRET, post
from tests.outputs.test_publish import BSKY_ENV, fake_bluesky
from tests.web.browser import CHROMIUM, browser_page, serving
from tests.web.browser import shot as screenshot
from tests.web.test_publish_api import ITEM, PROMO, add_tweets, publish_workspace

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)
ARTICLE = "https://blog.example/churn"


@dataclass
class Site:
    url: str
    ws: Workspace
    srv: Any
    records: list[dict[str, Any]]
    tweets: list[dict[str, Any]]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    from connectors.fakes.server import FakeServer

    for name, value in {**BSKY_ENV, "EARFUL_X_USER_TOKEN": SECRET}.items():
        monkeypatch.setenv(name, value)
    with FakeServer() as srv:
        records, tweets = fake_bluesky(srv), add_tweets(srv)
        ws = publish_workspace(tmp_path, srv.url)
        ws.store().upsert_posts(  # three people share one article: the share queue's only one
            [
                post(f"s{i}", f"sharer{i}", f"great read on churn {ARTICLE}", hours_ago=1 + i)
                for i in range(3)
            ]
        )
        with serving(create_app(ws)) as url:
            yield Site(url, ws, srv, records, tweets)


def _dialogs(events: list[str]) -> list[str]:
    return [e.removeprefix("dialog ") for e in events if e.startswith("dialog ")]


def _clean(page: Any, events: list[str]) -> None:
    assert page.evaluate("window.__csp") == []
    assert [e for e in events if not e.startswith(("dialog ", "console error Failed"))] == []


def test_post_a_reply_after_confirming_the_exact_text(site: Site) -> None:
    text = "Yes, it does — see https://acme.example/docs/pg <b>no markup</b>"
    answers = [True]
    with browser_page(answers) as (page, events):
        page.goto(site.url + "/queue")
        li = page.locator(f"li.post[data-key='{ITEM}']")
        form = li.locator("form.publish")
        assert form.is_visible()
        count = form.locator(".count")
        assert count.inner_text() == "0 / 300" and form.locator("button").is_disabled()
        form.locator("textarea").fill("é" * 301)  # code points, as the server counts
        assert count.inner_text() == "301 / 300" and "bad" in str(count.get_attribute("class"))
        assert form.locator("button").is_disabled()
        form.locator("textarea").fill(text)
        assert count.inner_text() == f"{len(text)} / 300"
        answers_cell = page.locator("#ledger tbody tr td.answers")
        before = int(answers_cell.inner_text())
        form.locator("button[type=submit]").click()
        li.locator("p.published").wait_for()
        assert _dialogs(events) == [f"Post this to bluesky in reply to @ann.example?\n\n{text}"]
        assert li.get_attribute("data-state") == "answered" and "done" in str(
            li.get_attribute("class")
        )
        assert li.locator("p.published").inner_text().startswith("Replied on bluesky")
        view = li.locator("p.published a")
        assert view.get_attribute("href") == "https://bsky.app/profile/did:plc:acme/post/3new"
        assert page.inner_text("#toast").startswith("Replied on bluesky")
        page.wait_for_selector(f"#ledger tbody tr td.answers:text-is('{before + 1}')")
        li.locator("p.text").click()  # selects the item
        page.keyboard.press("a")  # answered already: not logged a second time
        page.wait_for_selector("#toast:text-is('Already answered')")
        screenshot(page, "publish-reply")
        _clean(page, events)
    assert [r["record"]["text"] for r in site.records] == [text]
    assert [(r.action, r.target) for r in ledger(site.ws.store().conn)] == [("replied", ITEM)]


def test_a_dismissed_confirm_sends_nothing(site: Site) -> None:
    with browser_page([False]) as (page, events):
        page.goto(site.url + "/queue")
        form = page.locator(f"li.post[data-key='{ITEM}'] form.publish")
        form.locator("textarea").fill("Maybe later")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#toast:text-is('Not posted')")
        assert _dialogs(events) == ["Post this to bluesky in reply to @ann.example?\n\nMaybe later"]
        assert form.is_visible() and form.locator("button").is_enabled()
        _clean(page, events)
    assert site.srv.requests == [] and ledger(site.ws.store().conn) == []


def test_share_an_article_past_the_coach_warning(site: Site) -> None:
    site.ws.store().upsert_posts(
        [
            post(f"own{i}", "acme_pm", f"We just shipped feature {i} in Acme Pulse, try it free")
            for i in range(3)
        ]
    )
    answers = [True, False, True, True]  # text ok, coach no; then text ok, coach yes
    with browser_page(answers) as (page, events):
        page.goto(site.url + "/articles")
        li = page.locator("li.post.article").filter(has=page.locator(f"a[href='{ARTICLE}']"))
        form = li.locator("form.publish")
        assert form.locator("textarea").input_value().startswith("Worth a read " + ARTICLE)
        assert form.locator("select").input_value() == "bluesky"  # own accounts: bluesky, x
        form.locator("select").select_option("x")
        form.locator("textarea").fill(PROMO)
        assert form.locator(".count").inner_text() == f"{len(PROMO)} / 280"
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#toast:text-is('Not posted')")
        dialogs = _dialogs(events)
        assert len(dialogs) == 2 and dialogs[1].startswith("Coach: the coach says")
        assert site.tweets == []
        form.locator("button[type=submit]").click()
        li.locator("p.published").wait_for()
        dialogs = _dialogs(events)
        assert dialogs[2] == f"Post this to x?\n\n{PROMO}" and "Post anyway?" in dialogs[3]
        assert li.get_attribute("data-state") == "shared"
        assert li.locator("button.act-button").is_disabled()  # no second "shared" by hand
        assert page.inner_text("#toast").startswith("Posted on x")
        screenshot(page, "publish-share")
        _clean(page, events)
    assert site.tweets == [{"text": PROMO}]
    assert [(r.action, r.target) for r in ledger(site.ws.store().conn)] == [("shared", ARTICLE)]


def test_an_interrupted_send_is_retried_only_after_a_second_confirm(site: Site) -> None:
    from datetime import UTC, datetime, timedelta

    from earful.outputs.publish import STALE_AFTER
    from earful.store import outputs as db

    with site.ws.store().transaction() as conn:  # a send that stopped midway, long ago
        assert db.claim_published(
            conn,
            network="bluesky",
            kind="reply",
            target=ITEM,
            text="an earlier try",
            now=datetime.now(UTC) - STALE_AFTER - timedelta(minutes=5),
        )
    answers = [True, False, True, True]  # text ok, retry no; then text ok, retry yes
    with browser_page(answers) as (page, events):
        page.goto(site.url + "/queue")
        li = page.locator(f"li.post[data-key='{ITEM}']")
        form = li.locator("form.publish")
        form.locator("textarea").fill("Yes, it does")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#toast:text-is('Not posted')")
        dialogs = _dialogs(events)
        assert len(dialogs) == 2 and dialogs[1].startswith("An earlier attempt to post this")
        assert "may or may not have reached bluesky" in dialogs[1]
        assert dialogs[1].endswith("post it now?\n\nYes, it does")
        assert site.srv.requests == []
        form.locator("button[type=submit]").click()
        li.locator("p.published").wait_for()
        assert len(_dialogs(events)) == 4
        assert li.get_attribute("data-state") == "answered"
        _clean(page, events)
    assert [r["record"]["text"] for r in site.records] == ["Yes, it does"]
