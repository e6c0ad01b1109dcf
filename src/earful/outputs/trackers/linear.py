"""Linear (GraphQL at ``/graphql``): ``[trackers.linear] team_id``, API key in
``EARFUL_LINEAR_API_KEY`` (or ``api_key_env``), sent as ``Authorization: <key>``.

Open issues: the ``issues`` query filtered on the team and on state types other than
``completed`` and ``canceled``; create: ``issueCreate``; comment: ``commentCreate``. GraphQL
errors (HTTP 200 with ``errors``) become :class:`~earful.errors.ConnectorError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from earful.errors import AuthError, ConnectorError, RateLimited
from earful.outputs.trackers.base import Issue, Tracker

if TYPE_CHECKING:
    from earful.connectors.http import HttpClient

_FIELDS = "id identifier title description url state { type name }"
OPEN_ISSUES = (
    "query OpenIssues($team: ID!, $after: String) { issues(first: 100, after: $after, filter:"
    ' { team: { id: { eq: $team } }, state: { type: { nin: ["completed", "canceled"] } } })'
    f" {{ nodes {{ {_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}"
)
CREATE = (
    "mutation Create($input: IssueCreateInput!) { issueCreate(input: $input)"
    f" {{ success issue {{ {_FIELDS} }} }} }}"
)
COMMENT = (
    "mutation Comment($input: CommentCreateInput!) { commentCreate(input: $input)"
    " { success comment { id url } } }"
)
STATES = (
    "query States($ids: [ID!]) { issues(first: 100, filter: { id: { in: $ids } })"
    f" {{ nodes {{ {_FIELDS} }} }} }}"
)


class Linear(Tracker):
    name: ClassVar[str] = "linear"
    default_base_url: ClassVar[str] = "https://api.linear.app"
    secret_keys: ClassVar[Mapping[str, str]] = {"api_key": "EARFUL_LINEAR_API_KEY"}

    def authorize(self, http: HttpClient) -> None:
        http.set_header("Authorization", self.secret("api_key"))

    def graphql(
        self, query: str, variables: Mapping[str, Any], *, mutation: bool = False
    ) -> Mapping[str, Any]:
        """Run ``query``; a ``mutation`` (creating an issue or comment) is never resent once it
        may have reached Linear (see ``HttpClient.post_json``)."""
        body = self.http.post_json(
            "/graphql",
            json_body={"query": query, "variables": variables},
            idempotent=not mutation,
        )
        if not isinstance(body, Mapping):
            raise ConnectorError("linear: the response is not a GraphQL result")
        errors = body.get("errors")
        if errors:
            first = errors[0] if isinstance(errors, list) and errors else {}
            message = str(first.get("message", first)) if isinstance(first, Mapping) else str(first)
            code = (first.get("extensions") or {}).get("code") if isinstance(first, Mapping) else ""
            text = self.http.redact(f"linear: {message} ({code or 'error'})")
            if code == "RATELIMITED":
                raise RateLimited(text, retry_after=60.0)
            if code in ("AUTHENTICATION_ERROR", "FORBIDDEN"):
                raise AuthError(text)
            raise ConnectorError(text)
        data = body.get("data")
        if not isinstance(data, Mapping):
            raise ConnectorError("linear: the response holds no data")
        return data

    def open_issues(self, limit: int = 500) -> list[Issue]:
        out: list[Issue] = []
        after = None
        while len(out) < limit:
            data = self.graphql(OPEN_ISSUES, {"team": self.option("team_id"), "after": after})
            conn = data.get("issues") or {}
            out += [_issue(n) for n in conn.get("nodes") or []]
            info = conn.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                break
            after = info.get("endCursor")
        return out[:limit]

    def create(self, title: str, body: str) -> Issue:
        payload: dict[str, Any] = {
            "teamId": self.option("team_id"),
            "title": title,
            "description": body,
        }
        if self.option("label_ids"):
            payload["labelIds"] = list(self.option("label_ids"))
        result = self.graphql(CREATE, {"input": payload}, mutation=True).get("issueCreate") or {}
        if not result.get("success"):
            raise ConnectorError("linear: issueCreate did not succeed")
        return _issue(result.get("issue"))

    def comment(self, issue: Issue, body: str) -> str:
        result = self.graphql(
            COMMENT, {"input": {"issueId": issue.id, "body": body}}, mutation=True
        )
        created = result.get("commentCreate") or {}
        if not created.get("success"):
            raise ConnectorError("linear: commentCreate did not succeed")
        return str((created.get("comment") or {}).get("url") or issue.url)

    def states(self, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for start in range(0, len(ids), 100):
            data = self.graphql(STATES, {"ids": list(ids[start : start + 100])})
            for node in (data.get("issues") or {}).get("nodes") or []:
                issue = _issue(node)
                out[issue.id] = issue.state
        return out


def _issue(node: Any) -> Issue:
    if not isinstance(node, Mapping) or "id" not in node:
        raise ConnectorError("linear: the response is not an issue")
    state_type = (node.get("state") or {}).get("type")
    return Issue(
        id=str(node["id"]),
        key=str(node.get("identifier") or node["id"]),
        title=str(node.get("title") or ""),
        body=str(node.get("description") or ""),
        url=str(node.get("url") or ""),
        state="closed" if state_type in ("completed", "canceled") else "open",
    )
