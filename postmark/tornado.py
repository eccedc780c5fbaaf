"""Tornado integration: send through Postmark without ever blocking the IOLoop.

Two layers, both on Tornado's own :class:`~tornado.httpclient.AsyncHTTPClient`
(no threads, no ``time.sleep``):

* :class:`AsyncServerClient` sends single messages, template messages and
  batches (``POST /email``, ``/email/withTemplate``, ``/email/batch``,
  ``/email/batchWithTemplates``) and calls any other endpoint.
* :class:`PostmarkMixin` gives a ``RequestHandler`` ``self.send_email(...)``
  and ``self.send_batch(...)``, configured per application or through
  ``tornado.options`` (the legacy ``postmark_signature`` / ``postmark_sendemail``).

Requests are described, validated, retried and decoded by the same code as the
synchronous client (:mod:`postmark.protocol`, :mod:`postmark.payloads`,
:mod:`postmark.batching`): only the executor differs, so a message fails the
same way, with the same exception class, whichever client sends it.

Every send returns a :class:`SendFuture` that is already running. Awaiting it
gives Postmark's answer or raises; a handler that does not await still gets
its mail sent, and a failure nobody awaited is logged on the ``postmark``
logger at ERROR level instead of vanishing.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import socket
import ssl
import time
from collections.abc import Coroutine, Generator, Iterable, Mapping, Sequence
from typing import Any, TypeVar

try:
    import tornado
    from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
    from tornado.iostream import StreamClosedError
    from tornado.simple_httpclient import HTTPTimeoutError, SimpleAsyncHTTPClient
except ImportError as error:  # pragma: no cover - exercised only without Tornado
    raise ImportError(
        "postmark.tornado needs Tornado 6.2 or later: pip install 'python-postmark[tornado]'."
    ) from error

from postmark import config
from postmark.api.email import (
    _BATCH,
    SendResponse,
    as_payload,
    plan_batch,
    record_answer,
    record_failure,
)
from postmark.batching import (
    BatchResult,
    Chunk,
    SendOutcome,
)
from postmark.exceptions import (
    ConfigurationError,
    InvalidMessageError,
    PostmarkError,
)
from postmark.payloads import (
    MAX_BATCH_BYTES,
    MAX_BATCH_MESSAGES,
    build_message,
    check_encoded_size,
    is_template_message,
)
from postmark.protocol import (
    SERVER_TOKEN_HEADER,
    Call,
    RetryPolicy,
    build_call,
    check_token,
    decode_response,
    encode_json,
    no_answer_error,
    resolve_ca_bundle,
    user_agent,
)
from postmark.transport import Timeout, resolve_base_url, resolve_timeout

logger = logging.getLogger("postmark")

T = TypeVar("T")

__all__ = [
    "AsyncServerClient",
    "AsyncTransport",
    "PostmarkMixin",
    "SendFuture",
    "classify_failure",
    "wait_for_sends",
]


# --------------------------------------------------------------------------
# Futures that are already running, and never fail silently


class SendFuture(asyncio.Future[T]):
    """The result of a send that is already under way.

    ``await`` it for Postmark's answer (or the exception). Nothing has to
    await it: the send runs anyway, and if it fails while nobody is awaiting
    it (nobody called ``await``, ``add_done_callback``, ``result`` or
    ``exception`` before it finished, or the awaiter was cancelled), the
    failure is logged on the ``postmark`` logger at ERROR level.

    Cancelling it does not stop the send: a POST cut off mid-way may already
    have been accepted by Postmark, so the request runs to its end (and a
    failure is logged) rather than leaving the outcome unknown.
    """

    _observed = False

    def __await__(self) -> Generator[Any, None, T]:
        self._observed = True
        return super().__await__()

    __iter__ = __await__

    def add_done_callback(self, fn: Any, *, context: Any = None) -> None:
        self._observed = True
        super().add_done_callback(fn, context=context)

    def result(self) -> T:
        self._observed = True
        return super().result()

    def exception(self) -> BaseException | None:
        self._observed = True
        return super().exception()

    @property
    def observed(self) -> bool:
        """Whether anyone has asked for the outcome (awaited it or added a callback)."""
        return self._observed

    def _settle(self, task: asyncio.Task[T], what: str) -> None:
        """Copy the finished send's outcome into this future (a done-callback on ``task``)."""
        if task.cancelled():
            logger.error("%s was cancelled before it finished; it may not have been sent.", what)
            self.cancel()
            return
        error = task.exception()
        if error is None:
            if not self.done():
                self.set_result(task.result())
            return
        if self.done() or not self._observed:
            logger.error("%s failed and nobody awaited it: %s", what, error, exc_info=error)
        if not self.done():
            self.set_exception(error)
            if not self._observed:
                # Logged just above: keep asyncio from reporting it a second
                # time ("exception was never retrieved") when it is collected.
                asyncio.Future.exception(self)


