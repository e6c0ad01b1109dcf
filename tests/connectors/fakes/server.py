"""A real HTTP server on 127.0.0.1 for connector tests, with per-route handlers and faults.

Usage::

    with FakeServer() as srv:
        srv.route("GET", "/2/tweets/search/recent", handler)   # handler(Request) -> Response
        srv.fault(Fault.rate_limited({"x-rate-limit-reset": "..."}), Fault(status=503))
        ... point the connector at srv.url ...
        assert srv.requests[0].arg("query") == "acme"

Faults are queued and consumed one per matching request, before the handler runs:
``Fault(status=429|500|503, headers=..., body=...)`` answers instead of the handler;
``Fault(delay=2.0)`` sleeps first (client timeouts); ``Fault(truncate=True)`` sends only the
first half of the handler's body with a matching Content-Length (truncated JSON);
``Fault(drop=True)`` announces the full length, sends half and closes the connection.
``Fault(path="/x")`` limits a fault to paths starting with ``/x``.
A streaming response (``Response(chunks=iterator)``) is sent with chunked encoding; if the
iterator raises :class:`DropStream` the connection is closed mid-stream.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class DropStream(Exception):
    """Raise from a streaming response's iterator to cut the connection."""


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunks: Iterable[bytes] | None = None

    @classmethod
    def json(
        cls, data: Any, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> Response:
        return cls(
            status,
            json.dumps(data).encode(),
            {"Content-Type": "application/json", **(headers or {})},
        )


@dataclass
class Fault:
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    truncate: bool = False
    drop: bool = False
    path: str | None = None
    method: str | None = None  # only requests with this method (default: any)

    @classmethod
    def rate_limited(cls, headers: Mapping[str, str], path: str | None = None) -> Fault:
        body = b'{"title":"Too Many Requests","type":"about:blank","status":429}'
        return cls(status=429, headers=dict(headers), body=body, path=path)


Handler = Callable[[Request], Response]


class FakeServer:
    """A threaded HTTP/1.1 server bound to an ephemeral port on 127.0.0.1."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.faults: deque[Fault] = deque()
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method.upper(), path)] = handler

    def fault(self, *faults: Fault) -> None:
        with self.lock:
            self.faults.extend(faults)

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _take_fault(self, path: str, method: str) -> Fault | None:
        with self.lock:
            for i, fault in enumerate(self.faults):
                if fault.method is not None and fault.method != method:
                    continue
                if fault.path is None or path.startswith(fault.path):
                    del self.faults[i]
                    return fault
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with server.lock:
                    server.requests.append(request)
                fault = server._take_fault(parts.path, self.command)
                if fault and fault.delay:
                    time.sleep(fault.delay)
                if fault and fault.status is not None:
                    self._send(Response(fault.status, fault.body, dict(fault.headers)))
                    return
                handler = server.routes.get((self.command, parts.path))
                if handler is None:
                    self._send(Response.json({"error": "NotFound", "message": parts.path}, 404))
                    return
                try:
                    response = handler(request)
                except Exception as exc:  # surface handler bugs as 500s with the reason
                    self._send(Response.json({"error": "HandlerError", "message": repr(exc)}, 500))
                    return
                if fault and fault.truncate:
                    response.body = response.body[: len(response.body) // 2]
                if fault and fault.drop:
                    self._send(response, drop=True)
                    return
                self._send(response)

            def _send(self, response: Response, drop: bool = False) -> None:
                self.send_response(response.status)
                for key, value in response.headers.items():
                    self.send_header(key, value)
                if response.chunks is not None:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    try:
                        for chunk in response.chunks:
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                            self.wfile.flush()
                    except (DropStream, BrokenPipeError, ConnectionResetError):
                        self.close_connection = True
                        return
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(response.body)))
                if drop:
                    self.send_header("Connection", "close")
                self.end_headers()
                if drop:
                    self.wfile.write(response.body[: len(response.body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(response.body)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        return _Handler


def paged(items: list[Any], page_size: int, token: str | None) -> tuple[list[Any], str | None]:
    """Slice ``items`` by an integer-offset token; returns the page and the next token."""
    start = int(token or 0)
    end = start + page_size
    return items[start:end], (str(end) if end < len(items) else None)
