"""A minimal SMTP server on 127.0.0.1 (RFC 5321 subset: EHLO, AUTH PLAIN, MAIL, RCPT, DATA)."""

from __future__ import annotations

import base64
import socketserver
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Received:
    mail_from: str
    rcpt_to: list[str]
    data: bytes


@dataclass
class FakeSMTP:
    user: str = "mailer"
    password: str = "pw"
    rcpt_reply: str | None = None  # e.g. "550 5.1.1 mailbox unavailable"
    messages: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self) -> None:
                self.reply("220 fake.local ESMTP")
                mail_from, rcpts = "", list[str]()
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    line = raw.decode().rstrip("\r\n")
                    verb = line.split(" ", 1)[0].upper()
                    if verb == "EHLO":
                        self.wfile.write(b"250-fake.local\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n")
                    elif verb == "AUTH":
                        parts = line.split()
                        _, user, pw = base64.b64decode(parts[2]).decode().split("\0")
                        fake.logins.append(user)
                        ok = (user, pw) == (fake.user, fake.password)
                        self.reply("235 2.7.0 ok" if ok else "535 5.7.8 bad credentials")
                    elif verb == "MAIL":
                        mail_from, rcpts = line[10:].strip("<>"), list[str]()
                        self.reply("250 ok")
                    elif verb == "RCPT":
                        if fake.rcpt_reply:
                            self.reply(fake.rcpt_reply)
                        else:
                            rcpts.append(line[8:].strip("<>"))
                            self.reply("250 ok")
                    elif verb == "DATA":
                        self.reply("354 go ahead")
                        chunks = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            chunks.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        fake.messages.append(Received(mail_from, rcpts, b"".join(chunks)))
                        self.reply("250 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 ok")

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def __enter__(self) -> FakeSMTP:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
