"""The Tornado client and the sync core, side by side against the same fake Postmark.

Each scenario is sent once with ``ServerClient`` (``requests``, run in a
worker thread here so the fake can keep answering on the loop) and once with
``AsyncServerClient``; both must end in the same exception class, with the
same fields and the same number of requests on the wire.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from tornado_fakes import TOKEN, FakePostmark, run_with_fake

from postmark import ServerClient
from postmark.tornado import AsyncServerClient

MESSAGE = {"From": "me@example.com", "To": "a@example.com", "Subject": "S", "TextBody": "x"}


def rate_limited(fake: FakePostmark, times: int) -> None:
    for _ in range(times):
        fake.next(429, b"", headers={"Retry-After": "0"})


# name -> (how to prepare the fake, message overrides, client options)
SCENARIOS: dict[str, tuple[Callable[[FakePostmark], None], dict[str, Any], dict[str, Any]]] = {
    "ok": (lambda fake: None, {}, {}),
    "bad token": (lambda fake: None, {}, {"token": "wrong"}),
    "inactive": (lambda fake: None, {"To": "inactive@example.com"}, {}),
    "no recipient": (lambda fake: None, {"To": ""}, {}),
    "500": (lambda fake: fake.next(500, {"ErrorCode": 101, "Message": "Internal"}), {}, {}),
    "413": (lambda fake: fake.next(413, b"Request Entity Too Large"), {}, {}),
    "429 then ok": (
        lambda fake: fake.next(429, {"ErrorCode": 429}, headers={"Retry-After": "0"}),
        {},
        {},
    ),
    "429 always": (lambda fake: rate_limited(fake, times=4), {}, {}),
    "503 then ok": (
        lambda fake: fake.next(503, {"ErrorCode": 100}, headers={"Retry-After": "0"}),
        {},
        {},
    ),
    "200 not json": (lambda fake: fake.next(200, b"<html>"), {}, {}),
    "read timeout": (lambda fake: fake.next(delay=0.6), {}, {"timeout": (0.2, 0.2)}),
    "dropped": (lambda fake: fake.next(drop=True), {}, {}),
}


EXPECTED = {
    "ok": "ok",
    "bad token": "UnauthorizedError",
    "inactive": "InactiveRecipientError",
    "no recipient": "InvalidMessageError",  # refused by both before anything is sent
    "500": "ServerError",
    "413": "PayloadTooLargeError",
    "429 then ok": "ok",
    "429 always": "RateLimitError",
    "503 then ok": "ok",
    "200 not json": "APIError",
    "read timeout": "RequestTimeoutError",
    "dropped": "TransportError",
}


def describe(error: Exception) -> tuple[Any, ...]:
    return (
        type(error).__name__,
        getattr(error, "http_status", None),
        getattr(error, "error_code", None),
        getattr(error, "retryable", None),
        getattr(error, "may_have_been_sent", None),
    )


def outcome(send: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        answer = send()
    except Exception as error:
        return describe(error)
    return ("ok", answer.get("ErrorCode"))


async def async_outcome(send: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        answer = await send()
    except Exception as error:
        return describe(error)
    return ("ok", answer.get("ErrorCode"))


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_sync_and_tornado_clients_fail_alike(name: str) -> None:
    prepare, overrides, options = SCENARIOS[name]
    options = dict(options)
    token = options.pop("token", TOKEN)
    message = {**MESSAGE, **overrides}

    async def scenario(fake: FakePostmark, url: str) -> Any:
        prepare(fake)
        sync = ServerClient(token, base_url=url, **options)
        loop = asyncio.get_running_loop()
        sync_result = await loop.run_in_executor(
            None, outcome, lambda: sync.email.send(dict(message))
        )
        sync.close()
        sync_requests = len(fake.received)
        await asyncio.sleep(0.7 if name == "read timeout" else 0)  # let the slow answer finish
        fake.received.clear()
        prepare(fake)
        tornado_client = AsyncServerClient(token, base_url=url, **options)
        tornado_result = await async_outcome(lambda: tornado_client.send(dict(message)))
        return sync_result, tornado_result, sync_requests, len(fake.received)

    started = time.monotonic()
    sync_result, tornado_result, sync_requests, tornado_requests = run_with_fake(scenario)
    assert sync_result[0] == EXPECTED[name]
    assert tornado_result == sync_result
    assert tornado_requests == sync_requests
    assert time.monotonic() - started < 4


def test_batches_give_the_same_outcomes() -> None:
    messages = [
        {**MESSAGE, "To": "a@example.com"},
        {**MESSAGE, "To": "inactive@example.com"},
        {**MESSAGE, "To": ""},
        {**MESSAGE, "Subject": "bad\nsubject"},
        {**MESSAGE, "TemplateAlias": "welcome", "TemplateModel": {}},
    ]

    def summary(result: Any) -> list[Any]:
        return [(o.index, o.ok, type(o.error), o.error_code) for o in result]

    async def scenario(fake: FakePostmark, url: str) -> Any:
        sync = ServerClient(TOKEN, base_url=url)
        loop = asyncio.get_running_loop()
        sync_result = await loop.run_in_executor(None, sync.email.send_batch, messages)
        sync.close()
        sync_bodies = [r.body for r in fake.received]
        fake.received.clear()
        tornado_result = await AsyncServerClient(TOKEN, base_url=url).send_batch(messages)
        return summary(sync_result), summary(tornado_result), sync_bodies, fake

    sync_summary, tornado_summary, sync_bodies, fake = run_with_fake(scenario)
    assert tornado_summary == sync_summary
    assert [r.body for r in fake.received] == sync_bodies  # byte-identical requests
