"""Expanding links against a real local server: redirects, HEAD/GET, timeouts, caps, metadata."""

from __future__ import annotations

import time
from collections.abc import Iterator

from earful.links.expand import FetchOptions, LinkResult, fetch_link
from earful.links.guard import AddressPolicy, guarded_client

from .localserver import LocalServer, Reply, gzipped, html


def _go(
    policy: AddressPolicy, url: str, options: FetchOptions | None = None, timeout: float = 2.0
) -> LinkResult:
    with guarded_client(policy, timeout=timeout) as client:
        return fetch_link(client, url, options)


def test_short_link_chain_through_every_redirect_code(
    server: LocalServer, test_policy: AddressPolicy
) -> None:
    final = server.url("/article?id=7&utm_source=short")
    server.route("/s1", Reply(301, {"Location": "/s2"}))
    server.route("/s2", Reply(302, {"Location": server.url("/s3", "public.example")}))
    server.route("/s3", Reply(303, {"Location": "/s4"}))
    server.route("/s4", Reply(307, {"Location": "/s5"}))
    server.route("/s5", Reply(308, {"Location": final}))
    server.route(
        "/article",
        html(
            "Plain title",
            '<meta property="og:title" content="The Article">'
            '<meta property="og:description" content="What it says">'
            '<meta property="og:site_name" content="Example News">'
            '<link rel="canonical" href="/article?id=7">',
        ),
    )
    result = _go(test_policy, server.url("/s1", "short.example"))
    assert result.error is None
    assert result.hops == 5
    assert result.status == 200
    assert result.final_url == final
    assert result.canonical == server.url("/article?id=7")  # tracking parameter dropped
    assert (result.title, result.description, result.site_name) == (
        "The Article",
        "What it says",
        "Example News",
    )
    assert result.page_canonical == server.url("/article?id=7")
    assert result.content_type == "text/html"
    methods = [m for m, p in server.paths() if p.startswith("/s")]
    assert set(methods) == {"HEAD"}  # redirects were followed with HEAD only


def test_redirect_loop(server: LocalServer, test_policy: AddressPolicy) -> None:
    server.route("/a", Reply(302, {"Location": "/b"}))
    server.route("/b", Reply(302, {"Location": "/a?utm_medium=loop"}))
    result = _go(test_policy, server.url("/a"))
    assert result.error == f"redirect loop at {server.url('/a')}"
    assert len(server.seen) == 2


def test_too_many_redirects(server: LocalServer, test_policy: AddressPolicy) -> None:
    for i in range(10):
        server.route(f"/r{i}", Reply(301, {"Location": f"/r{i + 1}"}))
    result = _go(test_policy, server.url("/r0"), FetchOptions(max_redirects=3))
    assert result.error == "too many redirects (more than 3)"
    assert [p for _m, p in server.paths()] == ["/r0", "/r1", "/r2", "/r3"]
    assert _go(test_policy, server.url("/r4")).error == "too many redirects (more than 5)"


def test_head_refused_falls_back_to_get(server: LocalServer, test_policy: AddressPolicy) -> None:
    page = html("Only GET")
    server.route("/nohead", lambda m: Reply(405) if m == "HEAD" else page)
    server.route(
        "/getredirect",
        lambda m: Reply(200, {"Content-Type": "text/html"}) if m == "HEAD" else page,
    )
    server.route(
        "/headnoloc", lambda m: Reply(302) if m == "HEAD" else Reply(302, {"Location": "/nohead"})
    )
    result = _go(test_policy, server.url("/nohead"))
    assert (result.error, result.status, result.title) == (None, 200, "Only GET")
    assert server.paths() == [("HEAD", "/nohead"), ("GET", "/nohead")]
    result = _go(test_policy, server.url("/headnoloc"))
    assert result.title == "Only GET" and result.hops == 1


def test_error_status_is_recorded(server: LocalServer, test_policy: AddressPolicy) -> None:
    result = _go(test_policy, server.url("/missing"))
    assert (result.status, result.error) == (404, "HTTP 404")
    assert server.paths() == [("HEAD", "/missing"), ("GET", "/missing")]


