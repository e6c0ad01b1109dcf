"""A request that creates something (``post_json(..., idempotent=False)``) is sent at most once
once it may have reached the server, against a fake on 127.0.0.1: a 5xx, a connection dropped
after the response started, a truncated body and a read timeout raise ``DeliveryUnknown`` after
one request; a refused connection and a 408 or 429 (the server did not act) are retried."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from connectors.fakes.server import FakeServer, Fault, Request, Response
from earful.connectors.http import HttpClient
from earful.errors import ConnectorError, DeliveryUnknown


def client(url: str, sleeps: list[float], timeout: float = 5.0) -> HttpClient:
    return HttpClient(
        "x",
        base_url=url,
        timeout=timeout,
        sleep=sleeps.append,
        rng=random.Random(7),
        max_retries=3,
    )


@pytest.fixture
def srv() -> Iterator[FakeServer]:
    created: list[Any] = []

    def create(r: Request) -> Response:
        created.append(r.json())
        return Response.json({"data": {"id": str(len(created))}}, 201)

    with FakeServer() as server:
        server.route("POST", "/2/tweets", create)
        server.created = created  # type: ignore[attr-defined]
        yield server


@pytest.mark.parametrize(
    ("fault", "acted"),
    [
        (Fault(status=503), False),
        (Fault(status=500), False),
        (Fault(drop=True), True),
        (Fault(truncate=True), True),
    ],
    ids=["503", "500", "dropped", "truncated"],
)
def test_a_create_that_may_have_happened_is_not_retried(
    srv: FakeServer, fault: Fault, acted: bool
) -> None:
    sleeps: list[float] = []
    http = client(srv.url, sleeps)
    srv.fault(fault)
    with pytest.raises(DeliveryUnknown, match="may or may not have taken effect") as err:
        http.post_json("/2/tweets", json_body={"text": "hello"}, idempotent=False)
    assert len(srv.requests) == 1 and sleeps == []
    assert len(srv.created) == (1 if acted else 0)  # type: ignore[attr-defined]
    assert "POST" in str(err.value) and http.stats.last_error == str(err.value)
    # the same request, idempotent (the default), is retried past the same fault
    srv.fault(fault)
    assert http.post_json("/2/tweets", json_body={"text": "again"})["data"]["id"]
    assert len(srv.requests) == 3 and len(sleeps) == 1


def test_a_read_timeout_after_sending_is_not_retried(srv: FakeServer) -> None:
    sleeps: list[float] = []
    http = client(srv.url, sleeps, timeout=0.3)
    srv.fault(Fault(delay=1.0))
    with pytest.raises(DeliveryUnknown, match="ReadTimeout"):
        http.post_json("/2/tweets", json_body={"text": "slow"}, idempotent=False)
    assert len(srv.requests) == 1 and sleeps == []


def test_408_and_429_are_retried_the_server_did_not_act(srv: FakeServer) -> None:
    sleeps: list[float] = []
    http = client(srv.url, sleeps)
    srv.fault(Fault(status=408), Fault.rate_limited({"retry-after": "1"}))
    body = http.post_json("/2/tweets", json_body={"text": "hi"}, idempotent=False)
    assert body == {"data": {"id": "1"}} and len(srv.requests) == 3
    assert srv.created == [{"text": "hi"}]  # type: ignore[attr-defined]


def test_a_refused_connection_is_retried_then_a_plain_error() -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps: list[float] = []
    http = client(f"http://127.0.0.1:{port}", sleeps)
    with pytest.raises(ConnectorError, match="after 4 attempts") as err:
        http.post_json("/2/tweets", json_body={"text": "hi"}, idempotent=False)
    assert not isinstance(err.value, DeliveryUnknown) and len(sleeps) == 3
