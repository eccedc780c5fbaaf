"""The async clients against the same endpoint inventory as the sync ones.

Three proofs that ``AsyncServerClient``/``AsyncAccountClient`` are the sync
clients' twins, not a partial copy:

* every endpoint of :data:`postmark.api.inventory.ENDPOINTS` reaches a fake
  ``AsyncHTTPClient`` (the async executor's boundary, as ``responses`` is the
  sync one's) with the same method, path and token header;
* both clients expose exactly the same public section methods;
* against the sandbox over real sockets, every endpoint gives the async
  client the same kind of answer (or the same exception) as the sync client;

and the event loop keeps running during every kind of call (one request,
a plan of several requests, a paged walk).
"""

from __future__ import annotations

import asyncio
import inspect
import io
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import responses
from tornado.httpclient import HTTPRequest, HTTPResponse
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port
from tornado.web import Application, RequestHandler

import postmark
from postmark.api.inventory import ENDPOINTS, Endpoint
from postmark.sandbox import Sandbox
from postmark.sending import BatchPlan
from postmark.tornado import AsyncAccountClient, AsyncServerClient

from .test_inventory import arguments, public_methods, resolve
from .wire import ACCOUNT_TOKEN, SERVER_TOKEN, TOKEN_HEADERS

IDS = [f"{e.method} {e.path}" for e in ENDPOINTS]


class RecordingHTTPClient:
    """A stand-in ``AsyncHTTPClient``: records each request, answers 200 with ``answer``."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.requests: list[HTTPRequest] = []

    async def fetch(self, request: HTTPRequest, raise_error: bool = True) -> HTTPResponse:
        self.requests.append(request)
        body = json.dumps(self.answer).encode()
        return HTTPResponse(request, 200, buffer=io.BytesIO(body))


def async_clients(http_client: Any = None, base_url: str | None = None) -> dict[str, Any]:
    return {
        "server": AsyncServerClient(
            SERVER_TOKEN, retries=0, http_client=http_client, base_url=base_url
        ),
        "account": AsyncAccountClient(
            ACCOUNT_TOKEN, retries=0, http_client=http_client, base_url=base_url
        ),
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_every_endpoint_reaches_the_wire_from_the_async_client(endpoint: Endpoint) -> None:
    fake = RecordingHTTPClient([] if "batch" in endpoint.path.lower() else {})

    async def call() -> Any:
        method = resolve(async_clients(fake)[endpoint.token], endpoint.operation)
        args, kwargs, path = arguments(method, endpoint)
        awaitable = method(*args, **kwargs)
        assert inspect.isawaitable(awaitable), endpoint.operation
        await awaitable
        return path

    path = asyncio.run(call())
    assert len(fake.requests) == 1
    request = fake.requests[0]
    assert (request.method, urlsplit(request.url).path) == (endpoint.method, path)
    header, token = TOKEN_HEADERS[endpoint.token]
    assert request.headers[header] == token


@pytest.mark.parametrize("kind", ["server", "account"])
def test_async_clients_have_exactly_the_sync_clients_methods(kind: str) -> None:
    sync = {
        "server": postmark.ServerClient(SERVER_TOKEN),
        "account": postmark.AccountClient(ACCOUNT_TOKEN),
    }[kind]
    asynchronous = async_clients()[kind]
    assert public_methods(asynchronous) == public_methods(sync)
    # iter* too (public_methods leaves them out): same walks on both.
    for section in type(sync)._SECTIONS:
        names = {n for n in dir(getattr(sync, section)) if n.startswith("iter")}
        assert names == {n for n in dir(getattr(asynchronous, section)) if n.startswith("iter")}


# --------------------------------------------------------------------------
# Against the sandbox, over real sockets: the same answer as the sync client


@pytest.fixture
def real_sockets() -> None:
    """Let the sync client reach the sandbox past this folder's ``responses`` fake."""
    responses.add_passthru(re.compile(r"http://127\.0\.0\.1:\d+/"))


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """What a call gave, comparable across clients: the answer's shape or the error."""
    try:
        result = call()
    except postmark.PostmarkError as error:
        return type(error).__name__, (error.http_status, error.error_code)
    if isinstance(result, dict):
        return "dict", sorted(result)
    if isinstance(result, list):
        return "list", len(result)
    return type(result).__name__, None


@pytest.mark.usefixtures("real_sockets")
def test_every_endpoint_answers_the_async_client_as_it_answers_the_sync_client() -> None:
    # Two fresh sandboxes, the same calls in the same order: ids and state line up.
    with Sandbox() as sync_box, Sandbox() as async_box:
        sync_clients = {
            "server": postmark.ServerClient(SERVER_TOKEN, base_url=sync_box.url, retries=0),
            "account": postmark.AccountClient(ACCOUNT_TOKEN, base_url=sync_box.url, retries=0),
        }

        async def run_async(endpoint: Endpoint) -> tuple[str, Any]:
            method = resolve(
                async_clients(base_url=async_box.url)[endpoint.token], endpoint.operation
            )
            args, kwargs, _ = arguments(method, endpoint)
            try:
                result = await method(*args, **kwargs)
            except postmark.PostmarkError as error:
                return type(error).__name__, (error.http_status, error.error_code)
            return outcome(lambda: result)

        for endpoint in ENDPOINTS:
            method = resolve(sync_clients[endpoint.token], endpoint.operation)
            args, kwargs, _ = arguments(method, endpoint)
            expected = outcome(lambda m=method, a=args, k=kwargs: m(*a, **k))  # type: ignore[misc]
            assert asyncio.run(run_async(endpoint)) == expected, endpoint


