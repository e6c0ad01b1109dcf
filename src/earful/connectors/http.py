"""The one HTTP layer every connector uses (httpx underneath).

It owns what every network needs and nobody should write twice:

* timeouts (connect, read) and ``follow_redirects``;
* retries with jittered exponential backoff for timeouts, dropped connections, 5xx, 408 and
  bodies that do not parse (truncated JSON); a request that must not happen twice
  (``idempotent=False``: creating a post) is retried only when it surely never arrived
  (connect errors, 408, 429) and otherwise raises :class:`~earful.errors.DeliveryUnknown`;
* 429 handling that reads each network's reset header: epoch seconds (X
  ``x-rate-limit-reset``, Bluesky ``RateLimit-Reset``), an ISO 8601 time (Mastodon
  ``X-RateLimit-Reset``), seconds remaining (Reddit ``x-ratelimit-reset``, ``Retry-After``);
  it waits when the wait is short enough, else raises :class:`~earful.errors.RateLimited`;
* clear errors: :class:`~earful.errors.AuthError` for 401/403,
  :class:`~earful.errors.ConnectorError` otherwise, each naming the source, the method, the
  (redacted) URL and the network's own message;
* one log line per request on ``logging.getLogger(__name__)`` with secrets redacted
  (credential values, ``Authorization`` headers, tokens in query strings, passwords in bodies);
* counters and the last rate-limit headers (:attr:`HttpClient.stats`) for ``earful sources``.

``sleep``, ``clock`` and ``rng`` are injectable so tests run without waiting.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar

from earful.errors import AuthError, ConnectorError, DeliveryUnknown, RateLimited

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)
T = TypeVar("T")

_SECRET_PARAM = re.compile(
    r"(?i)\b((?:access_|refresh_|id_|auth_|api_|client_|bearer_)?"
    r"(?:token|password|passwd|secret|api_key|apikey|key|jwt|code))=([^&\s\"']+)"
)
_SECRET_JSON = re.compile(
    r"(?i)(\"(?:[a-z_]*)(?:token|password|secret|jwt|key)\"\s*:\s*\")([^\"]*)(\")"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_KNOWN_SECRETS: set[str] = set()
_FILTER_INSTALLED = False

RATE_HEADERS = {
    "limit": ("x-rate-limit-limit", "ratelimit-limit", "x-ratelimit-limit"),
    "remaining": ("x-rate-limit-remaining", "ratelimit-remaining", "x-ratelimit-remaining"),
    "reset": ("x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset"),
    "used": ("x-ratelimit-used",),
}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with credential values, bearer tokens and secret-looking parameters hidden."""
    for secret in sorted({*secrets, *_KNOWN_SECRETS}, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    text = _BEARER.sub(lambda m: f"{m.group(1)} ***", text)
    text = _SECRET_PARAM.sub(lambda m: f"{m.group(1)}=***", text)
    return _SECRET_JSON.sub(lambda m: f"{m.group(1)}***{m.group(3)}", text)


class _RedactFilter(logging.Filter):
    """Redacts known secrets from httpx/httpcore's own log records (they log full URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def _register_secrets(secrets: Iterable[str]) -> None:
    global _FILTER_INSTALLED
    _KNOWN_SECRETS.update(s for s in secrets if s and len(s) >= 4)
    if not _FILTER_INSTALLED:
        for name in ("httpx", "httpcore"):
            logging.getLogger(name).addFilter(_RedactFilter())
        _FILTER_INSTALLED = True


@dataclass(slots=True)
class RateLimitState:
    """The last rate-limit headers seen (``reset_at`` is epoch seconds)."""

    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None
    used: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "limit": self.limit,
            "remaining": self.remaining,
            "reset_at": self.reset_at,
            "used": self.used,
        }


@dataclass(slots=True)
class HttpStats:
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    rate_limit: RateLimitState | None = None
    last_error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class _Transient(Exception):
    """A failure worth retrying (internal)."""


def parse_reset(value: str, now: float) -> float | None:
    """Seconds to wait given one reset header value, whatever its format.

    Epoch seconds (> 10^9), seconds remaining (smaller numbers), ISO 8601 times and HTTP
    dates are all understood; ``None`` if the value is none of these.
    """
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        return max(0.0, number - now) if number > 1e9 else max(0.0, number)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - now)


def reset_wait(headers: Mapping[str, str], now: float) -> float | None:
    """How long a 429 response asks us to wait, from ``Retry-After`` or a reset header."""
    for name in ("retry-after", *RATE_HEADERS["reset"]):
        raw = headers.get(name)
        if raw:
            wait = parse_reset(raw, now)
            if wait is not None:
                return wait
    return None


class HttpClient:
    """An httpx client bound to one source, with retries, rate limits and redacted logging."""

    def __init__(
        self,
        source: str,
        *,
        base_url: str = "",
        headers: Mapping[str, str] | None = None,
        secrets: Iterable[str] = (),
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 60.0,
        max_rate_wait: float = 900.0,
        max_rate_retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        import httpx

        from earful import __version__ as version

        self.source = source
        self.base_url = base_url.rstrip("/")
        self._secrets = [s for s in secrets if s]
        _register_secrets(self._secrets)
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_rate_wait = max_rate_wait
        self.max_rate_retries = max_rate_retries
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()
        self.stats = HttpStats()
        base_headers = {"User-Agent": user_agent or f"earful/{version} (+https://earful.dev)"}
        base_headers.update(headers or {})
        self._client = httpx.Client(
            headers=base_headers,
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            follow_redirects=True,
            transport=transport,
        )

    # -- configuration ------------------------------------------------------------------
    def add_secret(self, value: str) -> None:
        """Treat ``value`` (e.g. a session token obtained at run time) as a secret."""
        if value:
            self._secrets.append(value)
            _register_secrets([value])

    def set_header(self, name: str, value: str | None) -> None:
        if value is None:
            self._client.headers.pop(name, None)
        else:
            self._client.headers[name] = value

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"

    def backoff(self, attempt: int) -> float:
        """Jittered exponential backoff for retry ``attempt`` (0-based): in [d/2, d]."""
        delay = min(self.backoff_max, self.backoff_base * 2.0**attempt)
        return delay / 2 + self.rng.uniform(0, delay / 2)

    def close(self) -> None:
        self._client.close()

    # -- requests -----------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> httpx.Response:
        """Send a request with retries; returns any response with status < 400."""
        return self._retrying(method, path, params, json_body, data, headers, auth, lambda r: r)

    def get_json(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """GET and parse a JSON body; a body that does not parse is retried like a 5xx."""
        return self._retrying("GET", path, params, None, None, headers, None, _parse_json)

    def post_json(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        idempotent: bool = True,
    ) -> Any:
        """POST and parse a JSON body. ``idempotent=False`` for a request that creates
        something (a post): no retry once it may have reached the server."""
        return self._retrying(
            "POST", path, params, json_body, data, headers, auth, _parse_json, idempotent
        )

    def _retrying(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        json_body: Any,
        data: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        auth: tuple[str, str] | None,
        parse: Callable[[httpx.Response], T],
        idempotent: bool = True,
    ) -> T:
        import httpx

        # failures where the request never reached the server: safe to retry any request
        unsent = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
        attempt = 0
        rate_waits = 0
        while True:
            request = self._client.build_request(
                method,
                self.url(path),
                params=params,
                json=json_body,
                data=data,
                headers=headers,
            )
            if auth is not None:
                request.headers["Authorization"] = _basic(*auth)
            shown = f"{method} {self.redact(str(request.url))}"
            started = self.clock()
            try:
                response = self._client.send(request)
            except httpx.TransportError as exc:
                reason = f"{type(exc).__name__}: {self.redact(str(exc)) or 'no detail'}"
                if not idempotent and not isinstance(exc, unsent):
                    raise self._unknown(shown, reason) from None
                attempt = self._retry_or_raise(shown, reason, attempt)
                continue
            self.stats.requests += 1
            self._record_rate(response.headers)
            log.info(
                "%s %s -> %s (%.2fs)",
                self.source,
                shown,
                response.status_code,
                self.clock() - started,
            )
            try:
                if response.status_code == 429:
                    wait = self._rate_wait(shown, response, rate_waits)
                    rate_waits += 1
                    self.sleep(wait)
                    continue
                self._check(shown, response)
                return parse(response)
            except _Transient as exc:
                if not idempotent and response.status_code != 408:
                    raise self._unknown(shown, str(exc)) from None
                attempt = self._retry_or_raise(shown, str(exc), attempt)

    def _unknown(self, shown: str, reason: str) -> DeliveryUnknown:
        message = (
            f"{self.source}: {shown} may or may not have taken effect ({reason}); not retried,"
            " so that it cannot happen twice"
        )
        self.stats.last_error = message
        return DeliveryUnknown(message)

    def _retry_or_raise(self, shown: str, reason: str, attempt: int) -> int:
        if attempt >= self.max_retries:
            message = f"{self.source}: {shown} failed after {attempt + 1} attempts: {reason}"
            self.stats.last_error = message
            raise ConnectorError(message)
        delay = self.backoff(attempt)
        self.stats.retries += 1
        log.warning("%s %s: %s; retrying in %.1fs", self.source, shown, reason, delay)
        self.sleep(delay)
        return attempt + 1

    def _rate_wait(self, shown: str, response: httpx.Response, rate_waits: int) -> float:
        self.stats.rate_limited += 1
        wait = reset_wait(response.headers, self.clock())
        if wait is None:
            wait = self.backoff(rate_waits + 2)
        detail = self.redact(_detail(response))
        if wait > self.max_rate_wait or rate_waits >= self.max_rate_retries:
            message = f"{self.source}: rate limited on {shown} ({detail}); retry in {wait:.0f}s"
            self.stats.last_error = message
            raise RateLimited(message, retry_after=wait)
        log.warning("%s %s: rate limited; waiting %.1fs", self.source, shown, wait)
        return wait + 0.05

    def _check(self, shown: str, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        detail = self.redact(_detail(response))
        if status >= 500 or status == 408:
            raise _Transient(f"HTTP {status}: {detail}")
        message = f"{self.source}: {shown} -> HTTP {status}: {detail}"
        self.stats.last_error = message
        if status in (401, 403):
            raise AuthError(message)
        raise ConnectorError(message)

    def _record_rate(self, headers: httpx.Headers) -> None:
        values: dict[str, str] = {}
        for key, names in RATE_HEADERS.items():
            for name in names:
                if name in headers:
                    values[key] = headers[name]
                    break
        if not values:
            return
        state = RateLimitState()
        state.limit = _int(values.get("limit"))
        state.remaining = _int(values.get("remaining"))
        state.used = _int(values.get("used"))
        now = self.clock()
        if "reset" in values:
            wait = parse_reset(values["reset"], now)
            state.reset_at = None if wait is None else round(now + wait, 3)
        self.stats.rate_limit = state

    # -- streaming ----------------------------------------------------------------------
    @contextmanager
    def stream_lines(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        read_timeout: float = 90.0,
    ) -> Iterator[Iterator[str]]:
        """Open a long-lived GET and yield its lines (blank keep-alive lines included).

        Opening retries like :meth:`request`. A connection that drops while reading raises
        :class:`ConnectorError`; the caller reconnects (with :meth:`backoff`).
        """
        import httpx

        attempt = 0
        rate_waits = 0
        timeout = httpx.Timeout(read_timeout, connect=10.0)
        while True:
            request = self._client.build_request(
                "GET", self.url(path), params=params, headers=headers, timeout=timeout
            )
            shown = f"GET {self.redact(str(request.url))}"
            try:
                response = self._client.send(request, stream=True)
            except httpx.TransportError as exc:
                attempt = self._retry_or_raise(shown, type(exc).__name__, attempt)
                continue
            self.stats.requests += 1
            self._record_rate(response.headers)
            log.info("%s %s -> %s (stream)", self.source, shown, response.status_code)
            try:
                if response.status_code >= 400:
                    response.read()
                    if response.status_code == 429:
                        wait = self._rate_wait(shown, response, rate_waits)
                        rate_waits += 1
                        self.sleep(wait)
                        continue
                    try:
                        self._check(shown, response)
                    except _Transient as exc:
                        attempt = self._retry_or_raise(shown, str(exc), attempt)
                        continue
                yield self._lines(shown, response)
                return
            finally:
                response.close()

    def _lines(self, shown: str, response: httpx.Response) -> Iterator[str]:
        import httpx

        try:
            yield from response.iter_lines()
        except httpx.TransportError as exc:
            message = f"{self.source}: stream {shown} dropped: {type(exc).__name__}"
            self.stats.last_error = message
            raise ConnectorError(message) from None


def _parse_json(response: httpx.Response) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Transient(f"response is not valid JSON ({exc})") from None


def _detail(response: httpx.Response) -> str:
    """The network's own error message: problem JSON, ``{error, message}`` or the text."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, Mapping):
        parts = [
            str(body[k])
            for k in ("title", "error", "detail", "message", "error_description")
            if isinstance(body.get(k), str | int) and body.get(k) != ""
        ]
        errors = body.get("errors")
        if not parts and isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
            parts = [str(errors[0].get("message") or errors[0].get("detail") or errors[0])]
        if parts:
            return ": ".join(dict.fromkeys(parts))[:300]
    text = response.text.strip().replace("\n", " ")
    return text[:200] or (response.reason_phrase or "no detail")


def _basic(user: str, password: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


__all__ = ["HttpClient", "HttpStats", "RateLimitState", "parse_reset", "redact", "reset_wait"]
