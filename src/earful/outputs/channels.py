"""Senders for each channel kind: SMTP e-mail (text + HTML), Slack incoming webhooks, JSON
webhooks. Each raises :class:`~earful.errors.ConnectorError` (secrets redacted) on failure.

Credentials come from the environment only, named by the channel's ``*_env`` keys:
``username_env``/``password_env`` (SMTP), ``url_env`` (Slack, or a secret webhook URL),
and ``token_env`` (webhook ``Authorization: Bearer``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from earful.errors import AuthError, ConfigError, ConnectorError

if TYPE_CHECKING:
    from earful.connectors.http import HttpClient
    from earful.outputs.settings import Channel
    from earful.store.outputs import OutboxRow


class Senders:
    """The senders for one delivery run: environment and HTTP options bound once."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        channels: Sequence[Channel] = (),
        **http_options: Any,
    ) -> None:
        self.env: Mapping[str, str] = os.environ if env is None else env
        self.http_options = http_options
        self._clients: dict[str, HttpClient] = {}
        # every channel's credentials are redacted everywhere (a server may echo another's)
        self.all_secrets = [s for c in channels for s in self.secrets(c)]

    def table(self) -> dict[str, Callable[[Channel, OutboxRow], None]]:
        return {"email": self.email, "slack": self.slack, "webhook": self.webhook}

    def secret(self, channel: Channel, key: str, *, required: bool = True) -> str | None:
        var = channel.env.get(key)
        value = self.env.get(var) if var else None
        if not value and required:
            where = f"channels '{channel.name}'"
            if var is None:
                raise ConfigError(f"{where}.{key}_env", "no environment variable named")
            raise AuthError(f"{channel.name}: set the environment variable {var}")
        return value

    def secrets(self, channel: Channel) -> list[str]:
        return [v for var in channel.env.values() if (v := self.env.get(var))]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def _http(self, channel: Channel) -> HttpClient:
        client = self._clients.get(channel.name)
        if client is None:
            from earful.connectors.http import HttpClient

            options = {"max_retries": 3, "max_rate_wait": 120.0, **self.http_options}
            client = HttpClient(
                channel.name, secrets=[*self.secrets(channel), *self.all_secrets], **options
            )
            self._clients[channel.name] = client
        return client

    # -- senders --------------------------------------------------------------------------
    def email(self, channel: Channel, row: OutboxRow) -> None:
        """Send a multipart/alternative message (text, then HTML) over SMTP."""
        import smtplib
        from email.message import EmailMessage
        from email.utils import formatdate, make_msgid

        from earful.connectors.http import redact

        opts = channel.options
        msg = EmailMessage()
        msg["Subject"] = row.subject
        msg["From"] = opts["from"]
        msg["To"] = ", ".join(opts["to"])
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=str(opts["from"]).rsplit("@", 1)[-1])
        msg["X-Earful-Ref"] = f"{row.kind}:{row.ref}"
        msg.set_content(row.body_text)
        msg.add_alternative(row.body_html, subtype="html")
        user = self.secret(channel, "username", required=False)
        password = self.secret(channel, "password", required=bool(user))
        host, port = str(opts["smtp_host"]), int(opts.get("smtp_port", 587))
        timeout = float(opts.get("timeout", 30.0))
        cls = smtplib.SMTP_SSL if opts.get("ssl") else smtplib.SMTP
        try:
            with cls(host, port, timeout=timeout) as smtp:
                if opts.get("starttls") and not opts.get("ssl"):
                    smtp.starttls()
                if user and password:
                    smtp.login(user, password)
                smtp.send_message(msg)
        except smtplib.SMTPAuthenticationError as exc:
            raise AuthError(f"{channel.name}: SMTP login refused ({exc.smtp_code})") from None
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            detail = redact(
                f"{type(exc).__name__}: {exc}", [*self.secrets(channel), *self.all_secrets]
            )
            raise ConnectorError(f"{channel.name}: SMTP {host}:{port}: {detail}") from None

    def slack(self, channel: Channel, row: OutboxRow) -> None:
        """POST ``{"text": ...}`` (Slack mrkdwn) to the incoming-webhook URL."""
        url = self.secret(channel, "url")
        body = json.loads(row.payload)
        self._http(channel).request("POST", str(url), json_body={"text": body["slack"]})

    def webhook(self, channel: Channel, row: OutboxRow) -> None:
        """POST the message as JSON, with ``Authorization: Bearer`` when ``token_env`` is set."""
        url = channel.url or self.secret(channel, "url")
        payload = json.loads(row.payload)
        body = {
            "kind": row.kind,
            "ref": row.ref,
            "subject": row.subject,
            "text": row.body_text,
            "data": payload.get("data"),
        }
        headers = {"Idempotency-Key": f"earful-{row.kind}-{row.ref}"}
        token = self.secret(channel, "token", required=False)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http(channel).request("POST", str(url), json_body=body, headers=headers)
