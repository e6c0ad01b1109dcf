"""``earful links``: the links of stored posts, canonicalized and (with --expand) expanded."""

from __future__ import annotations

from typing import Annotated

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
from earful.cli.progress import progress_bar


@app.command()
def links(
    query: Annotated[
        str | None, typer.Argument(help="Only posts matching this query (default: all).")
    ] = None,
    expand: Annotated[
        bool, typer.Option("--expand", help="Follow short links and fetch page titles.")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Fetch again links fetched before.")
    ] = False,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Parallel fetches.")] = 8,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most links to show.")] = 50,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Canonicalize the links of matching posts; --expand follows them safely and stores titles."""
    from earful.links import AddressPolicy, process_links

    with user_errors():
        ws = open_workspace(workspace)
        policy = AddressPolicy(allow_private=ws.config.allow_private_urls)
        with progress_bar("Expanding links") as progress:
            report, rows = process_links(
                ws.store(),
                query,
                context=ws.query_context(),
                expand=expand,
                policy=policy,
                refresh=refresh,
                workers=workers,
                progress=progress,
            )
    rows.sort(key=lambda r: (-r.posts, r.canonical))
    if as_json:
        print_json([r.as_dict() for r in rows[:limit]])
        return
    from rich.table import Table
    from rich.text import Text

    table = Table("posts", "link", "title", "status")
    for r in rows[:limit]:
        shown = r.canonical if r.canonical == r.url else f"{r.url} → {r.canonical}"
        status = r.error or (str(r.status) if r.status is not None else "not fetched")
        table.add_row(str(r.posts), Text(shown), Text(r.title or ""), Text(status))
    out = console()
    out.print(table)
    summary = f"{len(report.links):,} link(s) in {report.posts:,} post(s), {report.new:,} new"
    if expand:
        summary += f"; fetched {report.fetched:,}, {report.failed:,} failed"
    out.print(summary, markup=False)