def test_read_timeout(server: LocalServer, test_policy: AddressPolicy) -> None:
    server.route("/slow", Reply(200, {"Content-Type": "text/html"}, b"<title>x</title>", delay=2))
    started = time.monotonic()
    result = _go(test_policy, server.url("/slow"), timeout=0.3)
    assert result.error == "timed out"
    assert time.monotonic() - started < 1.5


def test_deadline_stops_a_dribbling_body(server: LocalServer, test_policy: AddressPolicy) -> None:
    def dribble() -> Iterator[bytes]:
        yield b"<html><head>"
        for _ in range(40):
            time.sleep(0.05)
            yield b" "

    server.route("/drip", lambda m: Reply(200, {"Content-Type": "text/html"}, dribble()))
    started = time.monotonic()
    result = _go(test_policy, server.url("/drip"), FetchOptions(deadline=0.5))
    assert result.error == "timed out (deadline for the link passed)"
    assert time.monotonic() - started < 1.5


def test_huge_bodies_are_capped(server: LocalServer, test_policy: AddressPolicy) -> None:
    filler = b"<p>" + b"x" * (8 * 1024 * 1024) + b"</p>"
    early = b"<html><head><title>Early</title></head><body>" + filler
    late = b"<html><head>" + filler + b"<title>Late</title></head>"
    chunks = [late[i : i + 65536] for i in range(0, len(late), 65536)]
    server.route("/early", Reply(200, {"Content-Type": "text/html"}, early))
    server.route("/late", lambda m: Reply(200, {"Content-Type": "text/html"}, iter(chunks)))
    assert _go(test_policy, server.url("/early")).title == "Early"
    late_result = _go(test_policy, server.url("/late"), FetchOptions(max_bytes=64 * 1024))
    assert late_result.error is None and late_result.title is None


def test_compressed_bomb_is_capped(server: LocalServer, test_policy: AddressPolicy) -> None:
    bomb = gzipped(b"<html><head>" + b" " * (8 * 1024 * 1024) + b"<title>Boom</title>")
    assert len(bomb) < 200_000
    server.route(
        "/bomb",
        Reply(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb),
    )
    server.route(
        "/gz",
        Reply(
            200,
            {"Content-Type": "text/html", "Content-Encoding": "gzip"},
            gzipped(b"<title>Zipped</title>"),
        ),
    )
    result = _go(test_policy, server.url("/bomb"))
    assert result.error is None and result.title is None
    assert _go(test_policy, server.url("/gz")).title == "Zipped"


def test_non_html_content_is_not_downloaded(
    server: LocalServer, test_policy: AddressPolicy
) -> None:
    server.route("/file.pdf", Reply(200, {"Content-Type": "application/pdf"}, b"%PDF-1.7" * 1000))
    result = _go(test_policy, server.url("/file.pdf"))
    assert (result.status, result.content_type, result.title) == (200, "application/pdf", None)
    assert server.paths() == [("HEAD", "/file.pdf")]


def test_malicious_titles_are_stored_as_plain_text(
    server: LocalServer, test_policy: AddressPolicy
) -> None:
    server.route(
        "/evil",
        html(
            "Hi &lt;script&gt;alert(1)&lt;/script&gt; &amp; <b>bye</b>",
            '<meta name="description" content="&quot;quoted&quot; &#x3C;img onerror=x&#x3E;'
            '\x1b[31m red\u202e">',
        ),
    )
    result = _go(test_policy, server.url("/evil"))
    assert result.title == "Hi <script>alert(1)</script> & <b>bye</b>"
    assert result.description == '"quoted" <img onerror=x> [31m red'


def test_charset_from_header_and_meta(server: LocalServer, test_policy: AddressPolicy) -> None:
    server.route("/latin", html("Caf\u00e9 cr\u00e8me", charset="iso-8859-1"))
    meta_only = '<meta charset="windows-1252"><title>Na\u00efve \u20ac</title>'.encode("cp1252")
    server.route("/meta", Reply(200, {"Content-Type": "text/html"}, meta_only))
    assert _go(test_policy, server.url("/latin")).title == "Caf\u00e9 cr\u00e8me"
    assert _go(test_policy, server.url("/meta")).title == "Na\u00efve \u20ac"
