"""The HTTP server: a ThreadingHTTPServer speaking HTTP/1.1 with keep-alive.

Every response carries ``Content-Length`` so clients can reuse connections.
Request bodies are read in full before anything else happens, so a rejected
request never desynchronises a kept-alive connection; bodies over
:data:`MAX_READ` bytes are refused with 413 and the connection is closed.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .app import App, Config
from .http.faults import FAULT_KINDS
from .http.pipeline import dispatch
from .http.router import Drop, Reply, Request
from .json_shapes import bounce_json, inbound_details, sandbox_message
from .routes import admin, api_router
from .rules import inbound
from .store.database import Store
from .ui import inbox

MAX_READ = 64 * 1024 * 1024  # larger than any Postmark limit (50 MB batches)
IDLE_TIMEOUT = 120.0  # seconds a kept-alive connection may sit idle


class _HTTPServer(ThreadingHTTPServer):
    """Tracks its connections and handler threads so ``stop()`` is prompt and clean."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: App) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.app = app
        self._lock = threading.Condition()
        self._connections: set[socket.socket] = set()
        self._active = 0
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self._connections.add(request)
            self._active += 1
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._connections.discard(request)
                self._active -= 1
                self._lock.notify_all()

    def close_connections(self, timeout: float = 5.0) -> None:
        """Shut every open connection and wait for handler threads to finish."""
        with self._lock:
            for conn in list(self._connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            self._lock.wait_for(lambda: self._active == 0, timeout)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PostmarkSandbox/1.0"
    timeout = IDLE_TIMEOUT
    # Headers and body leave in two writes; without TCP_NODELAY, Nagle plus
    # the client's delayed ACK would add ~40 ms to every kept-alive answer.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _handle(self) -> None:
        body, oversize = self._read_body()
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path or "/",
            query={k.lower(): v for k, v in reversed(parse_qsl(parts.query, True))},
            headers={k.lower(): v for k, v in reversed(list(self.headers.items()))},
            body=body,
            oversize=oversize,
        )
        outcome = dispatch(self.server.app, request)
        if isinstance(outcome, Drop):
            self.close_connection = True
            return
        self._write(outcome)

    def _read_body(self) -> tuple[bytes, bool]:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_READ:
            self.close_connection = True  # the rest of the stream cannot be trusted
            return b"", True
        return self.rfile.read(length), False

    def _read_chunked(self) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(65537)
            try:
                length = int(line.split(b";")[0].strip() or b"0", 16)
            except ValueError:
                self.close_connection = True
                return b"", True
            if length == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks), False
            size += length
            if size > MAX_READ:
                self.close_connection = True
                return b"", True
            chunks.append(self.rfile.read(length))
            self.rfile.readline(65537)

    def _write(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the client left (e.g. it timed out during a stall)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.app.log_requests:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")


class Sandbox:
    """A local Postmark API server with a web inbox, for tests, scripts and demos.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        with Sandbox() as sandbox:
            # point a client at sandbox.url with any non-empty server token
            ...
            assert sandbox.messages()[0]["Subject"] == "Hello"

    Args:
        port: TCP port; 0 picks a free one (read it back from :attr:`port`).
        host: interface to bind; keep the default loopback address unless you
            mean to expose an unauthenticated test server.
        db: SQLite file path (kept across restarts) or ``":memory:"`` (gone
            when the sandbox stops).
        tokens: accepted server tokens. ``None`` (the default) accepts any
            non-empty ``X-Postmark-Server-Token``. ``POSTMARK_API_TEST`` is
            always accepted by the send endpoints, which then validate but
            store nothing, as Postmark's test token does.
        account_tokens: accepted account tokens; ``None`` accepts any
            non-empty ``X-Postmark-Account-Token``.
        server_name: ``Name`` reported by ``GET /server``.
        log_requests: print one line per request to stderr.
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        db: str = ":memory:",
        tokens: Iterable[str] | None = None,
        account_tokens: Iterable[str] | None = None,
        server_name: str = "Sandbox",
        *,
        log_requests: bool = False,
    ) -> None:
        self.host = host
        self.db = db
        self._requested_port = port
        self._config = Config(
            tokens=None if tokens is None else frozenset(tokens),
            account_tokens=None if account_tokens is None else frozenset(account_tokens),
            server_name=server_name,
        )
        self._log_requests = log_requests
        self._app: App | None = None
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------

    def start(self) -> Sandbox:
        """Open the database, bind the port and serve in a background thread."""
        if self._server is not None:
            return self
        self._bind()
        assert self._server is not None
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"postmark-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def _bind(self) -> None:
        store = Store(self.db)
        app = App(store, self._config, api_router(), admin.routes, inbox.routes)
        app.log_requests = self._log_requests
        try:
            self._server = _HTTPServer((self.host, self._requested_port), app)
        except OSError:
            store.close()
            raise
        self._app = app
        app.base_url = self.url

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`stop` or Ctrl-C."""
        if self._server is None:
            self._bind()
        assert self._server is not None
        try:
            self._server.serve_forever(poll_interval=0.2)
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving, close open connections and the database. Safe to call twice."""
        server, app, thread = self._server, self._app, self._thread
        if server is None or app is None:
            return
        self._server = self._thread = None
        app.stopping.set()
        if thread is not None:
            server.shutdown()
            thread.join()
        server.close_connections()
        server.server_close()
        app.store.close()
        self._app = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- where it is ----------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port (after :meth:`start`)."""
        return int(self._running_server().server_address[1])

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:54321``."""
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}"

    def _running_server(self) -> _HTTPServer:
        if self._server is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return self._server

    def _running_app(self) -> App:
        if self._app is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return self._app

    # --- what it holds ----------------------------------------------------------

    def messages(self) -> list[dict[str, Any]]:
        """Stored outbound messages, oldest first.

        Each dict holds the fields of the request as sent (``To`` is the
        string that was sent, ``Attachments`` the full objects with their
        base64 ``Content``, ``Headers``, ``Metadata``, ``TemplateModel``, ...)
        on top of Postmark's ``GET /messages/outbound/{id}/details`` JSON
        (``MessageID``, ``Recipients``, ``Status``, ``MessageEvents``, the MIME
        ``Body``, and the rendered ``Subject``/``HtmlBody``/``TextBody`` of a
        template send). ``Details`` holds the untouched details JSON and
        ``Request`` the untouched request body.
        """
        store = self._running_app().store
        return [
            sandbox_message(row, store.bounces_for_message(row.message_id))
            for row in store.all_messages()
        ]

    def bounces(self) -> list[dict[str, Any]]:
        """Recorded bounces as the Bounce API shows them, newest first."""
        app = self._running_app()
        return [bounce_json(row, app.config.server_id) for row in app.store.all_bounces()]

    def receive_inbound(
        self, message: dict[str, Any], *, status: str | None = None
    ) -> dict[str, Any]:
        """Receive one inbound message, as if mail had arrived at the server.

        ``message`` is Postmark's inbound webhook JSON; ``From`` and ``To`` are
        enough, the rest (``FromFull``, ``ToFull``, ``MailboxHash``,
        ``MessageID``, ``Date``...) is filled in. Inbound rules and the spam
        threshold may block it; otherwise it is posted to the server's
        ``InboundHookUrl`` when that is on this machine (see
        :mod:`postmark.sandbox.rules.inbound`). ``status`` (``"processed"``,
        ``"blocked"``, ``"queued"``, ``"failed"``, ``"scheduled"``) skips all
        that and stores the message with that status.

        Returns:
            The message as ``GET /messages/inbound/{id}/details`` shows it.

        Raises:
            ValueError: the message is not usable (no From or To, a bad
                address or attachment, a MessageID already received...).
        """
        return inbound_details(inbound.receive(self._running_app(), message, status))

    def inbound_messages(self) -> list[dict[str, Any]]:
        """Received messages of every status, oldest first, in details form."""
        return [inbound_details(row) for row in self._running_app().store.all_inbound()]

    def clear(self) -> None:
        """Forget everything stored (messages, bounces, suppressions, templates,
        streams, webhooks, server settings, inbound messages and rules) and every
        queued fault."""
        app = self._running_app()
        app.store.clear()
        app.faults.clear()

    def inject_fault(
        self, kind: str, count: int = 1, *, seconds: float = 0.0, path: str | None = None
    ) -> None:
        """Make the next ``count`` API requests (only paths starting with ``path``,
        if given) fail.

        ``kind`` is one of ``"429"``, ``"500"``, ``"503"`` (answer that status;
        the request is not processed), ``"stall"`` (process the request - a send
        is stored - then wait ``seconds`` before answering) or ``"drop"`` (read
        the request, then close the connection without answering; not
        processed). Admin and inbox requests never use faults.
        """
        if str(kind) not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(FAULT_KINDS)}; got {kind!r}")
        self._running_app().faults.add(str(kind), count, seconds=seconds, path=path)


def serve(port: int, host: str, db: str, tokens: list[str] | None) -> None:
    """Run a sandbox in the foreground until Ctrl-C, printing its URL first.

    This is what ``python -m postmark.sandbox`` (and the ``postmark sandbox``
    command) run.
    """
    sandbox = Sandbox(port=port, host=host, db=db, tokens=tokens, log_requests=True)
    sandbox._bind()
    where = "in memory (lost on exit)" if db == ":memory:" else db
    accepted = "any non-empty server token" if tokens is None else f"{len(tokens)} token(s)"
    print(f"Postmark sandbox running at {sandbox.url}", flush=True)
    print(f"  web inbox: {sandbox.url}/   storage: {where}   accepts: {accepted}", flush=True)
    print("  press Ctrl-C to stop", flush=True)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        print("stopped", flush=True)
