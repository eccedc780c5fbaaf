"""The embedding API: :class:`Sandbox` (start, stop, look inside, inject faults) and :func:`serve`.

It wires the parts together: a :class:`~postmark.sandbox.store.database.Store`,
the shared :class:`~postmark.sandbox.app.App` state, the route table of
:func:`~postmark.sandbox.routes.route_table` and the HTTP server of
:mod:`postmark.sandbox.http.server`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from . import servers
from .app import App, Config
from .http.faults import FAULT_KINDS
from .http.server import SandboxHTTPServer
from .json_shapes import bounce_json, inbound_details, sandbox_message
from .routes import route_table
from .rules import events, inbound
from .rules.webhook_delivery import recorded_calls
from .store.database import Store


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
        allowed_hosts: ``Host`` names to answer beside ``localhost``, IP
            addresses and this machine's name (say the docker compose service
            name); other names are refused against DNS rebinding.
        webhook_retry_scale: multiplies Postmark's webhook retry delays (1, 5,
            10, 10, 10 and 15 minutes); ``0.001`` runs the whole schedule in
            about three seconds, for tests of a receiver that fails first.
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
        allowed_hosts: Iterable[str] = (),
        webhook_retry_scale: float = 1.0,
    ) -> None:
        self.host = host
        self.db = db
        self._requested_port = port
        self._config = Config(
            tokens=None if tokens is None else frozenset(tokens),
            account_tokens=None if account_tokens is None else frozenset(account_tokens),
            server_name=server_name,
            allowed_hosts=frozenset(allowed_hosts),
            webhook_retry_scale=float(webhook_retry_scale),
        )
        self._log_requests = log_requests
        self._app: App | None = None
        self._server: SandboxHTTPServer | None = None
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
        app = App(store, self._config, self.db)
        app.log_requests = self._log_requests
        try:
            self._server = SandboxHTTPServer((self.host, self._requested_port), app, route_table())
        except OSError:
            store.close()
            raise
        self._app = app
        app.base_url = self.url
        servers.open_saved(app)

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
        app.join_workers()
        app.webhook_sender.stop()  # before the stores close: a running call records its answer
        servers.close_all(app)
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

    def _running_server(self) -> SandboxHTTPServer:
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
            sandbox_message(
                row, store.bounces_for_message(row.message_id), store.events(row.message_id)
            )
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

    def event(self, kind: str, message_id: str, **fields: Any) -> list[dict[str, Any]]:
        """Make an event happen to a sent message; returns the events' webhook JSON.

        ``kind`` is ``"open"``, ``"click"``, ``"spam"``, ``"subscription"`` or
        ``"bounce"``; ``fields`` are ``recipient``, ``link``, ``location``,
        ``platform``, ``user_agent``, ``read_seconds``, ``bounce_type`` (see
        :mod:`postmark.sandbox.rules.events`). The webhooks get them in the
        background: :meth:`wait_for_webhooks`, then :meth:`webhook_deliveries`.

        Raises:
            ValueError: the event is refused (unknown message, an open of a
                message sent without TrackOpens...), with the reason.
        """
        request = {"type": kind, "message_id": message_id, **fields}
        server = servers.holding(self._running_app(), message_id)
        return [row.payload for row in events.trigger(server, request)]

    def events(self, message_id: str | None = None) -> list[dict[str, Any]]:
        """Stored events (Delivery, Bounce, Open...), oldest first, as webhook JSON: of the
        server that stored ``message_id``, else of the default server."""
        app = servers.holding(self._running_app(), message_id)
        app.webhook_sender.settle()  # a send's events are recorded just after it
        return [row.payload for row in app.store.events(message_id)]

    def webhook_deliveries(self, message_id: str | None = None) -> list[dict[str, Any]]:
        """Every webhook call made (and webhook not called), oldest first; see
        ``GET /__sandbox/webhook-deliveries`` for the fields; as :meth:`events`, of the
        server that stored ``message_id``, else of the default server."""
        app = servers.holding(self._running_app(), message_id)
        return recorded_calls(app, message_id)

    def wait_for_webhooks(self, timeout: float = 5.0) -> bool:
        """Wait until no webhook call is queued or running (retries included);
        ``False`` if ``timeout`` seconds passed first."""
        return self._running_app().webhook_sender.wait_idle(timeout)

    def clear(self) -> None:
        """Forget everything stored (messages, bounces, suppressions, templates,
        streams, webhooks, server settings, inbound messages and rules, events and
        webhook calls, bulk requests, created servers, domains, sender signatures,
        data removals) and every queued fault; pending webhook retries are dropped."""
        app = self._running_app()
        app.join_workers()
        servers.reset(app)
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


def serve(
    port: int,
    host: str,
    db: str,
    tokens: list[str] | None,
    *,
    allowed_hosts: list[str] | None = None,
    webhook_retry_scale: float = 1.0,
) -> None:
    """Run a sandbox in the foreground until Ctrl-C, printing its URL first.

    This is what ``python -m postmark.sandbox`` (and the ``postmark sandbox``
    command) run.
    """
    sandbox = Sandbox(
        port=port,
        host=host,
        db=db,
        tokens=tokens,
        log_requests=True,
        allowed_hosts=allowed_hosts or (),
        webhook_retry_scale=webhook_retry_scale,
    )
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
