"""User edits of themes: rename, merge and split. Each changes the stored assignment directly
and is logged in ``theme_edits``; later runs of :func:`earful.insights.themes.update_themes`
build on them (see that module)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from earful.errors import InputError
from earful.insights.embed import content_tokens
from earful.store import insights as db

if TYPE_CHECKING:
    from earful.store.sqlite import SQLiteStore


def rename_theme(store: SQLiteStore, theme_id: int, name: str) -> None:
    name = " ".join(name.split())
    if not name:
        raise InputError("a theme name cannot be empty", field="name")
    with store.transaction() as conn:
        db.ensure_schema(conn)
        _active(conn, theme_id)
        db.set_theme_fields(conn, theme_id, user_label=name[:200])
        db.record_edit(conn, "rename", theme_id, {"name": name[:200]})


def merge_themes(store: SQLiteStore, target: int, others: Sequence[int]) -> None:
    """Move every post of ``others`` into ``target``; later runs keep them together."""
    with store.transaction() as conn:
        db.ensure_schema(conn)
        dst = _active(conn, target)
        for other in others:
            if other == target:
                raise InputError(f"cannot merge theme {target} into itself", field="theme")
            src = _active(conn, other)
            if src.scope != dst.scope:
                raise InputError(
                    f"themes {target} and {other} belong to different products", field="theme"
                )
            db.move_members(conn, other, target)
            db.set_theme_fields(conn, other, status="merged", merged_into=target)
        db.record_edit(conn, "merge", target, {"merged": list(others)})


def split_theme(
    store: SQLiteStore,
    theme_id: int,
    *,
    phrase: str | None = None,
    post_ids: Sequence[str] = (),
    name: str | None = None,
) -> int:
    """Move the posts of a theme that contain ``phrase`` (or are listed) into a new theme.

    The moved posts are pinned there; returns the new theme's id."""
    if not phrase and not post_ids:
        raise InputError("split needs a phrase or post ids", field="phrase")
    wanted_ids = set(post_ids)
    needle = content_tokens(phrase) if phrase else []
    with store.transaction() as conn:
        db.ensure_schema(conn)
        theme = _active(conn, theme_id)
        rowids = [r for r, t in db.members(conn, [theme_id]).items() if t == theme_id]
        moved = []
        for p in db.load_posts(conn, rowids=rowids):
            toks = content_tokens(p.text)
            hit = bool(needle) and any(
                toks[i : i + len(needle)] == needle for i in range(len(toks) - len(needle) + 1)
            )
            if hit or f"{p.source}:{p.id}" in wanted_ids:
                moved.append(p.rowid)
        if not moved:
            raise InputError(f"no post of theme {theme_id} matches", field="phrase")
        if len(moved) == len(rowids):
            raise InputError(f"every post of theme {theme_id} matches; nothing to split")
        new_id = db.create_theme(conn, theme.scope, phrase or "", locked=True)
        if name:
            db.set_theme_fields(conn, new_id, user_label=name)
        db.assign(conn, [(r, new_id, None, None) for r in moved], pinned=True)
        conn.execute(
            "UPDATE theme_members SET dup_of = NULL WHERE theme_id = ? AND dup_of NOT IN"
            " (SELECT post_rowid FROM theme_members WHERE theme_id = ?)",
            (new_id, new_id),
        )
        db.record_edit(
            conn, "split", theme_id, {"new_theme": new_id, "phrase": phrase, "posts": len(moved)}
        )
    return new_id


def _active(conn: Any, theme_id: int) -> db.ThemeRow:
    theme = db.get_theme(conn, theme_id)
    if theme.status != "active":
        raise InputError(f"theme {theme_id} was merged into {theme.merged_into}", field="theme")
    return theme
