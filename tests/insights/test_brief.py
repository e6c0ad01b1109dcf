"""The digest's theme briefs (counted in SQL) agree with the full theme summaries."""

from __future__ import annotations

from datetime import timedelta

from earful.formats.earful_jsonl import post_from_dict
from earful.insights.brief import theme_briefs
from earful.insights.scope import Scope
from earful.insights.themes import theme_summaries, update_themes

from .conftest import END, Ws, post, spread


def _agree(ws: Ws) -> list[tuple[int, str, int, int, str]]:
    full = theme_summaries(ws.store, ws.config, Scope())
    expected = [
        (t.id, t.label, t.posts, t.authors, t.representative[0]["text"] if t.representative else "")
        for t in full[:8]
    ]
    got = [(b.id, b.label, b.posts, b.authors, b.example) for b in theme_briefs(ws.store)]
    assert got == expected
    return got


def test_briefs_match_summaries_through_spam_types_and_duplicates(ws: Ws) -> None:
    start = END - timedelta(days=20)
    sync = spread("sync", 9, start, 10, "a")
    pricing = spread("pricing", 7, start, 10, "b")
    darkmode = spread("darkmode", 5, start, 10, "c")
    ws.add(sync)
    ws.add(pricing, kind="complaint")
    ws.add(darkmode, kind="feature_request")
    update_themes(ws.store, ws.config, Scope(), min_size=3)
    before = _agree(ws)
    assert len(before) == 3 and before[0][2] == 9
    # the same author posting the same text again is a duplicate; it counts once
    again = dict(sync[0], id="dup-1")
    ws.add([again])
    update_themes(ws.store, ws.config, Scope(), min_size=3)
    assert _agree(ws)[0][2] == 9
    # a correction to spam takes a post out; praise stays feedback, a question does not
    rowid = ws.store.post_rowid("x", str(pricing[0]["id"]))
    assert rowid is not None
    ws.store.set_correction(rowid, "spam", ["true"])
    second = ws.store.post_rowid("x", str(darkmode[1]["id"]))
    assert second is not None
    ws.store.set_correction(second, "type", ["question"])
    after = {t[0]: t for t in _agree(ws)}
    assert sorted(t[2] for t in after.values()) == [4, 6, 9]


def test_briefs_match_summaries_before_any_labelling(ws: Ws) -> None:
    start = END - timedelta(days=20)
    items = spread("webhook", 6, start, 5, "w") + spread("sync", 4, start, 5, "s")
    ws.store.upsert_posts([post_from_dict(i) for i in items])
    ws.store.upsert_posts([post_from_dict(post("sync", start, "s0", n=0))])  # another voice
    update_themes(ws.store, ws.config, Scope(), min_size=3)
    assert len(_agree(ws)) >= 1


def test_briefs_follow_a_rename_after_being_cached(ws: Ws) -> None:
    from earful.insights.themes import rename_theme

    ws.add(spread("sync", 6, END - timedelta(days=9), 5, "r"))
    update_themes(ws.store, ws.config, Scope(), min_size=3)
    first = theme_briefs(ws.store)
    assert theme_briefs(ws.store) == first
    rename_theme(ws.store, first[0].id, "Calendar sync")
    assert theme_briefs(ws.store)[0].label == "Calendar sync"
    _agree(ws)
