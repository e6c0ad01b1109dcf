"""Output commands: ``deliver``, ``outbox``, ``file``, ``trackers sync``, ``closed-loop``,
``reply``, ``post`` and ``export-insight`` (thin shells over :mod:`earful.outputs`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from earful.cli.app import (
    JsonOpt,
    WorkspaceOpt,
    app,
    console,
    fail,
    open_workspace,
    print_json,
    user_errors,
)

trackers_app = typer.Typer(help="Issue trackers linked to themes.", no_args_is_help=True)
app.add_typer(trackers_app, name="trackers")

YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Approve without the prompt.")]


def _esc(text: object) -> str:
    from rich.markup import escape

    return escape(str(text))


@app.command()
def deliver(
    no_digest: Annotated[bool, typer.Option("--no-digest", help="Alerts only.")] = False,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Queue new alerts (and the digest when due) for each channel and send what is due."""
    from earful.outputs.delivery import deliver_due

    with user_errors():
        ws = open_workspace(workspace)
        if not ws.config.channels:
            raise fail("no [[channels]] in earful.toml (see docs/outputs.md)")
        report = deliver_due(ws, digest=not no_digest)
    if as_json:
        print_json(report.to_dict())
        return
    out = console()
    out.print(f"Queued {report.queued}, sent {report.sent}, failed {report.failed}.")
    for r in report.results:
        if r.error:
            out.print(f"  {_esc(r.channel)} {r.kind} {_esc(r.ref)}: {r.state}: {_esc(r.error)}")
    if report.failed:
        raise typer.Exit(1)


