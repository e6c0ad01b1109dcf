from __future__ import annotations

from datetime import timedelta

import pytest

from earful.insights.dedupe import DupItem, find_duplicates
from earful.insights.scope import Scope
from earful.insights.themes import (
    merge_themes,
    rename_theme,
    split_theme,
    theme_summaries,
    update_themes,
)

from .conftest import END, Ws, post, spread

SCOPE = Scope("Widgety")


def _theme_of(w: Ws) -> dict[str, int]:
    """text -> theme id of each member (via the summaries' member ids)."""
    out = {}
    for t in theme_summaries(w.store, w.config, SCOPE):
        for key in t.member_ids:
            source, pid = key.split(":", 1)
            p = w.store.get_post(source, pid)
            assert p is not None
            out[pid] = t.id
    return out


def _by_topic(w: Ws, items: list[dict[str, object]]) -> set[int]:
    themes = _theme_of(w)
    return {themes[str(i["id"])] for i in items if str(i["id"]) in themes}


def test_theme_ids_stay_stable_as_posts_arrive(ws: Ws) -> None:
    start = END - timedelta(days=20)
    first = {t: spread(t, 10, start, 10, "a") for t in ("sync", "darkmode", "pricing")}
    for items in first.values():
        ws.add(items)
    report = update_themes(ws.store, ws.config, SCOPE, min_size=3)
    assert len(report.new_themes) == 3
    ids = {t: _by_topic(ws, items) for t, items in first.items()}
    assert all(len(v) == 1 for v in ids.values()), ids
    assert len(set.union(*ids.values())) == 3
    before = _theme_of(ws)

    later = {t: spread(t, 6, start + timedelta(days=12), 5, "b") for t in first}
    later["webhook"] = spread("webhook", 8, start + timedelta(days=12), 5, "b")
    for items in later.values():
        ws.add(items)
    report = update_themes(ws.store, ws.config, SCOPE, min_size=3)
    after = _theme_of(ws)
    assert {k: after[k] for k in before} == before  # nobody moved
    for t in ("sync", "darkmode", "pricing"):
        assert _by_topic(ws, later[t]) == ids[t]  # new posts joined their theme
    assert len(report.new_themes) == 1
    assert _by_topic(ws, later["webhook"]) == set(report.new_themes)
    labels = {t.id: t.label for t in theme_summaries(ws.store, ws.config, SCOPE)}
    assert "webhook" in labels[report.new_themes[0]]


def test_user_edits_survive_reclustering(ws: Ws) -> None:
    start = END - timedelta(days=20)
    first = {t: spread(t, 10, start, 10, "a") for t in ("sync", "darkmode", "pricing")}
    for items in first.values():
        ws.add(items)
    update_themes(ws.store, ws.config, SCOPE, min_size=3)
    (sync_id,) = _by_topic(ws, first["sync"])
    (dark_id,) = _by_topic(ws, first["darkmode"])
    (price_id,) = _by_topic(ws, first["pricing"])
    rename_theme(ws.store, sync_id, "Calendar sync drops events")
    merge_themes(ws.store, sync_id, [dark_id])
    new_id = split_theme(ws.store, price_id, phrase="price doubled", name="Price doubled")
    moved = {str(i["id"]) for i in first["pricing"] if "price doubled" in str(i["text"])}
    assert moved

    more = spread("darkmode", 5, start + timedelta(days=12), 4, "c")
    more += spread("pricing", 8, start + timedelta(days=12), 4, "c")
    ws.add(more)
    update_themes(ws.store, ws.config, SCOPE, min_size=3)
    themes = {t.id: t for t in theme_summaries(ws.store, ws.config, SCOPE)}
    assert themes[sync_id].label == "Calendar sync drops events"
    assert dark_id not in themes  # stays merged
    assert _by_topic(ws, more[:5]) == {sync_id}  # new dark-theme posts land in the merged theme
    after = _theme_of(ws)
    assert {after[m] for m in moved} == {new_id}  # split posts stay where the user put them
    assert themes[new_id].label == "Price doubled"
    assert price_id in themes


