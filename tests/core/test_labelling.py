"""Labelling stored posts, corrections winning over the model, and label search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from earful.cli import app
from earful.errors import InputError
from earful.labelling import correct, label_store, parse_assignment
from earful.workspace import Workspace
from tests.conftest import make_post

CONFIG = """
[[products]]
name = "Acme Pulse"
aliases = ["Pulse"]
description = "An analytics dashboard for small SaaS teams"
competitors = ["Chartwell"]
"""


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "ws", config_text=CONFIG)
    ws.store().upsert_posts(
        [
            make_post(id="1", text="I love Acme Pulse, the dashboards are wonderful!"),
            make_post(id="2", text="Acme Pulse keeps crashing when I export. Terrible."),
            make_post(id="3", text="Does anyone know a good alternative to Chartwell?"),
        ]
    )
    return ws


def test_label_store_labels_only_what_needs_it(ws: Workspace) -> None:
    first = label_store(ws.store(), ws.config)
    assert first.labelled == 3
    assert label_store(ws.store(), ws.config).labelled == 0  # nothing new
    ws.store().upsert_posts([make_post(id="2", text="Acme Pulse export works again, thanks")])
    assert label_store(ws.store(), ws.config).labelled == 1  # the edited post only
    assert label_store(ws.store(), ws.config, everything=True).labelled == 3
    ctx = ws.query_context()
    assert {p.id for p in ws.store().search("sentiment:positive", context=ctx)} == {"1", "2"}
    assert {p.id for p in ws.store().search("type:question", context=ctx)} <= {"3"}
    rows = ws.store().labels_of([ws.store().post_rowid("x", "1") or 0])
    fields = set(next(iter(rows.values())))
    assert {"lang", "sentiment", "spam", "relevant:acme pulse"} <= fields


def test_corrections_win_and_survive_relabelling(ws: Workspace) -> None:
    label_store(ws.store(), ws.config)
    correct(ws.store(), ws.config, "x:1", ["sentiment=negative", "type=bug,feature_request"])
    label_store(ws.store(), ws.config, everything=True)
    ctx = ws.query_context()
    assert "1" in [p.id for p in ws.store().search("sentiment:negative", context=ctx)]
    assert "1" not in [p.id for p in ws.store().search("sentiment:positive", context=ctx)]
    assert [p.id for p in ws.store().search("type:feature_request", context=ctx)] == ["1"]
    assert ws.store().corrections_with_text()[0][1:] == ("sentiment", "negative")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("sentiment=great", "unknown value"),
        ("mood=happy", "unknown label field"),
        ("sentiment", "FIELD=VALUE"),
        ("relevant:nope=true", "no product"),
        ("spam=maybe", "unknown value"),
    ],
)
def test_bad_corrections_are_refused(ws: Workspace, item: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_assignment(item, ws.config)
    assert message in str(info.value)


def test_relevance_shorthand_with_one_product(ws: Workspace) -> None:
    assert parse_assignment("relevant=no", ws.config) == ("relevant:acme pulse", ["false"])


def test_cli_label_workspace_and_correct(ws: Workspace) -> None:
    runner = CliRunner()
    root = str(ws.root)
    ws.close()
    result = runner.invoke(app, ["label", "-w", root])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["correct", "x:3", "lead=true", "-w", root])
    assert result.exit_code == 0 and "lead=true" in result.output
    result = runner.invoke(app, ["labels", "3", "--json", "-w", root])
    assert result.exit_code == 0, result.output
    assert '"by": "user"' in result.output
    bad = runner.invoke(app, ["correct", "x:404", "sentiment=positive", "-w", root])
    assert bad.exit_code == 1 and "no post" in bad.output


def test_a_post_keeps_one_labellers_labels(ws: Workspace) -> None:
    """Labelling with another labeller (the accurate path, then the fast one after a sync)
    replaces the post's model labels; it never leaves two sentiments side by side."""
    store = ws.store()
    rowid = store.post_rowid("x", "1") or 0
    rev = 1
    store.write_labels(
        "earful-labels+accurate", "9.9", [(rowid, rev, [("sentiment", "positive", 0.9)])]
    )
    store.write_labels("earful-labels", "9.9", [(rowid, rev, [("sentiment", "negative", 0.6)])])
    assert store.labels_of([rowid])[rowid]["sentiment"] == [("negative", 0.6, "earful-labels")]


def _fake_accurate(monkeypatch: pytest.MonkeyPatch, installed: bool) -> list[bool]:
    """The accurate path needs torch; record which path labelling asked for instead."""
    import earful.labelling as labelling
    from earful.labels import accurate

    calls: list[bool] = []
    real = labelling._label_rows

    def rows(posts: Any, specs: Any, acc: bool) -> Any:
        calls.append(acc)
        return real(posts, specs, False)

    monkeypatch.setattr(accurate, "available", lambda: installed)
    monkeypatch.setattr(labelling, "_label_rows", rows)
    return calls


