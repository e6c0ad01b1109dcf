"""Canonical URLs, link extraction and metadata parsing (no network)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from earful.errors import InputError
from earful.links import canonicalize, links_of_post, parse_meta
from earful.links.canonical import parse_legacy_ipv4
from earful.links.meta import charset_of
from earful.models import Post


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a/", "https://example.com/a/"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/p#section", "https://example.com/p"),
        ("https://example.com/#!/route", "https://example.com/#!/route"),
        (
            "https://example.com/p?utm_source=x&b=2&UTM_Medium=y&a=1&fbclid=f&gclid=g",
            "https://example.com/p?a=1&b=2",
        ),
        (
            "https://example.com/p?mc_cid=1&mc_eid=2&igshid=3&ref=4&ref_src=5&si=6&keep=1",
            "https://example.com/p?keep=1",
        ),
        ("https://example.com/p?utm_source=x", "https://example.com/p"),
        ("https://example.com/%7euser/%2fx%c3%a9", "https://example.com/~user/%2Fx%C3%A9"),
        ("https://example.com/q?s=a+b&z=%20", "https://example.com/q?s=a%20b&z=%20"),
        ("https://user:secret@example.com/", "https://example.com/"),
        ("http://B\u00fccher.example/", "http://xn--bcher-kva.example/"),
        ("http://example.com./", "http://example.com/"),
        ("http://0x7f000001/", "http://127.0.0.1/"),
        ("http://2130706433/", "http://127.0.0.1/"),
        ("http://[::FFFF:7f00:1]:80/", "http://[::ffff:7f00:1]/"),
    ],
)
def test_canonicalize(url: str, canonical: str) -> None:
    assert canonicalize(url) == canonical
    assert canonicalize(canonical) == canonical  # idempotent


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/", "unsupported scheme 'ftp'"),
        ("javascript:alert(1)", "unsupported scheme 'javascript'"),
        ("http:///path", "missing host"),
        ("http://example.com:99999/", "invalid port"),
        ("http://exa mple.com/", "invalid host name"),
        ("http://[::1/", "Invalid IPv6 URL"),
    ],
)
def test_bad_urls_say_why(url: str, reason: str) -> None:
    with pytest.raises(InputError, match=re.escape(reason)) as info:
        canonicalize(url)
    assert info.value.field == "url"


def test_legacy_ipv4_forms() -> None:
    assert str(parse_legacy_ipv4("0177.0.0.1")) == "127.0.0.1"
    assert str(parse_legacy_ipv4("127.1")) == "127.0.0.1"
    assert str(parse_legacy_ipv4("10.0x10.1")) == "10.16.0.1"
    assert parse_legacy_ipv4("256.0.0.1") is None
    assert parse_legacy_ipv4("08.0.0.1") is None
    assert parse_legacy_ipv4("example.com") is None


def test_links_of_post_merges_entities_and_text() -> None:
    post = Post(
        source="x",
        id="1",
        created_at=datetime(2025, 3, 1, tzinfo=UTC),
        text="see https://Short.example/abc?utm_source=tw, and ftp://nope and https://b.example/x.",
        urls=("https://b.example/x#top", "https://full.example/page?ref=tw"),
    )
    assert links_of_post(post) == (
        "https://b.example/x",
        "https://full.example/page",
        "https://short.example/abc",
    )


def test_meta_prefers_opengraph_and_resolves_canonical() -> None:
    page = """<html><head><title> Plain
      title </title>
      <meta name="twitter:title" content="Card title">
      <meta name="description" content="Plain description">
      <link rel="canonical" href="../canon">
    </head><body><meta property="og:title" content="OG title"></body></html>"""
    meta = parse_meta(page, "https://example.com/a/b")
    assert meta.title == "OG title"
    assert meta.description == "Plain description"
    assert meta.canonical == "https://example.com/canon"
    assert parse_meta("<title>Only</title>").title == "Only"
    assert parse_meta("<title>Unclosed <b").title in ("Unclosed", "Unclosed <b")


def test_meta_is_tolerant_and_capped() -> None:
    assert parse_meta("<<<>>><meta content=x><link rel=canonical href='javascript:x'>") == (
        parse_meta("")
    )
    long = parse_meta(f"<title>{'a' * 1000}</title>").title
    assert long is not None and len(long) == 300 and long.endswith("…")


def test_charset_detection() -> None:
    assert charset_of("text/html; charset=ISO-8859-1", b"") == "iso8859-1"
    assert charset_of("text/html; charset=bogus", b"<meta charset=utf-8>") == "utf-8"
    assert (
        charset_of(None, b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">')
        == "koi8-r"
    )
    assert charset_of("text/html; charset=latin-1", b"\xef\xbb\xbfx") == "utf-8"
