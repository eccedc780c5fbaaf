"""``AsyncServerClient`` and ``AsyncAccountClient``: the whole Postmark API, awaitable.

The same sections, method names, arguments and exceptions as
:class:`postmark.ServerClient` and :class:`postmark.AccountClient` — the
sections are the same classes (:mod:`postmark.api.base`); only the executor
differs::

    client = AsyncServerClient("server-token")
    answer = await client.email.send(sender="me@example.com", to="you@example.com",
                                     subject="Hi", text_body="Hello")
    bounce = await client.bounces.get(42)
    async for bounce in client.bounces.iter(type="HardBounce"):
        ...

Runs on Tornado's ``AsyncHTTPClient`` on the running asyncio loop, so it
works in any asyncio program (FastAPI, aiohttp, plain ``asyncio.run``) as
well as in Tornado. Every call returns a :class:`~postmark.tornado.futures.SendFuture`
that is already running; local checks (a bad message, a misspelt filter)
raise at once, before anything is sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from tornado.httpclient import AsyncHTTPClient

from postmark.api.base import Async, Executor, Plan, Stepper, Walk, Walker
from postmark.api.sections import AccountSections, ServerSections
from postmark.client import client_token
from postmark.exceptions import PostmarkError
from postmark.outcomes import BatchResult, SendResponse
from postmark.parallel import AsyncChunkSender, Concurrently
from postmark.protocol import (
    ACCOUNT_TOKEN_HEADER,
    SERVER_TOKEN_HEADER,
    ConnectionOptions,
    Request,
)
from postmark.tornado.futures import SendFuture, schedule
from postmark.tornado.transport import AsyncTransport

if TYPE_CHECKING:
    from typing_extensions import Unpack

T = TypeVar("T")
_C = TypeVar("_C", bound="_AsyncClient")

__all__ = ["AsyncAccountClient", "AsyncClientOptions", "AsyncExecutor", "AsyncServerClient"]


class AsyncExecutor:
    """Runs section descriptions on an :class:`AsyncTransport`, each as a running future."""

    def __init__(self, transport: AsyncTransport) -> None:
        self.transport = transport

    def run(self, request: Request[T]) -> SendFuture[T]:
        return schedule(self.transport.perform(request), f"{request.method} {request.path}")

    def run_plan(self, plan: Plan[T]) -> SendFuture[T]:
        stepper = Stepper(plan)
        # The first step runs now: a message refused locally raises here,
        # before anything is sent, exactly as with the sync client.
        request = stepper.first()
        what = f"{request.method} {request.path}" if isinstance(request, Request) else "batch"
        return schedule(self._drive(stepper, request), what)

    async def _drive(self, stepper: Stepper, request: Request[Any] | Concurrently | None) -> Any:
        while request is not None:
            if not isinstance(request, Request):
                # N chunks at a time on this loop, through the transport's HTTP client.
                sender = AsyncChunkSender(self.transport.perform, request.concurrency)
                await sender.deliver(request.plan, request.chunks)
                request = stepper.advance(None)
                continue
            try:
                answer = await self.transport.perform(request)
            except PostmarkError as error:
                request = stepper.fail(error)
                continue
            request = stepper.advance(answer)
        return stepper.value

    async def run_walk(self, walk: Walk[T]) -> AsyncIterator[T]:
        walker = Walker(walk)
        for step in walker:
            if isinstance(step, Request):
                walker.answer = await self.transport.perform(step)
            else:
                yield step


class AsyncClientOptions(ConnectionOptions, total=False):
    """The options of both async clients (see :class:`.AsyncTransport`)."""

    http_client: AsyncHTTPClient | None
    sleep: Callable[[float], Awaitable[object]] | None


class _AsyncClient:
    _setting = ""
    _header = ""
    _kind = ""

    def __init__(self, token: str | None, options: AsyncClientOptions) -> None:
        token = client_token(type(self), self._setting, self._kind, token)
        self.transport = AsyncTransport(token, token_header=self._header, **options)
        self.base_url = self.transport.base_url
        self._async = AsyncExecutor(self.transport)
        self._executor: Executor = self._async

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> SendFuture[Any]:
        """Call any endpoint, e.g. ``await client.request("GET", "/server")``."""
        return self._async.run(Request(method.upper(), path, params=params, json=json))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"

    async def __aenter__(self: _C) -> _C:
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Nothing to close: the loop's ``AsyncHTTPClient`` is shared, not ours."""


class AsyncServerClient(_AsyncClient, ServerSections[Async]):
    """Everything a server token can do, without blocking the event loop.

    Sections as on :class:`postmark.ServerClient` (``email``, ``bounces``,
    ``templates``, ``server``, ``messages``, ``inbound``, ``message_streams``,
    ``suppressions``, ``webhooks``, ``stats``, ``inbound_rules``); every
    method returns a running :class:`~postmark.tornado.futures.SendFuture`
    and every ``iter`` an async iterator. ``send``, ``send_with_template``
    and ``send_batch`` are kept on the client itself, as before.

    Args:
        server_token: default ``POSTMARK_SERVER_TOKEN`` (or legacy ``POSTMARK_API_KEY``).
        options: ``base_url``, ``timeout``, ``retries``, ``deadline``,
            ``ca_bundle``, ``http_client``, ``sleep`` (see
            :class:`~postmark.tornado.transport.AsyncTransport`).
    """

    _setting = "POSTMARK_SERVER_TOKEN"
    _header = SERVER_TOKEN_HEADER
    _kind = "server"

    def __init__(
        self, server_token: str | None = None, **options: Unpack[AsyncClientOptions]
    ) -> None:
        super().__init__(server_token, options)

    def send(self, message: Any = None, /, **fields: Any) -> SendFuture[SendResponse]:
        """``client.email.send``: ``POST /email`` (or ``/email/withTemplate``)."""
        return cast("SendFuture[SendResponse]", self.email.send(message, **fields))

    def send_with_template(self, message: Any = None, /, **fields: Any) -> SendFuture[SendResponse]:
        """``client.email.send_with_template``: ``POST /email/withTemplate``."""
        future = self.email.send_with_template(message, **fields)
        return cast("SendFuture[SendResponse]", future)

    def send_batch(self, messages: Any, *, concurrency: int = 1) -> SendFuture[BatchResult]:
        """``client.email.send_batch``: ``POST /email/batch`` and ``/email/batchWithTemplates``.

        ``concurrency``: requests in flight at once (see ``client.email.send_batch``).
        """
        future = self.email.send_batch(messages, concurrency=concurrency)
        return cast("SendFuture[BatchResult]", future)


class AsyncAccountClient(_AsyncClient, AccountSections[Async]):
    """Everything an account token can do, without blocking the event loop.

    Sections as on :class:`postmark.AccountClient` (``servers``, ``domains``,
    ``sender_signatures``, ``templates``, ``data_removals``).

    Args:
        account_token: default ``POSTMARK_ACCOUNT_TOKEN``; other options as
            for :class:`AsyncServerClient`.
    """

    _setting = "POSTMARK_ACCOUNT_TOKEN"
    _header = ACCOUNT_TOKEN_HEADER
    _kind = "account"

    def __init__(
        self, account_token: str | None = None, **options: Unpack[AsyncClientOptions]
    ) -> None:
        super().__init__(account_token, options)