#: Sends in flight: asyncio keeps only weak references to tasks, so a send
#: whose future nobody holds would otherwise be collectable mid-request.
_in_flight: set[asyncio.Task[Any]] = set()


def _schedule(work: Coroutine[Any, Any, T], what: str) -> SendFuture[T]:
    """Start ``work`` now on the running loop and return its :class:`SendFuture`."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        work.close()
        raise RuntimeError(
            f"{what}: call it on the IOLoop's thread (from a request handler or a "
            "coroutine); there is no running event loop here."
        ) from None
    task = loop.create_task(work, name=f"postmark {what}")
    _in_flight.add(task)
    task.add_done_callback(_in_flight.discard)
    future: SendFuture[T] = SendFuture(loop=loop)
    task.add_done_callback(lambda done: future._settle(done, what))
    return future


async def wait_for_sends(timeout: float | None = None) -> int:
    """Wait until the sends started on this loop have finished (e.g. before shutdown).

    Returns how many are still running when ``timeout`` seconds have passed.
    """
    loop = asyncio.get_running_loop()
    running = [task for task in _in_flight if task.get_loop() is loop and not task.done()]
    if not running:
        return 0
    _, pending = await asyncio.wait(running, timeout=timeout)
    return len(pending)


async def _sleep(seconds: float) -> None:
    """The wait between attempts: a timer on the loop, never a blocking sleep."""
    await asyncio.sleep(seconds)


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
        base_url: default ``POSTMARK_API_URL`` or https://api.postmarkapp.com.
        timeout: seconds, or ``(connect, read)``; default ``POSTMARK_TIMEOUT``
            or (10, 60). Tornado has no per-read timeout, so an attempt may
            take ``connect + read`` seconds in total.
        retries: extra attempts for a retryable failure (default 3, ``0`` disables).
        deadline: overall seconds one call may take, retries and waits included.
        ca_bundle: a CA bundle to trust; default ``REQUESTS_CA_BUNDLE``,
            ``CURL_CA_BUNDLE``, then certifi's. Certificates are always verified.
        http_client: an ``AsyncHTTPClient`` to use (default: the loop's shared one).
    """

    def __init__(
        self,
        token: str,
        *,
        token_header: str = SERVER_TOKEN_HEADER,
        base_url: str | None = None,
        timeout: Timeout | None = None,
        retries: int | None = None,
        deadline: float | None = None,
        ca_bundle: str | None = None,
        http_client: AsyncHTTPClient | None = None,
    ) -> None:
        token = check_token(token)
        self.base_url = resolve_base_url(base_url)
        self.timeout = resolve_timeout(timeout)
        self.retry_policy = RetryPolicy.configured(retries, deadline)
        self.ca_bundle = resolve_ca_bundle(ca_bundle) or _default_ca_bundle()
        self._http_client = http_client
        self._headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": user_agent(f"Tornado {tornado.version}"),
            token_header: token,
        }

    def __repr__(self) -> str:
        return f"<AsyncTransport {self.base_url}>"

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        body: bytes | None = None,
    ) -> Any:
        """Send one API call and return Postmark's decoded JSON.

        Raises:
            APIError: Postmark answered with an error (a subclass per status/ErrorCode).
            TransportError: no usable answer (connection, TLS, timeout).
        """
        call = build_call(
            method,
            path,
            base_url=self.base_url,
            headers=self._headers,
            params=params,
            json_body=json,
            body=body,
        )
        return await self.execute(call)

    async def execute(self, call: Call) -> Any:
        """Run a prepared :class:`Call` with the retry policy; see :meth:`call`."""
        policy = self.retry_policy
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            remaining = policy.deadline - (time.monotonic() - started)
            try:
                return await self._attempt(call, attempt, remaining)
            except PostmarkError as error:
                wait = policy.next_delay(error, attempt, time.monotonic() - started)
                if wait is None:
                    raise
                logger.debug("retrying %s in %.2fs after: %s", call.label, wait, error)
                await _sleep(wait)

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
                self._log(call, "failed", started, attempt)
                kind, nothing_sent = classified
                raise no_answer_error(call, error, nothing_sent=nothing_sent, kind=kind) from error
        self._log(call, response.code, started, attempt)
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

    @staticmethod
    def _log(call: Call, status: int | str, started: float, attempt: int) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            ms = (time.monotonic() - started) * 1000
            logger.debug("%s -> %s in %.1f ms (attempt %d)", call.label, status, ms, attempt)


