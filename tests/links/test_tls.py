"""HTTPS through the pinned connection: the certificate is checked for the original host name."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from earful.links.expand import fetch_link
from earful.links.guard import AddressPolicy, guarded_client

from .localserver import LocalServer, fake_resolver, html

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def _certificate(tmp: Path, name: str) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


def test_https_to_a_pinned_address_verifies_the_host_name(tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path, "secure.example")
    server = LocalServer()
    try:
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_ctx.load_cert_chain(cert, key)
        server.httpd.socket = server_ctx.wrap_socket(server.httpd.socket, server_side=True)
        server.route("/p", html("Secure page"))
        client_ctx = ssl.create_default_context(cafile=str(cert))
        policy = AddressPolicy(
            allow={("127.0.0.1", server.port)},
            resolver=fake_resolver(
                {"secure.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]}
            ),
        )
        with guarded_client(policy, ssl_context=client_ctx) as client:
            ok = fetch_link(client, f"https://secure.example:{server.port}/p")
            wrong = fetch_link(client, f"https://other.example:{server.port}/p")
        assert ok.error is None and ok.title == "Secure page"
        assert wrong.error is not None and "certificate" in wrong.error.lower()
        with guarded_client(AddressPolicy(resolver=policy.resolver), ssl_context=client_ctx) as c:
            refused = fetch_link(c, f"https://secure.example:{server.port}/p")
        assert refused.error is not None and "loopback" in refused.error
    finally:
        server.close()