def test_near_duplicates_count_once(ws: Ws) -> None:
    start = END - timedelta(days=10)
    items = spread("sync", 8, start, 5, "a")
    original = items[0]
    copies = [
        # the same author pastes the same complaint again
        post("sync", start + timedelta(days=6), "async0", n=0),
        # an RT of the original
        {
            **post("sync", start + timedelta(days=6), "fan1"),
            "text": f"RT @async0: {original['text']}",
        },
        # a native repost
        {**post("sync", start + timedelta(days=6), "fan2"), "repost_of": original["id"]},
    ]
    ws.add(items + copies)
    update_themes(ws.store, ws.config, SCOPE, min_size=3)
    (theme,) = theme_summaries(ws.store, ws.config, SCOPE)
    assert theme.posts == 8
    assert theme.duplicates == 3
    assert len(theme.member_ids) == 11
    assert theme.authors == 10


def test_same_words_from_different_people_are_separate_voices() -> None:
    items = [
        DupItem(i, "the export is empty after the update, again today", author=f"u{i}")
        for i in range(3)
    ]
    assert find_duplicates(items) == {0: 0, 1: 1, 2: 2}
    near = [
        DupItem(
            1, "the csv export is empty after the update to version four two today", author="u"
        ),
        DupItem(
            2, "the csv export is empty after the update to version four two today!!", author="u"
        ),
    ]
    assert find_duplicates(near) == {1: 1, 2: 1}


def test_summaries_are_cached_until_posts_labels_or_edits_change(ws: Ws) -> None:
    start = END - timedelta(days=20)
    for t in ("sync", "darkmode"):
        ws.add(spread(t, 8, start, 10, "a"))
    update_themes(ws.store, ws.config, SCOPE, min_size=3)
    first = theme_summaries(ws.store, ws.config, SCOPE)
    assert theme_summaries(ws.store, ws.config, SCOPE) == first  # served from the cache
    target = first[0].id
    rename_theme(ws.store, target, "Calendar woes")  # same second as the run: still seen
    names = {t.id: t.label for t in theme_summaries(ws.store, ws.config, SCOPE)}
    assert names[target] == "Calendar woes"
    extra = [post("sync", END - timedelta(days=1), f"late{i}", n=i) for i in range(3)]
    ws.add(extra)
    update_themes(ws.store, ws.config, SCOPE, min_size=3)
    members = {m for t in theme_summaries(ws.store, ws.config, SCOPE) for m in t.member_ids}
    assert {f"x:{i['id']}" for i in extra} <= members
    rows = []
    for item in extra:  # the labeller relabels in place: same number of label rows
        rowid = ws.store.post_rowid("x", str(item["id"]))
        assert rowid is not None
        fields = [("sentiment", "positive", 0.9), ("type", "bug", 0.9), ("spam", "false", 0.9)]
        rows.append((rowid, 0, [*fields, ("relevant:widgety", "true", 0.9)]))
    ws.store.write_labels("test", "1", rows)
    summaries = theme_summaries(ws.store, ws.config, SCOPE)
    assert sum(t.sentiment.get("positive", 0) for t in summaries) == 3


def test_rerun_without_changes_is_skipped_and_new_posts_rerun(
    ws: Ws, monkeypatch: pytest.MonkeyPatch
) -> None:
    from earful.insights import themes as module

    start = END - timedelta(days=20)
    for t in ("sync", "pricing"):
        ws.add(spread(t, 8, start, 10, "a"))
    first = update_themes(ws.store, ws.config, SCOPE, min_size=3)
    assert len(first.new_themes) == 2
    real = module._update

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("nothing changed: the run should have been skipped")

    monkeypatch.setattr(module, "_update", refuse)
    again = update_themes(ws.store, ws.config, SCOPE, min_size=3)
    assert (again.posts, again.new_themes, again.joined) == (first.posts, [], 0)
    monkeypatch.setattr(module, "_update", real)
    ws.add(spread("webhook", 6, start + timedelta(days=12), 5, "b"))
    third = update_themes(ws.store, ws.config, SCOPE, min_size=3)
    assert third.posts == first.posts + 6 and len(third.new_themes) == 1
