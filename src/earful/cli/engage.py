"""Engagement commands: questions, experts, peers, relations, follow-export, event, articles,
coach, digest, log and roi. Each calls one library function in :mod:`earful.engage`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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

LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=1, help="Most rows to show.")]


def _table(columns: list[str], rows: list[list[Any]]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(*columns)
    for row in rows:
        table.add_row(*(Text("" if v is None else str(v)) for v in row))
    console().print(table)


def _clip(text: str, n: int = 90) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


@app.command()
def questions(
    state: Annotated[str, typer.Option(help="new, answered, dismissed or snoozed.")] = "new",
    days: Annotated[float, typer.Option(min=0.1, help="How far back to look.")] = 7.0,
    answered: Annotated[
        str | None, typer.Option("--answered", help="Mark SOURCE:ID answered.")
    ] = None,
    dismiss: Annotated[str | None, typer.Option("--dismiss", help="Dismiss SOURCE:ID.")] = None,
    snooze: Annotated[str | None, typer.Option("--snooze", help="Snooze SOURCE:ID.")] = None,
    reopen: Annotated[
        str | None, typer.Option("--reopen", help="Put SOURCE:ID back to new.")
    ] = None,
    hours: Annotated[float, typer.Option(min=0.1, help="Snooze length.")] = 24.0,
    limit: LimitOpt = 20,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """The answer queue: questions and tool seekers, ranked, with why and where to reply."""
    from earful.engage.queue import answer_queue, set_state

    changes = [
        (k, s)
        for k, s in (
            (answered, "answered"),
            (dismiss, "dismissed"),
            (snooze, "snoozed"),
            (reopen, "new"),
        )
        if k
    ]
    with user_errors():
        ws = open_workspace(workspace)
        if changes:
            done = [set_state(ws.store(), key, s, snooze_hours=hours) for key, s in changes]
            if as_json:
                print_json(done)
            else:
                for d in done:
                    console().print(f"{d['key']}: {d['state']}", markup=False)
            return
        items = answer_queue(ws.store(), ws.config, days=days, states=(state,), limit=limit)
    if as_json:
        print_json([i.to_dict() for i in items])
        return
    _table(
        ["score", "kind", "item", "author", "post", "why", "reply at"],
        [
            [
                f"{i.score:.0f}",
                i.kind,
                i.key,
                i.author,
                _clip(i.text, 70),
                "; ".join(i.reasons),
                i.reply_url,
            ]
            for i in items
        ],
    )


def _people(rows: list[Any], as_json: bool) -> None:
    if as_json:
        print_json([p.to_dict() for p in rows])
        return
    _table(
        ["score", "handle", "followers", "why"],
        [[f"{p.score:.2f}", p.handle, p.followers, "; ".join(p.reasons)] for p in rows],
    )


@app.command()
def experts(
    topic: Annotated[str, typer.Argument(help="The topic, as an Earful query.")],
    days: Annotated[float | None, typer.Option(min=1, help="Only the last N days.")] = None,
    limit: LimitOpt = 20,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Experts on a topic: topic-sensitive PageRank over replies, mentions, reposts and quotes."""
    from earful.engage.experts import experts as rank

    with user_errors():
        ws = open_workspace(workspace)
        rows = rank(ws.store(), topic, ws.config, days=days, limit=limit)
    _people(rows, as_json)


