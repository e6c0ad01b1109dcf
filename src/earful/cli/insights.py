"""``earful themes``, ``earful theme rename|merge|split``, ``earful alerts``, ``earful voice``."""

from __future__ import annotations

from datetime import UTC, datetime
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

ProductOpt = Annotated[str | None, typer.Option("--product", "-p", help="Product name or alias.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Start date (YYYY-MM-DD, UTC).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="End date, exclusive (UTC).")]

theme_app = typer.Typer(help="Edit themes: rename, merge, split (later runs respect edits).")
app.add_typer(theme_app, name="theme")


def _date(value: str | None, option: str) -> datetime | None:
    from earful.errors import InputError

    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"not a date: {value!r} (YYYY-MM-DD)", field=option) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@app.command()
def themes(
    workspace: WorkspaceOpt = None,
    product: ProductOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    embedder: Annotated[
        str,
        typer.Option(
            help="Embedder: hybrid (default: static word vectors + LSA, core install), lsa, "
            "words, or minilm (embed extra)."
        ),
    ] = "hybrid",
    update: Annotated[bool, typer.Option("--update/--no-update", help="Re-cluster first.")] = True,
    json: JsonOpt = False,
) -> None:
    """Group feedback into themes (stable ids) and list them, biggest first."""
    from earful.insights.embed import get_embedder
    from earful.insights.scope import Scope
    from earful.insights.themes import theme_summaries, update_themes

    with user_errors():
        ws = open_workspace(workspace)
        scope = Scope(_canonical(ws, product), _date(since, "--since"), _date(until, "--until"))
        if update:
            update_themes(ws.store(), ws.config, scope, embedder=get_embedder(embedder))
        found = theme_summaries(ws.store(), ws.config, scope)
        issues = _issues(ws, [t.id for t in found])
    if json:
        print_json([{**t.to_dict(), "issues": issues.get(t.id, [])} for t in found])
        return
    out = console()
    for t in found:
        sent = ", ".join(f"{k} {v}" for k, v in sorted(t.sentiment.items()))
        out.print(
            f"[bold]#{t.id}[/] {_esc(t.label)} — {t.posts} posts, {t.authors} authors"
            f" ({sent}); {', '.join(t.sources)}"
        )
        out.print("   trend: " + _spark(list(t.trend.values())[-14:]), markup=False)
        for issue in issues.get(t.id, []):
            out.print(
                f"   filed: {issue['tracker']} {issue['issue_key'] or issue['issue_id']}"
                f" ({issue['state']}) {issue['url']}",
                markup=False,
            )
        for ex in t.representative[:2]:
            out.print(f"   @{ex['author']}: {ex['text'][:110]}", markup=False)
    if not found:
        out.print("No themes yet (no feedback posts in scope).")


def _issues(ws: Any, theme_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The tracker issues each theme was filed as, with their last known state."""
    from earful.outputs.trackers.filing import links_for_theme

    return {t: [link.to_dict() for link in links_for_theme(ws, t)] for t in theme_ids}


def _canonical(ws: Any, product: str | None) -> str | None:
    from earful.insights.scope import resolve_product

    p = resolve_product(ws.config, product)
    return p.name if p else None


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _spark(values: list[int]) -> str:
    bars = " ▁▂▃▄▅▆▇█"
    top = max(values, default=0) or 1
    return "".join(bars[round(v / top * 8)] for v in values)


@theme_app.command("rename")
def theme_rename(theme_id: int, name: str, workspace: WorkspaceOpt = None) -> None:
    """Give a theme a name of your own (kept by later runs)."""
    from earful.insights.themes import rename_theme

    with user_errors():
        rename_theme(open_workspace(workspace).store(), theme_id, name)
    console().print(f"Theme {theme_id} renamed.")


@theme_app.command("merge")
def theme_merge(target: int, others: list[int], workspace: WorkspaceOpt = None) -> None:
    """Merge OTHERS into TARGET."""
    from earful.insights.themes import merge_themes

    with user_errors():
        merge_themes(open_workspace(workspace).store(), target, others)
    console().print(f"Merged {', '.join(map(str, others))} into theme {target}.")


@theme_app.command("split")
def theme_split(
    theme_id: int,
    phrase: Annotated[str | None, typer.Option(help="Move posts containing this phrase.")] = None,
    post: Annotated[list[str] | None, typer.Option(help="Move this post (source:id).")] = None,
    name: Annotated[str | None, typer.Option(help="Name of the new theme.")] = None,
    workspace: WorkspaceOpt = None,
    json: JsonOpt = False,
) -> None:
    """Split posts off a theme into a new theme."""
    from earful.insights.themes import split_theme

    with user_errors():
        new_id = split_theme(
            open_workspace(workspace).store(),
            theme_id,
            phrase=phrase,
            post_ids=post or (),
            name=name,
        )
    if json:
        print_json({"theme": theme_id, "new_theme": new_id})
    else:
        console().print(f"Split theme {theme_id}: new theme {new_id}.")


@app.command()
def alerts(
    action: Annotated[str | None, typer.Argument(help="ack | resolve | reopen")] = None,
    alert_id: Annotated[int | None, typer.Argument(help="Alert id for the action.")] = None,
    workspace: WorkspaceOpt = None,
    product: ProductOpt = None,
    now: Annotated[str | None, typer.Option(help="Evaluate as of this time (UTC).")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Include resolved alerts.")] = False,
    json: JsonOpt = False,
) -> None:
    """Emerging issues (new phrases/themes; phrase, theme and product spikes); `alerts
    ack|resolve|reopen ID` changes state."""
    from earful.errors import InputError
    from earful.insights.alerts import detect_alerts, set_state
    from earful.store.insights import ALERT_STATES, list_alerts

    states = {"ack": "acknowledged", "resolve": "resolved", "reopen": "new"}
    with user_errors():
        ws = open_workspace(workspace)
        if action is not None:
            if action not in states or alert_id is None:
                raise InputError("usage: earful alerts ack|resolve|reopen ID", field="action")
            row = set_state(ws.store(), alert_id, states[action])
            if json:
                print_json(_alert_json(row))
            else:
                console().print(f"Alert {row.id}: {row.state}.")
            return
        from earful.insights.scope import Scope
        from earful.insights.themes import update_themes

        when = _date(now, "--now")
        name = _canonical(ws, product)
        names: list[str | None] = [name] if name else [p.name for p in ws.config.products]
        for p in names or [None]:
            update_themes(ws.store(), ws.config, Scope(p, None, when))
        detect_alerts(ws.store(), ws.config, product=name, now=when)
        rows = list_alerts(ws.store().conn, ALERT_STATES if show_all else ("new", "acknowledged"))
    if json:
        print_json([_alert_json(r) for r in rows])
        return
    out = console()
    for r in rows:
        e = r.explanation
        out.print(
            f"[bold]#{r.id}[/] \\[{r.severity}] {_esc(r.product)}: {_esc(e['what'])} —"
            f" {e['authors']} authors since {e['since'][:16]} ({r.state})"
        )
        for ex in e["examples"][:2]:
            out.print(f"   @{ex['author']}: {ex['text'][:110]}", markup=False)
    if not rows:
        out.print("No open alerts.")


def _alert_json(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "product": r.product,
        "subject": r.subject,
        "severity": r.severity,
        "score": r.score,
        "state": r.state,
        "first_seen": r.first_seen,
        "last_seen": r.last_seen,
        "explanation": r.explanation,
    }


@app.command()
def voice(
    workspace: WorkspaceOpt = None,
    product: ProductOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    json: JsonOpt = False,
) -> None:
    """Share of voice: the product vs its competitors per source and week."""
    from earful.insights.voice import share_of_voice

    with user_errors():
        ws = open_workspace(workspace)
        rows = share_of_voice(
            ws.store(),
            ws.config,
            product,
            since=_date(since, "--since"),
            until=_date(until, "--until"),
        )
    if json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table("week", "source", "brand", "posts", "share", "authors", "neg", "top theme")
    for r in rows:
        top = r["top_themes"][0]["label"] if r["top_themes"] else ""
        table.add_row(
            r["week"],
            r["source"],
            _esc(r["brand"]),
            str(r["posts"]),
            f"{r['share']:.0%}",
            str(r["authors"]),
            str(r["sentiment"].get("negative", 0)),
            _esc(top[:40]),
        )
    console().print(table)