# --------------------------------------------------------------------------
# The client


class AsyncServerClient:
    """Send mail through Postmark from Tornado code; every method returns a running future.

    Local checks (missing fields, header injection, size limits, configuration)
    raise at once, before anything is sent; network and API errors come out of
    the returned :class:`SendFuture`.

    Args:
        server_token: default ``POSTMARK_SERVER_TOKEN`` (or legacy ``POSTMARK_API_KEY``).
        base_url, timeout, retries, deadline, ca_bundle, http_client: see
            :class:`AsyncTransport`.
    """

    def __init__(
        self,
        server_token: str | None = None,
        *,
        base_url: str | None = None,
        timeout: Timeout | None = None,
        retries: int | None = None,
        deadline: float | None = None,
        ca_bundle: str | None = None,
        http_client: AsyncHTTPClient | None = None,
    ) -> None:
        token = config.lookup("POSTMARK_SERVER_TOKEN", server_token)
        if not token:
            raise ConfigurationError(
                "No Postmark server token: pass it to AsyncServerClient(...) or set "
                "POSTMARK_SERVER_TOKEN (Django setting or environment variable)."
            )
        self.transport = AsyncTransport(
            str(token),
            token_header=SERVER_TOKEN_HEADER,
            base_url=base_url,
            timeout=timeout,
            retries=retries,
            deadline=deadline,
            ca_bundle=ca_bundle,
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"<AsyncServerClient {self.transport.base_url}>"

    def send(self, message: Any = None, /, **fields: Any) -> SendFuture[SendResponse]:
        """Send one message.

        ``POST /email`` (``POST /email/withTemplate`` for a message with a
        ``TemplateId``/``TemplateAlias``).

        Args:
            message: a dict in Postmark's form (or a PMMail), or leave it out and
                pass snake_case keywords as for ``ServerClient.email.send``
                (``sender``, ``to``, ``subject``, ``html_body``, ``text_body``,
                ``cc``, ``bcc``, ``reply_to``, ``tag``, ``headers``, ``metadata``,
                ``attachments``, ``track_opens``, ``track_links``,
                ``message_stream``, ``template_id``/``template_alias``/``template_model``).

        Returns:
            A running future resolving to Postmark's answer (``MessageID`` ...).

        Raises:
            InvalidMessageError: at once, when the message is refused locally.
        """
        payload = as_payload(message) if message is not None else build_message(**fields)
        body = encode_json(payload)
        check_encoded_size(body)
        path = "/email/withTemplate" if is_template_message(payload) else "/email"
        return _schedule(self._post_message(path, body), f"POST {path}")

    async def _post_message(self, path: str, body: bytes) -> SendResponse:
        return SendResponse(await self.transport.call("POST", path, body=body))

    def send_with_template(self, message: Any = None, /, **fields: Any) -> SendFuture[SendResponse]:
        """Send one message rendered from a stored template.

        ``POST /email/withTemplate``; pass ``template_id`` or ``template_alias``
        and ``template_model`` instead of subject and bodies.
        """
        payload = as_payload(message) if message is not None else build_message(**fields)
        if not is_template_message(payload):
            raise InvalidMessageError(
                "A template send needs TemplateId or TemplateAlias (template_id= or "
                "template_alias=).",
                field="TemplateId",
            )
        return self.send(payload)

    def send_batch(self, messages: Iterable[Any]) -> SendFuture[BatchResult]:
        """Send any number of messages, 500 (and at most 50 MB) per request.

        ``POST /email/batch``, and ``POST /email/batchWithTemplates`` for
        template messages (a mixed list works). A message refused locally or
        by Postmark gets an error outcome and does not stop the others; the
        requests go out one after the other.

        Returns:
            A running future resolving to a :class:`~postmark.batching.BatchResult`:
            one outcome per message, in input order.
        """
        outcomes, chunks = plan_batch(
            messages, max_count=_batch_max_count, max_bytes=_batch_max_bytes
        )
        return _schedule(self._send_chunks(chunks, outcomes), f"POST {_BATCH}")

    async def _send_chunks(
        self, chunks: Sequence[tuple[str, Chunk]], outcomes: dict[int, SendOutcome]
    ) -> BatchResult:
        fatal: PostmarkError | None = None
        for path, chunk in chunks:
            if fatal is not None:
                record_failure(outcomes, chunk.indexes, fatal)
                continue
            try:
                answer = await self.transport.call("POST", path, body=chunk.body)
            except PostmarkError as error:
                fatal = record_failure(outcomes, chunk.indexes, error)
                continue
            record_answer(outcomes, chunk.indexes, answer)
        return BatchResult([outcomes[i] for i in sorted(outcomes)])

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> SendFuture[Any]:
        """Call any endpoint, e.g. ``await client.request("GET", "/server")``."""
        label = f"{method.upper()} /{path.lstrip('/').split('?', 1)[0]}"
        return _schedule(self.transport.call(method, path, params=params, json=json), label)


# Read at call time so tests can shrink them; Postmark's limits otherwise.
_batch_max_count = MAX_BATCH_MESSAGES
_batch_max_bytes = MAX_BATCH_BYTES


# --------------------------------------------------------------------------
# The mixin


def _tornado_option(name: str) -> Any:
    """A ``tornado.options`` value, or None when the option was never defined."""
    from tornado import options as tornado_options  # the parser may be swapped at run time

    parser = tornado_options.options
    return getattr(parser, name) if name in parser else None


class PostmarkMixin:
    """Non-blocking Postmark sending for a ``tornado.web.RequestHandler``.

    Configuration, per setting the first one found wins: the application
    setting, then the tornado option (when defined), then the library setting
    (Django setting or environment variable):

    * token: ``settings["postmark_server_token"]``, options
      ``postmark_server_token`` or ``postmark_signature`` (0.x), ``POSTMARK_SERVER_TOKEN``;
    * sender: ``settings["postmark_sender"]``, options ``postmark_sender`` or
      ``postmark_sendemail`` (0.x), ``POSTMARK_SENDER``;
    * base URL: ``settings["postmark_api_url"]``, option ``postmark_api_url``,
      ``POSTMARK_API_URL`` (default https://api.postmarkapp.com).

    Example::

        class Welcome(PostmarkMixin, tornado.web.RequestHandler):
            async def post(self):
                answer = await self.send_email(
                    to="ada@example.com", subject="Welcome", body="<p>Hi Ada</p>"
                )
                self.write({"id": answer["MessageID"]})
    """

    @property
    def postmark(self) -> AsyncServerClient:
        """An :class:`AsyncServerClient` configured for this application."""
        token = self._postmark_setting(
            "postmark_server_token", ("postmark_server_token", "postmark_signature")
        ) or config.lookup("POSTMARK_SERVER_TOKEN")
        if not token:
            raise ConfigurationError(
                "No Postmark server token for PostmarkMixin: set the application setting "
                "'postmark_server_token', the tornado option 'postmark_signature' (or "
                "'postmark_server_token'), or POSTMARK_SERVER_TOKEN."
            )
        base_url = self._postmark_setting("postmark_api_url", ("postmark_api_url",))
        return AsyncServerClient(str(token), base_url=base_url)

    @property
    def postmark_sender(self) -> str:
        """The default From address for this application."""
        sender = self._postmark_setting(
            "postmark_sender", ("postmark_sender", "postmark_sendemail")
        ) or config.lookup("POSTMARK_SENDER")
        if not sender:
            raise ConfigurationError(
                "No sender address for PostmarkMixin: pass sender=..., or set the application "
                "setting 'postmark_sender', the tornado option 'postmark_sendemail' (or "
                "'postmark_sender'), or POSTMARK_SENDER."
            )
        return str(sender)

    def _postmark_setting(self, setting: str, options: tuple[str, ...]) -> Any:
        settings = getattr(self, "settings", None) or {}
        value = settings.get(setting)
        if value:
            return value
        for name in options:
            value = _tornado_option(name)
            if value:
                return value
        return None

    def send_email(
        self,
        *,
        to: str | Sequence[str] | None = None,
        subject: str | None = None,
        body: str | None = None,
        html_body: str | None = None,
        text_body: str | None = None,
        sender: str | None = None,
        cc: str | Sequence[str] | None = None,
        bcc: str | Sequence[str] | None = None,
        reply_to: str | Sequence[str] | None = None,
        tag: str | None = None,
        headers: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
        metadata: Mapping[str, Any] | None = None,
        attachments: Sequence[Any] | None = None,
        track_opens: bool | None = None,
        track_links: str | None = None,
        message_stream: str | None = None,
        template_id: int | str | None = None,
        template_alias: str | None = None,
        template_model: Mapping[str, Any] | None = None,
        inline_css: bool | None = None,
    ) -> SendFuture[SendResponse]:
        """Send one email without blocking; ``body`` is the HTML body (as in 0.x).

        ``POST /email`` (``POST /email/withTemplate`` with ``template_id`` or
        ``template_alias``). The send starts at once: ``await`` the result for
        Postmark's answer (``answer["MessageID"]``), or do not, and the mail
        still goes out, a failure being logged on the ``postmark`` logger.

        Raises:
            ConfigurationError: at once, when no token or sender is configured.
            InvalidMessageError: at once, when the message is refused locally.
            APIError, TransportError: from the awaited future.
        """
        if body is not None and html_body is not None:
            raise InvalidMessageError(
                "Pass the HTML body once: body= (the legacy name) or html_body=.",
                field="HtmlBody",
            )
        client = self.postmark  # the token first: without it nothing else matters
        if track_opens is None:
            # PMMail has always honoured this setting; so did the 0.x mixin through it.
            track_opens = config.lookup_as("POSTMARK_TRACK_OPENS", config.parse_bool)
        message = build_message(
            sender=sender or self.postmark_sender,
            to=to,
            cc=cc,
            bcc=bcc,
            subject=subject,
            html_body=body if body is not None else html_body,
            text_body=text_body,
            reply_to=reply_to,
            tag=tag,
            headers=headers,
            track_opens=track_opens,
            track_links=track_links,
            metadata=metadata,
            attachments=attachments,
            message_stream=message_stream,
            template_id=template_id,
            template_alias=template_alias,
            template_model=template_model,
            inline_css=inline_css,
        )
        return client.send(message)

    def send_batch(self, messages: Iterable[Any]) -> SendFuture[BatchResult]:
        """Send many messages without blocking (``POST /email/batch``, 500 per request).

        ``messages`` are dicts in Postmark's form (``{"To": ..., "Subject": ...,
        "HtmlBody": ...}``) or PMMail objects; a dict without ``From`` gets the
        application's sender. Resolves to one outcome per message, in order.
        """
        client = self.postmark
        sender: str | None = None
        prepared: list[Any] = []
        for message in messages:
            if isinstance(message, Mapping) and not message.get("From"):
                sender = sender or self.postmark_sender
                message = {**message, "From": sender}
            prepared.append(message)
        return client.send_batch(prepared)
