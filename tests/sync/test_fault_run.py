"""10,000 posts across X, HN and RSS with faults on, the sync process SIGKILLed at random."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.fakes.hn import hn_hit
from connectors.fakes.rss import Entry
from connectors.fakes.x import x_post

from .helpers import FakeFeeds, FakeHN, FakeServer, FakeX, env_for, flaky, workspace


@pytest.mark.slow
def test_killed_sync_resumes_to_exactly_once(tmp_path: Path) -> None:
    rng = random.Random(20260301)
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    with FakeServer() as xs, FakeServer() as hs, FakeServer() as rs:
        x = FakeX(xs, [x_post(i, text="acme rocks") for i in range(4000)], token="tok-x")
        hn = FakeHN(hs, [hn_hit(i, stamp=1_772_000_000 + i // 2) for i in range(4000)])
        feeds = FakeFeeds(rs)
        urls = [
            feeds.add(
                f"/f{k}.xml",
                [
                    Entry(
                        f"f{k}-{i}",
                        f"acme post {i}",
                        "<p>acme notes</p>",
                        t0 + timedelta(minutes=i),
                    )
                    for i in range(1000)
                ],
                kind="rss" if k == 0 else "atom",
            )
            for k in range(2)
        ]
        for server in (xs, hs, rs):
            flaky(server, rng, 0.08)
        expected = {("x", p["id"]) for p in x.posts} | {("hn", h["objectID"]) for h in hn.hits}
        expected |= {("rss", f"f0-{i}") for i in range(1000)}
        expected |= {("rss", f"tag:blog.example,2026:f1-{i}") for i in range(1000)}
        assert len(expected) == 10_000
        root = workspace(tmp_path / "ws", urls)
        env = {**os.environ, **env_for(x, hn, "tok-x")}
        kills = runs = 0
        started = time.monotonic()
        while time.monotonic() - started < 110:
            runs += 1
            proc = subprocess.Popen(
                [sys.executable, "-m", "earful", "sync", "-w", str(root), "--json"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                rc = proc.wait(timeout=rng.uniform(0.8, 3.0) if kills < 12 else 60)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                kills += 1
                continue
            if rc == 0:
                break
        else:
            pytest.fail(f"sync did not complete in time ({runs} runs, {kills} kills)")
        db = sqlite3.connect(root / "earful.db")
        rows = db.execute("SELECT source, id FROM posts").fetchall()
        db.close()
        assert kills >= 3, "the run was never interrupted"
        assert len(rows) == len(set(rows)) == 10_000
        assert set(rows) == expected
