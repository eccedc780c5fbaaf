"""The async client's concurrent batches: the same rules as the sync client's.

A small Tornado app plays Postmark on the same loop (so a blocked loop
would fail the test): each chunk answers after its own delay, chosen by its
first recipient, and every attempt is recorded with the loop time it began
and ended.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port
from tornado.web import Application, RequestHandler

from postmark import UnauthorizedError
from postmark.sending import BatchPlan
from postmark.tornado import AsyncServerClient

CHUNK = 10


@dataclass
class Attempt:
    first: str
    started: float
    ended: float
    status: int


@dataclass
class SlowPostmark:
    delay: Callable[[str], float] = lambda first: 0.0
    script: dict[str, list[tuple[int, dict[str, str], Any]]] = field(default_factory=dict)
    attempts: list[Attempt] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0


class _Handler(RequestHandler):
    def initialize(self, fake: SlowPostmark) -> None:
        self.fake = fake

    async def post(self, path: str) -> None:
        fake, loop = self.fake, asyncio.get_running_loop()
        started = loop.time()
        items = json.loads(self.request.body)
        first = items[0]["To"]
        fake.in_flight += 1
        fake.most_in_flight = max(fake.most_in_flight, fake.in_flight)
        scripted = fake.script.get(first)
        answer = scripted.pop(0) if scripted else None
        await asyncio.sleep(fake.delay(first))
        if answer is None:
            entries = [
                {"ErrorCode": 0, "Message": "OK", "MessageID": f"id-{m['To']}"} for m in items
            ]
            answer = (200, {}, entries)
            fake.accepted.extend(m["To"] for m in items)
        status, headers, body = answer
        fake.in_flight -= 1
        fake.attempts.append(Attempt(first, started, loop.time(), status))
        self.set_status(status)
        for name, value in headers.items():
            self.set_header(name, value)
        self.set_header("Content-Type", "application/json")
        self.write(json.dumps(body))


def run(fake: SlowPostmark, send: Callable[[AsyncServerClient], Any]) -> Any:
    async def main() -> Any:
        sock, port = bind_unused_port()
        server = HTTPServer(Application([(r"/(.*)", _Handler, {"fake": fake})]))
        server.add_sockets([sock])
        try:
            client = AsyncServerClient("token", base_url=f"http://127.0.0.1:{port}", retries=3)
            return await asyncio.wait_for(send(client), 20)
        finally:
            server.stop()
            await server.close_all_connections()

    return asyncio.run(main())


def to(i: int) -> str:
    return f"user{i}@example.com"


def messages(count: int) -> list[dict[str, Any]]:
    return [{"From": "me@example.com", "To": to(i), "TextBody": "Hi"} for i in range(count)]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BatchPlan, "max_count", CHUNK)


def test_async_outcomes_keep_input_order_with_n_in_flight() -> None:
    fake = SlowPostmark(delay=lambda first: 0.01 * (8 - int(first[4:].split("@")[0]) // CHUNK))
    result = run(fake, lambda c: c.send_batch(messages(8 * CHUNK), concurrency=4))
    assert [o.message_id for o in result] == [f"id-{to(i)}" for i in range(8 * CHUNK)]
    assert fake.most_in_flight == 4
    assert sorted(fake.accepted) == sorted(to(i) for i in range(8 * CHUNK))
    ended = [a.first for a in sorted(fake.attempts, key=lambda a: a.ended)]
    assert ended[0] != to(0)  # answers came back out of order


def test_async_429_holds_every_task() -> None:
    refusal = (429, {"Retry-After": "0.3"}, {"ErrorCode": 429, "Message": "Slow down"})
    fake = SlowPostmark(
        delay=lambda first: 0.02 if first == to(0) else 0.15, script={to(0): [refusal]}
    )
    result = run(fake, lambda c: c.email.send_batch(messages(12 * CHUNK), concurrency=4))
    assert all(o.ok for o in result)
    told = next(a for a in fake.attempts if a.status == 429)
    later = [a.started for a in fake.attempts if a.started > told.ended]
    assert later and min(later) >= told.ended + 0.3 - 0.01
    assert sorted(fake.accepted) == sorted(to(i) for i in range(12 * CHUNK))


def test_async_401_stops_every_task() -> None:
    refused = (401, {}, {"ErrorCode": 10, "Message": "Bad or missing API token"})
    fake = SlowPostmark(
        delay=lambda first: 0.03 if first == to(2 * CHUNK) else 0.15,
        script={to(2 * CHUNK): [refused]},
    )
    result = run(fake, lambda c: c.send_batch(messages(20 * CHUNK), concurrency=4))
    told = next(a for a in fake.attempts if a.status == 401)
    assert all(a.started <= told.ended for a in fake.attempts)
    assert len(fake.attempts) == 4
    assert [o.ok for o in result[: 2 * CHUNK]] == [True] * 2 * CHUNK
    assert all(o.ok for o in result[3 * CHUNK : 4 * CHUNK])
    unsent = result[2 * CHUNK : 3 * CHUNK] + result[4 * CHUNK :]
    assert all(isinstance(o.error, UnauthorizedError) for o in unsent)


@pytest.mark.parametrize("value", [0, 2.0, "2", False])
def test_async_bad_concurrency_raises_at_once_and_sends_nothing(value: Any) -> None:
    fake = SlowPostmark()

    async def send(client: AsyncServerClient) -> Any:
        with pytest.raises((TypeError, ValueError), match="concurrency"):
            client.send_batch(messages(3), concurrency=value)  # raises before any await

    run(fake, send)
    assert fake.attempts == []
