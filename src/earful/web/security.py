"""Access control for the web app: token login, CSRF, host checks and security headers.

* With no token the app serves loopback clients only: the ``Host`` header must name
  127.0.0.1, ``localhost`` or ``[::1]`` (which also defeats DNS rebinding).
* With a token every page and API call needs it, as ``Authorization: Bearer TOKEN`` or as the
  HttpOnly, SameSite=Strict session cookie set by the login form. Comparisons are constant-time
  and the token is never logged or echoed.
* Every POST/PUT/PATCH/DELETE must carry the CSRF token (``X-CSRF-Token`` header, double-submit of
  the ``earful_csrf`` cookie) and, when the browser sends one, an ``Origin`` equal to the app's
  own; requests authenticated by a Bearer header (which browsers never add on their own) are
  exempt from the CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "earful_session"
CSRF_COOKIE = "earful_csrf"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
PUBLIC_PATHS = ("/login", "/static/", "/favicon.ico")
FORM_PATHS = frozenset({"/login", "/logout"})  # these check the form's csrf_token themselves

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


@dataclass(frozen=True, slots=True)
class Guard:
    """The security settings of one app: ``token`` is None in loopback-only mode."""

    token: str | None = None
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    @property
    def needs_login(self) -> bool:
        return self.token is not None

    def session_value(self) -> str:
        """The session cookie's value: an HMAC of the token, so the cookie never holds it."""
        assert self.token is not None
        return hmac.new(self.secret, self.token.encode(), hashlib.sha256).hexdigest()

    def check_token(self, candidate: str) -> bool:
        if self.token is None:
            return False
        return hmac.compare_digest(candidate.encode(), self.token.encode())

    def authenticated(self, request: Request) -> tuple[bool, bool]:
        """(allowed, by_bearer) for ``request``."""
        if self.token is None:
            return True, False
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value and self.check_token(value.strip()):
            return True, True
        cookie = request.cookies.get(SESSION_COOKIE, "")
        return bool(cookie) and hmac.compare_digest(cookie, self.session_value()), False


def host_allowed(request: Request) -> bool:
    host = request.headers.get("host", "")
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name.lower() in LOOPBACK_HOSTS


def origin_ok(request: Request) -> bool:
    """No ``Origin`` (a non-browser client), or one equal to the scheme and host served."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
    return hmac.compare_digest(origin.encode(), expected.encode())


def csrf_ok(request: Request) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    return bool(cookie) and bool(sent) and hmac.compare_digest(cookie, sent)


def _deny(request: Request, status: int, message: str) -> Response:
    from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse

    if status == 401 and not request.url.path.startswith("/api/") and request.method == "GET":
        return RedirectResponse("/login", status_code=303)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return PlainTextResponse(message, status_code=status)


class GuardMiddleware:
    """Plain ASGI middleware enforcing :class:`Guard` and adding the security headers.

    (Starlette's ``BaseHTTPMiddleware`` runs every request through an extra task and memory
    stream; this one only wraps ``send``.)
    """

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from starlette.requests import Request

        request = Request(scope)
        csrf = request.cookies.get(CSRF_COOKIE)
        request.state.csrf = csrf or secrets.token_urlsafe(32)
        extra: list[tuple[bytes, bytes]] = [
            (name.encode(), value.encode()) for name, value in HEADERS.items()
        ]
        if not request.url.path.startswith("/static/"):
            extra.append((b"cache-control", b"no-store"))
        if not csrf:
            cookie = f"{CSRF_COOKIE}={request.state.csrf}; HttpOnly; Path=/; SameSite=strict"
            extra.append((b"set-cookie", cookie.encode()))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _v in headers}
                headers += [(k, v) for k, v in extra if k == b"set-cookie" or k not in have]
                message = {**message, "headers": headers}
            await send(message)

        denied = self._check(request)
        if denied is not None:
            await denied(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _check(self, request: Request) -> Response | None:
        guard = self.guard
        if not guard.needs_login and not host_allowed(request):
            return _deny(request, 403, "this server answers loopback clients only")
        path = request.url.path
        public = path.startswith(PUBLIC_PATHS)
        allowed, by_bearer = guard.authenticated(request)
        if not allowed and not public:
            return _deny(request, 401, "authentication required")
        if request.method in UNSAFE_METHODS:
            if not origin_ok(request):
                return _deny(request, 403, "cross-origin request refused")
            if not by_bearer and path not in FORM_PATHS and not csrf_ok(request):
                return _deny(request, 403, "missing or wrong CSRF token")
        return None
