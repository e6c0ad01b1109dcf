"""Address checks: private, loopback, link-local... are refused by default, at every hop."""

from __future__ import annotations

import ipaddress

import pytest

from earful.links.expand import FetchOptions, fetch_link
from earful.links.guard import AddressPolicy, BlockedAddress, address_problem, guarded_client

from .localserver import LocalServer, Reply, fake_resolver, html


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("fc00::1", "private"),
        ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
        ("::ffff:10.0.0.1", "IPv4-mapped private"),
        ("64:ff9b::7f00:1", "IPv4-mapped loopback"),
        ("2002:7f00:1::", "IPv4-mapped loopback"),
        ("::127.0.0.1", "IPv4-mapped loopback"),
    ],
)
def test_non_public_addresses_have_a_problem(address: str, problem: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) == problem


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "0x7f000001", "2130706433", "0177.0.0.1", "127.1", "[::1]", "::1"]
)
def test_every_spelling_of_loopback_is_refused(host: str) -> None:
    with pytest.raises(BlockedAddress, match="loopback"):
        AddressPolicy(resolver=fake_resolver({})).resolve(host, 80)


def test_resolved_names_are_checked_and_any_bad_address_refuses() -> None:
    policy = AddressPolicy(
        resolver=fake_resolver(
            {"evil.example": ["127.0.0.1"], "mixed.example": ["93.184.216.34", "10.0.0.7"]}
        )
    )
    with pytest.raises(BlockedAddress) as info:
        policy.resolve("evil.example", 443)
    assert "evil.example (127.0.0.1)" in str(info.value)
    assert "allow_private_urls" in str(info.value)
    with pytest.raises(BlockedAddress, match="private"):
        policy.resolve("mixed.example", 443)
    assert [str(a) for a in policy.resolve("93.184.216.34", 443)] == ["93.184.216.34"]


def test_real_localhost_is_refused_by_default() -> None:
    with pytest.raises(BlockedAddress, match="loopback"):
        AddressPolicy().resolve("localhost", 80)


def test_allow_private_lifts_the_check() -> None:
    policy = AddressPolicy(
        allow_private=True, resolver=fake_resolver({"evil.example": ["10.0.0.1"]})
    )
    assert [str(a) for a in policy.resolve("evil.example", 80)] == ["10.0.0.1"]


def _fetch(policy: AddressPolicy, url: str) -> str | None:
    with guarded_client(policy, timeout=2.0) as client:
        return fetch_link(client, url, FetchOptions(deadline=5.0)).error


def test_the_same_server_is_refused_by_default(server: LocalServer) -> None:
    server.route("/page", html("Reachable"))
    for host in ("127.0.0.1", "localhost", "0x7f000001", "2130706433", "127.1"):
        error = _fetch(AddressPolicy(), server.url("/page", host))
        assert error is not None and "loopback" in error, host
    assert server.seen == []  # no request ever reached it
    with guarded_client(AddressPolicy(allow_private=True)) as client:
        result = fetch_link(client, server.url("/page"))
    assert result.error is None and result.title == "Reachable"


def test_names_resolving_to_loopback_are_refused(
    server: LocalServer, test_policy: AddressPolicy
) -> None:
    server.route("/page", html("x"))
    default = AddressPolicy(resolver=test_policy.resolver)
    error = _fetch(default, server.url("/page", "evil.example"))
    assert error is not None and "evil.example (127.0.0.1)" in error
    assert "loopback" in error
    assert server.seen == []


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1]/",
        "http://0x7f000001/",
        "http://2130706433/",
        "http://10.0.0.1/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.example/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
def test_blocked_literals_never_connect(url: str, test_policy: AddressPolicy) -> None:
    error = _fetch(test_policy, url)
    assert error is not None and "refused to connect" in error


def test_a_public_host_redirecting_to_a_private_one_is_refused_at_the_hop(
    server: LocalServer, test_policy: AddressPolicy
) -> None:
    server.route("/to-metadata", Reply(302, {"Location": "http://169.254.169.254/latest/"}))
    server.route("/to-evil", Reply(301, {"Location": "http://evil.example/admin"}))
    server.route("/to-other-port", Reply(307, {"Location": "http://192.168.0.10:8080/"}))
    for path, needle in (
        ("/to-metadata", "169.254.169.254: link-local"),
        ("/to-evil", "evil.example (127.0.0.1): loopback"),
        ("/to-other-port", "192.168.0.10: private"),
    ):
        error = _fetch(test_policy, server.url(path, "public.example"))
        assert error is not None and needle in error, (path, error)
    assert {p for _m, p in server.paths()} == {"/to-metadata", "/to-evil", "/to-other-port"}


def test_connections_are_pinned_to_the_vetted_address(
    server: LocalServer, test_policy: AddressPolicy
) -> None:
    # 'short.example' exists only in the injected resolver: the request can only succeed if the
    # connection goes to the address the guard checked, with the original Host header.
    calls: list[str] = []
    inner = test_policy.resolver

    def counting(host: str, port: int) -> list[str]:
        calls.append(host)
        return list(inner(host, port))

    policy = AddressPolicy(allow=test_policy.allow, resolver=counting)
    server.route("/p", html("Pinned"))
    with guarded_client(policy) as client:
        result = fetch_link(client, server.url("/p", "short.example"))
    assert result.error is None and result.title == "Pinned"
    assert {s.host for s in server.seen} == {f"short.example:{server.port}"}
    assert calls == ["short.example"]  # HEAD and GET shared one vetted connection


def test_non_http_schemes_are_refused(test_policy: AddressPolicy, server: LocalServer) -> None:
    server.route("/to-file", Reply(302, {"Location": "file:///etc/passwd"}))
    error = _fetch(test_policy, server.url("/to-file"))
    assert error is not None and "unsupported scheme 'file'" in error