@pytest.mark.usefixtures("real_sockets")
def test_async_walks_and_batches_match_the_sync_client_against_the_sandbox() -> None:
    messages = [
        {"From": "me@example.com", "To": f"user{i}@example.com", "Subject": f"{i}", "TextBody": "x"}
        for i in range(7)
    ]
    with Sandbox() as box:
        sync = postmark.ServerClient(SERVER_TOKEN, base_url=box.url)
        asynchronous = AsyncServerClient(SERVER_TOKEN, base_url=box.url)

        async def scenario() -> tuple[list[bool], list[str]]:
            BatchPlan.max_count, saved = 3, BatchPlan.max_count  # three requests
            try:
                result = await asynchronous.email.send_batch(messages)
            finally:
                BatchPlan.max_count = saved
            found = [m["MessageID"] async for m in asynchronous.messages.iter()]
            return [o.ok for o in result], found

        oks, found = asyncio.run(scenario())
        assert oks == [True] * 7
        assert found == [m["MessageID"] for m in sync.messages.iter()]
        assert len(found) == 7


# --------------------------------------------------------------------------
# The event loop keeps running


class _SlowHandler(RequestHandler):
    """Answers after 50 ms on the same loop: a blocking client would never get it."""

    async def get(self, path: str) -> None:
        await asyncio.sleep(0.05)
        if path == "bounces":
            offset = int(self.get_argument("offset"))
            items = [{"ID": i} for i in range(offset, min(offset + 2, 4))]
            self.write({"TotalCount": 4, "Bounces": items})
        else:
            self.write({"ID": 1})

    async def post(self, path: str) -> None:
        await asyncio.sleep(0.05)
        items = json.loads(self.request.body)
        self.set_header("Content-Type", "application/json")
        self.write(
            json.dumps([{"ErrorCode": 0, "MessageID": f"m{i}"} for i, _ in enumerate(items)])
        )


async def ticks_during(work: Callable[[], Awaitable[Any]]) -> tuple[int, Any]:
    """How often a 5 ms ticker ran while ``work`` was awaited, and its result."""
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            await asyncio.sleep(0.005)
            ticks += 1

    task = asyncio.ensure_future(ticker())
    try:
        result = await work()
    finally:
        done.set()
        await task
    return ticks, result


def test_the_event_loop_keeps_running_during_every_kind_of_call() -> None:
    async def scenario() -> dict[str, tuple[int, Any]]:
        sock, port = bind_unused_port()
        server = HTTPServer(Application([(r"/(.*)", _SlowHandler)]))
        server.add_sockets([sock])
        client = AsyncServerClient(SERVER_TOKEN, base_url=f"http://127.0.0.1:{port}")
        message = {"From": "me@example.com", "To": "you@example.com", "TextBody": "x"}

        async def batch() -> Any:  # a plan of two requests
            BatchPlan.max_count, saved = 1, BatchPlan.max_count
            try:
                return await client.email.send_batch([message, message])
            finally:
                BatchPlan.max_count = saved

        async def walk() -> Any:  # two pages
            return [b["ID"] async for b in client.bounces.iter()]

        try:
            return {
                "endpoint": await ticks_during(lambda: client.bounces.get(1)),
                "plan": await ticks_during(batch),
                "walk": await ticks_during(walk),
            }
        finally:
            server.stop()

    results = asyncio.run(scenario())
    assert results["endpoint"][1] == {"ID": 1}
    assert [o.message_id for o in results["plan"][1]] == ["m0", "m0"]
    assert results["walk"][1] == [0, 1, 2, 3]
    # 50 ms per request and a 5 ms ticker: the loop turned all along.
    assert results["endpoint"][0] >= 5
    assert results["plan"][0] >= 10
    assert results["walk"][0] >= 10


def test_local_checks_raise_at_once_before_anything_is_sent() -> None:
    fake = RecordingHTTPClient({})

    async def scenario() -> None:
        client = async_clients(fake)["server"]
        with pytest.raises(postmark.InvalidMessageError):
            client.email.send({"From": "me@example.com", "To": "a\r\nBcc: x@evil.example"})
        with pytest.raises(TypeError):
            client.bounces.iter(no_such_filter=1)

    asyncio.run(scenario())
    assert fake.requests == []


def test_a_plan_is_not_replayed_by_the_async_executor() -> None:
    # One request per chunk, whatever the answer: the plan decides, not the executor.
    fake = RecordingHTTPClient([{"ErrorCode": 0, "MessageID": "x"}])

    async def scenario() -> Any:
        return await async_clients(fake)["server"].email.send_batch(
            [{"From": "me@example.com", "To": "a@example.com"}]
        )

    result = asyncio.run(scenario())
    assert [o.message_id for o in result] == ["x"]
    assert len(fake.requests) == 1
    assert re.search(r"/email/batch$", fake.requests[0].url)
