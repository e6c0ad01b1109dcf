"""Collection commands: ``sync``, ``watch`` and ``sources``."""

from __future__ import annotations

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
    from rich.table import Table

    from earful.sync import WatchCounts

WatchesArg = Annotated[
    list[str] | None, typer.Argument(help="Watch names from earful.toml (default: all).")
]


@app.command()
def sync(
    watches: WatchesArg = None,
    source: Annotated[str | None, typer.Option("--source", "-s", help="Only this source.")] = None,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="An ad-hoc query instead of watches.")
    ] = None,
    label: Annotated[
        bool, typer.Option("--label/--no-label", help="Label the new posts afterwards.")
    ] = True,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Pull new posts for each watch from each of its sources, resuming where the last run ended."""
    from rich.markup import escape
    from rich.table import Table

    from earful.sync import sync as run_sync

    if query is not None and watches:
        raise typer.BadParameter("give watch names or --query, not both")
    with user_errors():
        ws = open_workspace(workspace)
        results = run_sync(ws, watches or (), source=source, query=query)
    if as_json:
        print_json([r.as_dict() for r in results])
    else:
        table = Table("watch", "source", "new", "updated", "pages", "requests", "error")
        for r in results:
            table.add_row(
                escape(r.watch),
                r.source,
                f"{r.inserted:,}",
                f"{r.updated:,}",
                str(r.pages),
                str(r.requests),
                escape(r.error or ""),
            )
        console().print(table)
    if label and any(r.inserted or r.updated for r in results):
        from earful.cli.core import label_workspace

        label_workspace(ws, quiet=as_json)
    if any(r.error for r in results):
        raise typer.Exit(1)


@app.command()
def watch(
    watches: WatchesArg = None,
    max_seconds: Annotated[
        float | None, typer.Option("--max-seconds", help="Stop after this many seconds.")
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Poll every source once, then stop.")
    ] = False,
    deliver: Annotated[
        bool,
        typer.Option(
            "--deliver/--no-deliver", help="Label new posts and send due alerts and digests."
        ),
    ] = True,
    workspace: WorkspaceOpt = None,
) -> None:
    """Collect continuously: poll each source on its interval, keep streams open (Ctrl-C stops)."""
    import threading

    from rich.live import Live

    from earful.sync import watch as run_watch

    stop = threading.Event()
    with user_errors():
        ws = open_workspace(workspace)
        with Live(_counts_table({}), console=console(stderr=True), auto_refresh=False) as live:

            def show(counts: dict[tuple[str, str], WatchCounts]) -> None:
                live.update(_counts_table(counts), refresh=True)

            def after_round() -> None:
                from datetime import UTC, datetime

                from earful.labelling import label_store
                from earful.outputs.delivery import deliver_due

                label_store(ws.store(), ws.config)
                deliver_due(ws, datetime.now(UTC))

            try:
                counts = run_watch(
                    ws,
                    watches or (),
                    stop=stop,
                    max_seconds=max_seconds,
                    once=once,
                    on_change=show,
                    after_round=after_round if deliver else None,
                )
            except KeyboardInterrupt:
                stop.set()
                counts = {}
    total = sum(c.inserted for c in counts.values())
    console().print(f"Stopped; stored {total:,} new posts.")


def _counts_table(counts: dict[tuple[str, str], WatchCounts]) -> Table:
    from rich.markup import escape
    from rich.table import Table

    table = Table("watch", "source", "mode", "new", "polls", "reconnects", "last error")
    for (name, source), c in sorted(counts.items()):
        table.add_row(
            escape(name),
            source,
            "stream" if c.streaming else "poll",
            f"{c.inserted:,}",
            str(c.polls),
            str(c.reconnects),
            escape(c.error or ""),
        )
    return table


@app.command()
def sources(as_json: JsonOpt = False, workspace: WorkspaceOpt = None) -> None:
    """Per source: last success, last error, rate limit, posts collected, requests, quota used."""
    from datetime import UTC, datetime

    from rich.markup import escape
    from rich.table import Table

    from earful.connectors import connector_class
    from earful.errors import ConfigError

    with user_errors():
        ws = open_workspace(workspace)
        states = {s.source: s.as_dict() for s in ws.store().source_states()}
    names = sorted(set(ws.config.sources) | set(states))
    rows = []
    for name in names:
        row = states.get(name) or {"source": name, "posts_collected": 0, "requests": 0}
        try:
            unit = connector_class(name).quota_unit
        except ConfigError:
            unit = None
        row["quota_unit"] = unit
        row["configured"] = name in ws.config.sources
        rows.append(row)
    from earful.outputs.outbox import status as outbox_status

    channels = outbox_status(ws.store(), ws.config)
    rows += [{"source": f"channel:{c.channel}", **c.to_dict()} for c in channels]
    if as_json:
        print_json(rows)
        return
    table = Table(
        "source", "last success", "last error", "rate limit", "posts", "requests", "quota"
    )
    for row in rows:
        if row["source"].startswith("channel:"):
            continue
        rate = row.get("rate_limit") or {}
        reset = rate.get("reset_at")
        rate_text = (
            f"{rate.get('remaining')}/{rate.get('limit')}"
            + (f" until {datetime.fromtimestamp(reset, UTC):%H:%M}Z" if reset else "")
            if rate
            else ""
        )
        quota = f"{row.get('quota_used', 0):,} {row['quota_unit']}" if row["quota_unit"] else ""
        table.add_row(
            row["source"],
            row.get("last_success") or "never",
            escape((row.get("last_error") or "")[:120]),
            rate_text,
            f"{row.get('posts_collected', 0):,}",
            f"{row.get('requests', 0):,}",
            quota,
        )
    console().print(table)
    if channels:
        out = Table(
            "delivery channel",
            "kind",
            "pending",
            "sent",
            "failed",
            "dead",
            "last sent",
            "last error",
        )
        for c in channels:
            out.add_row(
                escape(c.channel),
                c.kind,
                str(c.pending),
                str(c.sent),
                str(c.failed),
                str(c.dead),
                c.last_sent_at or "never",
                escape((c.last_error or "")[:120]),
            )
        console().print(out)
