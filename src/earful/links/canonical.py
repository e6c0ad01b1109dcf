"""Canonical URLs: one spelling per page, so that links shared in different ways group together.

:func:`canonicalize` lowercases the scheme and host, encodes international host names with IDNA,
writes numeric IPv4 hosts (``0x7f000001``, ``2130706433``, ``127.1``) as dotted quads, drops
credentials, default ports, fragments and tracking parameters, sorts the remaining query
parameters, normalises percent-escapes and dot segments, and turns an empty path into ``/``.
A trailing slash on a longer path is kept: ``/a`` and ``/a/`` may be different pages.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from earful.errors import InputError

DEFAULT_PORTS = {"http": 80, "https": 443}

#: Query parameters that only identify a campaign, click or sharer (compared case-insensitively).
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "ref",
        "ref_src",
        "ref_url",
        "si",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "mkt_tok",
        "vero_id",
        "vero_conv",
        "oly_anon_id",
        "oly_enc_id",
        "wickedid",
        "s_cid",
        "spm",
        "scid",
        "srsltid",
        "feature",
        "rcm",
        "cmpid",
        "campaign_id",
        "trk",
        "trkcampaign",
        "sc_campaign",
        "sc_channel",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__hs")

_LEGACY_IPV4 = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.I)
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left as they are in a path or query value (RFC 3986 sub-delims, ':' and '@').
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = ":@!$'()*,;/?-._~%"


def is_tracking_param(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def parse_legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The address of a numeric IPv4 host in any form browsers accept, else None.

    ``127.0.0.1``, ``2130706433``, ``0x7f000001``, ``0177.0.0.1`` and ``127.1`` all give 127.0.0.1.
    """
    if not _LEGACY_IPV4.match(host):
        return None
    parts = host.rstrip(".").split(".")
    numbers: list[int] = []
    for part in parts:
        low = part.lower()
        if low.startswith("0x"):
            numbers.append(int(low[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if any(c in "89" for c in part):
                return None
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part))
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def canonical_host(host: str) -> str:
    """Lowercased, IDNA-encoded host; IP addresses in their standard form (IPv6 in brackets)."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1].split('%')[0]).compressed}]"
        except ValueError:
            raise ValueError(f"invalid IPv6 address {host!r}") from None
    host = host.rstrip(".").lower()
    if not host:
        raise ValueError("missing host")
    legacy = parse_legacy_ipv4(host)
    if legacy is not None:
        return str(legacy)
    if host.isascii():
        if not re.fullmatch(r"[a-z0-9_.-]+", host) or ".." in host:
            raise ValueError(f"invalid host name {host!r}")
        return host
    import idna

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"invalid international host name {host!r}: {exc}") from None


def canonicalize(url: str) -> str:
    """The canonical spelling of an http(s) URL; raises :class:`InputError` for anything else."""
    try:
        return _canonicalize(url.strip())
    except ValueError as exc:
        raise InputError(f"{exc} in URL {_excerpt(url)!r}", field="url") from None


def _canonicalize(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"unsupported scheme {scheme or '(none)'!r} (only http and https)")
    netloc = parts.netloc.rpartition("@")[2]  # credentials never survive canonicalization
    host_part, port = _split_port(netloc)
    host = canonical_host(host_part)
    if port is not None and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = _normalise_path(parts.path)
    query = _normalise_query(parts.query)
    fragment = parts.fragment if parts.fragment.startswith("!") else ""  # '#!' routes are paths
    return urlunsplit((scheme, host, path, query, fragment))


def _split_port(netloc: str) -> tuple[str, int | None]:
    if netloc.startswith("["):
        end = netloc.find("]")
        if end < 0:
            raise ValueError("unclosed '[' in host")
        host, rest = netloc[: end + 1], netloc[end + 1 :]
        if rest and not rest.startswith(":"):
            raise ValueError("junk after IPv6 address")
        port_text = rest[1:] if rest else ""
    else:
        host, _, port_text = netloc.partition(":")
    if not port_text:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"invalid port {port_text!r}")
    return host, int(port_text)


def _normalise_escapes(text: str, safe: str) -> str:
    """Decode escapes of unreserved characters, uppercase the rest, escape what must be."""

    def fix(m: re.Match[str]) -> str:
        ch = chr(int(m.group(1), 16))
        return ch if ch in _UNRESERVED else f"%{m.group(1).upper()}"

    text = _ESCAPE.sub(fix, text)
    # '%' not followed by two hex digits is a literal percent sign.
    text = re.sub(r"%(?![0-9A-F]{2})", "%25", text)
    return quote(text, safe=safe)


def _normalise_path(path: str) -> str:
    if not path:
        return "/"
    segments: list[str] = []
    raw = path.split("/")
    for i, seg in enumerate(raw):
        if seg == ".":
            if i == len(raw) - 1:
                segments.append("")
            continue
        if seg == "..":
            if len(segments) > 1:
                segments.pop()
            if i == len(raw) - 1:
                segments.append("")
            continue
        segments.append(seg)
    joined = "/".join(segments)
    if not joined.startswith("/"):
        joined = "/" + joined
    return _normalise_escapes(joined, _PATH_SAFE)


def _normalise_query(query: str) -> str:
    if not query:
        return ""
    kept = [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if not is_tracking_param(name)
    ]
    kept.sort()
    safe = _QUERY_SAFE.replace("%", "")
    return "&".join(
        f"{quote(name, safe=safe)}={quote(value, safe=safe)}" if value else quote(name, safe=safe)
        for name, value in kept
    )


def _excerpt(url: str, limit: int = 200) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"
