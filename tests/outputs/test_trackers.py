"""Filing themes into GitHub, Jira and Linear fakes on 127.0.0.1 speaking their real APIs:
duplicate search, issue creation, evidence comments, state sync and the closed loop."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from connectors.fakes.server import FakeServer, Fault, Request, Response
from earful.cli import app
from earful.errors import AuthError, ConnectorError, DeliveryUnknown, InputError
from earful.outputs.trackers.base import DUPLICATE_THRESHOLD, similarities
from earful.outputs.trackers.filing import (
    closed_loop,
    file_theme,
    links_for_theme,
    mark_loop_closed,
    sync_links,
)
from earful.store.engage import ledger

from .conftest import SECRET, make_workspace, seed_theme

REPO = "/repos/acme/pulse"


class FakeGitHub:
    def __init__(self, srv: FakeServer, issues: list[dict[str, Any]]) -> None:
        self.issues = {int(i["number"]): i for i in issues}
        self.comments: list[tuple[int, str]] = []
        self.srv = srv
        srv.route("GET", f"{REPO}/issues", self.list)
        srv.route("POST", f"{REPO}/issues", self.create)
        for n in range(1, 20):
            srv.route("POST", f"{REPO}/issues/{n}/comments", self.comment)
            srv.route("GET", f"{REPO}/issues/{n}", self.get)

    def _auth(self, r: Request) -> Response | None:
        if r.headers.get("authorization") != f"Bearer {SECRET}":
            return Response.json({"message": "Bad credentials"}, 401)
        assert r.headers["accept"] == "application/vnd.github+json"
        return None

    def list(self, r: Request) -> Response:
        if bad := self._auth(r):
            return bad
        assert r.arg("state") == "open"
        page = [i for i in self.issues.values() if i["state"] == "open"]
        return Response.json(page)

    def create(self, r: Request) -> Response:
        if bad := self._auth(r):
            return bad
        body = r.json()
        n = max(self.issues, default=0) + 1
        self.issues[n] = {
            "number": n,
            "title": body["title"],
            "body": body["body"],
            "state": "open",
            "html_url": f"https://github.com/acme/pulse/issues/{n}",
            "labels": body.get("labels"),
        }
        return Response.json(self.issues[n], 201)

    def comment(self, r: Request) -> Response:
        if bad := self._auth(r):
            return bad
        n = int(r.path.split("/")[-2])
        self.comments.append((n, r.json()["body"]))
        return Response.json({"id": 1, "html_url": f"https://github.com/c/{n}"}, 201)

    def get(self, r: Request) -> Response:
        if bad := self._auth(r):
            return bad
        n = int(r.path.rsplit("/", 1)[-1])
        return Response.json(self.issues[n]) if n in self.issues else Response.json({}, 404)


def gh_issue(n: int, title: str, body: str = "", state: str = "open") -> dict[str, Any]:
    return {
        "number": n,
        "title": title,
        "body": body,
        "state": state,
        "html_url": f"https://github.com/acme/pulse/issues/{n}",
    }


def gh_toml(url: str) -> str:
    return f"""
