"""The async executor's transport: Postmark calls on Tornado's ``AsyncHTTPClient``.

The only module that imports Tornado's HTTP client. Calls are described,
retried and decoded by :mod:`postmark.protocol`, as in the sync transport:
only the I/O differs (every wait is a timer on the event loop, never a
blocking sleep), so a call fails the same way, with the same exception,
whichever client makes it.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import tornado
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.iostream import StreamClosedError
from tornado.simple_httpclient import HTTPTimeoutError, SimpleAsyncHTTPClient

from postmark.exceptions import PostmarkError
from postmark.protocol import (
    SERVER_TOKEN_HEADER,
    Attempts,
    Call,
    CallOptions,
    ConnectionOptions,
    Request,
    client_settings,
    decode_response,
    log_attempt,
    no_answer_error,
    resolve_ca_bundle,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from postmark.parallel import Gate

__all__ = ["AsyncTransport", "classify_failure"]


# --------------------------------------------------------------------------
# Classifying Tornado's failures

# libcurl error numbers, for applications that configured CurlAsyncHTTPClient.
_CURL_NOTHING_SENT = frozenset({5, 6, 7})  # could not resolve proxy / host, could not connect
_CURL_TLS = frozenset({35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91})
_CURL_TIMEOUT = 28
# Tornado names the phase a timeout hit; all of these come before the request
# is written ("Timeout during request" is the one that may follow it).
_TIMEOUTS_BEFORE_SENDING = (
    "Timeout while connecting",
    "Timeout while resolving",
    "Timeout during TLS handshake",
    "Timeout in request queue",
)


def classify_failure(error: BaseException) -> tuple[str, bool] | None:
    """``(kind, nothing_sent)`` for an error from ``AsyncHTTPClient.fetch``.

    ``kind`` is ``"tls"``, ``"timeout"`` or ``"connection"`` (see
    :func:`postmark.protocol.no_answer_error`); ``nothing_sent`` is True only
    when the request provably never left this machine. Returns None for an
    error that is not about the connection (a bug, a bad argument).
    """
    if isinstance(error, ssl.SSLError):
        return "tls", True
    errno = getattr(error, "errno", None)
    if type(error).__name__ == "CurlError" and isinstance(errno, int):
        return _classify_curl(errno, str(error))
    if isinstance(error, HTTPClientError):
        if error.code != 599:
            return None
        if isinstance(error, HTTPTimeoutError):
            return "timeout", (error.message or "").startswith(_TIMEOUTS_BEFORE_SENDING)
        return "connection", False  # HTTPStreamClosedError: closed after we wrote
    if isinstance(error, ConnectionRefusedError | socket.gaierror):
        return "connection", True
    if isinstance(error, TimeoutError):
        return "timeout", False
    if isinstance(error, OSError | StreamClosedError):
        return "connection", False  # reset or broken pipe: the request may be out
    return None


def _classify_curl(errno: int, text: str) -> tuple[str, bool]:
    if errno in _CURL_TLS:
        return "tls", True
    if errno in _CURL_NOTHING_SENT:
        return "connection", True
    if errno == _CURL_TIMEOUT:
        return "timeout", "Connection timed out" in text or "Resolving timed out" in text
    return "connection", False


# --------------------------------------------------------------------------
# The executor


def _default_ca_bundle() -> str | None:
    """certifi's bundle, the one the synchronous transport trusts by default."""
    try:
        import certifi
    except ImportError:  # pragma: no cover - requests depends on certifi
        return None
    return certifi.where()


@functools.lru_cache(maxsize=8)
def _tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    """A verifying TLS context for ``ca_bundle``, built once.

    Given only ``ca_certs``, Tornado's simple client builds a new context for
    every request, and reading certifi's bundle takes some 20 ms of CPU on
    the IOLoop each time.
    """
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_bundle)
    context.options |= ssl.OP_NO_COMPRESSION  # as Tornado's own contexts (CRIME)
    return context


