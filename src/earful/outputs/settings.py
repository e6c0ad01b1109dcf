"""The ``[outputs]``, ``[[channels]]`` and ``[trackers.*]`` sections of ``earful.toml``.

Only names of environment variables (``*_env`` keys) may point at secrets: a key that looks
like a secret (token, password, webhook URL ...) is refused with the ``*_env`` spelling to use.
Parsed by :func:`earful.config.parse_config`; errors read "config key 'x': reason".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from earful.errors import ConfigError

CHANNEL_KINDS = ("email", "slack", "webhook")
CHANNEL_SENDS = ("alerts", "digest")
SEVERITIES = ("low", "medium", "high")
TRACKERS = ("github", "jira", "linear")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_SECRETISH = ("token", "password", "secret", "api_key", "apikey", "bearer", "key")
_URL = re.compile(r"^https?://[^\s/]+")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

Fail = Callable[[str, str], ConfigError]


@dataclass(frozen=True, slots=True)
class OutputSettings:
    """When the digest is due and which alerts are worth sending."""

    digest_at: str = "08:00"  # UTC time of day
    digest_minutes: float = 10.0
    min_severity: str = "medium"
    max_attempts: int = 8
    retry_base_s: float = 60.0


@dataclass(frozen=True, slots=True)
class Channel:
    name: str
    kind: str  # email | slack | webhook
    send: tuple[str, ...] = CHANNEL_SENDS
    min_severity: str | None = None
    url: str | None = None  # a webhook URL that is not secret
    env: Mapping[str, str] = field(default_factory=dict)  # key -> env var name
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TrackerSettings:
    name: str  # github | jira | linear
    base_url: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)


def parse_outputs(value: Any, fail: Fail) -> OutputSettings:
    if not isinstance(value, Mapping):
        raise fail("outputs", "must be a table")
    known = {"digest_at", "digest_minutes", "min_severity", "max_attempts", "retry_base_s"}
    _known_keys(value, known, "outputs", fail)
    out = OutputSettings()
    digest_at = value.get("digest_at", out.digest_at)
    if not isinstance(digest_at, str) or not _TIME.match(digest_at):
        raise fail("outputs.digest_at", 'must be a UTC time of day like "08:00"')
    minutes = _number(value, "digest_minutes", out.digest_minutes, "outputs", fail, 1, 240)
    severity = value.get("min_severity", out.min_severity)
    if severity not in SEVERITIES:
        raise fail("outputs.min_severity", f"must be one of {', '.join(SEVERITIES)}")
    attempts = _number(value, "max_attempts", out.max_attempts, "outputs", fail, 1, 100)
    base = _number(value, "retry_base_s", out.retry_base_s, "outputs", fail, 0, 86400)
    return OutputSettings(digest_at, float(minutes), severity, int(attempts), float(base))


def parse_channels(value: Any, fail: Fail) -> tuple[Channel, ...]:
    if not isinstance(value, list):
        raise fail("channels", "must be an array of tables ([[channels]])")
    channels: list[Channel] = []
    for i, raw in enumerate(value):
        key = f"channels[{i}]"
        if not isinstance(raw, Mapping):
            raise fail(key, "must be a table")
        name = raw.get("name")
        if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9_.-]{1,64}$", name):
            raise fail(f"{key}.name", "is required: letters, digits, '.', '_' or '-'")
        if any(c.name == name for c in channels):
            raise fail(f"{key}.name", f"duplicate channel name {name!r}")
        kind = raw.get("kind")
        if kind not in CHANNEL_KINDS:
            raise fail(f"{key}.kind", f"must be one of {', '.join(CHANNEL_KINDS)}")
        send = raw.get("send", list(CHANNEL_SENDS))
        if isinstance(send, str):
            send = [send]
        if not isinstance(send, list) or not send or any(s not in CHANNEL_SENDS for s in send):
            raise fail(f"{key}.send", f"must be a list of {', '.join(CHANNEL_SENDS)}")
        severity = raw.get("min_severity")
        if severity is not None and severity not in SEVERITIES:
            raise fail(f"{key}.min_severity", f"must be one of {', '.join(SEVERITIES)}")
        env, options = _split(raw, key, {"name", "kind", "send", "min_severity"}, fail)
        url = options.pop("url", None)
        if url is not None and (not isinstance(url, str) or not _URL.match(url)):
            raise fail(f"{key}.url", "must be an http(s) URL")
        if kind == "slack" and url is not None:
            raise fail(
                f"{key}.url", 'a Slack webhook URL is a secret; set url_env = "ENV_VAR" instead'
            )
        if kind in ("slack", "webhook") and url is None and "url" not in env:
            raise fail(f"{key}.url_env", f"a {kind} channel needs url_env (or url for webhook)")
        if kind == "email":
            _check_email(options, key, fail)
        channels.append(Channel(name, kind, tuple(send), severity, url, env, options))
    return tuple(channels)


def _check_email(options: dict[str, Any], key: str, fail: Fail) -> None:
    allowed = {"to", "from", "smtp_host", "smtp_port", "starttls", "ssl", "timeout"}
    for k in options:
        if k not in allowed:
            raise fail(f"{key}.{k}", f"unknown key (expected one of {', '.join(sorted(allowed))})")
    to = options.get("to")
    if isinstance(to, str):
        options["to"] = to = [to]
    if not isinstance(to, list) or not to or not all(isinstance(a, str) and "@" in a for a in to):
        raise fail(f"{key}.to", "must be a list of e-mail addresses")
    sender = options.get("from")
    if not isinstance(sender, str) or "@" not in sender:
        raise fail(f"{key}.from", "must be an e-mail address")
    host = options.get("smtp_host")
    if not isinstance(host, str) or not host.strip():
        raise fail(f"{key}.smtp_host", "is required for an email channel")
    port = options.get("smtp_port", 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise fail(f"{key}.smtp_port", "must be a port number")
    for flag in ("starttls", "ssl"):
        if not isinstance(options.get(flag, False), bool):
            raise fail(f"{key}.{flag}", "must be true or false")


def parse_trackers(value: Any, fail: Fail) -> dict[str, TrackerSettings]:
    if not isinstance(value, Mapping):
        raise fail("trackers", "must be a table ([trackers.github], [trackers.jira] ...)")
    out: dict[str, TrackerSettings] = {}
    required = {"github": ("repo",), "jira": ("project",), "linear": ("team_id",)}
    for name, raw in value.items():
        key = f"trackers.{name}"
        if name not in TRACKERS:
            raise fail(key, f"unknown tracker (known: {', '.join(TRACKERS)})")
        if not isinstance(raw, Mapping):
            raise fail(key, "must be a table")
        env, options = _split(raw, key, set(), fail)
        base_url = options.pop("base_url", None)
        if base_url is not None and (not isinstance(base_url, str) or not _URL.match(base_url)):
            raise fail(f"{key}.base_url", "must be an http(s) URL")
        for opt in required[name]:
            if not isinstance(options.get(opt), str) or not options[opt].strip():
                raise fail(f"{key}.{opt}", "is required and must not be empty")
        if name == "github" and not re.match(r"^[\w.-]+/[\w.-]+$", options["repo"]):
            raise fail(f"{key}.repo", 'must look like "owner/name"')
        if name == "jira" and base_url is None:
            raise fail(f"{key}.base_url", "is required (https://YOUR-SITE.atlassian.net)")
        out[name] = TrackerSettings(name, base_url, env, options)
    return out


def _split(
    raw: Mapping[str, Any], key: str, skip: set[str], fail: Fail
) -> tuple[dict[str, str], dict[str, Any]]:
    env: dict[str, str] = {}
    options: dict[str, Any] = {}
    for k, v in raw.items():
        if k in skip:
            continue
        if k.endswith("_env"):
            if not isinstance(v, str) or not _ENV_NAME.match(v):
                raise fail(f"{key}.{k}", "must name an environment variable (A-Z, 0-9, _)")
            env[k[: -len("_env")]] = v
        elif any(s in k.lower() for s in _SECRETISH):
            raise fail(
                f"{key}.{k}",
                f'secrets are not kept in the config; set {k}_env = "ENV_VAR_NAME" instead',
            )
        else:
            options[k] = v
    return env, options


def _known_keys(value: Mapping[str, Any], known: set[str], key: str, fail: Fail) -> None:
    for k in value:
        if k not in known:
            raise fail(f"{key}.{k}", f"unknown key (expected one of {', '.join(sorted(known))})")


def _number(
    value: Mapping[str, Any], k: str, default: float, key: str, fail: Fail, lo: float, hi: float
) -> float:
    v = value.get(k, default)
    if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
        raise fail(f"{key}.{k}", f"must be a number from {lo:g} to {hi:g}")
    return float(v)
