"""Address checks for outgoing link fetches, enforced where the socket is opened.

How it works: httpx sends every request through :class:`GuardedTransport`, an httpcore
connection pool whose *network backend* is :class:`GuardedBackend`. When httpcore needs a new
TCP connection it asks the backend to connect to ``(host, port)``; the backend resolves the host
itself (``socket.getaddrinfo``, or an injected resolver in tests), checks **every** resolved
address with :func:`check_address`, refuses the connection if any is not public, and then
connects to the vetted IP address itself. Nothing resolves the name a second time, so a DNS
rebinding between check and connect is impossible. TLS still uses the original host name (httpcore
passes it as ``server_hostname``, so SNI and certificate checks are unchanged), and the Host
header still comes from the URL. Each redirect hop is a new request, so it is checked again;
kept-alive connections were checked when they were opened. Proxies from the environment are
never used (the client gets an explicit transport and ``trust_env=False``).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

from earful.errors import ConnectorError
from earful.links.canonical import parse_legacy_ipv4

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: ``resolver(host, port) -> addresses``; the default uses ``socket.getaddrinfo``.
Resolver = Callable[[str, int], Sequence[str]]

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")


class BlockedAddress(ConnectorError):
    """A link pointed at an address that the policy forbids (private, loopback, ...)."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        self.host = host
        self.address = address
        self.reason = reason
        shown = host if host == address else f"{host} ({address})"
        super().__init__(
            f"refused to connect to {shown}: {reason} address"
            " (set allow_private_urls = true in [workspace] of earful.toml to allow it)"
        )


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be contacted (``"loopback"``, ``"private"``...), or None if public."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or (ip.sixtofour if ip.sixtofour else None)
        if embedded is None and ip.teredo:
            embedded = ip.teredo[1]
        if embedded is None and (ip in _NAT64 or ip in _NAT64_LOCAL):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is None and int(ip) >> 32 == 0 and int(ip) > 1:  # deprecated ::a.b.c.d
            embedded = ipaddress.IPv4Address(int(ip))
        if embedded is not None:
            inner = address_problem(embedded)
            if inner is not None:
                return f"IPv4-mapped {inner}"
        if ip.scope_id:
            return "scoped"
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("shared (carrier-grade NAT)", isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED),
        ("non-global", not ip.is_global),
    )
    return next((name for name, bad in checks if bad), None)


def parse_ip(host: str) -> IPAddress | None:
    """``host`` as an IP address (IPv6 with or without brackets, any IPv4 form), else None."""
    text = host.strip("[]")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    return parse_legacy_ipv4(host)


def system_resolver(host: str, port: int) -> Sequence[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses link fetches may reach.

    ``allow_private`` (``allow_private_urls`` in earful.toml) lifts every restriction; ``allow``
    exempts exact ``(address, port)`` pairs only (used by tests to reach their own local server
    while everything else stays refused). ``resolver`` replaces ``socket.getaddrinfo``.
    """

    allow_private: bool = False
    allow: Collection[tuple[str, int]] = frozenset()
    resolver: Resolver = field(default=system_resolver)

    def resolve(self, host: str, port: int) -> list[IPAddress]:
        """Every address of ``host``, each one checked; raises :class:`BlockedAddress`."""
        literal = parse_ip(host)
        if literal is not None:
            addresses: list[IPAddress] = [literal]
        else:
            try:
                found = self.resolver(host, port)
            except (OSError, UnicodeError) as exc:
                raise ConnectorError(f"cannot resolve {host}: {exc}") from None
            addresses = []
            for text in found:
                ip = ipaddress.ip_address(text.split("%")[0])
                if ip not in addresses:
                    addresses.append(ip)
            if not addresses:
                raise ConnectorError(f"cannot resolve {host}: no addresses")
        if not self.allow_private:
            for ip in addresses:
                if (str(ip), port) in self.allow:
                    continue
                problem = address_problem(ip)
                if problem is not None:
                    raise BlockedAddress(host, str(ip), problem)
        return addresses

    def check_url(self, url: str) -> None:
        """Check the host of ``url`` now (the connection is checked again when it opens)."""
        parsed = httpx.URL(url)
        self.resolve(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))


class GuardedBackend(httpcore.NetworkBackend):
    """An httpcore backend that connects only to addresses its :class:`AddressPolicy` vetted."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.policy.resolve(host, port)
        last: Exception | None = None
        for ip in addresses:
            try:
                return self._inner.connect_tcp(
                    str(ip), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise ConnectorError("unix sockets are never used for links")


class _Stream(httpx.SyncByteStream):
    def __init__(self, inner: Iterable[bytes]) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._inner
        except httpcore.TimeoutException as exc:
            raise httpx.ReadTimeout(str(exc) or "read timed out") from None
        except httpcore.NetworkError as exc:
            raise httpx.ReadError(str(exc) or "connection lost") from None
        except httpcore.ProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc) or "protocol error") from None

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport whose every connection goes through a :class:`GuardedBackend`."""

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        max_connections: int = 32,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or _ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=max_connections // 2,
            network_backend=GuardedBackend(policy),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = self._pool.handle_request(core_request)
        except httpcore.ConnectTimeout as exc:
            raise httpx.ConnectTimeout(str(exc) or "connect timed out", request=request) from None
        except httpcore.TimeoutException as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from None
        except httpcore.ConnectError as exc:
            raise httpx.ConnectError(str(exc) or "cannot connect", request=request) from None
        except httpcore.NetworkError as exc:
            raise httpx.ReadError(str(exc) or "connection lost", request=request) from None
        except httpcore.ProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc) or "protocol error", request=request) from None
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Stream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


def _ssl_context() -> ssl.SSLContext:
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def guarded_client(
    policy: AddressPolicy,
    *,
    timeout: float = 10.0,
    user_agent: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.Client:
    """An httpx client that never follows redirects by itself and checks every connection."""
    from earful import __version__ as version

    return httpx.Client(
        transport=GuardedTransport(policy, ssl_context=ssl_context),
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        headers={
            "User-Agent": user_agent or f"Earful/{version} (link preview)",
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        },
    )
