"""Today, the answer queue and the ROI ledger through the API (library: earful.engage)."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _this_week(client: TestClient) -> dict[str, object]:
    weeks = client.get("/api/v1/ledger", params={"weeks": 1}).json()
    assert len(weeks) == 1
    week: dict[str, object] = weeks[0]
    return week


def test_digest_plans_within_the_budget(client: TestClient) -> None:
    body = client.get("/api/v1/digest", params={"minutes": 10}).json()
    assert body["items"] and body["planned_minutes"] <= 10
    assert {"section", "title", "minutes", "why"} <= body["items"][0].keys()
    assert client.get("/api/v1/digest", params={"minutes": 0}).status_code == 422


def test_answering_moves_the_item_and_logs_the_ledger(client: TestClient) -> None:
    queue = client.get("/api/v1/queue").json()
    assert queue and queue[0]["state"] == "new"
    key = queue[0]["key"]
    before = _this_week(client)
    r = client.post(f"/api/v1/queue/{key}/state", json={"state": "answered", "minutes": 5})
    assert r.status_code == 200 and r.json()["state"] == "answered" and r.json()["ledger_id"]
    assert key not in [i["key"] for i in client.get("/api/v1/queue").json()]
    assert key in [
        i["key"] for i in client.get("/api/v1/queue", params={"status": "answered"}).json()
    ]
    after = _this_week(client)
    assert after["answers_sent"] == int(before["answers_sent"]) + 1  # type: ignore[call-overload]
    assert after["minutes"] == float(before["minutes"]) + 5  # type: ignore[arg-type]
    r = client.post(f"/api/v1/queue/{key}/state", json={"state": "new"})
    assert r.status_code == 200 and "ledger_id" not in r.json()


def test_queue_state_input_is_checked(client: TestClient) -> None:
    assert client.post("/api/v1/queue/x:1/state", json={"state": "done"}).status_code == 422
    r = client.post("/api/v1/queue/x:no-such-post/state", json={"state": "dismissed"})
    assert r.status_code == 422 and r.json()["field"] == "item"
    r = client.post("/api/v1/queue/nokey/state", json={"state": "dismissed"})
    assert r.status_code == 422


def test_ledger_log_action(client: TestClient) -> None:
    before = _this_week(client)
    r = client.post("/api/v1/ledger", json={"action": "filed", "target": "gh#12", "minutes": 7})
    assert r.status_code == 200
    assert _this_week(client)["issues_filed"] == int(before["issues_filed"]) + 1  # type: ignore[call-overload]
    bad = client.post("/api/v1/ledger", json={"action": "tweeted", "minutes": 1})
    assert bad.status_code == 422


def test_today_and_queue_pages(client: TestClient) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/today"
    today = client.get("/today")
    assert today.status_code == 200 and "Return on time" in today.text
    queue = client.get("/queue")
    assert queue.status_code == 200 and 'data-key="' in queue.text
