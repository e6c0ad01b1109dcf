"""Themes, alerts and share of voice for the pages and the API: calls into :mod:`earful.insights`
and :mod:`earful.outputs` (filing), never their logic."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from earful.errors import InputError

if TYPE_CHECKING:
    from earful.web.deps import WebState

THEMES_TTL = 300.0


def products(state: WebState) -> list[str]:
    return [p.name for p in state.workspace.config.products]


def product_name(state: WebState, product: str | None) -> str | None:
    """The canonical name of ``product`` (an alias works); None means the first product."""
    from earful.insights.scope import resolve_product

    if not product:
        names = products(state)
        return names[0] if names else None
    found = resolve_product(state.workspace.config, product)
    return found.name if found else None


def themes(state: WebState, product: str | None) -> list[dict[str, Any]]:
    """Active themes of ``product`` with labels, counts, trend and filed issues, biggest first."""
    from earful.insights.scope import Scope
    from earful.insights.themes import theme_summaries

    name = product_name(state, product)

    def compute() -> list[dict[str, Any]]:
        store = state.reader()
        found = [s.to_dict() for s in theme_summaries(store, state.workspace.config, Scope(name))]
        filed = _filed(state)
        for item in found:
            item.pop("members", None)
            item["filed"] = filed.get(item["id"], [])
        return found

    result: list[dict[str, Any]] = state.cached(f"themes:{name}", THEMES_TTL, compute)
    return result


def _filed(state: WebState, theme_id: int | None = None) -> dict[int, list[dict[str, Any]]]:
    from earful.store import outputs as odb

    store = state.writer()
    odb.ensure_schema(store.conn)
    out: dict[int, list[dict[str, Any]]] = {}
    for link in odb.links(store.conn, theme_id):
        out.setdefault(link.theme_id, []).append(link.to_dict())
    return out


def theme(state: WebState, theme_id: int, *, limit: int = 100) -> dict[str, Any]:
    """One theme: its summary, its member posts (with labels and links) and its filed issues."""
    from earful.outputs.trackers.filing import theme_summary
    from earful.web.views import decorate

    summary = theme_summary(state.workspace, theme_id)
    store = state.reader()
    posts = []
    for ref in summary.member_ids[:limit]:
        source, _, post_id = ref.partition(":")
        post = store.get_post(source, post_id)
        if post is not None:
            posts.append(post)
    out = summary.to_dict()
    out.pop("members")
    out["member_count"] = len(summary.member_ids)
    out["items"] = [p.model_dump() for p in decorate(store, posts)]
    out["filed"] = _filed(state, theme_id).get(theme_id, [])
    out["trackers"] = sorted(state.workspace.config.trackers)
    return out


def refresh(state: WebState, product: str | None = None) -> dict[str, Any]:
    """Re-cluster the themes of ``product`` (every product when None) and detect alerts,
    as ``earful themes`` and ``earful alerts`` do."""
    from earful.insights.alerts import detect_alerts
    from earful.insights.scope import Scope
    from earful.insights.themes import update_themes

    store = state.writer()
    names: list[str | None] = (
        [product_name(state, product)] if product else [*products(state)] or [None]
    )
    runs = {}
    for name in names:
        report = update_themes(store, state.workspace.config, Scope(name))
        runs[name or ""] = {"posts": report.posts, "new_themes": report.new_themes}
    detect_alerts(
        store, state.workspace.config, product=product_name(state, product) if product else None
    )
    state.changed()
    return {"products": runs}


def _triaged(state: WebState, target: str, note: str) -> None:
    """Log a triage action in the ROI ledger (inside the caller's transaction)."""
    from earful.engage.ledger import TRIAGE_MINUTES, log_action

    log_action(state.writer(), "triaged", target, minutes=TRIAGE_MINUTES, note=note)


def rename(state: WebState, theme_id: int, name: str) -> None:
    from earful.insights.themes import rename_theme

    store = state.writer()
    with store.transaction():
        rename_theme(store, theme_id, name)
        _triaged(state, f"theme:{theme_id}", "renamed")
    state.changed()


def merge(state: WebState, theme_id: int, others: list[int]) -> None:
    from earful.insights.themes import merge_themes

    store = state.writer()
    with store.transaction():
        merge_themes(store, theme_id, others)
        _triaged(state, f"theme:{theme_id}", "merged " + ",".join(map(str, others)))
    state.changed()


def split(
    state: WebState, theme_id: int, phrase: str | None, post_ids: list[str], name: str | None
) -> int:
    from earful.insights.themes import split_theme

    store = state.writer()
    with store.transaction():
        new_id = split_theme(store, theme_id, phrase=phrase, post_ids=post_ids, name=name)
        _triaged(state, f"theme:{theme_id}", f"split into {new_id}")
    state.changed()
    return new_id


def file(state: WebState, theme_id: int, tracker: str, *, minutes: float) -> dict[str, Any]:
    """File the theme into a configured tracker (``earful file THEME --to TRACKER``)."""
    from earful.outputs.trackers.filing import file_theme

    result = file_theme(state.workspace, theme_id, tracker, minutes=minutes)
    state.changed()
    return result.to_dict()


def mark_filed(state: WebState, theme_id: int, url: str, *, minutes: float) -> dict[str, Any]:
    """Record that the theme was filed by hand at ``url``: a ``manual`` tracker link (kept with
    the links :func:`~earful.outputs.trackers.filing.file_theme` stores) and a ``filed`` ledger
    action, in one transaction."""
    from earful.engage.ledger import log_action
    from earful.outputs.trackers.filing import theme_summary
    from earful.store import outputs as odb

    url = url.strip()
    if not url.lower().startswith(("https://", "http://")) or len(url) > 2000:
        raise InputError("the issue URL must be an http(s) URL", field="url")
    summary = theme_summary(state.workspace, theme_id)
    store = state.writer()
    now = odb.iso(datetime.now(UTC))
    link = odb.TrackerLink(
        theme_id, "manual", url, url, url, summary.label, "open", False, now, None, None, None
    )
    odb.ensure_schema(store.conn)
    with store.transaction() as conn:
        odb.save_link(conn, link)
        ledger_id = log_action(
            store, "filed", url, minutes=minutes, note=f"theme {theme_id} filed by hand"
        )
    state.changed()
    return {"link": link.to_dict(), "ledger_id": ledger_id}


# -- alerts ------------------------------------------------------------------------------------

ALERT_ACTIONS = {"acknowledge": "acknowledged", "resolve": "resolved", "reopen": "new"}


def alerts(state: WebState, *, show_all: bool = False, limit: int = 100) -> list[dict[str, Any]]:
    """Open alerts (or every alert), strongest first, each with its explanation."""
    from earful.store.insights import ALERT_STATES, ensure_schema, list_alerts

    store = state.reader()
    ensure_schema(state.writer().conn)
    states = ALERT_STATES if show_all else ("new", "acknowledged")
    return [alert_dict(r) for r in list_alerts(store.conn, states, limit=limit)]


def alert_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "product": row.product,
        "subject": row.subject,
        "severity": row.severity,
        "score": row.score,
        "state": row.state,
        "first_seen": row.first_seen,
        "last_seen": row.last_seen,
        "explanation": row.explanation,
    }


