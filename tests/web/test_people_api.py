"""Experts and peers, articles and the share queue, the coach and conference mode via the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from earful.demo.generator import CONFERENCE_TAG, conference_days


def _week(client: TestClient) -> dict[str, Any]:
    week: dict[str, Any] = client.get("/api/v1/ledger", params={"weeks": 1}).json()[0]
    return week


def test_experts_and_peers_with_reasons(client: TestClient) -> None:
    people = client.get("/api/v1/experts", params={"limit": 5}).json()
    assert 0 < len(people) <= 5
    assert [p["score"] for p in people] == sorted((p["score"] for p in people), reverse=True)
    assert all(p["reasons"] for p in people)
    peers = client.get("/api/v1/experts", params={"peers": True}).json()
    assert peers and all("product manager" in " ".join(p["reasons"]) for p in peers)
    bad = client.get("/api/v1/experts", params={"topic": "acme ("})
    assert bad.status_code == 422 and bad.json()["column"]


def test_follow_logs_the_ledger(client: TestClient) -> None:
    before = _week(client)
    r = client.post("/api/v1/experts/follow", json={"network": "x", "handle": "@noahw"})
    assert r.status_code == 200 and r.json()["ledger_id"]
    assert _week(client)["follows"] == before["follows"] + 1
    assert (
        client.post("/api/v1/experts/follow", json={"network": "X Y", "handle": "a"}).status_code
        == 422
    )


def test_share_queue_and_share(client: TestClient) -> None:
    queue = client.get("/api/v1/articles", params={"queue": True}).json()
    assert queue and {"url", "sharers", "draft"} <= queue[0].keys()
    url = queue[0]["url"]
    before = _week(client)
    r = client.post("/api/v1/articles/share", json={"url": url, "note": queue[0]["draft"]})
    assert r.status_code == 200
    assert _week(client)["shares"] == before["shares"] + 1
    after = client.get("/api/v1/articles", params={"queue": True}).json()
    assert url not in [a["url"] for a in after]
    assert url in [a["url"] for a in client.get("/api/v1/articles").json()]


def test_coach(client: TestClient) -> None:
    reports = client.get("/api/v1/coach").json()
    assert reports and {"handle", "network", "posts", "advice"} <= reports[0].keys()
    one = client.get("/api/v1/coach", params={"handle": reports[0]["handle"]}).json()
    assert {r["handle"] for r in one} == {reports[0]["handle"]}
    missing = client.get("/api/v1/coach", params={"handle": "nobody_here"})
    assert missing.status_code == 422 and missing.json()["field"] == "handle"


def test_event(client: TestClient) -> None:
    start, end = conference_days()
    params = {"tag": CONFERENCE_TAG, "from": start.isoformat(), "to": end.isoformat()}
    whole = client.get("/api/v1/event", params={"tag": CONFERENCE_TAG}).json()
    assert whole["posts"] > 0 and whole["top_posts"] and CONFERENCE_TAG in whole["markdown"]
    first_day = client.get("/api/v1/event", params=params).json()
    assert 0 < first_day["posts"] <= whole["posts"]
    bad = client.get("/api/v1/event", params={**params, "from": "yesterday"})
    assert bad.status_code == 422 and bad.json()["field"] == "from"
    backwards = client.get(
        "/api/v1/event", params={**params, "from": end.isoformat(), "to": start.isoformat()}
    )
    assert backwards.status_code == 422


def test_people_pages_render(client: TestClient) -> None:
    assert 'data-handle="' in client.get("/people").text
    assert "product managers" in client.get("/people?peers=1").text
    assert "shared (s)" in client.get("/articles").text
    assert "Longest gap" in client.get("/coach").text
    page = client.get("/event", params={"tag": CONFERENCE_TAG})
    assert page.status_code == 200 and "Top posts" in page.text
    bad = client.get("/event", params={"tag": CONFERENCE_TAG, "from": "soon"})
    assert bad.status_code == 200 and "not an ISO date" in bad.text
    assert "status bad" in client.get("/people", params={"topic": "acme ("}).text
