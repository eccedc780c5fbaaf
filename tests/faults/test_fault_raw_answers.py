"""Answers that break off or make no sense, from raw servers on 127.0.0.1.

Each test checks the time it took, the exception class, how many requests
reached the server (a POST that may have been processed is never sent
twice), and, for batches, that every message has an outcome.
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fault_helpers import FAST_RETRIES, batch_answer, http_response
from raw_http import Reply, SocketServer
from requests.adapters import HTTPAdapter

import postmark
from postmark import PMBatchMail, PMMail, ServerClient
from postmark.direct import DirectPath
from postmark.exceptions import APIError, RateLimitError, ServerError, TLSError, TransportError

HALF_ANSWER = http_response(200, b'{"MessageID":"b7bc2f4a', length=120)
SUBJECT = "broken-answer"


def client_for(server: SocketServer, scheme: str = "http", **options: object) -> ServerClient:
    client = ServerClient("raw-token", base_url=server.url(scheme), **options)  # type: ignore[arg-type]
    client.transport.retry_policy = FAST_RETRIES
    return client


def send_one(client: ServerClient) -> object:
    return client.email.send(
        sender="me@example.com", to="a@example.com", subject=SUBJECT, text_body="x"
    )


def always(data: bytes, close: bool = False) -> Callable[[int, str, bytes], Reply]:
    return lambda number, line, body: (data, close)


# --------------------------------------------------------------------------
# The connection drops half-way through the answer


class MountedAdapter(HTTPAdapter):
    """Any adapter but requests' own: the transport then goes through ``adapter.send()``."""


