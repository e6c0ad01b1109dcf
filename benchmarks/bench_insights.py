"""Time the engagement and insight functions on a workspace: seconds and peak RSS per call.

Usage: .venv/bin/python benchmarks/bench_insights.py WORKSPACE [--only NAME ...] [--repeat 2]

Wall-clock seconds, with the process's CPU seconds in brackets (on a shared machine the CPU
time is the steadier number). Each function runs in its own fresh process (so its peak RSS is
its own), ``--repeat`` times in a row: the first call is "cold" (the store's result cache is
emptied first), the next ones show what a second call costs when nothing changed.
``update_themes`` and ``detect_alerts`` write themes and alerts into the workspace, as
``earful themes`` and ``earful alerts`` do; they run first so the digest has something to show.
Build a 100k-post workspace with::

    .venv/bin/python benchmarks/synthetic.py /tmp/p100k.jsonl 100000
    earful init /tmp/w100k && earful import /tmp/p100k.jsonl -w /tmp/w100k --no-label
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

NAMES = (
    "update_themes",
    "detect_alerts",
    "answer_queue",
    "experts",
    "peers",
    "articles",
    "coach",
    "event_summary",
    "voice",
    "theme_summaries",
    "build_digest",
)


def _call(name: str, workspace: str) -> Callable[[], Any]:
    from earful.workspace import Workspace

    ws = Workspace.open(workspace)
    store, config = ws.store(), ws.config
    if name == "update_themes":
        from earful.insights.themes import update_themes

        return lambda: update_themes(store, config)
    if name == "detect_alerts":
        from earful.insights.alerts import detect_alerts

        return lambda: detect_alerts(store, config)
    if name == "theme_summaries":
        from earful.insights.themes import theme_summaries

        return lambda: theme_summaries(store, config)
    if name == "voice":
        from earful.insights.voice import share_of_voice

        return lambda: share_of_voice(store, config)
    if name == "answer_queue":
        from earful.engage.queue import answer_queue

        return lambda: answer_queue(store, config)
    if name in ("experts", "peers"):
        from earful.engage.experts import experts, peers

        fn = experts if name == "experts" else peers
        topic = next((w.query for w in config.watches if "market" in w.name), None)
        return lambda: fn(store, topic, config, days=30)
    if name == "articles":
        from earful.engage.articles import articles

        return lambda: articles(store, config)
    if name == "coach":
        from earful.engage.coach import coach

        return lambda: coach(store, config)
    if name == "event_summary":
        from earful.engage.event import event_summary

        tag = next((w.query for w in config.watches if w.query.startswith("#")), "#acme")
        return lambda: event_summary(store, tag, context=ws.query_context())
    if name == "build_digest":
        from earful.engage.digest import build_digest

        return lambda: build_digest(store, config)
    raise SystemExit(f"unknown function {name!r} (one of {', '.join(NAMES)})")


def child(name: str, workspace: str, repeat: int) -> None:
    """Run one function ``repeat`` times; print JSON timings and peak RSS to stdout.

    Results cached in the store are dropped first, so the first call is uncached."""
    import sqlite3

    conn = sqlite3.connect(f"{workspace}/earful.db")
    try:
        conn.execute("DELETE FROM result_cache")
        conn.commit()
    except sqlite3.OperationalError:  # a store from before the cache
        pass
    finally:
        conn.close()
    call = _call(name, workspace)
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"name": name, "times": times, "cpu": cpu, "rss_mib": rss_mib}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace")
    parser.add_argument("--only", nargs="*", default=None, help="function names to run")
    parser.add_argument("--repeat", type=int, default=2, help="calls per process (default 2)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.workspace, args.repeat)
        return
    names = args.only or list(NAMES)
    head = "  ".join(f"call {i + 1:>2} (cpu)  " for i in range(args.repeat))
    print(f"{'function':<16} {head}  peak RSS")
    for name in names:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                args.workspace,
                "--child",
                name,
                "--repeat",
                str(args.repeat),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(f"{name:<16} failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        cells = "  ".join(
            f"{t:7.2f}s ({c:5.2f}s)" for t, c in zip(row["times"], row["cpu"], strict=True)
        )
        print(f"{name:<16} {cells}  {row['rss_mib']:6.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
