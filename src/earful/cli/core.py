"""Core commands: init, import, search, stats, export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from earful.cli.app import (
    JsonOpt,
    WorkspaceOpt,
    app,
    console,
    open_workspace,
    print_json,
    user_errors,
)

if TYPE_CHECKING:
    from earful.workspace import Workspace

FORMATS = ("auto", "jsonl", "csv", "x-archive", "twarc")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")] = Path(
        "."
    ),
) -> None:
    """Create a workspace: earful.toml and earful.db."""
    from earful.workspace import Workspace

    with user_errors():
        ws = Workspace.init(directory)
    console().print(f"Created workspace in {ws.root} ({ws.config_path.name}, {ws.db_path.name})")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="File to import.", show_default=False)],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")
    ] = "auto",
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="CSV column mapping FIELD=COLUMN (repeatable)."),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Source name for formats that do not carry one.")
    ] = None,
    skip_bad: Annotated[
        Path | None,
        typer.Option("--skip-bad", help="Write rejected lines to this file and import the rest."),
    ] = None,
    label: Annotated[
        bool, typer.Option("--label/--no-label", help="Label the new posts afterwards.")
    ] = True,
    workspace: WorkspaceOpt = None,
) -> None:
    """Import posts from Earful JSONL, CSV, an X archive (tweets.js) or X API v2 / twarc2 JSON."""
    from earful.cli.progress import byte_progress
    from earful.importers import import_file, parse_mapping

    if fmt not in FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    with user_errors():
        ws = open_workspace(workspace)
        with byte_progress(f"Importing {file.name}") as progress:
            report = import_file(
                ws.store(),
                file,
                fmt=fmt,
                mapping=parse_mapping(mapping or []),
                source=source,
                skip_bad=skip_bad,
                progress=progress,
            )
    console().print(
        f"Imported {report.inserted:,} new and {report.updated:,} updated posts"
        + (f"; rejected {report.rejected:,} (see {skip_bad})" if report.rejected else "")
    )
    if label:
        label_workspace(ws)


def label_workspace(
    ws: Workspace, *, accurate: bool | None = None, everything: bool = False, quiet: bool = False
) -> None:
    """Label what needs labels in ``ws``, with a progress bar; prints a one-line summary.

    ``accurate`` None: the workspace's ``accurate_labels`` setting."""
    from earful.cli.progress import progress_bar
    from earful.labelling import label_store

    with user_errors(), progress_bar("Labelling posts") as progress:
        run = label_store(
            ws.store(), ws.config, accurate=accurate, everything=everything, progress=progress
        )
    if run.labelled and not quiet:
        console(stderr=True).print(
            f"Labelled {run.labelled:,} posts in {run.seconds:.1f} s ({run.labeller} {run.version})"
        )


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Query, e.g. '\"acme pulse\" -is:retweet'.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most posts to show.")] = 20,
    order: Annotated[str, typer.Option(help="newest, oldest or popular.")] = "newest",
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Search stored posts with the Twitter-style query language."""
    from earful.formats.earful_jsonl import format_time

    with user_errors():
        ws = open_workspace(workspace)
        posts = ws.store().search(query, limit=limit, order=order, context=ws.query_context())
    if as_json:
        print_json(
            [
                {
                    "source": p.source,
                    "id": p.id,
                    "created_at": format_time(p.created_at),
                    "author": p.author_handle,
                    "text": p.text,
                    "url": p.url,
                }
                for p in posts
            ]
        )
        return
    from rich.table import Table

    table = Table("when (UTC)", "source", "author", "text", show_lines=False)
    for p in posts:
        table.add_row(
            p.created_at.strftime("%Y-%m-%d %H:%M"),
            p.source,
            f"@{p.author_handle}" if p.author_handle else "",
            p.text.replace("\n", " "),
        )
    out = console()
    out.print(table, markup=False)
    out.print(f"{len(posts)} post(s)")


@app.command()
def stats(as_json: JsonOpt = False, workspace: WorkspaceOpt = None) -> None:
    """Post counts by source and day."""
    with user_errors():
        rows = open_workspace(workspace).store().stats()
    if as_json:
        print_json([{"source": s, "day": d, "posts": n} for s, d, n in rows])
        return
    from rich.table import Table

    sources = sorted({s for s, _, _ in rows})
    days = sorted({d for _, d, _ in rows})
    counts = {(s, d): n for s, d, n in rows}
    table = Table("day", *sources, "total")
    for day in days:
        values = [counts.get((s, day), 0) for s in sources]
        table.add_row(day, *(f"{v:,}" for v in values), f"{sum(values):,}")
    totals = [sum(counts.get((s, d), 0) for d in days) for s in sources]
    table.add_row("total", *(f"{v:,}" for v in totals), f"{sum(totals):,}", style="bold")
    console().print(table)


@app.command()
def export(
    query: Annotated[str, typer.Argument(help="Query selecting the posts ('' for all).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl or csv.")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Export the posts matching a query as Earful JSONL or CSV."""
    import sys

    from earful.exporters import export_posts

    if fmt not in ("jsonl", "csv"):
        raise typer.BadParameter("use --format jsonl or csv")
    with user_errors():
        ws = open_workspace(workspace)
        posts = (p for _rowid, p in ws.store().iter_posts(query, context=ws.query_context()))
        if output is None:
            count = export_posts(posts, sys.stdout, fmt)
        else:
            with output.open("w", encoding="utf-8", newline="") as fh:
                count = export_posts(posts, fh, fmt)
    if output is not None:
        console(stderr=True).print(f"Exported {count:,} posts to {output}")
