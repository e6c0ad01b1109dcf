"""Fault run: Bluesky + Mastodon + Reddit synced by a child process that is SIGKILLed at random
moments and restarted; in the end every matching post is stored exactly once.

The fakes live in this process; the child runs the real sync runner (``earful.sync.sync_job``)
with connectors built from the registry, as ``earful sync`` does.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.store import open_store
from tests.connectors.fake_bluesky import HANDLE, PASSWORD, FakeBluesky, make_views
from tests.connectors.fake_mastodon import FakeMastodon, make_statuses
from tests.connectors.fake_reddit import CLIENT_ID, CLIENT_SECRET, FakeReddit, make_things
from tests.connectors.fakes.server import FakeServer, Fault

START = datetime(2026, 1, 1, tzinfo=UTC)
CHILD = """
import json, sys
from earful.config import SourceSettings
from earful.connectors import make_connector
from earful.connectors.base import Query
from earful.store import open_store
from earful.sync import sync_job

db, urls, env = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
store = open_store(db)
for name in ("bluesky", "mastodon", "reddit"):
    options = {"backfill_pages": 1000, "max_pages": 1000}
    conn = make_connector(name, SourceSettings(name, base_url=urls[name], options=options), env)
    result = sync_job(store, conn, "fault", Query.parse("widgetry"))
    conn.close()
    if result.error:
        print(result.error, file=sys.stderr)
        sys.exit(3)
"""


@pytest.mark.slow
def test_sigkill_fault_run_stores_every_post_once(tmp_path: Path) -> None:
    rng = random.Random(20260301)
    views = make_views(7500, START)  # 2/3 mention widgetry
    statuses = make_statuses(9000, START)  # 1/3 mention widgetry
    posts = make_things("t3", 4800, START)
    expected = (
        {v["uri"] for v in views if "widgetry" in v["record"]["text"]},
        {s["id"] for s in statuses if "widgetry" in s["content"]},
        {t["data"]["name"] for t in posts if "widgetry" in t["data"]["selftext"]},
    )
    total = sum(len(e) for e in expected)
    assert total >= 10_000
    db = tmp_path / "fault.db"
    env = {
        "EARFUL_BLUESKY_HANDLE": HANDLE, "EARFUL_BLUESKY_APP_PASSWORD": PASSWORD,
        "EARFUL_REDDIT_CLIENT_ID": CLIENT_ID, "EARFUL_REDDIT_CLIENT_SECRET": CLIENT_SECRET,
    }
    with FakeServer() as bsky, FakeServer() as masto, FakeServer() as reddit:
        FakeBluesky(bsky, views, page_size=100).duplicate_boundary = True
        fake_masto = FakeMastodon(masto, statuses, page_size=40)
        fake_masto.duplicate_boundary = True
        fake_reddit = FakeReddit(reddit, page_size=100)
        fake_reddit.listing("/search", posts)
        bsky.fault(Fault(status=503), Fault(truncate=True))
        masto.fault(Fault(status=500))
        reddit.fault(Fault(status=503, path="/search"))
        urls = json.dumps({"bluesky": bsky.url, "mastodon": masto.url, "reddit": reddit.url})
        kills = 0
        for _ in range(40):
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(db), urls, json.dumps(env)],
                stderr=subprocess.PIPE,
            )
            deadline = time.monotonic() + rng.uniform(0.8, 3.0)
            while child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                child.wait()
                kills += 1
                continue
            err = child.stderr.read().decode() if child.stderr else ""
            assert child.returncode == 0, err
            break
        else:
            pytest.fail("the sync never completed")
    store = open_store(db)
    try:
        by_source: dict[str, set[str]] = {"bluesky": set(), "mastodon": set(), "reddit": set()}
        rows = 0
        for _, post in store.iter_posts():
            by_source[post.source].add(post.id)
            rows += 1
    finally:
        store.close()
    host = masto.url.removeprefix("http://")
    assert by_source["bluesky"] == expected[0]
    assert by_source["mastodon"] == {f"{host}/{i}" for i in expected[1]}
    assert by_source["reddit"] == expected[2]
    assert rows == total
    assert kills >= 1, "the child was never killed mid-run"
    print(f"fault run: {total} posts, {kills} SIGKILLs")
