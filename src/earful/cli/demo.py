"""``earful demo``: build the demo workspace, show what Earful hears in it, then serve it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from earful.cli.app import app, console, user_errors

SAMPLE_QUERIES = (
    ('"acme pulse" sentiment:negative -is:retweet', "Negative posts naming the product"),
    ("type:feature_request product:pulse", "Feature requests"),
    ("#ProductCon26 min_faves:5", "Popular conference posts"),
)


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Where to create the demo workspace.")] = Path(
        "earful-demo"
    ),
    posts: Annotated[
        int, typer.Option("--posts", min=50, help="How many posts to generate.")
    ] = 3000,
    seed: Annotated[int, typer.Option(help="Random seed of the generator.")] = 7,
    minutes: Annotated[float, typer.Option(help="Time budget of the digest.")] = 10.0,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the dashboard at the end.")
    ] = True,
    port: Annotated[int, typer.Option(help="Port of the dashboard.")] = 8000,
) -> None:
    """Tour Earful on a realistic demo workspace: a fictional product, its market and a
    problem planted in the last days; then serve the dashboard (--no-serve to exit)."""
    from earful.demo.workspace import build_demo
    from earful.engage.digest import render_digest
    from earful.insights.summary import summarize

    out = console()
    with user_errors():
        out.print(f"Building the demo workspace in {directory} ...")
        report = build_demo(directory, n_posts=posts, seed=seed)
        ws = report.workspace
        store = ws.store()
        ctx = ws.query_context()
        out.print(
            f"Imported {report.inserted:,} new and {report.updated:,} updated posts;"
            f" labelled {report.labelled:,}"
        )
        by_source: dict[str, int] = {}
        for source, _day, n in store.stats():
            by_source[source] = by_source.get(source, 0) + n
        totals = ", ".join(f"{s} {n:,}" for s, n in sorted(by_source.items()))
        out.print(f"Posts by source: {totals}")
        for query, title in SAMPLE_QUERIES:
            total = store.count(query, context=ctx)
            out.print(f"\n[bold]{title}[/] (earful search '{query}'): {total:,} posts", markup=True)
            for post in store.search(query, limit=3, context=ctx):
                text = post.text.replace("\n", " ")
                out.print(
                    f"  {post.created_at:%m-%d %H:%M} {post.source:8} "
                    f"@{post.author_handle or '?'}: {text[:100]}",
                    markup=False,
                )
        out.print("\n[bold]Feedback themes and alerts[/]")
        out.print(summarize(ws), markup=False)
        newest = store.search("", limit=1)
        now = newest[0].created_at if newest else None
        out.print(f"\n[bold]Today's digest ({minutes:g} minutes)[/]")
        out.print(render_digest(ws, minutes=minutes, fmt="text", now=now), markup=False)
    if serve:
        from earful.web.server import serve as serve_app

        out.print(f"\nServing the dashboard on http://127.0.0.1:{port}/ (Ctrl-C stops)")
        with user_errors():
            serve_app(ws, host="127.0.0.1", port=port)
    else:
        out.print(f"\nTry: earful search --workspace {directory} '\"acme pulse\" export'")
