"""Store benchmark: import N synthetic posts, then query latency, side by side with Tantivy.

    python benchmarks/bench_store.py [--n 1000000] [--workdir bench-output/store]
                                     [--order newest-first|random]

Prints import posts/s and peak RSS for Earful (SQLite + FTS5) and for Tantivy indexing the
same posts, then p50/p95 latency of 20 representative queries (newest first, top 20, posts
fetched) on each, and the ratios. The posts come newest first with an hour of jitter, the order
of an X archive or of search-API pages (``--order random`` shuffles timestamps: a stress case
that scatters inserts over the whole table once it outgrows the page cache). Each phase runs
in its own process so peak RSS is its own.
Needs the `bench` extra (tantivy).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def ts(day: str) -> int:
    from datetime import UTC, datetime

    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())


# (Earful query, equivalent Tantivy query)
QUERIES: list[tuple[str, str]] = [
    ("export", "text:export"),
    ("csv export", "+text:csv +text:export"),
    ('"export csv"', 'text:"export csv"'),
    ("acme OR chartwell", "text:acme OR text:chartwell"),
    ("pricing -chartwell", "+text:pricing -text:chartwell"),
    ("#acmepulse", "hashtags:acmepulse"),
    ("from:user123", "author:user123"),
    ("source:hn dashboard", "+source:hn +text:dashboard"),
    ("lang:de bug", "+lang:de +text:bug"),
    (
        "since:2026-10-01 until:2026-10-08 crash",
        f"+text:crash +created_ts:[{ts('2026-10-01')} TO {ts('2026-10-08') - 1}]",
    ),
    ("min_faves:10 launch", "+text:launch +likes:[10 TO 1000000000]"),
    ("(bug OR crash) (login OR sync)", "+(text:bug text:crash) +(text:login text:sync)"),
    ("is:reply recommend", "+reply:yes +text:recommend"),
    ("alternative -is:reply", "+text:alternative -reply:yes"),
    ("aa", "text:aa"),
    ('"acme pulse" slow', '+text:"acme pulse" +text:slow'),
    ("@user12", "mentions:user12"),
    ("has:links analytics", "+links:yes +text:analytics"),
    ("since:2026-10-20", f"created_ts:[{ts('2026-10-20')} TO 99999999999]"),
    (
        "(pricing OR price) (chartwell OR brightmetrics) lang:en",
        "+(text:pricing text:price) +(text:chartwell text:brightmetrics) +lang:en",
    ),
]


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_import(data: Path, workdir: Path) -> dict[str, float]:
    from earful.importers import import_file
    from earful.workspace import Workspace

    ws = Workspace.init(workdir / "earful")
    start = time.perf_counter()
    report = import_file(ws.store(), data, fmt="jsonl", mapping={}, source=None, skip_bad=None,
                         progress=lambda done, total: None)
    elapsed = time.perf_counter() - start
    ws.close()
    return {"posts": report.inserted, "seconds": elapsed, "posts_per_s": report.inserted / elapsed,
            "peak_rss_mb": peak_rss_mb()}


def _tantivy_schema():  # type: ignore[no-untyped-def]
    import tantivy

    b = tantivy.SchemaBuilder()
    b.add_text_field("key", stored=True, tokenizer_name="raw")
    b.add_text_field("text", stored=False, tokenizer_name="default")
    b.add_text_field("source", tokenizer_name="raw")
    b.add_text_field("author", tokenizer_name="raw")
    b.add_text_field("lang", tokenizer_name="raw")
    b.add_text_field("hashtags", tokenizer_name="raw")
    b.add_text_field("mentions", tokenizer_name="raw")
    b.add_text_field("reply", tokenizer_name="raw")
    b.add_text_field("links", tokenizer_name="raw")
    b.add_integer_field("created_ts", stored=False, indexed=True, fast=True)
    b.add_integer_field("likes", stored=False, indexed=True, fast=True)
    return b.build()


def phase_tantivy_index(data: Path, workdir: Path) -> dict[str, float]:
    import tantivy

    from earful.formats.earful_jsonl import post_from_dict

    path = workdir / "tantivy"
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_tantivy_schema(), path=str(path))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    start = time.perf_counter()
    n = 0
    with data.open(encoding="utf-8") as fh:
        for line in fh:
            p = post_from_dict(json.loads(line))
            writer.add_document(
                tantivy.Document(
                    key=f"{p.source}\t{p.id}",
                    text=p.text,
                    source=p.source,
                    author=(p.author_handle or "").lower(),
                    lang=p.lang or "",
                    hashtags=[h.lower() for h in p.hashtags],
                    mentions=[m.lower() for m in p.mentions],
                    reply="yes" if p.reply_to else "no",
                    links="yes" if p.urls else "no",
                    created_ts=int(p.created_at.timestamp()),
                    likes=p.metrics.likes,
                )
            )
            n += 1
    writer.commit()
    writer.wait_merging_threads()
    elapsed = time.perf_counter() - start
    return {"posts": n, "seconds": elapsed, "posts_per_s": n / elapsed,
            "peak_rss_mb": peak_rss_mb()}


def _percentiles(samples: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50_ms": qs[49] * 1000, "p95_ms": qs[94] * 1000, "max_ms": max(samples) * 1000}


def phase_query(workdir: Path, repeat: int) -> dict[str, object]:
    import tantivy

    from earful.workspace import Workspace

    ws = Workspace.open(workdir / "earful")
    store = ws.store()
    ctx = ws.query_context()
    index = tantivy.Index.open(str(workdir / "tantivy"))
    index.reload()
    searcher = index.searcher()
    ours: list[float] = []
    theirs: list[float] = []
    per_query = []
    for q_ours, q_tantivy in QUERIES:
        store.search(q_ours, limit=20, context=ctx)  # warm-up
        parsed = index.parse_query(q_tantivy, ["text"])
        searcher.search(parsed, 20, order_by_field="created_ts")
        a: list[float] = []
        b: list[float] = []
        hits_ours = hits_theirs = 0
        for _ in range(repeat):
            t = time.perf_counter()
            hits_ours = len(store.search(q_ours, limit=20, context=ctx))
            a.append(time.perf_counter() - t)
            t = time.perf_counter()
            result = searcher.search(index.parse_query(q_tantivy, ["text"]), 20,
                                     count=False, order_by_field="created_ts")
            docs = [searcher.doc(addr) for _score, addr in result.hits]
            hits_theirs = len(docs)
            b.append(time.perf_counter() - t)
        ours += a
        theirs += b
        per_query.append({"query": q_ours, "earful_ms": statistics.median(a) * 1000,
                          "tantivy_ms": statistics.median(b) * 1000,
                          "hits": [hits_ours, hits_theirs]})
    ws.close()
    return {"earful": _percentiles(ours), "tantivy": _percentiles(theirs), "queries": per_query}


def _run_phase(name: str, args: argparse.Namespace) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--phase", name, "--n", str(args.n),
           "--workdir", str(args.workdir), "--repeat", str(args.repeat), "--order", args.order]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("bench-output/store"))
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--phase", default="all")
    parser.add_argument("--order", default="newest-first", choices=("newest-first", "random"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    data = args.workdir / f"posts-{args.n}-{args.order}.jsonl"
    if args.phase == "import":
        print(json.dumps(phase_import(data, args.workdir)))
        return
    if args.phase == "tantivy":
        print(json.dumps(phase_tantivy_index(data, args.workdir)))
        return
    if args.phase == "query":
        print(json.dumps(phase_query(args.workdir, args.repeat)))
        return
    import shutil

    sys.path.insert(0, str(HERE))
    from synthetic import write

    for sub in ("earful", "tantivy"):
        shutil.rmtree(args.workdir / sub, ignore_errors=True)
    if not data.exists():
        print(f"Generating {args.n:,} posts into {data} ...", flush=True)
        write(data, args.n, order=args.order)
    imp = _run_phase("import", args)
    tan = _run_phase("tantivy", args)
    print(f"Import  earful : {imp['posts_per_s']:>10,.0f} posts/s  ({imp['seconds']:.1f} s, "
          f"peak RSS {imp['peak_rss_mb']:.0f} MB)")
    print(f"Index   tantivy: {tan['posts_per_s']:>10,.0f} posts/s  ({tan['seconds']:.1f} s, "
          f"peak RSS {tan['peak_rss_mb']:.0f} MB)")
    q = _run_phase("query", args)
    print(f"{'query':58} {'earful ms':>10} {'tantivy ms':>10} {'hits':>9}")
    for row in q["queries"]:  # type: ignore[attr-defined]
        print(f"{row['query'][:58]:58} {row['earful_ms']:>10.2f} {row['tantivy_ms']:>10.2f}"
              f" {row['hits'][0]:>4}/{row['hits'][1]:<4}")
    e, t = q["earful"], q["tantivy"]  # type: ignore[index]
    print(f"Latency earful : p50 {e['p50_ms']:.2f} ms  p95 {e['p95_ms']:.2f} ms")
    print(f"Latency tantivy: p50 {t['p50_ms']:.2f} ms  p95 {t['p95_ms']:.2f} ms")
    print(f"Ratio earful/tantivy p95: {e['p95_ms'] / t['p95_ms']:.2f}x; import speed ratio "
          f"earful/tantivy: {imp['posts_per_s'] / tan['posts_per_s']:.2f}x")


if __name__ == "__main__":
    main()