class AsyncTransport:
    """Runs :class:`~postmark.protocol.Call` objects on Tornado's AsyncHTTPClient.

    The twin of :class:`postmark.transport.Transport`: same base URL,
    timeouts, retry policy, headers and answer decoding, but every wait is a
    timer on the IOLoop.

    Args:
        token: the server or account token (kept out of reprs, logs and errors).
        token_header: ``X-Postmark-Server-Token`` or ``X-Postmark-Account-Token``.
        http_client: an ``AsyncHTTPClient`` to use (default: the loop's shared one).
        sleep: the wait between attempts, a coroutine function (default
            :attr:`default_sleep`, ``asyncio.sleep``); tests pass a recorder.
        options: ``base_url``, ``timeout``, ``retries``, ``deadline``,
            ``ca_bundle`` (see :class:`~postmark.protocol.ConnectionOptions`).
            Tornado has no per-read timeout, so an attempt may take
            ``connect + read`` seconds in total. The CA bundle defaults to
            ``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``, then certifi's;
            certificates are always verified.
    """

    def __init__(
        self,
        token: str,
        *,
        token_header: str = SERVER_TOKEN_HEADER,
        http_client: AsyncHTTPClient | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        **options: Unpack[ConnectionOptions],
    ) -> None:
        agent = (f"Tornado {tornado.version}",)
        settings = client_settings(token, token_header=token_header, agent=agent, **options)
        self.base_url = settings.base_url
        self.timeout = settings.timeout
        self.retry_policy = settings.retry_policy
        self._headers = dict(settings.headers)
        self.ca_bundle = resolve_ca_bundle(options.get("ca_bundle")) or _default_ca_bundle()
        self._http_client = http_client
        self._sleep = sleep if sleep is not None else type(self).default_sleep

    #: How every transport built without ``sleep=`` waits between attempts:
    #: a timer on the event loop, never a blocking sleep.
    default_sleep: Callable[[float], Awaitable[object]] = staticmethod(asyncio.sleep)

    def __repr__(self) -> str:
        return f"<AsyncTransport {self.base_url}>"

    async def call(self, method: str, path: str, **options: Unpack[CallOptions]) -> Any:
        """:meth:`postmark.transport.Transport.call`, awaited: the same answer or exception."""
        return await self.perform(Request(method, path, **options))

    async def perform(self, request: Request[Any], gate: Gate | None = None) -> Any:
        """Run one :class:`~postmark.protocol.Request` (of an API section); its result.

        ``gate``: the run this call is part of when chunks go out side by side
        (:mod:`postmark.parallel`).
        """
        call = request.to_call(self.base_url, self._headers)
        return request.result(await self.execute(call, gate))

    async def execute(self, call: Call, gate: Gate | None = None) -> Any:
        """Run a prepared :class:`Call` with the retry policy; see :meth:`call`.

        With a ``gate``, every attempt passes it first, and a 429/503 holds
        every worker of the run (as :meth:`postmark.transport.Transport.execute`).
        """
        if gate is not None:
            await gate.wait_async(self._sleep)
        attempts = Attempts(self.retry_policy, call)
        while True:
            try:
                return await self._attempt(call, attempts.attempt + 1, attempts.begin())
            except PostmarkError as error:
                wait = attempts.wait_after(error)
                if gate is None:
                    await self._sleep(wait)
                else:
                    await gate.back_off_async(error, wait, self.retry_policy, self._sleep)

    async def _attempt(self, call: Call, attempt: int, remaining: float) -> Any:
        client = self._http_client or AsyncHTTPClient()
        request = self._request(call, remaining, client)
        started = time.monotonic()
        try:
            response = await client.fetch(request, raise_error=False)
        except Exception as error:
            answer = getattr(error, "response", None)
            if isinstance(error, HTTPClientError) and error.code != 599 and answer is not None:
                response = answer  # a client configured to raise for HTTP errors
            else:
                classified = classify_failure(error)
                if classified is None:
                    raise  # not about the connection: a bug or a bad argument
                log_attempt(call, "failed", started, attempt)
                kind, nothing_sent = classified
                raise no_answer_error(call, error, nothing_sent=nothing_sent, kind=kind) from error
        log_attempt(call, response.code, started, attempt)
        return decode_response(
            call, response.code, response.body or b"", response.headers, self.retry_policy
        )

    def _request(self, call: Call, remaining: float, client: AsyncHTTPClient) -> HTTPRequest:
        connect, read = self.timeout
        budget = max(remaining, 0.001)
        body = call.body
        if body is None and call.method in ("POST", "PUT", "PATCH"):
            body = b""  # Tornado refuses these methods without a body
        return HTTPRequest(
            call.url,
            method=call.method,
            headers=dict(call.headers),
            body=body,
            connect_timeout=min(connect, budget),
            request_timeout=min(connect + read, budget),
            # A redirect is an error here, as in the sync transport: following
            # one could turn a POST into a GET or send the token elsewhere.
            follow_redirects=False,
            validate_cert=True,
            ca_certs=self.ca_bundle,
            # The curl client takes ca_certs only; the simple one gets a cached context.
            ssl_options=(
                _tls_context(self.ca_bundle)
                if isinstance(client, SimpleAsyncHTTPClient) and call.url.startswith("https:")
                else None
            ),
            allow_nonstandard_methods=body is not None and call.method in ("GET", "DELETE"),
        )