@app.command()
def peers(
    topic: Annotated[str | None, typer.Argument(help="The topic (default: everything).")] = None,
    limit: LimitOpt = 20,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Product managers who talk about the topic."""
    from earful.engage.experts import peers as rank

    with user_errors():
        ws = open_workspace(workspace)
        rows = rank(ws.store(), topic, ws.config, limit=limit)
    _people(rows, as_json)


@app.command()
def relations(
    action: Annotated[str | None, typer.Argument(help="followed, unfollowed or talked.")] = None,
    account: Annotated[str | None, typer.Argument(help="NETWORK:HANDLE, e.g. x:@ada.")] = None,
    note: Annotated[str, typer.Option(help="A note to keep.")] = "",
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """The relationship log; with ACTION and NETWORK:HANDLE, record a follow or a talk."""
    from earful.engage.relations import log_relation
    from earful.engage.relations import relations as rows
    from earful.errors import InputError

    with user_errors():
        ws = open_workspace(workspace)
        if action is not None:
            if account is None or ":" not in account:
                raise InputError("give the account as NETWORK:HANDLE", field="account")
            network, handle = account.split(":", 1)
            log_relation(ws.store(), network, handle, action, note=note)
        result = rows(ws.store())
    if as_json:
        print_json([r.to_dict() for r in result])
        return
    _table(
        ["network", "handle", "following", "since", "talks", "last talk", "note"],
        [
            [
                r.network,
                r.handle,
                "yes" if r.following else "no",
                r.followed_at,
                r.talks,
                r.last_talked_at,
                r.note,
            ]
            for r in result
        ],
    )


@app.command("follow-export")
def follow_export(
    fmt: Annotated[str, typer.Option("--format", help="csv, mastodon, x or bluesky.")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Export the accounts you follow (CSV, Mastodon's import CSV, or X/Bluesky handle lists)."""
    from earful.engage.relations import export_follows

    with user_errors():
        ws = open_workspace(workspace)
        text = export_follows(ws.store(), fmt)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@app.command()
def event(
    tag: Annotated[str, typer.Argument(help="The hashtag (or any query), e.g. '#ProductCon26'.")],
    start: Annotated[str | None, typer.Option("--from", help="Start (ISO date or time).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="End (ISO date or time).")] = None,
    live: Annotated[bool, typer.Option("--live", help="Refresh until interrupted.")] = False,
    interval: Annotated[float, typer.Option(min=5, help="Seconds between refreshes.")] = 30.0,
    digest: Annotated[
        bool, typer.Option("--digest", help="Print the after-event Markdown.")
    ] = False,
    limit: LimitOpt = 10,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Conference mode: top posts, active live-posters, links and themes of a hashtag."""
    import time

    from earful.engage.common import parse_when
    from earful.engage.event import event_markdown, event_summary

    with user_errors():
        ws = open_workspace(workspace)
        lo = parse_when(start, "from") if start else None
        hi = parse_when(end, "to") if end else None
        while True:
            summary = event_summary(
                ws.store(), tag, start=lo, end=hi, context=ws.query_context(), limit=limit
            )
            if as_json:
                print_json(summary.to_dict())
            elif digest or not live:
                console().print(event_markdown(summary), markup=False)
            else:
                console().clear()
                console().print(event_markdown(summary), markup=False)
            if not live:
                return
            time.sleep(interval)


@app.command()
def articles(
    topic: Annotated[str | None, typer.Argument(help="Topic query (default: all posts).")] = None,
    days: Annotated[float, typer.Option(min=1, help="How far back to look.")] = 30.0,
    queue: Annotated[bool, typer.Option("--queue", help="Only articles not shared yet.")] = False,
    limit: LimitOpt = 20,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Articles shared in the topics, ranked by credible sharers, with a draft post each."""
    from earful.engage.articles import articles as rank
    from earful.engage.articles import share_queue

    with user_errors():
        ws = open_workspace(workspace)
        if queue:
            rows = share_queue(ws.store(), ws.config, topic=topic, days=days, limit=limit)
        else:
            rows = rank(ws.store(), ws.config, topic=topic, days=days, limit=limit)
    if as_json:
        print_json([a.to_dict() for a in rows])
        return
    _table(
        ["sharers", "weight", "article", "title", "draft"],
        [[a.sharers, f"{a.weight:.1f}", a.url, a.title, a.draft] for a in rows],
    )


@app.command()
def coach(
    handle: Annotated[
        str | None, typer.Argument(help="One of your accounts (default: all).")
    ] = None,
    days: Annotated[float, typer.Option(min=1, help="How far back to look.")] = 30.0,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Reputation and promotion coach for your own accounts (products.accounts)."""
    from earful.engage.coach import coach as run

    with user_errors():
        ws = open_workspace(workspace)
        reports = run(ws.store(), ws.config, handle=handle, days=days)
    if as_json:
        print_json([r.to_dict() for r in reports])
        return
    out = console()
    for r in reports:
        out.print(
            f"@{r.handle} on {r.network}: {r.posts} posts ({r.replies} replies, {r.broadcasts}"
            f" broadcasts, {r.reposts} reposts), {r.per_week:.1f}/week,"
            f" {r.engagement_per_post:.1f} interactions/post,"
            f" promo {r.promo_last10}/{r.last10} of the last posts;"
            f" topics: {', '.join(r.topics[:5])}",
            markup=False,
        )
        for tip in r.advice:
            out.print(f"  - {tip}", markup=False)


@app.command()
def digest(
    minutes: Annotated[float, typer.Option(min=1, max=240, help="Time budget.")] = 10.0,
    fmt: Annotated[str, typer.Option("--format", help="text, markdown or html.")] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """The most valuable things to do today that fit in N minutes."""
    from earful.engage.digest import build_digest, render_digest

    with user_errors():
        ws = open_workspace(workspace)
        if as_json:
            print_json(build_digest(ws.store(), ws.config, minutes=minutes).to_dict())
            return
        text = render_digest(ws, minutes, fmt)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@app.command("log")
def log_cmd(
    action: Annotated[str, typer.Argument(help="replied, filed, shared, followed or triaged.")],
    target: Annotated[str, typer.Argument(help="SOURCE:ID, URL, issue or NETWORK:HANDLE.")] = "",
    minutes: Annotated[float, typer.Option(min=0, help="Minutes it took.")] = 0.0,
    note: Annotated[str, typer.Option(help="A note to keep.")] = "",
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Record an action and its minutes in the ROI ledger."""
    from earful.engage.ledger import log_action

    with user_errors():
        ws = open_workspace(workspace)
        row = log_action(ws.store(), action, target, minutes=minutes, note=note)
    if as_json:
        print_json({"id": row, "action": action, "target": target, "minutes": minutes})
    else:
        console().print(f"Logged {action} {target} ({minutes:g} min)", markup=False)


@app.command()
def roi(
    weeks: Annotated[int, typer.Option(min=1, max=104, help="How many weeks.")] = 8,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Time spent against outcomes, per week."""
    from earful.engage.ledger import roi as run

    with user_errors():
        ws = open_workspace(workspace)
        rows = run(ws.store(), ws.config, weeks=weeks)
    if as_json:
        print_json([w.to_dict() for w in rows])
        return
    _table(
        ["week", "minutes", "answers", "replies in", "issues", "follows", "shares", "outcomes/h"],
        [
            [
                w.week,
                f"{w.minutes:g}",
                w.answers_sent,
                w.replies_received,
                w.issues_filed,
                w.follows,
                w.shares,
                w.outcomes_per_hour,
            ]
            for w in rows
        ],
    )
