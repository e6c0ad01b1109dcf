"""A real HTTP server on 127.0.0.1 with scripted routes, for the links tests."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""
    delay: float = 0.0


Route = Callable[[str], Reply]


@dataclass
class Seen:
    method: str
    path: str
    host: str | None


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _serve(self) -> None:
                server.seen.append(Seen(self.command, self.path, self.headers.get("Host")))
                route = server.routes.get(self.path.split("?")[0])
                reply = route(self.command) if route else Reply(404, body=b"not found")
                try:
                    if reply.delay:
                        time.sleep(reply.delay)
                    self.send_response(reply.status)
                    chunks = [reply.body] if isinstance(reply.body, bytes) else reply.body
                    streamed = not isinstance(reply.body, bytes)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if streamed:
                        self.send_header("Connection", "close")
                    else:
                        self.send_header("Content-Length", str(len(reply.body)))  # type: ignore[arg-type]
                    self.end_headers()
                    if self.command != "HEAD":
                        for chunk in chunks:
                            self.wfile.write(chunk)
                            self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = _serve
            do_HEAD = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, reply: Reply | Route) -> None:
        self.routes[path] = reply if callable(reply) else (lambda _m, r=reply: r)

    def paths(self) -> list[tuple[str, str]]:
        return [(s.method, s.path) for s in self.seen]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def html(title: str = "", head: str = "", charset: str = "utf-8") -> Reply:
    doc = f"<!doctype html><html><head><title>{title}</title>{head}</head><body>hi</body></html>"
    return Reply(200, {"Content-Type": f"text/html; charset={charset}"}, doc.encode(charset))


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9)


def fake_resolver(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(f"[Errno -2] Name or service not known: {host}")
        return table[host]

    return resolve
