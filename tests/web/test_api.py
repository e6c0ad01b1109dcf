"""REST API in-process: search, validation, labels and corrections, sources, settings, charts."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from earful.store import open_store
from earful.workspace import Workspace
from tests.web.conftest import first_post


def test_search_returns_matching_posts_newest_first(client: TestClient) -> None:
    body = client.get("/api/v1/posts", params={"q": '"acme pulse"', "limit": 20}).json()
    assert body["limit"] == 20 and len(body["items"]) == 20 and body["has_more"]
    assert all("acme pulse" in p["text"].lower() for p in body["items"])
    times = [p["created_at"] for p in body["items"]]
    assert times == sorted(times, reverse=True)


def test_search_pages_do_not_overlap(client: TestClient) -> None:
    one = client.get("/api/v1/posts", params={"q": "acme", "limit": 10}).json()["items"]
    two = client.get("/api/v1/posts", params={"q": "acme", "limit": 10, "offset": 10}).json()
    ids = {(p["source"], p["id"]) for p in one}
    assert not ids & {(p["source"], p["id"]) for p in two["items"]}


def test_bad_query_is_422_with_column(client: TestClient) -> None:
    r = client.get("/api/v1/posts", params={"q": "acme ("})
    assert r.status_code == 422
    assert r.json()["column"] == 6 and "parenthesis" in r.json()["error"]


def test_validate_reports_ok_and_errors(client: TestClient) -> None:
    assert client.get("/api/v1/query/validate", params={"q": "acme -is:retweet"}).json() == {
        "ok": True,
        "error": None,
        "column": None,
    }
    bad = client.get("/api/v1/query/validate", params={"q": 'acme "open'}).json()
    assert bad["ok"] is False and bad["column"] == 6


def test_search_parameters_are_validated(client: TestClient) -> None:
    assert client.get("/api/v1/posts", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/posts", params={"order": "random"}).status_code == 422


def test_get_post_and_404(client: TestClient) -> None:
    post = first_post(client)
    r = client.get(f"/api/v1/posts/{post['source']}/{post['id']}")
    assert r.status_code == 200 and r.json()["text"] == post["text"]
    assert client.get("/api/v1/posts/x/no-such-id").status_code == 404


def test_correction_wins_then_removal_restores(client: TestClient, demo_dir: Path) -> None:
    post = first_post(client)
    url = f"/api/v1/posts/{post['source']}/{post['id']}/corrections/sentiment"
    body = client.put(url, json={"values": ["negative"]}).json()
    sentiment = [lab for lab in body["labels"] if lab["field"] == "sentiment"]
    assert sentiment == [
        {"field": "sentiment", "value": "negative", "score": None, "labeller": "user"}
    ]
    store = open_store(Path(demo_dir) / "earful.db")  # the same store the CLI reads
    try:
        assert store.count("sentiment:negative", context=None) >= 1
        rowid = store.post_rowid(str(post["source"]), str(post["id"]))
        rows = store.conn.execute(
            "SELECT value FROM corrections WHERE post_rowid = ?", (rowid,)
        ).fetchall()
        assert rows == [("negative",)]
    finally:
        store.close()
    body = client.delete(url).json()
    assert not [lab for lab in body["labels"] if lab["labeller"] == "user"]


def test_support_reply_correction(client: TestClient) -> None:
    post = first_post(client)
    url = f"/api/v1/posts/{post['source']}/{post['id']}/corrections/support_reply"
    body = client.put(url, json={"values": ["true"]}).json()
    assert [lab["value"] for lab in body["labels"] if lab["field"] == "support_reply"] == ["true"]
    assert client.put(url, json={"values": ["maybe"]}).status_code == 422
    client.delete(url)


def test_correction_input_is_checked(client: TestClient) -> None:
    post = first_post(client)
    base = f"/api/v1/posts/{post['source']}/{post['id']}/corrections"
    assert client.put(f"{base}/sentiment", json={"values": ["<b>"]}).status_code == 422
    assert client.put(f"{base}/sentiment", json={"values": []}).status_code == 200
    assert client.put(f"{base}/Bad-Field", json={"values": ["x"]}).status_code == 422
    assert client.put(f"{base}/sentiment", json={"value": "x"}).status_code == 422
    assert (
        client.put(
            "/api/v1/posts/x/nope/corrections/sentiment", json={"values": ["positive"]}
        ).status_code
        == 404
    )


def test_labels_lists_fields(client: TestClient) -> None:
    fields = client.get("/api/v1/labels").json()
    assert fields["sentiment"][:3] == ["negative", "neutral", "positive"]


def test_sources_show_state_cursors_and_credential_presence(
    client: TestClient, demo_dir: Path, monkeypatch: object
) -> None:
    from earful.store import syncstate

    store = open_store(demo_dir / "earful.db")
    try:
        with store.transaction() as conn:
            syncstate.add_progress(conn, "mastodon", posts=12, requests=3, quota=3)
            syncstate.record_error(conn, "mastodon", "HTTP 503 from server")
            syncstate.set_cursor(conn, "acme", "mastodon", {"since_id": "42"})
    finally:
        store.close()
    body = client.get("/api/v1/sources").json()
    mastodon = next(s for s in body["sources"] if s["source"] == "mastodon")
    assert mastodon["posts_collected"] >= 12 and mastodon["last_error"] == "HTTP 503 from server"
    assert {"watch": "acme", "source": "mastodon"}.items() <= body["cursors"][0].items()
    assert body["cursors"][0]["cursor"] == {"since_id": "42"}


def test_settings_show_products_and_watches(client: TestClient) -> None:
    body = client.get("/api/v1/settings").json()
    assert body["products"][0]["name"] == "Acme Pulse"
    assert body["watches"] and body["toml"].startswith("#")


def test_settings_save_validates_and_changes_nothing_on_error(
    client: TestClient, demo_dir: Path
) -> None:
    path = demo_dir / "earful.toml"
    before = path.read_text(encoding="utf-8")
    r = client.put("/api/v1/settings", json={"toml": before + "\n[[watches]]\nname = \n"})
    assert r.status_code == 422 and r.json()["line"] is not None
    r = client.put("/api/v1/settings", json={"toml": before + "\n[[products]]\nname = 3\n"})
    assert r.status_code == 422 and "products" in r.json()["field"]
    assert path.read_text(encoding="utf-8") == before
    new = before + '\n[[watches]]\nname = "extra"\nquery = "pulse csv"\nsources = ["hn"]\n'
    try:
        r = client.put("/api/v1/settings", json={"toml": new})
        assert r.status_code == 200
        assert "extra" in [w["name"] for w in r.json()["watches"]]
        assert Workspace.open(demo_dir).config.watch("extra") is not None
    finally:
        path.write_text(before, encoding="utf-8")


def test_chart_series_counts_posts_per_day(client: TestClient, demo_dir: Path) -> None:
    body = client.get("/api/v1/charts/series", params={"days": 3650}).json()
    total = sum(n for per_day in body["volume"].values() for n in per_day.values())
    store = open_store(demo_dir / "earful.db")
    try:
        assert total == store.count_posts()
    finally:
        store.close()
    q = client.get("/api/v1/charts/series", params={"q": "acme", "days": 30}).json()
    assert len(q["days"]) == 30
    assert client.get("/api/v1/charts/series", params={"days": 0}).status_code == 422


def test_openapi_lists_every_resource(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/posts",
        "/api/v1/query/validate",
        "/api/v1/sources",
        "/api/v1/settings",
        "/api/v1/charts/series",
        "/api/v1/labels",
        "/api/v1/posts/{source}/{post_id}/corrections/{field}",
    ):
        assert path in paths
    assert "/api/v1/posts" in client.get("/api/docs").text


SCRIPTS = ("common.js", "app.js", "actions.js")  # base.html's order: shared helpers first


def test_pages_render(client: TestClient) -> None:
    for page in ("/search?q=acme", "/trends", "/sources", "/settings", "/api/docs"):
        r = client.get(page)
        assert r.status_code == 200, page
        scripts = [f'<script src="/static/{js}" defer></script>' for js in SCRIPTS]
        assert all(tag in r.text for tag in scripts), page
        assert sorted(scripts, key=r.text.index) == scripts, page  # common.js first
    for js in SCRIPTS:
        r = client.get(f"/static/{js}")
        assert r.status_code == 200 and "javascript" in r.headers["content-type"], js
    search = client.get("/search", params={"q": "acme"}).text
    assert 'class="metrics"' in search and 'class="correct"' in search and "data-field=" in search
    bad = client.get("/search", params={"q": "acme ("})
    assert bad.status_code == 200 and "unbalanced parenthesis" in bad.text
