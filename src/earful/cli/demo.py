"""``earful demo``: build the demo workspace and show what Earful hears in it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from earful.cli.app import app, console, user_errors

SAMPLE_QUERIES = (
    ('"acme pulse" -is:retweet', "Posts naming the product"),
    ("#ProductCon26 min_faves:5", "Popular conference posts"),
    ("(csv OR export) since:2026-11-14", "The last three days about CSV export"),
    ('recommend OR alternative OR "looking for"', "People looking for a tool"),
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
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the dashboard afterwards.")
    ] = False,
) -> None:
    """Create a realistic demo workspace (a fictional product, its market, a planted problem)."""
    from earful.demo.workspace import build_demo

    out = console()
    with user_errors():
        out.print(f"Building the demo workspace in {directory} ...")
        report = build_demo(directory, n_posts=posts, seed=seed)
        store = report.workspace.store()
        ctx = report.workspace.query_context()
        out.print(
            f"Imported {report.inserted:,} new and {report.updated:,} updated posts"
            + (f", labelled {report.labelled:,}" if report.labelled else "")
        )
        by_source: dict[str, int] = {}
        for source, _day, n in store.stats():
            by_source[source] = by_source.get(source, 0) + n
        out.print(
            "Posts by source: " + ", ".join(f"{s} {n:,}" for s, n in sorted(by_source.items()))
        )
        for query, title in SAMPLE_QUERIES:
            total = store.count(query, context=ctx)
            out.print(f"\n[bold]{title}[/] — earful search '{query}': {total:,} posts")
            for post in store.search(query, limit=3, context=ctx):
                text = post.text.replace("\n", " ")
                out.print(
                    f"  {post.created_at:%m-%d %H:%M} {post.source:8} "
                    f"@{post.author_handle or '?'}: {text[:100]}",
                    markup=False,
                )
    out.print(f"\nTry: earful search --workspace {directory} '\"acme pulse\" export'")
    if serve:
        out.print("The dashboard is not part of this build yet; run without --serve.")
