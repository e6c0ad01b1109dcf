"""Load benchmark of the web app: N synthetic posts, C concurrent clients on loopback, p95.

    .venv/bin/python benchmarks/bench_web.py --n 1000000 --clients 50 --seconds 30

Builds (or reuses) a workspace of ``--n`` posts from benchmarks/synthetic.py, imported with
earful.importers.import_file; serves it with uvicorn in a child process (as `earful serve`
does); then drives it with wrk (when installed; else an asyncio httpx load generator, which
costs the shared CPUs much more) — ``--clients`` connections each
sending its next request as soon as the last one answers — first at search (a rotation of
queries, 50 results each, with labels and links), then at Today (the digest). Prints one JSON
object with p50/p95/p99 latencies and requests per second for each, and the 1-minute load
average before and after each run; the goal is p95 ≤ 200 ms.

Compare configurations in one run with ``--variant NAME:WORKERS[:SRC]`` (repeatable): WORKERS
uvicorn processes, and SRC an optional ``src`` folder of another checkout put first on the
server's PYTHONPATH (e.g. a ``git worktree`` of an older commit)::

    git worktree add /tmp/earful-old HEAD~3
    .venv/bin/python benchmarks/bench_web.py --n 100000 --seconds 15 \
        --variant old:1:/tmp/earful-old/src --variant one:1 --variant two:2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).parent
QUERIES = (
    "acme",
    "export csv",
    '"dark mode"',
    "#bug",
    "crash -is:retweet",
    "pricing OR price",
    "",
    "slow dashboard",
    "login since:2026-01-01",
    "acme -bug",
)
TOML = """[workspace]
name = "bench"

[[products]]
name = "Acme Pulse"
aliases = ["Pulse", "acme"]
description = "An analytics dashboard for small SaaS teams"

[[watches]]
name = "acme"
query = "acme OR pulse"
sources = ["x", "bluesky", "mastodon", "reddit", "hn", "rss"]
"""


def build(workdir: Path, n: int) -> Path:
    from earful.importers import import_file
    from earful.workspace import Workspace

    root = workdir / f"web-{n}"
    if (root / "earful.db").exists():
        ws = Workspace.open(root)
        have = ws.store().count_posts()
        ws.close()
        if have >= n:
            return root
    sys.path.insert(0, str(HERE))
    from synthetic import write

    data = workdir / f"posts-{n}.jsonl"
    if not data.exists():
        print(f"Generating {n:,} posts into {data} ...", file=sys.stderr, flush=True)
        write(data, n)
    ws = Workspace.init(root, config_text=TOML)
    start = time.perf_counter()
    print(f"Importing {n:,} posts ...", file=sys.stderr, flush=True)
    import_file(ws.store(), data, fmt="jsonl")
    print(f"Imported in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    ws.close()
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(base: str, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:

        async def worker(k: int) -> None:
            nonlocal errors
            i = k
            while time.perf_counter() < deadline:
                t = time.perf_counter()
                r = await http.get(paths[i % len(paths)])
                latencies.append(time.perf_counter() - t)
                errors += r.status_code != 200
                i += clients

        start = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(clients)))
        elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests": %%d, "errors": %%d, "rps": %%.1f, "p50_ms": %%.1f, '
      .. '"p95_ms": %%.1f, "p99_ms": %%.1f}\\n',
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def load_wrk(base: str, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    """The same closed loop driven by wrk (C; 2 threads), which leaves the CPUs to the server."""
    import tempfile

    script = WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{clients}",
                f"-d{int(seconds)}s",
                "--timeout",
                "60s",
                "-s",
                f.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result: dict[str, float] = json.loads(line.removeprefix("RESULT "))
    return result


def run_variant(
    root: Path, workers: int, src: str | None, clients: int, seconds: float, driver: str
) -> dict[str, object]:
    port = free_port()
    code = (
        "import sys; from earful.web.server import serve; "
        "serve(sys.argv[1], host='127.0.0.1', port=int(sys.argv[2]), workers=int(sys.argv[3]))"
        if workers > 1
        else "import sys; from earful.web.server import serve; "
        "serve(sys.argv[1], host='127.0.0.1', port=int(sys.argv[2]))"
    )
    env = {**os.environ, "EARFUL_TOKEN": ""}
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    server = subprocess.Popen(
        [sys.executable, "-c", code, str(root), str(port), str(workers)],
        stderr=subprocess.DEVNULL,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(600):
            try:
                httpx.get(base + "/api/v1/sources", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        search = [f"/api/v1/posts?q={quote(q)}&limit=50" for q in QUERIES]
        today = ["/api/v1/digest?minutes=10"]
        for _ in range(max(1, workers) * 2):  # warm each worker's caches
            for path in [*search, *today]:
                httpx.get(base + path, timeout=600)
        out: dict[str, object] = {"workers": workers, "src": src}
        for name, paths in (("search", search), ("today", today)):
            before = os.getloadavg()[0]
            if driver == "wrk":
                stats: dict[str, object] = dict(load_wrk(base, paths, clients, seconds))
            else:
                stats = dict(asyncio.run(load(base, paths, clients, seconds)))
            stats["load_before"] = round(before, 2)
            stats["load_after"] = round(os.getloadavg()[0], 2)
            out[name] = stats
        return out
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workdir", type=Path, default=Path("bench-output/web"))
    parser.add_argument(
        "--driver",
        choices=("wrk", "httpx"),
        default="wrk" if shutil.which("wrk") else "httpx",
        help="Load generator: wrk (C, default when installed) or asyncio httpx",
    )
    parser.add_argument(
        "--variant", action="append", help="NAME:WORKERS[:SRC], repeatable (default: one worker)"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    root = build(args.workdir, args.n)
    result: dict[str, object] = {
        "posts": args.n,
        "clients": args.clients,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "driver": args.driver,
    }
    for spec in args.variant or ["default:1"]:
        name, _, rest = spec.partition(":")
        workers, _, src = (rest or "1").partition(":")
        result[name] = run_variant(
            root, int(workers), src or None, args.clients, args.seconds, args.driver
        )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
