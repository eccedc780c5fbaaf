"""Async Postmark for Tornado and any asyncio program: never blocks the event loop.

* :class:`AsyncServerClient` / :class:`AsyncAccountClient` (:mod:`.client`):
  every section of the sync clients, awaitable (``await client.bounces.get(1)``,
  ``async for m in client.messages.iter()``), plus ``send``, ``send_with_template``
  and ``send_batch`` on the client itself.
* :class:`PostmarkMixin` (:mod:`.mixin`) gives a ``RequestHandler``
  ``self.send_email(...)`` and ``self.send_batch(...)``, configured per
  application or through ``tornado.options`` (the legacy
  ``postmark_signature`` / ``postmark_sendemail``).
* :class:`SendFuture` and :func:`wait_for_sends` (:mod:`.futures`): every call
  returns a future that is already running; a failure nobody awaited is logged.
* :class:`AsyncTransport` and :func:`classify_failure` (:mod:`.transport`):
  the executor on Tornado's ``AsyncHTTPClient``.

Requests are described, checked, retried and decoded by the same code as the
synchronous client (:mod:`postmark.api`, :mod:`postmark.sending`,
:mod:`postmark.protocol`): only the executor differs, so a message fails the
same way, with the same exception class, whichever client sends it.
"""

from __future__ import annotations

try:
    import tornado  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised only without Tornado
    raise ImportError(
        "postmark.tornado needs Tornado 6.2 or later: pip install 'python-postmark[tornado]'."
    ) from error

from postmark.tornado.client import AsyncAccountClient, AsyncServerClient
from postmark.tornado.futures import SendFuture, wait_for_sends
from postmark.tornado.mixin import PostmarkMixin
from postmark.tornado.transport import AsyncTransport, classify_failure

__all__ = [
    "AsyncAccountClient",
    "AsyncServerClient",
    "AsyncTransport",
    "PostmarkMixin",
    "SendFuture",
    "classify_failure",
    "wait_for_sends",
]
