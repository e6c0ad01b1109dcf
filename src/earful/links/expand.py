"""Expanding one link: follow its redirects hop by hop, then read the page's metadata.

Each hop is requested with HEAD first; a HEAD that is refused (405, 501 or any error status) or a
redirect without ``Location`` is retried with GET. Redirects (301, 302, 303, 307, 308) are followed
by hand, at most ``max_redirects`` of them, so the guarded transport checks every hop's address.
Bodies are streamed and reading stops at ``max_bytes`` (compressed and decompressed); the whole
fetch has a deadline. Failures are results with ``error`` set, never exceptions.
"""

from __future__ import annotations

import logging
import time
import zlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

from earful.errors import ConnectorError, InputError
from earful.links.canonical import canonicalize
from earful.links.meta import PageMeta, decode_html, parse_meta

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

REDIRECTS = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class FetchOptions:
    max_redirects: int = 5
    max_bytes: int = MAX_BYTES
    deadline: float = 20.0  # seconds for the whole link, every hop included
    fetch_meta: bool = True


@dataclass(frozen=True, slots=True)
class LinkResult:
    """What expanding ``url`` found. ``canonical`` is the canonical form of ``final_url``."""

    url: str
    canonical: str
    final_url: str | None = None
    status: int | None = None
    hops: int = 0
    content_type: str | None = None
    title: str | None = None
    description: str | None = None
    site_name: str | None = None
    page_canonical: str | None = None
    fetched_at: str | None = None
    error: str | None = None


class _Fail(Exception):
    pass


def fetch_link(client: httpx.Client, url: str, options: FetchOptions | None = None) -> LinkResult:
    """Expand ``url`` (already canonical) with ``client`` (see :func:`guarded_client`)."""
    import httpx

    opts = options or FetchOptions()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    base = LinkResult(url=url, canonical=url, fetched_at=now)
    try:
        return replace(_follow(client, url, opts, time.monotonic() + opts.deadline), fetched_at=now)
    except _Fail as exc:
        return replace(base, error=str(exc))
    except ConnectorError as exc:  # BlockedAddress, unresolvable host
        return replace(base, error=str(exc))
    except httpx.TimeoutException:
        return replace(base, error="timed out")
    except httpx.HTTPError as exc:
        return replace(base, error=f"{type(exc).__name__}: {exc}"[:300])


def _follow(client: httpx.Client, url: str, opts: FetchOptions, deadline: float) -> LinkResult:
    current = url
    seen = {canonicalize(url)}
    hops = 0
    method = "HEAD"
    while True:
        _check_deadline(deadline)
        response = client.send(client.build_request(method, current), stream=True)
        try:
            if method == "HEAD":
                response.read()  # empty; lets the connection be reused for the next request
            status = response.status_code
            location = response.headers.get("location")
            if status in REDIRECTS and location:
                hops += 1
                target, key = _redirect_target(current, location)
                if key in seen:
                    raise _Fail(f"redirect loop at {key}")
                if hops > opts.max_redirects:
                    raise _Fail(f"too many redirects (more than {opts.max_redirects})")
                seen.add(key)
                current, method = target, "HEAD"
                continue
            if method == "HEAD" and (status >= 400 or status in REDIRECTS):
                method = "GET"  # HEAD refused, or a redirect without Location
                continue
            content_type = _content_type(response)
            wants_body = opts.fetch_meta and (content_type is None or content_type in HTML_TYPES)
            if method == "HEAD" and 200 <= status < 300 and wants_body:
                method = "GET"
                continue
            meta = PageMeta()
            if method == "GET" and 200 <= status < 300 and wants_body:
                body = _read_capped(response, opts.max_bytes, deadline)
                meta = parse_meta(decode_html(body, response.headers.get("content-type")), current)
        finally:
            response.close()
        return LinkResult(
            url=url,
            canonical=canonicalize(current),
            final_url=current,
            status=status,
            hops=hops,
            content_type=content_type,
            title=meta.title,
            description=meta.description,
            site_name=meta.site_name,
            page_canonical=meta.canonical,
            error=None if status < 400 else f"HTTP {status}",
        )


def _redirect_target(current: str, location: str) -> tuple[str, str]:
    """The URL to request next (as served, credentials removed) and its canonical form."""
    target = urljoin(current, location.strip())
    try:
        key = canonicalize(target)
    except InputError as exc:
        raise _Fail(f"redirect to an unusable URL: {exc.reason}") from None
    parts = urlsplit(target)
    if "@" in parts.netloc:
        target = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    return urlunsplit(urlsplit(target)._replace(fragment="")), key


def _content_type(response: httpx.Response) -> str | None:
    value = response.headers.get("content-type")
    if not value:
        return None
    return value.split(";", 1)[0].strip().lower() or None


def _check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise _Fail("timed out (deadline for the link passed)")


def _read_capped(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    """At most ``max_bytes`` of the body, decompressed with a bounded output."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        decoder: zlib._Decompress | None = zlib.decompressobj(
            zlib.MAX_WBITS | 32 if encoding != "deflate" else zlib.MAX_WBITS
        )
    elif encoding in ("", "identity"):
        decoder = None
    else:
        raise _Fail(f"unsupported content encoding {encoding!r}")
    out = bytearray()
    raw_read = 0
    for chunk in response.iter_raw():  # as the network delivers it
        _check_deadline(deadline)
        raw_read += len(chunk)
        if decoder is None:
            out += chunk
        else:
            try:
                out += decoder.decompress(chunk, max_bytes - len(out) + 1)
            except zlib.error as exc:
                raise _Fail(f"bad {encoding} body: {exc}") from None
        if len(out) >= max_bytes or raw_read >= max_bytes:
            log.debug("body of %s capped at %d bytes", response.url, max_bytes)
            break
    return bytes(out[:max_bytes])
