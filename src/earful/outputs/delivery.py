"""Delivery: queue new alerts and the daily digest for each channel, then send what is due.

``earful watch`` calls :func:`deliver_due` after each round::

    from earful.outputs.delivery import deliver_due
    report = deliver_due(workspace, now)       # now: an aware datetime (UTC)
    # report.queued / report.results / report.errors

Which alerts: those in state ``new`` at or above the channel's ``min_severity`` (default
``[outputs] min_severity``), each sent once per channel (an alert that reopens keeps its id
and is not sent again). The digest: once per UTC day, from ``[outputs] digest_at`` on, built
by :func:`earful.engage.digest.build_digest` in ``[outputs] digest_minutes``. Messages are
rendered when queued (text, escaped HTML, Slack mrkdwn, JSON data), so a retry sends the
same content. Sending, retries and failures: :mod:`earful.outputs.outbox`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from earful.errors import EarfulError
from earful.outputs.outbox import SendResult, send_due
from earful.outputs.settings import SEVERITIES

if TYPE_CHECKING:
    from earful.outputs.settings import Channel
    from earful.store.insights import AlertRow
    from earful.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Message:
    kind: str  # "alert" | "digest"
    ref: str
    subject: str
    text: str
    html: str
    slack: str
    data: dict[str, Any]
    severity: str | None = None


@dataclass(slots=True)
class DeliveryReport:
    queued: int = 0
    results: list[SendResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(1 for r in self.results if r.state == "sent")

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.state != "sent")

    def to_dict(self) -> dict[str, Any]:
        return {
            "queued": self.queued,
            "sent": self.sent,
            "failed": self.failed,
            "results": [r.to_dict() for r in self.results],
            "errors": self.errors,
        }


def deliver_due(
    workspace: Workspace,
    now: datetime | None = None,
    *,
    env: Mapping[str, str] | None = None,
    digest: bool = True,
    **http_options: Any,
) -> DeliveryReport:
    """Queue what is new for every channel, then send every due message once."""
    from earful.outputs.channels import Senders

    now = (now or datetime.now(UTC)).astimezone(UTC)
    report = DeliveryReport()
    channels = workspace.config.channels
    if not channels:
        return report
    report.queued = queue_new(workspace, now, digest=digest, errors=report.errors)
    senders = Senders(env, channels, **http_options)
    try:
        report.results = send_due(workspace.store(), workspace.config, senders.table(), now)
    finally:
        senders.close()
    report.errors += [f"{r.channel}: {r.error}" for r in report.results if r.error]
    return report


def queue_new(
    workspace: Workspace, now: datetime, *, digest: bool = True, errors: list[str] | None = None
) -> int:
    """Put new alerts and (when due) today's digest in the outbox; returns rows added.

    A digest that cannot be built is reported in ``errors`` (and tried again next time);
    the alerts still go out."""
    from earful.store import insights as idb
    from earful.store import outputs as db

    store, config = workspace.store(), workspace.config
    idb.ensure_schema(store.conn)
    db.ensure_schema(store.conn)
    messages = [alert_message(a) for a in idb.list_alerts(store.conn, ("new",), limit=200)]
    if digest and any("digest" in c.send for c in config.channels) and _digest_due(workspace, now):
        try:
            messages.append(digest_message(workspace, now))
        except EarfulError as exc:
            log.warning("delivery: the digest could not be built: %s", exc)
            if errors is not None:
                errors.append(f"digest: {exc}")
    added = 0
    with store.transaction() as conn:
        for channel in config.channels:
            for m in messages:
                if not _wants(channel, m, config.outputs.min_severity):
                    continue
                added += db.enqueue(
                    conn,
                    channel=channel.name,
                    kind=m.kind,
                    ref=m.ref,
                    subject=m.subject,
                    body_text=m.text,
                    body_html=m.html,
                    payload=json.dumps({"slack": m.slack, "data": m.data}, ensure_ascii=False),
                    now=now,
                )
    return added


def _wants(channel: Channel, m: Message, default_severity: str) -> bool:
    if m.kind == "digest":
        return "digest" in channel.send
    if "alerts" not in channel.send:
        return False
    floor = SEVERITIES.index(channel.min_severity or default_severity)
    return SEVERITIES.index(m.severity or "low") >= floor


def _digest_due(workspace: Workspace, now: datetime) -> bool:
    from earful.store import outputs as db

    if now.strftime("%H:%M") < workspace.config.outputs.digest_at:
        return False
    last = db.last_ref(workspace.store().conn, "digest")
    return last is None or last < now.date().isoformat()


# -- rendering ---------------------------------------------------------------------------------


def alert_message(alert: AlertRow) -> Message:
    """An alert as text, escaped HTML, Slack mrkdwn and JSON data."""
    from earful.engage.render import esc, safe_href

    e = alert.explanation
    what = str(e.get("what") or alert.subject)
    product = f" ({alert.product})" if alert.product else ""
    head = f"[earful] {alert.severity} alert{product}: {what}"
    facts = (
        f"{e.get('authors', '?')} people, {e.get('posts', '?')} posts since"
        f" {str(e.get('since', ''))[:16]}"
    )
    if e.get("growth"):
        facts += f"; {e['growth']}x the usual"
    examples = [x for x in e.get("examples", []) if isinstance(x, Mapping)]
    text = [head, "", facts, ""]
    html = [f"<h2>{esc(head)}</h2>", f"<p>{esc(facts)}</p>", "<ul>"]
    slack = [f"*{_slack(head)}*", _slack(facts)]
    for x in examples:
        quote = " ".join(str(x.get("text", "")).split())[:280]
        who = f"@{x.get('author')}" if x.get("author") else "someone"
        url = safe_href(x.get("url"))
        text.append(f"- {who}: {quote}" + (f"\n  {url}" if url else ""))
        link = f' <a href="{esc(url)}">link</a>' if url else ""
        html.append(f"<li><b>{esc(who)}</b>: {esc(quote)}{link}</li>")
        more = f" <{_slack(url)}|link>" if url else ""
        slack.append(f"> {_slack(who)}: {_slack(quote)}{more}")
    html.append("</ul>")
    data = {
        "id": alert.id,
        "kind": alert.kind,
        "product": alert.product,
        "subject": alert.subject,
        "severity": alert.severity,
        "score": alert.score,
        "state": alert.state,
        "explanation": e,
    }
    return Message(
        "alert",
        str(alert.id),
        head,
        "\n".join(text),
        _page(head, "\n".join(html)),
        "\n".join(slack),
        data,
        alert.severity,
    )


def digest_message(workspace: Workspace, now: datetime) -> Message:
    """Today's digest via :func:`earful.engage.digest.build_digest` and its renderers."""
    from earful.engage import digest_render
    from earful.engage.digest import build_digest

    config = workspace.config
    built = build_digest(workspace.store(), config, minutes=config.outputs.digest_minutes)
    day = now.date().isoformat()
    subject = f"[earful] {config.name} digest for {day}"
    text = digest_render.text(built)
    return Message(
        "digest",
        day,
        subject,
        text,
        digest_render.html_page(built, config.name),
        _slack(text)[:39000],
        built.to_dict(),
    )


def _slack(text: str) -> str:
    """Slack's three control characters escaped (untrusted text cannot inject links)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _page(title: str, body: str) -> str:
    from earful.engage.render import esc

    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{esc(title)}</title></head><body>{body}</body></html>"
    )