@pytest.mark.parametrize("route", ["direct", "adapter"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_answer_cut_off_mid_body_is_a_transport_error_and_not_resent(
    raw_server: Callable[..., SocketServer],
    tls_context: ssl.SSLContext,
    tls_files: tuple[Path, Path],
    scheme: str,
    route: str,
) -> None:
    server = raw_server(always(HALF_ANSWER, close=True), tls_context if scheme == "https" else None)
    options = {"ca_bundle": str(tls_files[0])} if scheme == "https" else {}
    client = client_for(server, scheme, timeout=(2.0, 2.0), **options)
    if route == "adapter":
        client.transport.session.mount(f"{scheme}://", MountedAdapter())
    direct_calls: list[str] = []
    direct = client.transport._direct
    assert (direct is not None) is DirectPath.available()  # requests >= 2.32.2
    if direct is not None:
        send_direct = direct.send

        def counting(*args: Any) -> Any:
            direct_calls.append(args[1].label)
            return send_direct(*args)

        direct.send = counting  # type: ignore[method-assign]
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        send_one(client)
    assert time.monotonic() - started < 1.5
    error = caught.value
    # Not a TLS verification problem, even over TLS: the peer just went away.
    assert not isinstance(error, TLSError)
    assert error.may_have_been_sent is True
    assert error.retryable is False
    assert "may have reached Postmark" in str(error)
    assert server.paths() == ["/email"]  # one attempt: it may have been processed
    # Both ways to the network fail alike; check which one was taken.
    taken = route == "direct" and DirectPath.available()
    assert direct_calls == (["POST /email"] if taken else [])


def test_legacy_pmmail_sees_the_same_cut_off(
    raw_server: Callable[..., SocketServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = raw_server(always(HALF_ANSWER, close=True))
    monkeypatch.setenv("POSTMARK_API_URL", server.url())
    message = PMMail(
        api_key="raw-token",
        sender="me@example.com",
        to="a@example.com",
        subject=SUBJECT,
        text_body="x",
    )
    started = time.monotonic()
    with pytest.raises(postmark.PMMailURLException) as caught:
        message.send()
    assert time.monotonic() - started < 1.5
    assert caught.value.may_have_been_sent is True
    assert message.message_id is None
    assert server.paths() == ["/email"]


def test_batch_chunk_cut_off_fails_only_its_messages(
    raw_server: Callable[..., SocketServer],
) -> None:
    def reply(number: int, line: str, body: bytes) -> Reply:
        return (HALF_ANSWER, True) if number == 2 else (batch_answer(body), False)

    server = raw_server(reply)
    client = client_for(server)
    messages = [
        {"From": "me@example.com", "To": "a@example.com", "Subject": f"m{i}", "TextBody": "x"}
        for i in range(1200)
    ]
    started = time.monotonic()
    result = client.email.send_batch(messages)
    assert time.monotonic() - started < 5
    assert server.paths() == ["/email/batch"] * 3  # the broken chunk was not sent again
    assert len(result) == 1200
    assert [o.index for o in result] == list(range(1200))
    assert all(o.ok for o in result[:500])
    assert all(o.ok for o in result[1000:])
    broken = result[500:1000]
    assert all(isinstance(o.error, TransportError) for o in broken)
    assert all(o.error is not None and o.error.may_have_been_sent for o in broken)
    assert [o.message_id for o in result[:2]] == ["id-m0", "id-m1"]


# --------------------------------------------------------------------------
# Garbage and truncated bodies


@pytest.mark.parametrize(
    "answer",
    [
        http_response(200, b"<html><body>Service Unavailable</body></html>"),
        http_response(200, b'{"MessageID":"b7bc2f4a'),  # complete per Content-Length, bad JSON
        http_response(200, b""),
        http_response(200, b"\xff\xfe\x00garbage"),
    ],
    ids=["html", "truncated-json", "empty", "binary"],
)
def test_200_with_unusable_body_is_an_error_that_may_have_been_processed(
    raw_server: Callable[..., SocketServer], answer: bytes
) -> None:
    server = raw_server(always(answer))
    client = client_for(server)
    started = time.monotonic()
    with pytest.raises(APIError) as caught:
        send_one(client)
    assert time.monotonic() - started < 1.0
    assert type(caught.value) is APIError
    assert caught.value.http_status == 200
    assert "not JSON" in str(caught.value)
    assert "activity log" in str(caught.value)  # tells the caller how to check
    assert server.paths() == ["/email"]


def test_500_with_garbage_body_is_a_server_error_not_retried_for_post(
    raw_server: Callable[..., SocketServer],
) -> None:
    server = raw_server(always(http_response(500, b"<h1>Internal Server Error</h1>")))
    client = client_for(server)
    with pytest.raises(ServerError) as caught:
        send_one(client)
    assert caught.value.http_status == 500
    assert caught.value.error_code is None
    assert "Internal Server Error" in str(caught.value)
    assert server.paths() == ["/email"]
    # The same answer to a GET is retried (it is safe to repeat), within bounds.
    with pytest.raises(ServerError):
        client.request("GET", "/server")
    assert server.paths() == ["/email"] + ["/server"] * 4


def test_429_with_garbage_body_is_still_retried_then_raised(
    raw_server: Callable[..., SocketServer],
) -> None:
    server = raw_server(always(http_response(429, b"slow down")))
    client = client_for(server)
    started = time.monotonic()
    with pytest.raises(RateLimitError):
        send_one(client)
    assert time.monotonic() - started < 2.0
    assert server.paths() == ["/email"] * 4  # 1 + retries: nothing was processed


def test_batch_answer_that_is_garbage_fails_that_chunk_only(
    raw_server: Callable[..., SocketServer],
) -> None:
    def reply(number: int, line: str, body: bytes) -> Reply:
        if number == 1:
            return http_response(200, b'[{"ErrorCode":0,"MessageID":'), False
        return batch_answer(body), False

    server = raw_server(reply)
    client = client_for(server)
    messages = [
        {"From": "me@example.com", "To": "a@example.com", "Subject": f"g{i}", "TextBody": "x"}
        for i in range(700)
    ]
    result = client.email.send_batch(messages)
    assert server.paths() == ["/email/batch"] * 2
    assert len(result) == 700
    assert all(isinstance(o.error, APIError) for o in result[:500])
    assert all(o.ok for o in result[500:])
    with pytest.raises(APIError) as caught:
        result.raise_for_failures()
    assert "500 of 700 messages failed" in str(caught.value)


def test_legacy_batch_with_short_answer(
    raw_server: Callable[..., SocketServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    def reply(number: int, line: str, body: bytes) -> Reply:
        entries = json.loads(batch_answer(body).split(b"\r\n\r\n", 1)[1])
        return http_response(200, json.dumps(entries[:3]).encode()), False

    server = raw_server(reply)
    monkeypatch.setenv("POSTMARK_API_URL", server.url())
    messages = [
        PMMail(sender="me@example.com", to="a@example.com", subject=f"f{i}", text_body="x")
        for i in range(5)
    ]
    batch = PMBatchMail(messages=messages, api_key="raw-token")
    with pytest.raises(APIError) as caught:
        batch.send()
    assert server.paths() == ["/email/batch"]
    assert [m.message_id for m in messages] == ["id-f0", "id-f1", "id-f2", None, None]
    assert batch.outcomes is not None and len(batch.outcomes) == 5
    assert all(o.error and o.error.may_have_been_sent for o in batch.outcomes[3:])
    assert caught.value.may_have_been_sent is True
