"""GitHub Issues (REST v3): ``[trackers.github] repo = "owner/name"``, token in
``EARFUL_GITHUB_TOKEN`` (or ``token_env``), sent as ``Authorization: Bearer``.

Open issues come from ``GET /repos/{o}/{r}/issues?state=open`` (pull requests skipped),
issues are created with ``POST /repos/{o}/{r}/issues`` (``labels`` option) and evidence is
added with ``POST /repos/{o}/{r}/issues/{n}/comments``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from earful.errors import ConnectorError
from earful.outputs.trackers.base import Issue, Tracker

if TYPE_CHECKING:
    from earful.connectors.http import HttpClient

PAGE = 100


class GitHub(Tracker):
    name: ClassVar[str] = "github"
    default_base_url: ClassVar[str] = "https://api.github.com"
    secret_keys: ClassVar[Mapping[str, str]] = {"token": "EARFUL_GITHUB_TOKEN"}

    @property
    def repo(self) -> str:
        return str(self.option("repo"))

    def authorize(self, http: HttpClient) -> None:
        http.set_header("Authorization", f"Bearer {self.secret('token')}")
        http.set_header("Accept", "application/vnd.github+json")
        http.set_header("X-GitHub-Api-Version", "2022-11-28")

    def open_issues(self, limit: int = 500) -> list[Issue]:
        out: list[Issue] = []
        page = 1
        while len(out) < limit:
            body = self.http.get_json(
                f"/repos/{self.repo}/issues",
                params={"state": "open", "per_page": PAGE, "page": page},
            )
            if not isinstance(body, list):
                raise ConnectorError("github: expected a list of issues")
            out += [_issue(i) for i in body if isinstance(i, Mapping) and "pull_request" not in i]
            if len(body) < PAGE:
                break
            page += 1
        return out[:limit]

    def create(self, title: str, body: str) -> Issue:
        payload: dict[str, Any] = {"title": title, "body": body}
        labels = self.option("labels")
        if labels:
            payload["labels"] = list(labels)
        path = f"/repos/{self.repo}/issues"
        return _issue(self.http.post_json(path, json_body=payload, idempotent=False))

    def comment(self, issue: Issue, body: str) -> str:
        data = self.http.post_json(
            f"/repos/{self.repo}/issues/{issue.id}/comments",
            json_body={"body": body},
            idempotent=False,
        )
        return str(data.get("html_url") or issue.url) if isinstance(data, Mapping) else issue.url

    def states(self, ids: Sequence[str]) -> dict[str, str]:
        out = {}
        for number in ids:
            try:
                data = self.http.get_json(f"/repos/{self.repo}/issues/{number}")
            except ConnectorError as exc:
                if "HTTP 404" in str(exc) or "HTTP 410" in str(exc):
                    continue
                raise
            out[number] = _issue(data).state
        return out


def _issue(data: Any) -> Issue:
    if not isinstance(data, Mapping) or "number" not in data:
        raise ConnectorError("github: the response is not an issue")
    number = str(data["number"])
    return Issue(
        id=number,
        key=f"#{number}",
        title=str(data.get("title") or ""),
        body=str(data.get("body") or ""),
        url=str(data.get("html_url") or ""),
        state="closed" if data.get("state") == "closed" else "open",
    )