@pytest.fixture
def accurate_ws(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "ws", config_text="[workspace]\naccurate_labels = true\n")
    ws.store().upsert_posts([make_post(id="1", text="Acme Pulse keeps crashing, terrible")])
    return ws


def test_workspace_setting_picks_the_accurate_path(
    accurate_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = accurate_ws
    calls = _fake_accurate(monkeypatch, installed=True)
    run = label_store(ws.store(), ws.config)
    assert (run.labeller, run.labelled, calls) == ("earful-labels+accurate", 1, [True])
    assert label_store(ws.store(), ws.config).labelled == 0
    # an explicit fast run relabels the post (another labeller) and replaces its labels
    fast = label_store(ws.store(), ws.config, accurate=False)
    assert (fast.labeller, fast.labelled, calls[-1]) == ("earful-labels", 1, False)
    rowid = ws.store().post_rowid("x", "1") or 0
    by = {who for values in ws.store().labels_of([rowid])[rowid].values() for _v, _s, who in values}
    assert by == {"earful-labels"}


def test_accurate_setting_without_the_extra_names_the_key(
    accurate_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from earful.errors import ConfigError

    ws = accurate_ws
    calls = _fake_accurate(monkeypatch, installed=False)
    with pytest.raises(ConfigError, match=r"workspace.accurate_labels.*earful\[accurate\]"):
        label_store(ws.store(), ws.config)
    assert calls == []
    assert label_store(ws.store(), ws.config, accurate=False).labelled == 1
    root = str(ws.root)
    ws.close()
    result = CliRunner().invoke(app, ["label", "-w", root, "--all"])
    assert result.exit_code != 0 and "accurate_labels" in result.output
    assert CliRunner().invoke(app, ["label", "-w", root, "--fast"]).exit_code == 0


APPLE = """
[[products]]
name = "Apple"
description = "iPhone and Mac maker"
competitors = ["Samsung"]
"""
FRUIT = [
    "Made an Apple crumble with fresh Apple slices from the farm market today",
    "Best Apple crumble recipe: fresh Apple slices, cinnamon and oats from the farm market",
]
LAPTOP = [
    "The new Apple laptop battery lasts forever, great job",
    "Loving my new Apple laptop, the battery is great",
]


def _relevant(ws: Workspace, post_id: str) -> list[tuple[str, Any, str]]:
    rowid = ws.store().post_rowid("x", post_id) or 0
    return ws.store().labels_of([rowid])[rowid]["relevant:apple"]


def test_relevance_corrections_teach_look_alike_posts(tmp_path: Path) -> None:
    from earful.web.data import correct as web_correct

    ws = Workspace.init(tmp_path / "ws", config_text=APPLE)
    texts = [FRUIT[0], LAPTOP[0], FRUIT[1], LAPTOP[1]]
    ws.store().upsert_posts([make_post(id=str(i), text=t) for i, t in enumerate(texts)])
    label_store(ws.store(), ws.config)
    assert {_relevant(ws, i)[0][0] for i in "0123"} == {"true"}  # the rules alone: all "Apple"
    correct(ws.store(), ws.config, "x:0", ["relevant=false"])
    correct(ws.store(), ws.config, "x:1", ["relevant=true"])
    assert _relevant(ws, "0") == [("false", None, "user")]
    assert _relevant(ws, "2")[0][::2] == ("false", "earful-labels")  # re-scored at once
    assert _relevant(ws, "3")[0][::2] == ("true", "earful-labels")
    # posts labelled later learn from the same corrections
    ws.store().upsert_posts([make_post(id="4", text=FRUIT[1] + " and honey")])
    label_store(ws.store(), ws.config)
    assert _relevant(ws, "4")[0][0] == "false"
    # taking a correction back (the dashboard's way) re-scores again: one kind of example is
    # not enough to judge by, so the rules decide
    web_correct(ws.store(), ws.config, ws.store().post_rowid("x", "1") or 0, "relevant:apple", [])
    assert _relevant(ws, "2")[0][0] == "true"


def test_the_relevance_field_is_one_name_everywhere(ws: Workspace) -> None:
    """The labeller, corrections (by name or alias) and the insights read the same field;
    readers once looked for 'relevant:Acme Pulse' and so never saw the labels."""
    from earful.insights.scope import about
    from earful.store.insight_reads import label_fields, load_posts

    label_store(ws.store(), ws.config)
    product = ws.config.products[0]
    assert product.relevance_field == "relevant:acme pulse"
    assert product.relevance_field in label_fields(ws.store().conn)
    _post, parsed = correct(ws.store(), ws.config, "x:1", ["relevant:pulse=false"])  # an alias
    assert parsed == {"relevant:acme pulse": ["false"]}
    fields = label_fields(ws.store().conn)
    posts = {p.rowid: p for p in load_posts(ws.store().conn, None, None)}
    rowid = ws.store().post_rowid("x", "1") or 0
    assert not about(posts[rowid], product, fields)  # the correction wins, the name alone would not
