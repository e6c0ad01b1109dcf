"""A plain-text digest of themes and alerts (what ``earful demo`` prints)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from earful.workspace import Workspace


def summarize(workspace: Workspace, *, themes: int = 5, alerts: int = 3) -> str:
    """Update themes and alerts for each configured product; return a short digest."""
    from earful.insights.alerts import detect_alerts
    from earful.insights.scope import Scope
    from earful.insights.themes import theme_summaries, update_themes

    store, config = workspace.store(), workspace.config
    lines: list[str] = []
    names: list[str | None] = [p.name for p in config.products] or [None]
    for name in names:
        scope = Scope(name)
        update_themes(store, config, scope)
        top = theme_summaries(store, config, scope)[:themes]
        lines.append(f"Top themes for {name or 'all posts'}:")
        lines += [f"  #{t.id} {t.label}: {t.posts} posts, {t.authors} authors" for t in top]
    found = detect_alerts(store, config)[:alerts]
    lines.append("Alerts:" if found else "Alerts: none")
    for a in found:
        e = a.explanation
        lines.append(
            f"  #{a.id} [{a.severity}] {a.product}: {e['what']}, {e['authors']} authors"
            f" since {e['since'][:16]}"
        )
    return "\n".join(lines)
