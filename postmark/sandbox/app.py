"""The state every request thread shares: configuration, store, faults, the webhook sender.

The routes are not part of it: the HTTP server hands its route table to the
pipeline (:class:`~postmark.sandbox.http.pipeline.RouteTable`), so this module
imports nothing from the HTTP layer but the fault queue and the webhook sender.
"""

from __future__ import annotations

import threading
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
    """Who may call the sandbox and how its one server is described.

    ``None`` token sets accept any non-empty token of that kind.
    """

    tokens: frozenset[str] | None = None
    account_tokens: frozenset[str] | None = None
    server_name: str = "Sandbox"
    server_id: int = 1
    #: Multiplies Postmark's webhook retry delays (0.001 turns minutes into tenths of seconds).
    webhook_retry_scale: float = 1.0


class App:
    """Everything a request handler needs."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store = store
        self.config = config
        self.faults = FaultInjector()
        self.base_url = ""
        self.log_requests = False
        self.stopping = threading.Event()
        self.webhook_sender = WebhookSender()

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
