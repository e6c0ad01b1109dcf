"""Credentials and session tokens of Bluesky, Mastodon and Reddit never reach logs, error text
or database rows, also when a sync fails and its error is recorded."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from earful.config import SourceSettings
from earful.connectors import make_connector
from earful.connectors.base import Query
from earful.store import open_store
from earful.sync import sync_job
from tests.connectors.fake_bluesky import HANDLE, PASSWORD, FakeBluesky, make_views
from tests.connectors.fake_mastodon import TOKEN, FakeMastodon, make_statuses
from tests.connectors.fake_reddit import CLIENT_ID, CLIENT_SECRET, START, FakeReddit, make_things
from tests.connectors.fakes.server import FakeServer, Fault


def _dump(db: Path) -> str:
    store = open_store(db)
    try:
        out = []
        tables = [r[0] for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            out.extend(repr(row) for row in store.conn.execute(f'SELECT * FROM "{table}"'))
        return "\n".join(out)
    finally:
        store.close()


def test_no_secret_in_logs_errors_or_rows(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = {
        "EARFUL_BLUESKY_HANDLE": HANDLE, "EARFUL_BLUESKY_APP_PASSWORD": PASSWORD,
        "EARFUL_MASTODON_TOKEN": TOKEN,
        "EARFUL_REDDIT_CLIENT_ID": CLIENT_ID, "EARFUL_REDDIT_CLIENT_SECRET": CLIENT_SECRET,
    }
    db = tmp_path / "s.db"
    store = open_store(db)
    errors: list[str] = []
    with FakeServer() as bsky, FakeServer() as masto, FakeServer() as reddit, \
            caplog.at_level(logging.DEBUG):
        fb = FakeBluesky(bsky, make_views(30, START), page_size=10)
        FakeMastodon(masto, make_statuses(30, START), page_size=10)
        FakeReddit(reddit, page_size=10).listing("/search", make_things("t3", 30, START))
        # Sessions and tokens are issued, then every listing fails for good.
        bsky.fault(*[Fault(status=503, path="/xrpc/app.bsky.feed.search")] * 9)
        masto.fault(*[Fault(status=502)] * 18)  # search refused, then timelines fail
        reddit.fault(*[Fault(status=500)] * 9)
        urls = {"bluesky": bsky.url, "mastodon": masto.url, "reddit": reddit.url}
        for name, url in urls.items():
            settings = SourceSettings(name, base_url=url, options={"backfill_pages": 5})
            conn = make_connector(name, settings, env)
            conn.http.sleep = lambda _s: None
            result = sync_job(store, conn, "w", Query.parse("widgetry"))
            conn.close()
            assert result.error, name
            errors.append(result.error)
    store.close()
    secrets = [PASSWORD, TOKEN, CLIENT_SECRET, fb.access, fb.refresh, "tok-1-abcdef"]
    text = "\n".join([*errors, *(r.getMessage() for r in caplog.records), _dump(db)])
    for secret in secrets:
        assert secret not in text
    assert fb.sessions == 1 and fb.access  # a session token existed and had to be hidden
    assert "failed after" in errors[0]
