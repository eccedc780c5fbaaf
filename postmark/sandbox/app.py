"""The state every request thread shares: configuration, store, faults, the webhook sender.

The routes are not part of it: the HTTP server hands its route table to the
pipeline (:class:`~postmark.sandbox.http.pipeline.RouteTable`), so this module
imports nothing from the HTTP layer but the fault queue and the webhook sender.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .http.faults import FaultInjector
from .http.webhook_sender import WebhookSender
from .rules import server_settings
from .rules.validation import ARCHIVED
from .store.database import Store

TEST_TOKEN = "POSTMARK_API_TEST"  # noqa: S105 - Postmark's public test token


@dataclass(frozen=True)
class Config:
    """Who may call a server of the sandbox and how that server is described.

    ``None`` token sets accept any non-empty token of that kind.
    """

    tokens: frozenset[str] | None = None
    account_tokens: frozenset[str] | None = None
    server_name: str = "Sandbox"
    server_id: int = 1
    #: ``Host`` names accepted beside this machine's (see :mod:`.http.guard`).
    allowed_hosts: frozenset[str] = frozenset()
    #: Multiplies Postmark's webhook retry delays (0.001 turns minutes into tenths of seconds).
    webhook_retry_scale: float = 1.0


class App:
    """Everything a request handler needs."""

    def __init__(self, store: Store, config: Config, db_path: str = ":memory:") -> None:
        self.store = store
        self.config = config
        self.db_path = db_path
        self.faults = FaultInjector()
        self.base_url = ""
        self.log_requests = False
        self.stopping = threading.Event()
        self.webhook_sender = WebhookSender()
        # The web inbox's CSRF token: in every form of its pages, required by its actions.
        self.ui_token = secrets.token_urlsafe(24)
        # Servers made with POST /servers, by ID; only the default server's App
        # holds them (see :mod:`.servers`).
        self.servers: dict[int, App] = {}
        self._workers: set[threading.Thread] = set()

    def share(self, root: App) -> None:
        """Use ``root``'s faults, URL, logging, lifetime and webhook sender (a created
        server: its events are stored in its own store and posted to its own webhooks,
        by the one sender thread)."""
        self.faults, self.stopping, self._workers = root.faults, root.stopping, root._workers
        self.webhook_sender, self.ui_token = root.webhook_sender, root.ui_token
        self.base_url, self.log_requests, self.db_path = (
            root.base_url,
            root.log_requests,
            root.db_path,
        )

    def in_background(self, work: Callable[[], None], name: str) -> None:
        """Run ``work`` in a thread that :meth:`join_workers` waits for (bulk sends)."""

        def run() -> None:
            try:
                work()
            finally:
                self._workers.discard(thread)

        thread = threading.Thread(target=run, name=name, daemon=True)
        self._workers.add(thread)
        thread.start()

    def join_workers(self, timeout: float = 10.0) -> None:
        """Wait for background work to finish (before the stores close)."""
        for thread in list(self._workers):
            thread.join(timeout)

    def pause(self, seconds: float) -> None:
        """Sleep for a stall fault, waking early when the sandbox stops."""
        self.stopping.wait(seconds)

    def stream_type(self, stream_id: str) -> str | None:
        """A stream's ``MessageStreamType``; ``ARCHIVED`` if archived, ``None`` if unknown."""
        stream = self.store.stream(stream_id)
        if stream is None:
            return None
        return ARCHIVED if stream.archived_ts is not None else stream.type

    def settings(self) -> dict[str, Any]:
        """The server's settings now (``PUT /server`` changes over the defaults)."""
        return server_settings.current(self.store, self.config.server_name)
