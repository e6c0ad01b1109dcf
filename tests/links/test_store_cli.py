"""Links stored for posts: collection, caching, regrouping by final URL, and `earful links`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from earful.cli import app
from earful.links import collect_links, process_links
from earful.links.guard import AddressPolicy
from earful.links.service import HostThrottle, expand_links
from earful.models import Post
from earful.store import links as db
from earful.workspace import Workspace

from .localserver import LocalServer, Reply, html


def _post(i: int, text: str, urls: tuple[str, ...] = ()) -> Post:
    return Post(
        source="x", id=str(i), created_at=datetime(2025, 5, i, tzinfo=UTC), text=text, urls=urls
    )


@pytest.fixture
def workspace(tmp_path: Path, server: LocalServer) -> Workspace:
    ws = Workspace.init(tmp_path / "ws")
    server.route("/s", Reply(301, {"Location": "/page?utm_source=short"}))
    server.route("/page", html("A &lt;good&gt; page [bold]x[/bold]"))
    server.route("/other", lambda m: Reply(405) if m == "HEAD" else html("Other"))
    ws.store().upsert_posts(
        [
            _post(1, f"short {server.url('/s')} pulse"),
            _post(2, f"direct {server.url('/page?utm_campaign=z')}"),
            _post(3, "no links at all, pulse"),
            _post(4, "entity only", urls=(server.url("/other#frag"),)),
        ]
    )
    return ws


def test_collect_is_idempotent_and_canonical(workspace: Workspace, server: LocalServer) -> None:
    store = workspace.store()
    report = collect_links(store)
    assert (report.posts, report.new) == (4, 3)
    assert report.links == [server.url("/s"), server.url("/page"), server.url("/other")]
    assert collect_links(store).new == 0
    assert collect_links(store, "pulse").links == [server.url("/s")]
    rows = db.get_links(store.conn, report.links)
    assert [r.fetched_at for r in rows] == [None, None, None]


def test_expand_stores_results_and_fetches_once(
    workspace: Workspace, server: LocalServer, test_policy: AddressPolicy
) -> None:
    store = workspace.store()
    report, rows = process_links(store, expand=True, policy=test_policy, workers=4)
    assert (report.fetched, report.failed) == (3, 0)
    by_url = {r.url: r for r in rows}
    short = by_url[server.url("/s")]
    assert short.canonical == server.url("/page") and short.hops == 1
    assert short.title == "A <good> page [bold]x[/bold]"
    assert by_url[server.url("/other")].title == "Other"
    # both posts now group under the final page
    assert len(db.posts_linking(store.conn, server.url("/page"))) == 2
    requests = len(server.seen)
    again, _ = process_links(store, expand=True, policy=test_policy)
    assert again.fetched == 0 and len(server.seen) == requests  # cached
    refreshed, _ = process_links(store, expand=True, policy=test_policy, refresh=True)
    assert refreshed.fetched == 3


def test_expand_refused_by_default_records_the_error(
    workspace: Workspace, server: LocalServer
) -> None:
    store = workspace.store()
    report, rows = process_links(store, expand=True, policy=AddressPolicy())
    assert report.failed == 3
    assert all(r.error and "loopback" in r.error for r in rows)
    assert server.seen == []


def test_host_throttle_spaces_requests(server: LocalServer, test_policy: AddressPolicy) -> None:
    import time

    from earful.store import open_store

    for i in range(4):
        server.route(f"/t{i}", html(f"T{i}"))
    with open_store(":memory:") as store:
        urls = [server.url(f"/t{i}") for i in range(4)]
        started = time.monotonic()
        done, failed = expand_links(
            store, urls, policy=test_policy, throttle=HostThrottle(per_host=1, interval=0.1)
        )
        assert (done, failed) == (4, 0)
        assert time.monotonic() - started >= 0.3
        assert [r.title for r in db.get_links(store.conn, urls)] == ["T0", "T1", "T2", "T3"]


def _cli(workspace: Workspace, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["links", *args, "--workspace", str(workspace.root)])
    return result.exit_code, result.output


def test_cli_refuses_local_server_by_default(workspace: Workspace, server: LocalServer) -> None:
    code, out = _cli(workspace, "--expand", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 3 and all("refused to connect" in r["error"] for r in rows)
    assert server.seen == []


def test_cli_with_allow_private_urls(workspace: Workspace, server: LocalServer) -> None:
    config = workspace.config_path.read_text(encoding="utf-8")
    workspace.config_path.write_text(
        config.replace("# allow_private_urls = false", "allow_private_urls = true"),
        encoding="utf-8",
    )
    code, out = _cli(workspace, "pulse", "--expand", "--json")
    assert code == 0, out
    (row,) = json.loads(out)
    assert row["url"] == server.url("/s") and row["canonical"] == server.url("/page")
    assert row["title"] == "A <good> page [bold]x[/bold]" and row["posts"] == 1
    code, out = _cli(workspace)
    assert code == 0
    assert "[bold]x[/bold]" in out  # shown literally, not as markup
    assert "3 link(s) in 4 post(s), 2 new" in out


def test_cli_bad_query_is_a_clear_error(workspace: Workspace) -> None:
    code, out = _cli(workspace, "(unclosed")
    assert code == 1 and "Error" in out