[trackers.github]
repo = "acme/pulse"
base_url = "{url}"
labels = ["feedback"]
"""


ENV = {"EARFUL_GITHUB_TOKEN": SECRET}


def test_files_a_new_issue_with_counts_authors_and_evidence(tmp_path: Path) -> None:
    with FakeServer() as srv:
        gh = FakeGitHub(srv, [gh_issue(1, "Dark mode for charts", "please add a dark theme")])
        ws = make_workspace(tmp_path / "ws", gh_toml(srv.url))
        theme = seed_theme(ws)
        asked: list[float] = []

        def choose(issue: Any, score: float) -> bool:
            asked.append(score)
            return True

        result = file_theme(ws, theme, "github", choose=choose, env=ENV)
        assert result.created and result.issue.key == "#2" and asked == []
        body = gh.issues[2]["body"]
        assert "Unique authors: 4" in body and "Posts: 4" in body
        assert "https://x.com/ana/status/100" in body and gh.issues[2]["labels"] == ["feedback"]
        assert "@\u200bsomeone" in body and "\\<script\\>" in body
        link = links_for_theme(ws, theme)[0]
        assert (link.issue_key, link.state, link.created) == ("#2", "open", True)
        assert [r.action for r in ledger(ws.store().conn)] == ["filed"]
        with pytest.raises(InputError, match="already linked to github #2"):
            file_theme(ws, theme, "github", env=ENV)
        ws.close()


def test_duplicate_gets_the_evidence_as_a_comment(tmp_path: Path) -> None:
    with FakeServer() as srv:
        gh = FakeGitHub(
            srv,
            [
                gh_issue(1, "Dark mode for charts"),
                gh_issue(7, "iOS login shows a blank screen", "Users cannot log in on iOS"),
            ],
        )
        ws = make_workspace(tmp_path / "ws", gh_toml(srv.url))
        theme = seed_theme(ws)
        seen: list[tuple[str, float]] = []

        def choose(issue: Any, score: float) -> bool:
            seen.append((issue.key, score))
            return True

        result = file_theme(ws, theme, "github", choose=choose, env=ENV)
        assert not result.created and result.issue.key == "#7" and seen[0][0] == "#7"
        assert seen[0][1] >= DUPLICATE_THRESHOLD and len(gh.issues) == 2
        assert gh.comments[0][0] == 7 and "https://x.com/ben/status/101" in gh.comments[0][1]
        assert links_for_theme(ws, theme)[0].created is False
        ws.close()


def test_new_flag_skips_the_search(tmp_path: Path) -> None:
    with FakeServer() as srv:
        gh = FakeGitHub(srv, [gh_issue(7, "iOS login shows a blank screen")])
        ws = make_workspace(tmp_path / "ws", gh_toml(srv.url))
        result = file_theme(ws, seed_theme(ws), "github", new=True, env=ENV)
        assert result.created and len(gh.issues) == 2
        assert not [r for r in srv.requests if r.method == "GET"]
        ws.close()


def test_a_create_that_may_have_happened_is_not_resent_and_the_rerun_finds_it(
    tmp_path: Path,
) -> None:
    with FakeServer() as srv:
        gh = FakeGitHub(srv, [])
        ws = make_workspace(tmp_path / "ws", gh_toml(srv.url))
        theme = seed_theme(ws)
        # GitHub makes the issue, then the connection drops before the reply
        srv.fault(Fault(drop=True, path=f"{REPO}/issues", method="POST"))
        with pytest.raises(DeliveryUnknown, match="may or may not have taken effect"):
            file_theme(ws, theme, "github", env=ENV)
        posts = [r for r in srv.requests if r.method == "POST"]
        assert len(posts) == 1 and len(gh.issues) == 1 and links_for_theme(ws, theme) == []
        # running it again finds that issue as a duplicate and comments instead of a second one
        result = file_theme(ws, theme, "github", choose=lambda issue, score: True, env=ENV)
        assert not result.created and result.issue.key == "#1" and len(gh.issues) == 1
        assert [n for n, _body in gh.comments] == [1]
        ws.close()


def test_refused_credentials_change_nothing_and_never_leak(tmp_path: Path) -> None:
    with FakeServer() as srv:
        FakeGitHub(srv, [])
        ws = make_workspace(tmp_path / "ws", gh_toml(srv.url))
        theme = seed_theme(ws)
        with pytest.raises(AuthError) as info:
            file_theme(ws, theme, "github", env={"EARFUL_GITHUB_TOKEN": "wrong-token-123"})
        assert "HTTP 401" in str(info.value) and "wrong-token-123" not in str(info.value)
        assert links_for_theme(ws, theme) == []
        with pytest.raises(AuthError, match="EARFUL_GITHUB_TOKEN"):
            file_theme(ws, theme, "github", env={})
        ws.close()


def test_sync_closed_issue_offers_draft_replies(tmp_path: Path) -> None:
    with FakeServer() as srv:
        gh = FakeGitHub(srv, [])
        ws = make_workspace(tmp_path / "ws", gh_toml(srv.url))
        theme = seed_theme(ws)
        file_theme(ws, theme, "github", new=True, env=ENV)
        assert sync_links(ws, env=ENV)[0][1] == "open" and closed_loop(ws) == []
        gh.issues[1]["state"] = "closed"
        assert sync_links(ws, env=ENV)[0][1] == "closed"
        assert links_for_theme(ws, theme)[0].closed_at is not None
        drafts = closed_loop(ws)
        assert sorted(d.author or "" for d in drafts) == ["ana", "ben", "cleo", "dev"]
        assert all(d.text.startswith(f"@{d.author} ") and len(d.text) <= 280 for d in drafts)
        assert {d.target for d in drafts} == {"x:100", "x:101", "x:102", "x:103"}
        mark_loop_closed(ws, theme, "github")
        assert closed_loop(ws) == []
        shown = CliRunner().invoke(app, ["themes", "--no-update", "--json", "-w", str(ws.root)])
        assert shown.exit_code == 0, shown.output
        issues = {t["id"]: t["issues"] for t in json.loads(shown.stdout)}[theme]
        assert [(i["tracker"], i["state"]) for i in issues] == [("github", "closed")]
        ws.close()


# -- Jira --------------------------------------------------------------------------------------


def test_jira_search_create_comment_with_basic_auth_and_adf(tmp_path: Path) -> None:
    basic = "Basic " + base64.b64encode(f"pm@acme.test:{SECRET}".encode()).decode()
    created: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []

    def search(r: Request) -> Response:
        assert r.headers["authorization"] == basic
        assert (r.arg("jql") or "").startswith('project = "PUL" AND statusCategory != Done')
        doc = {
            "type": "doc",
            "version": 1,
            "content": [
                {
                    "type": "paragraph",
                    "content": [{"type": "text", "text": "Export to CSV is slow"}],
                }
            ],
        }
        return Response.json(
            {
                "startAt": 0,
                "total": 1,
                "issues": [
                    {
                        "id": "10001",
                        "key": "PUL-1",
                        "fields": {
                            "summary": "Slow CSV export",
                            "description": doc,
                            "status": {"statusCategory": {"key": "new"}},
                        },
                    }
                ],
            }
        )

    def create(r: Request) -> Response:
        assert r.headers["authorization"] == basic
        created.append(r.json())
        return Response.json({"id": "10002", "key": "PUL-2", "self": "x"}, 201)

    def comment(r: Request) -> Response:
        comments.append(r.json())
        return Response.json({"id": "5"}, 201)

    def status(r: Request) -> Response:
        return Response.json(
            {
                "key": "PUL-2",
                "fields": {"status": {"name": "Done", "statusCategory": {"key": "done"}}},
            }
        )

    with FakeServer() as srv:
        srv.route("GET", "/rest/api/3/search", search)
        srv.route("POST", "/rest/api/3/issue", create)
        srv.route("POST", "/rest/api/3/issue/PUL-2/comment", comment)
        srv.route("GET", "/rest/api/3/issue/PUL-2", status)
        ws = make_workspace(
            tmp_path / "ws",
            f"""
