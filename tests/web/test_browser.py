"""End to end in headless Chromium: search, live validation, keyboard triage, every page, XSS."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from earful.store import open_store
from earful.web.app import create_app
from earful.workspace import Workspace
from tests.web.browser import CHROMIUM, browser_page, serving, shot

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)


@pytest.fixture(scope="module")
def base(demo_dir: Path) -> Iterator[str]:
    with serving(create_app(demo_dir)) as url:
        yield url


def _clean(page: Any, events: list[str]) -> None:
    assert page.evaluate("window.__csp") == []
    assert [e for e in events if not e.startswith("console error Failed to load resource")] == []


def test_search_validate_and_correct_with_the_keyboard(base: str, demo_dir: Path) -> None:
    with browser_page() as (page, events):
        page.goto(base + "/search")
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.id") == "q"
        page.keyboard.type("acme (")
        page.wait_for_selector("#q-status.bad")
        assert "parenthesis" in page.inner_text("#q-status")
        page.keyboard.type('"pulse" export)')
        page.wait_for_selector("#q-status:not(.bad)")
        page.keyboard.press("Enter")
        page.wait_for_selector("li.post")
        assert page.locator("li.post").count() > 0
        page.keyboard.press("Escape")
        page.keyboard.press("j")
        page.keyboard.press("j")
        selected = page.locator("li.post.selected")
        assert selected.count() == 1
        source, post_id = selected.get_attribute("data-source"), selected.get_attribute("data-id")
        page.keyboard.press("-")
        page.wait_for_selector("li.post.selected .label.user")
        assert "sentiment: negative" in selected.locator(".label.user").inner_text()
        assert page.inner_text("#toast") == "Sentiment set to negative"  # common.js's toast
        assert page.evaluate("Object.isFrozen(window.Earful)")
        shot(page, "search")
        store = open_store(demo_dir / "earful.db")
        try:
            rowid = store.post_rowid(str(source), str(post_id))
            assert rowid is not None
            labels = store.labels_of([rowid])[rowid]["sentiment"]
            assert [(v, by) for v, _s, by in labels] == [("negative", "user")]
        finally:
            store.close()
        page.keyboard.press("x")
        page.locator("li.post.selected .label.user").wait_for(state="detached")
        _clean(page, events)


def test_answer_a_question_and_see_the_ledger_change(base: str) -> None:
    with browser_page() as (page, events):
        page.goto(base + "/")
        assert page.url.endswith("/today")
        shot(page, "today")
        page.keyboard.press("g")
        page.keyboard.press("q")
        page.wait_for_url("**/queue")
        answers = page.locator("#ledger tbody tr td.answers")
        before = int(answers.inner_text())
        count = page.locator("li.post[data-key]").count()
        assert count > 0
        shot(page, "queue")
        page.keyboard.press("j")
        key = page.locator("li.post.selected").get_attribute("data-key")
        page.keyboard.press("a")
        page.wait_for_selector(f"#ledger tbody tr td.answers:text-is('{before + 1}')")
        assert page.locator("li.post[data-key]").count() == count - 1
        page.goto(base + "/queue?status=answered")
        assert page.locator(f"li.post[data-key='{key}']").count() == 1
        _clean(page, events)


def test_every_page_renders_and_charts_draw(base: str) -> None:
    with browser_page() as (page, events):
        for path, name in (
            ("/themes", "themes"),
            ("/alerts", "alerts"),
            ("/people", "people"),
            ("/people?peers=1", "peers"),
            ("/articles", "articles"),
            ("/coach", "coach"),
            ("/event?tag=%23ProductCon26", "event"),
            ("/trends", "trends"),
            ("/sources", "sources"),
            ("/settings", "settings"),
            ("/api/docs", "api"),
        ):
            page.goto(base + path)
            if name == "trends":
                page.wait_for_selector("body[data-charts-ready='1']")
                assert page.locator("#chart-volume polyline").count() >= 3
                page.wait_for_selector("body[data-voice-ready='1']")
                assert page.locator("#chart-voice polyline").count() >= 2
            if name == "themes":
                assert page.locator("li.theme .spark svg").count() >= 2
            shot(page, name)
        page.keyboard.press("g")
        page.keyboard.press("s")
        page.wait_for_url("**/search")
        _clean(page, events)


def test_search_open_a_theme_file_it_and_see_the_ledger_change(base: str, demo_dir: Path) -> None:
    with browser_page() as (page, events):
        page.goto(base + "/search?q=acme")
        page.wait_for_selector("li.post")
        page.keyboard.press("g")
        page.keyboard.press("h")
        page.wait_for_url("**/themes")
        page.keyboard.press("j")
        theme = page.locator("li.theme.selected").get_attribute("data-theme")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/themes/{theme}")
        assert page.locator("#posts li.post").count() > 0
        filed = page.locator("#ledger tbody tr td").nth(4)
        before = int(filed.inner_text())
        page.fill("#mark-filed input[name=url]", "https://tracker.example/issues/7")
        page.fill("#mark-filed input[name=minutes]", "3")
        page.click("#mark-filed button[type=submit]")
        page.wait_for_selector(f"#ledger tbody tr td:nth-child(5):text-is('{before + 1}')")
        assert "manual tracker.example" not in page.inner_text("#filed")
        assert page.locator("#filed a[href='https://tracker.example/issues/7']").count() == 1
        page.fill("form[data-url$='/name'] input[name=name]", "Renamed in the browser")
        page.click("form[data-url$='/name'] button[type=submit]")
        page.wait_for_selector("#theme-title:has-text('Renamed in the browser')")
        shot(page, "theme")
        _clean(page, events)
    store = open_store(demo_dir / "earful.db")
    try:
        from earful.store import outputs

        links = outputs.links(store.conn, int(str(theme)))
        assert [link.url for link in links] == ["https://tracker.example/issues/7"]
    finally:
        store.close()


def test_triage_an_alert_with_the_keyboard(base: str) -> None:
    with browser_page() as (page, events):
        page.goto(base + "/alerts")
        count = page.locator("li.alert").count()
        assert count > 0
        page.keyboard.press("j")
        alert = page.locator("li.alert.selected").get_attribute("data-alert")
        page.keyboard.press("a")
        page.wait_for_selector(f"li.alert[data-alert='{alert}'] .state:text-is('acknowledged')")
        page.keyboard.press("j")
        page.keyboard.press("r")
        page.locator(f"li.alert[data-alert='{alert}']").wait_for(state="detached")
        page.goto(base + "/alerts?all=1")
        page.keyboard.press("j")
        assert page.locator("li.alert.selected .state").inner_text() == "resolved"
        page.keyboard.press("n")
        page.wait_for_selector(f"li.alert[data-alert='{alert}'] .state:text-is('new')")
        _clean(page, events)


def test_settings_save_shows_error_with_line(base: str, demo_dir: Path) -> None:
    before = (demo_dir / "earful.toml").read_text(encoding="utf-8")
    with browser_page() as (page, events):
        page.goto(base + "/settings")
        page.fill("#toml", before + "\n[[watches]]\nname = \n")
        page.click("#settings-form button[type=submit]")
        page.wait_for_selector("#settings-status.bad")
        assert "line" in page.inner_text("#settings-status")
        assert (demo_dir / "earful.toml").read_text(encoding="utf-8") == before
        _clean(page, [e for e in events if "422" not in e])


PAYLOAD = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=1;alert(2)</script>'


def _hostile_workspace(root: Path) -> Workspace:
    from earful.connectors.mastodon_map import post_from_status
    from earful.formats.earful_jsonl import post_from_dict
    from earful.store.links import ensure_schema

    ws = Workspace.init(root)
    x = post_from_dict(
        {
            "source": "x",
            "id": "1",
            "created_at": "2026-11-20T10:00:00Z",
            "text": f"hostile post {PAYLOAD} https://evil.example/a",
            "url": "javascript:window.__xss=1",
            "author": {"id": "9", "handle": "mallory", "name": f"Mallory {PAYLOAD}"},
        }
    )
    masto = post_from_status(
        {
            "id": "77",
            "created_at": "2026-11-20T11:00:00Z",
            "url": "https://social.example/@m/77",
            "content": "<p>hostile toot &lt;script&gt;window.__xss=1&lt;/script&gt;"
            '<img src=x onerror="window.__xss=1"><a href="javascript:alert(3)">x</a></p>',
            "account": {
                "id": "5",
                "username": "m",
                "acct": "m",
                "display_name": "<svg onload=alert(4)>Mal</svg>",
            },
        },
        "social.example",
    )
    store = ws.store()
    store.upsert_posts([x, masto])
    ensure_schema(store.conn)
    rowid = store.post_rowid("x", "1")
    now = datetime.now(UTC).isoformat()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO links (url, canonical, final_url, title, site_name, fetched_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                "https://evil.example/a",
                "https://evil.example/a",
                "javascript:window.__xss=1",
                f"Title {PAYLOAD}",
                "<b onmouseover=alert(5)>site</b>",
                now,
            ),
        )
        conn.execute(
            "INSERT INTO post_links (post_rowid, url, canonical) VALUES (?, ?, ?)",
            (rowid, "https://evil.example/a", "https://evil.example/a"),
        )
    _hostile_insights(store, [rowid or 0, store.post_rowid("mastodon", "77") or 0])
    return ws


def _hostile_insights(store: Any, rowids: list[int]) -> None:
    """A theme whose label, and an alert whose explanation, carry the payload."""
    from earful.store import insights

    insights.ensure_schema(store.conn)
    with store.transaction() as conn:
        theme = insights.create_theme(conn, "", f"Theme {PAYLOAD}")
        insights.assign(conn, [(r, theme, 1.0, None) for r in rowids])
        example = {
            "author": f"eve{PAYLOAD}",
            "text": f"alert example {PAYLOAD}",
            "source": "x",
            "id": "1",
            "url": "javascript:window.__xss=1",
            "created_at": "2026-11-20T10:00:00Z",
        }
        insights.upsert_alert(
            conn,
            dedupe_key="xss",
            kind="novel_phrase",
            product=f"P {PAYLOAD}",
            subject=f"S {PAYLOAD}",
            severity="high",
            score=9.0,
            seen="2026-11-20T10:00:00Z",
            explanation={
                "what": f"What {PAYLOAD}",
                "authors": 2,
                "examples": [example],
                "phrases": [PAYLOAD],
                "since": "2026-11-19T00:00:00Z",
            },
        )


def test_script_payloads_never_run(tmp_path: Path) -> None:
    ws = _hostile_workspace(tmp_path / "hostile")
    with serving(create_app(ws)) as url, browser_page() as (page, events):
        page.goto(url + "/search?q=hostile")
        page.wait_for_selector("li.post")
        assert page.locator("li.post").count() == 2
        text = page.inner_text("#posts")
        assert "<script>window.__xss=1" in text  # shown as text, not run
        assert "Title <img src=x" in text and "Mallory <img" in text
        assert "<svg onload=alert(4)>" in text
        page.locator("li.post .links a").first.hover()
        page.keyboard.press("j")
        page.keyboard.press("o")  # a javascript: link must not open
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.locator("li.post a[href^='javascript']").count() == 0
        scripts = page.eval_on_selector_all("script", "els => els.map(e => e.src || 'inline')")
        # common.js (the shared helpers) first, in document order; nothing inline
        assert [s.rsplit("/", 1)[-1] for s in scripts] == ["common.js", "app.js", "actions.js"]
        assert not [e for e in events if e.startswith("dialog")]
        shot(page, "xss")
        for path, needle in (
            ("/themes", "Theme <img src=x"),
            ("/alerts", "alert example <img src=x"),
            ("/articles?queue=", "Title <img src=x"),
        ):
            page.goto(url + path)
            page.wait_for_load_state("load")
            assert needle in page.inner_text("main"), path
            assert page.evaluate("typeof window.__xss") == "undefined", path
            assert page.locator("main a[href^='javascript']").count() == 0, path
            shot(page, "xss-" + path.strip("/").split("?")[0])
        themes = page.context.request.get(url + "/api/v1/themes").json()
        page.goto(url + f"/themes/{themes[0]['id']}")
        assert "Theme <img src=x" in page.inner_text("#theme-title")
        page.wait_for_timeout(200)
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert not [e for e in events if e.startswith("dialog")]
        _clean(page, events)
