"""Themes, alerts and share of voice through the API (library: earful.insights, outputs)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def _week(client: TestClient) -> dict[str, Any]:
    week: dict[str, Any] = client.get("/api/v1/ledger", params={"weeks": 1}).json()[0]
    return week


def _themes(client: TestClient) -> list[dict[str, Any]]:
    r = client.get("/api/v1/themes")
    assert r.status_code == 200
    found: list[dict[str, Any]] = r.json()
    return found


def test_themes_list_and_drill_down(client: TestClient) -> None:
    themes = _themes(client)
    assert len(themes) >= 2
    assert [t["posts"] for t in themes] == sorted((t["posts"] for t in themes), reverse=True)
    first = themes[0]
    assert {"id", "label", "posts", "authors", "sentiment", "trend", "filed"} <= first.keys()
    assert sum(first["trend"].values()) == first["posts"]
    detail = client.get(f"/api/v1/themes/{first['id']}").json()
    assert detail["id"] == first["id"] and detail["label"] == first["label"]
    assert len(detail["items"]) == min(100, detail["member_count"]) > 0
    assert {"source", "id", "text", "labels"} <= detail["items"][0].keys()
    assert client.get("/api/v1/themes/999999").status_code == 422
    assert client.get("/api/v1/themes", params={"product": "nope"}).json()["field"] == "product"


def test_rename_merge_split(client: TestClient) -> None:
    themes = _themes(client)
    a, b = themes[0]["id"], themes[1]["id"]
    r = client.put(f"/api/v1/themes/{a}/name", json={"name": "  Login   loops "})
    assert r.status_code == 200
    assert client.get(f"/api/v1/themes/{a}").json()["label"] == "Login loops"
    assert client.put(f"/api/v1/themes/{a}/name", json={"name": "   "}).status_code == 422
    size_a, size_b = themes[0]["posts"], themes[1]["posts"]
    assert client.post(f"/api/v1/themes/{a}/merge", json={"others": [b]}).status_code == 200
    merged = {t["id"]: t for t in _themes(client)}
    assert b not in merged and merged[a]["posts"] >= size_a + size_b - 2  # dups count once
    again = client.post(f"/api/v1/themes/{a}/merge", json={"others": [b]})
    assert again.status_code == 422 and "merged" in again.json()["error"]
    detail = client.get(f"/api/v1/themes/{a}").json()
    word = detail["items"][0]["text"].split()[1]
    r = client.post(
        f"/api/v1/themes/{a}/split",
        json={
            "posts": [f"{detail['items'][0]['source']}:{detail['items'][0]['id']}"],
            "name": f"split {word}",
        },
    )
    assert r.status_code == 200, r.text
    new_id = r.json()["new_theme"]
    new = client.get(f"/api/v1/themes/{new_id}").json()
    assert new["label"] == f"split {word}" and new["member_count"] >= 1
    assert client.post(f"/api/v1/themes/{a}/split", json={}).status_code == 422


def test_mark_filed_links_the_issue_and_logs_the_ledger(client: TestClient) -> None:
    theme = _themes(client)[-1]["id"]
    before = _week(client)
    url = "https://tracker.example/issues/42"
    r = client.post(f"/api/v1/themes/{theme}/file", json={"url": url, "minutes": 4})
    assert r.status_code == 200 and r.json()["ledger_id"]
    after = _week(client)
    assert after["issues_filed"] == before["issues_filed"] + 1
    assert after["minutes"] == before["minutes"] + 4
    filed = client.get(f"/api/v1/themes/{theme}").json()["filed"]
    assert [(f["tracker"], f["url"]) for f in filed] == [("manual", url)]
    assert any(f["url"] == url for t in _themes(client) for f in t["filed"])
    bad = client.post(f"/api/v1/themes/{theme}/file", json={"url": "javascript:alert(1)"})
    assert bad.status_code == 422 and bad.json()["field"] == "url"
    neither = client.post(f"/api/v1/themes/{theme}/file", json={})
    assert neither.status_code == 422
    unknown = client.post(f"/api/v1/themes/{theme}/file", json={"tracker": "github"})
    assert unknown.status_code == 422 and "trackers.github" in unknown.json()["field"]
    assert _week(client)["issues_filed"] == after["issues_filed"]


def test_alerts_explained_and_triaged(client: TestClient) -> None:
    alerts = client.get("/api/v1/alerts").json()
    assert alerts, "the demo plants an emerging issue"
    alert = alerts[0]
    assert alert["explanation"]["examples"] and alert["explanation"]["authors"] > 0
    path = f"/api/v1/alerts/{alert['id']}/state"
    assert client.post(path, json={"action": "acknowledge"}).json()["state"] == "acknowledged"
    assert client.post(path, json={"action": "resolve"}).json()["state"] == "resolved"
    assert alert["id"] not in [a["id"] for a in client.get("/api/v1/alerts").json()]
    every = client.get("/api/v1/alerts", params={"all": True}).json()
    assert alert["id"] in [a["id"] for a in every]
    assert client.post(path, json={"action": "reopen"}).json()["state"] == "new"
    assert client.post(path, json={"action": "close"}).status_code == 422
    missing = client.post("/api/v1/alerts/99999/state", json={"action": "resolve"})
    assert missing.status_code == 422 and missing.json()["field"] == "alert"


def test_refresh_keeps_user_edits(client: TestClient) -> None:
    theme = _themes(client)[0]["id"]
    client.put(f"/api/v1/themes/{theme}/name", json={"name": "Kept name"})
    r = client.post("/api/v1/themes/refresh")
    assert r.status_code == 200 and r.json()["products"]
    assert client.get(f"/api/v1/themes/{theme}").json()["label"] == "Kept name"


def test_share_of_voice(client: TestClient) -> None:
    body = client.get("/api/v1/voice").json()
    assert body["product"] and body["weeks"] == sorted(body["weeks"])
    assert body["product"] in body["posts"]
    for week in body["weeks"]:
        shares = [s[week] for s in body["share"].values() if week in s]
        assert abs(sum(shares) - 1.0) < 0.01
    assert sum(r["posts"] for r in body["rows"]) == sum(
        n for per in body["posts"].values() for n in per.values()
    )


def test_insight_pages_render(client: TestClient) -> None:
    themes = client.get("/themes")
    assert themes.status_code == 200 and 'data-theme="' in themes.text
    theme = _themes(client)[0]["id"]
    page = client.get(f"/themes/{theme}")
    assert page.status_code == 200 and "Mark as filed" in page.text
    assert client.get("/themes/999999").status_code == 404
    alerts = client.get("/alerts?all=1")
    assert alerts.status_code == 200 and 'data-alert="' in alerts.text
    assert 'id="chart-voice"' in client.get("/trends").text


def test_triage_actions_reach_the_ledger(client: TestClient) -> None:
    before = _week(client)
    alert = client.get("/api/v1/alerts").json()[0]
    client.post(f"/api/v1/alerts/{alert['id']}/state", json={"action": "acknowledge"})
    theme = _themes(client)[0]
    client.put(f"/api/v1/themes/{theme['id']}/name", json={"name": "Renamed by triage"})
    after = _week(client)
    assert after["triaged"] == before["triaged"] + 2
    assert after["minutes"] == before["minutes"] + 1.0
    assert after["outcomes"] == before["outcomes"]  # sorting is time spent, not an outcome
    bad = client.post("/api/v1/alerts/99999/state", json={"action": "resolve"})
    assert bad.status_code == 422 and _week(client)["triaged"] == after["triaged"]
