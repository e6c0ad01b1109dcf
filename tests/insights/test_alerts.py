from __future__ import annotations

import json
from datetime import timedelta

from typer.testing import CliRunner

from earful.cli import app
from earful.insights.alerts import detect_alerts, set_state
from earful.insights.scope import Scope
from earful.insights.themes import update_themes
from earful.store.insights import list_alerts

from .conftest import END, Ws, post, spread


def _build(ws: Ws) -> None:
    base_start = END - timedelta(days=31)
    for topic in ("sync", "darkmode"):
        ws.add(spread(topic, 28, base_start, 28, "base"))
    window = END - timedelta(days=2, hours=20)
    planted = [post("webhook", window + timedelta(hours=9 * i), f"cust{i}", n=i) for i in range(6)]
    ws.add(planted)
    # a spam bot and the product's own account say it too: they must not count
    ws.add([post("webhook", window + timedelta(hours=3), "bot1", n=1)], spam=True)
    farm = post("webhook", window + timedelta(hours=4), "farm1", n=2)
    farm["author"] = {"id": "farm1", "handle": "farm1", "followers": 3, "following": 5000}
    ws.add([farm, post("webhook", window + timedelta(hours=5), "widgety_team", n=3)])


def test_novel_issue_alert_explains_itself(ws: Ws) -> None:
    _build(ws)
    update_themes(ws.store, ws.config, Scope("Widgety"), min_size=3)
    alerts = detect_alerts(ws.store, ws.config, now=END)
    assert alerts, "the planted issue must raise an alert"
    top = alerts[0]
    assert top.kind == "novel_phrase"
    assert "webhook" in top.subject or "retries" in top.subject
    e = top.explanation
    assert e["authors"] == 6  # spam, follow-farm and own account left out
    authors = {x["author"] for x in e["examples"]}
    assert len(authors) == len(e["examples"]) == 3
    assert not authors & {"bot1", "farm1", "widgety_team"}
    assert e["since"].startswith((END - timedelta(days=2, hours=20)).date().isoformat())
    assert e["expected_authors"] == 0
    assert e["negative_share"] == 1.0
    assert top.severity in {"medium", "high"}
    assert sum(e["daily"].values()) == 6
    # no alert for the steady themes
    assert all("sync" not in a.subject and "dark" not in a.subject for a in alerts)


def test_alerts_are_deduplicated_and_keep_state(ws: Ws) -> None:
    _build(ws)
    first = detect_alerts(ws.store, ws.config, now=END)
    again = detect_alerts(ws.store, ws.config, now=END + timedelta(hours=1))
    assert [a.id for a in again] == [a.id for a in first]
    set_state(ws.store, first[0].id, "acknowledged")
    again = detect_alerts(ws.store, ws.config, now=END + timedelta(hours=2))
    assert again[0].state == "acknowledged"
    set_state(ws.store, first[0].id, "resolved")
    assert not [a for a in list_alerts(ws.store.conn) if a.id == first[0].id]
    ws.add([post("webhook", END + timedelta(hours=3), "cust99", n=4)])
    reopened = detect_alerts(ws.store, ws.config, now=END + timedelta(hours=4))
    assert reopened[0].id == first[0].id and reopened[0].state == "new"


def test_cli_json_and_errors(ws: Ws) -> None:
    _build(ws)
    runner = CliRunner()
    root = str(ws.ws.root)
    res = runner.invoke(app, ["themes", "-w", root, "-p", "widgety", "--json"])
    assert res.exit_code == 0, res.output
    themes = json.loads(res.stdout)
    members = [m for t in themes for m in t["members"]]
    assert len(members) == len(set(members)) >= 60
    res = runner.invoke(app, ["alerts", "-w", root, "--now", END.isoformat(), "--json"])
    assert res.exit_code == 0, res.output
    (alert,) = json.loads(res.stdout)
    res = runner.invoke(app, ["alerts", "ack", str(alert["id"]), "-w", root, "--json"])
    assert json.loads(res.stdout)["state"] == "acknowledged"
    res = runner.invoke(app, ["alerts", "ack", "999", "-w", root])
    assert res.exit_code == 1 and "no alert 999" in res.output
    res = runner.invoke(app, ["themes", "-w", root, "--since", "yesterday"])
    assert res.exit_code == 1 and "--since" in res.output
    res = runner.invoke(app, ["voice", "-w", root, "--json"])
    rows = json.loads(res.stdout)
    assert sum(r["posts"] for r in rows if r["brand"] == "Widgety") >= 60
