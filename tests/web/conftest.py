"""Web fixtures: a demo workspace, an app over it and an in-process client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from earful.demo.workspace import build_demo
from earful.web.app import create_app

LOCAL = "http://127.0.0.1"
TOKEN = "s3cret-token-for-tests-0123456789"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    build_demo(root, n_posts=600, label=False).workspace.close()
    seed_labels(root / "earful.db")
    seed_insights(root)
    return root


@pytest.fixture
def app(demo_dir: Path) -> FastAPI:
    return create_app(demo_dir)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=LOCAL) as c:
        c.get("/login")  # receives the CSRF cookie
        c.headers["X-CSRF-Token"] = c.cookies["earful_csrf"]
        yield c


def first_post(client: TestClient) -> dict[str, object]:
    items = client.get("/api/v1/posts", params={"q": "acme"}).json()["items"]
    assert items
    item: dict[str, object] = items[0]
    return item


def seed_labels(db: Path) -> None:
    """Model labels of our own on every post: sentiment by a keyword rule."""
    from earful.store import open_store

    store = open_store(db)
    try:
        with store.transaction() as conn:
            rows = conn.execute("SELECT rowid, norm FROM posts").fetchall()
            conn.executemany(
                "INSERT INTO labels (post_rowid, field, value, score, labeller, version,"
                " created_at) VALUES (?, 'sentiment', ?, 0.75, 'test-rule', '1', '2026-11-27')",
                [(r, "negative" if " broken " in f" {n} " else "neutral") for r, n in rows],
            )
    finally:
        store.close()


def seed_insights(root: Path) -> None:
    """Themes and alerts, as ``earful themes`` and ``earful alerts`` compute them."""
    from earful.insights.alerts import detect_alerts
    from earful.insights.scope import Scope
    from earful.insights.themes import update_themes
    from earful.workspace import Workspace

    ws = Workspace.open(root)
    try:
        for product in ws.config.products:
            update_themes(ws.store(), ws.config, Scope(product.name))
        detect_alerts(ws.store(), ws.config)
    finally:
        ws.close()