@app.command()
def outbox(
    state: Annotated[
        list[str] | None, typer.Option("--state", help="pending, sent, failed or dead.")
    ] = None,
    retry: Annotated[int | None, typer.Option("--retry", help="Send message ID again.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Messages queued for the channels, their state and last error."""
    from datetime import UTC, datetime

    from rich.table import Table

    from earful.outputs import outbox as ob

    with user_errors():
        ws = open_workspace(workspace)
        if retry is not None:
            ob.retry(ws.store(), retry, datetime.now(UTC))
            console().print(f"Message {retry} will be sent at the next delivery.")
            return
        rows = ob.messages(ws.store(), tuple(state or ()))
        channels = ob.status(ws.store(), ws.config)
    if as_json:
        print_json(
            {"channels": [c.to_dict() for c in channels], "messages": [r.to_dict() for r in rows]}
        )
        return
    table = Table("id", "channel", "kind", "ref", "state", "tries", "next try", "error")
    for r in rows:
        table.add_row(
            str(r.id),
            _esc(r.channel),
            r.kind,
            _esc(r.ref),
            r.state,
            str(r.attempts),
            r.next_attempt_at if r.state in ("pending", "failed") else "",
            _esc(r.last_error or ""),
        )
    console().print(table)


@app.command("file")
def file_theme(
    theme: Annotated[int, typer.Argument(help="Theme id (see `earful themes`).")],
    to: Annotated[str, typer.Option("--to", help="github, jira or linear.")],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Add the evidence to a duplicate if one is found.")
    ] = False,
    new: Annotated[bool, typer.Option("--new", help="Always open a new issue.")] = False,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """File a theme as an issue, or add its evidence to an open duplicate."""
    from earful.outputs.trackers.base import Issue
    from earful.outputs.trackers.filing import file_theme as run

    if yes and new:
        raise typer.BadParameter("give --yes or --new, not both")

    def choose(issue: Issue, score: float) -> bool:
        if yes:
            return True
        console(stderr=True).print(
            f"Open issue {_esc(issue.key)} looks like the same thing (similarity {score:.2f}):"
            f" {_esc(issue.title)}\n  {_esc(issue.url)}"
        )
        return typer.confirm(
            "Add the evidence there as a comment instead of a new issue?", default=True
        )

    with user_errors():
        ws = open_workspace(workspace)
        result = run(ws, theme, to, choose=choose, new=new)
    if as_json:
        print_json(result.to_dict())
        return
    verb = "Filed" if result.created else "Added evidence to"
    console().print(f"{verb} {to} {_esc(result.issue.key)}: {_esc(result.issue.url)}")


@trackers_app.command("sync")
def trackers_sync(as_json: JsonOpt = False, workspace: WorkspaceOpt = None) -> None:
    """Refresh the state of every issue linked to a theme."""
    from rich.table import Table

    from earful.outputs.trackers.filing import closed_loop, sync_links

    with user_errors():
        ws = open_workspace(workspace)
        rows = sync_links(ws)
        drafts = closed_loop(ws)
    if as_json:
        print_json([{**link.to_dict(), "state": state} for link, state in rows])
        return
    table = Table("theme", "tracker", "issue", "state", "was", "url")
    for link, state in rows:
        table.add_row(
            str(link.theme_id),
            link.tracker,
            _esc(link.issue_key),
            state,
            link.state,
            _esc(link.url),
        )
    console().print(table)
    if drafts:
        console().print(f"{len(drafts)} replies to draft for closed issues: `earful closed-loop`")


@app.command("closed-loop")
def closed_loop(
    theme: Annotated[int | None, typer.Argument(help="Only this theme.")] = None,
    done: Annotated[
        str | None, typer.Option("--done", help="Mark THEME's loop closed for this tracker.")
    ] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Draft replies to the people who raised a theme whose issue has closed."""
    from earful.outputs.trackers.filing import closed_loop as drafts_for
    from earful.outputs.trackers.filing import mark_loop_closed

    with user_errors():
        ws = open_workspace(workspace)
        if done is not None:
            if theme is None:
                raise typer.BadParameter("--done needs a THEME")
            mark_loop_closed(ws, theme, done)
            console().print(f"Theme {theme}: loop closed.")
            return
        drafts = drafts_for(ws, theme)
    if as_json:
        print_json([d.to_dict() for d in drafts])
        return
    if not drafts:
        console().print("No closed issues waiting for replies.")
    for d in drafts:
        console().print(
            f"[bold]{_esc(d.target)}[/] (theme {d.theme_id}, {_esc(d.issue)})"
            f" {_esc(d.url or '')}\n  {_esc(d.text)}"
        )
    if drafts:
        console().print('Send one with: earful reply SOURCE:ID "TEXT"')


def _approve(text: str, where: str, yes: bool) -> None:
    console(stderr=True).print(f"About to post to {where}:\n\n{_esc(text)}\n")
    if not yes and not typer.confirm("Post this now?", default=False):
        raise fail("not posted")


def _coach_gate(warning: str | None, accept: bool) -> bool:
    if warning is None:
        return False
    console(stderr=True).print(f"[yellow]Coach:[/] {_esc(warning)}")
    if not accept and not typer.confirm("Post anyway?", default=False):
        raise fail("not posted")
    return True


CoachOpt = Annotated[bool, typer.Option("--accept-coach", help="Post even when the coach warns.")]
RetryOpt = Annotated[
    bool,
    typer.Option(
        "--retry-interrupted",
        help="Send although an earlier send of this was interrupted (check the network first).",
    ),
]


@contextmanager
def _publish_errors() -> Iterator[None]:
    """``user_errors()``, with the reservation refusals said in CLI terms."""
    from earful.outputs.publish import PublishInProgress

    with user_errors():
        try:
            yield
        except PublishInProgress as exc:
            if not exc.interrupted:
                raise fail(f"not posted: {exc.reason}") from None
            raise fail(
                f"not posted: {exc.detail}; if it is not there, run the same command again"
                " with --retry-interrupted"
            ) from None


@app.command()
def reply(
    item: Annotated[str, typer.Argument(help="SOURCE:ID of the post to answer.")],
    text: Annotated[str, typer.Argument(help="The reply.")],
    yes: YesOpt = False,
    accept_coach: CoachOpt = False,
    retry_interrupted: RetryOpt = False,
    minutes: Annotated[float, typer.Option(help="Minutes spent (ROI ledger).")] = 3.0,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Reply to an answer-queue item on its network, after your confirmation."""
    from earful.outputs import publish

    with _publish_errors():
        ws = open_workspace(workspace)
        source = item.partition(":")[0]
        _approve(text, f"{source} in reply to {item}", yes)
        ack = _coach_gate(publish.promotion_warning(ws, source, text, reply=True), accept_coach)
        done = publish.reply(
            ws,
            item,
            text,
            approved=True,
            acknowledge_coach=ack,
            retry_interrupted=retry_interrupted,
            minutes=minutes,
        )
    if as_json:
        print_json(done.to_dict())
    else:
        console().print(f"Replied on {done.network}: {_esc(done.url or done.remote_id)}")


@app.command()
def post(
    network: Annotated[str, typer.Argument(help="bluesky, mastodon or x.")],
    text: Annotated[str | None, typer.Argument(help="The post (default: the draft).")] = None,
    article: Annotated[
        str | None, typer.Option("--article", help="Share this share-queue article.")
    ] = None,
    yes: YesOpt = False,
    accept_coach: CoachOpt = False,
    retry_interrupted: RetryOpt = False,
    minutes: Annotated[float, typer.Option(help="Minutes spent (ROI ledger).")] = 2.0,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Post to a network (e.g. a share-queue draft), after your confirmation."""
    from earful.outputs import publish

    with _publish_errors():
        ws = open_workspace(workspace)
        if text is None:
            if article is None:
                raise typer.BadParameter("give TEXT or --article URL")
            from earful.engage.articles import share_queue

            found = [a for a in share_queue(ws.store(), ws.config, limit=None) if a.url == article]
            if not found:
                raise fail(f"{article} is not in the share queue (`earful articles`)")
            text = found[0].draft
        _approve(text, network, yes)
        ack = _coach_gate(publish.promotion_warning(ws, network, text, reply=False), accept_coach)
        done = publish.post(
            ws,
            network,
            text,
            approved=True,
            article=article,
            acknowledge_coach=ack,
            retry_interrupted=retry_interrupted,
            minutes=minutes,
        )
    if as_json:
        print_json(done.to_dict())
    else:
        console().print(f"Posted on {done.network}: {_esc(done.url or done.remote_id)}")


@app.command("export-insight")
def export_insight(
    kind: Annotated[
        str, typer.Argument(help="themes, alerts, queue, articles, links, or posts (--query).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, jsonl or parquet.")] = "csv",
    query: Annotated[str, typer.Option("--query", "-q", help="Posts: the query.")] = "",
    product: Annotated[str | None, typer.Option("--product", help="Only this product.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Export an insight (or the posts of a query) as CSV, JSONL or Parquet."""
    from earful.outputs.exports import export_insight as run
    from earful.outputs.exports import export_query

    with user_errors():
        ws = open_workspace(workspace)
        if kind == "posts":
            count = export_query(ws, query, output, fmt)
        else:
            count = run(ws, kind, output, fmt, product=product)
    console(stderr=True).print(f"Exported {count:,} {kind} rows to {_esc(output)}")