[trackers.jira]
base_url = "{srv.url}"
project = "PUL"
issue_type = "Bug"
""",
        )
        env = {"EARFUL_JIRA_EMAIL": "pm@acme.test", "EARFUL_JIRA_API_TOKEN": SECRET}
        result = file_theme(ws, seed_theme(ws), "jira", choose=lambda i, s: True, env=env)
        assert result.created and result.issue.url == f"{srv.url}/browse/PUL-2"
        fields = created[0]["fields"]
        assert fields["project"] == {"key": "PUL"} and fields["issuetype"] == {"name": "Bug"}
        doc = fields["description"]
        assert doc["type"] == "doc" and doc["version"] == 1
        marks = [n for p in doc["content"] for n in p["content"] if n.get("marks")]
        assert marks and marks[0]["marks"][0]["attrs"]["href"].startswith("https://x.com/")
        assert sync_links(ws, env=env)[0][1] == "closed"
        ws.close()


# -- Linear ------------------------------------------------------------------------------------


def test_linear_graphql_create_errors_and_rate_limit(tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    def graphql(r: Request) -> Response:
        assert r.headers["authorization"] == SECRET  # Linear API keys: no "Bearer"
        body = r.json()
        calls.append(body)
        if "OpenIssues" in body["query"]:
            assert body["variables"]["team"] == "team-1"
            return Response.json(
                {
                    "data": {
                        "issues": {
                            "nodes": [
                                {
                                    "id": "u1",
                                    "identifier": "ENG-1",
                                    "title": "Add SSO",
                                    "description": "",
                                    "url": "https://linear.app/i/ENG-1",
                                    "state": {"type": "started"},
                                }
                            ],
                            "pageInfo": {"hasNextPage": False, "endCursor": None},
                        }
                    }
                }
            )
        if "issueCreate" in body["query"]:
            if not body["variables"]["input"]["title"].startswith("Feedback:"):
                return Response.json(
                    {"errors": [{"message": "bad input", "extensions": {"code": "INVALID_INPUT"}}]}
                )
            return Response.json(
                {
                    "data": {
                        "issueCreate": {
                            "success": True,
                            "issue": {
                                "id": "u2",
                                "identifier": "ENG-2",
                                "title": "t",
                                "description": "d",
                                "url": "https://linear.app/i/ENG-2",
                                "state": {"type": "backlog"},
                            },
                        }
                    }
                }
            )
        return Response.json({"errors": [{"message": "unknown"}]})

    sleeps: list[float] = []
    with FakeServer() as srv:
        srv.route("POST", "/graphql", graphql)
        srv.fault(Fault.rate_limited({"Retry-After": "1"}))
        ws = make_workspace(
            tmp_path / "ws",
            f"""
[trackers.linear]
base_url = "{srv.url}"
team_id = "team-1"
""",
        )
        env = {"EARFUL_LINEAR_API_KEY": SECRET}
        result = file_theme(ws, seed_theme(ws), "linear", env=env, sleep=sleeps.append)
        assert result.issue.key == "ENG-2" and sleeps and sleeps[0] >= 1
        assert calls[-1]["variables"]["input"]["teamId"] == "team-1"
        with pytest.raises(ConnectorError, match="linear: unknown"):
            sync_links(ws, env=env)
        ws.close()


def test_similarity_threshold_separates_related_from_unrelated() -> None:
    query = "iOS login fails with a blank screen; cannot log in on iphone after update"
    scores = similarities(
        query,
        [
            "Login broken on iOS: blank screen",
            "Dark mode for the charts page",
            "CSV export is slow for large workspaces",
        ],
    )
    assert scores[0] >= DUPLICATE_THRESHOLD > 0.1 > max(scores[1:])
