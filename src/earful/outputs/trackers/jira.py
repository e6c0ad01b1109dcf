"""Jira Cloud (REST v3): ``[trackers.jira] base_url``, ``project`` (key) and ``issue_type``
(default ``Task``); basic auth with ``EARFUL_JIRA_EMAIL`` and the API token in
``EARFUL_JIRA_API_TOKEN`` (or ``email_env`` / ``token_env``).

Open issues: JQL ``project = KEY AND statusCategory != Done`` on ``GET /rest/api/3/search``;
create: ``POST /rest/api/3/issue``; comment: ``POST /rest/api/3/issue/{key}/comment``.
Bodies are Atlassian Document Format (one paragraph per line, links as ``link`` marks).
An issue is closed when its status category is ``done``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from earful.errors import ConnectorError
from earful.outputs.trackers.base import Issue, Tracker

if TYPE_CHECKING:
    from earful.connectors.http import HttpClient

_URL = re.compile(r"https?://[^\s<>\"')]+")


class Jira(Tracker):
    name: ClassVar[str] = "jira"
    secret_keys: ClassVar[Mapping[str, str]] = {
        "email": "EARFUL_JIRA_EMAIL",
        "token": "EARFUL_JIRA_API_TOKEN",
    }

    def secrets(self) -> list[str]:
        found = super().secrets()
        if len(found) == 2:  # the basic-auth value itself is a secret too
            found.append(base64.b64encode(f"{found[0]}:{found[1]}".encode()).decode())
        return found

    def authorize(self, http: HttpClient) -> None:
        pair = f"{self.secret('email')}:{self.secret('token')}"
        http.set_header("Authorization", "Basic " + base64.b64encode(pair.encode()).decode())
        http.set_header("Accept", "application/json")

    @property
    def project(self) -> str:
        return str(self.option("project"))

    def open_issues(self, limit: int = 500) -> list[Issue]:
        out: list[Issue] = []
        jql = f'project = "{self.project}" AND statusCategory != Done ORDER BY created DESC'
        while len(out) < limit:
            body = self.http.get_json(
                "/rest/api/3/search",
                params={
                    "jql": jql,
                    "startAt": len(out),
                    "maxResults": 100,
                    "fields": "summary,description,status",
                },
            )
            issues = body.get("issues") if isinstance(body, Mapping) else None
            if not isinstance(issues, list):
                raise ConnectorError("jira: the search response has no 'issues' list")
            out += [self._issue(i) for i in issues]
            if not issues or len(out) >= int(body.get("total", 0)):
                break
        return out[:limit]

    def create(self, title: str, body: str) -> Issue:
        fields = {
            "project": {"key": self.project},
            "summary": title[:250],
            "description": adf(body),
            "issuetype": {"name": str(self.option("issue_type", "Task"))},
        }
        labels = self.option("labels")
        if labels:
            fields["labels"] = [str(x).replace(" ", "-") for x in labels]
        data = self.http.post_json(
            "/rest/api/3/issue", json_body={"fields": fields}, idempotent=False
        )
        if not isinstance(data, Mapping) or "key" not in data:
            raise ConnectorError("jira: the create response has no issue key")
        key = str(data["key"])
        return Issue(key, key, title, body, self.browse(key), "open")

    def comment(self, issue: Issue, body: str) -> str:
        data = self.http.post_json(
            f"/rest/api/3/issue/{issue.key}/comment",
            json_body={"body": adf(body)},
            idempotent=False,
        )
        cid = data.get("id") if isinstance(data, Mapping) else None
        return f"{issue.url}?focusedCommentId={cid}" if cid else issue.url

    def states(self, ids: Sequence[str]) -> dict[str, str]:
        out = {}
        for key in ids:
            try:
                data = self.http.get_json(f"/rest/api/3/issue/{key}", params={"fields": "status"})
            except ConnectorError as exc:
                if "HTTP 404" in str(exc):
                    continue
                raise
            out[key] = self._issue(data).state
        return out

    def browse(self, key: str) -> str:
        return f"{self.base_url}/browse/{key}"

    def _issue(self, data: Any) -> Issue:
        if not isinstance(data, Mapping) or "key" not in data:
            raise ConnectorError("jira: the response is not an issue")
        fields = data.get("fields") or {}
        status = fields.get("status") or {}
        category = (status.get("statusCategory") or {}).get("key")
        key = str(data["key"])
        return Issue(
            id=key,
            key=key,
            title=str(fields.get("summary") or ""),
            body=adf_text(fields.get("description")),
            url=self.browse(key),
            state="closed" if category == "done" else "open",
        )


def adf(text: str) -> dict[str, Any]:
    """Plain text as an ADF document: one paragraph per line, URLs as links."""
    content = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts: list[dict[str, Any]] = []
        pos = 0
        for m in _URL.finditer(line):
            if m.start() > pos:
                parts.append({"type": "text", "text": line[pos : m.start()]})
            url = m.group(0)
            parts.append(
                {"type": "text", "text": url, "marks": [{"type": "link", "attrs": {"href": url}}]}
            )
            pos = m.end()
        if pos < len(line):
            parts.append({"type": "text", "text": line[pos:]})
        content.append({"type": "paragraph", "content": parts})
    return {"type": "doc", "version": 1, "content": content}


def adf_text(node: Any) -> str:
    """The text of an ADF document (or a plain string from API v2)."""
    if isinstance(node, str):
        return node
    if not isinstance(node, Mapping):
        return ""
    if node.get("type") == "text":
        return str(node.get("text") or "")
    inner = " ".join(adf_text(c) for c in node.get("content") or [])
    return inner + ("\n" if node.get("type") == "paragraph" else "")