def set_alert(state: WebState, alert_id: int, action: str) -> dict[str, Any]:
    from earful.insights.alerts import set_state

    if action not in ALERT_ACTIONS:
        raise InputError(f"unknown action {action!r} ({', '.join(ALERT_ACTIONS)})", field="action")
    store = state.writer()
    with store.transaction():
        row = set_state(store, alert_id, ALERT_ACTIONS[action])
        _triaged(state, f"alert:{alert_id}", action)
    state.changed()
    return alert_dict(row)


# -- share of voice ----------------------------------------------------------------------------


def voice(state: WebState, product: str | None) -> dict[str, Any]:
    """Share of voice per ISO week (all sources together) and the per-(source, week) rows."""
    from earful.insights.voice import share_of_voice

    name = product_name(state, product)

    def compute() -> dict[str, Any]:
        rows = share_of_voice(state.reader(), state.workspace.config, name)
        weeks = sorted({r["week"] for r in rows})
        posts: dict[str, dict[str, int]] = {}
        for r in rows:
            brand = posts.setdefault(r["brand"], {})
            brand[r["week"]] = brand.get(r["week"], 0) + int(r["posts"])
        totals = {w: sum(b.get(w, 0) for b in posts.values()) for w in weeks}
        share = {
            b: {w: round(n / totals[w], 4) for w, n in per.items() if totals[w]}
            for b, per in posts.items()
        }
        return {"product": name, "weeks": weeks, "posts": posts, "share": share, "rows": rows}

    result: dict[str, Any] = state.cached(f"voice:{name}", THEMES_TTL, compute)
    return result
