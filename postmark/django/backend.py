"""Django email backend that sends through Postmark's HTTP API.

    EMAIL_BACKEND = "postmark.django_backend.EmailBackend"
    POSTMARK_SERVER_TOKEN = "..."          # or the older POSTMARK_API_KEY

One message goes to ``POST /email`` (``/email/withTemplate`` with a
template); several go to ``POST /email/batch`` (and
``/email/batchWithTemplates``), 500 per request. One HTTP session is kept
from ``open()`` to ``close()``, so ``with get_connection() as connection:``
reuses its connections for every send inside the block.

After ``send_messages`` each message carries what happened to it:
``postmark_status`` ("sent", "failed", "skipped" without recipients, "test"
in test mode), ``message_id``, ``postmark_response`` (Postmark's answer for
it), ``postmark_error`` and ``postmark_outcome`` (a
:class:`postmark.SendOutcome`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from postmark.client import ServerClient
from postmark.django.conf import PostmarkImproperlyConfigured, bool_setting, setting
from postmark.django.messages import SendDefaults, normalise_track_links, to_postmark
from postmark.exceptions import (
    APIError,
    ConfigurationError,
    InvalidMessageError,
    PostmarkError,
    TransportError,
)
from postmark.outcomes import BatchResult, SendOutcome, failed_outcome, outcome_from_entry
from postmark.protocol import Timeout, encode_json, resolve_base_url, resolve_timeout
from postmark.sending import BatchPlan

logger = logging.getLogger("postmark.django")

#: Errors ``fail_silently`` hides (after logging them): Postmark said no, or
#: could not be reached. Configuration and content errors always raise.
SILENCEABLE = (APIError, TransportError)


class EmailBackend(BaseEmailBackend):  # type: ignore[misc]
    """Send Django email through Postmark.

    Args:
        api_key: the server token (also ``server_token=``); default
            ``POSTMARK_SERVER_TOKEN`` or ``POSTMARK_API_KEY``.
        default_sender: From address for messages without one; default
            ``POSTMARK_SENDER``.
        fail_silently: log Postmark and network errors instead of raising.
        api_url, timeout, message_stream, track_opens, track_links, test_mode, return_message_id:
            override ``POSTMARK_API_URL``, ``POSTMARK_TIMEOUT``,
            ``POSTMARK_MESSAGE_STREAM``, ``POSTMARK_TRACK_OPENS``,
            ``POSTMARK_TRACK_LINKS``, ``POSTMARK_TEST_MODE`` and
            ``POSTMARK_RETURN_MESSAGE_ID``.

    Raises:
        PostmarkImproperlyConfigured: no token (outside test mode) or a bad setting.
    """

    def __init__(
        self,
        api_key: str | None = None,
        default_sender: str | None = None,
        *,
        fail_silently: bool = False,
        server_token: str | None = None,
        api_url: str | None = None,
        timeout: Timeout | None = None,
        message_stream: str | None = None,
        track_opens: bool | None = None,
        track_links: str | bool | None = None,
        test_mode: bool | None = None,
        return_message_id: bool | None = None,
        **kwargs: Any,
    ) -> None:
        # fail_silently is kept here, not passed on: Django 6.1 deprecates it
        # on BaseEmailBackend, and a backend that supports it owns the attribute.
        super().__init__(**kwargs)
        self.fail_silently = bool(fail_silently)
        self.test_mode = bool(bool_setting("POSTMARK_TEST_MODE", test_mode))
        self.return_message_id = bool(bool_setting("POSTMARK_RETURN_MESSAGE_ID", return_message_id))
        self.api_key = setting(
            "POSTMARK_SERVER_TOKEN", api_key if api_key is not None else server_token
        )
        if not self.api_key and not self.test_mode:
            raise PostmarkImproperlyConfigured(
                "No Postmark server token: set POSTMARK_SERVER_TOKEN (or the older "
                "POSTMARK_API_KEY) in your Django settings or the environment, or pass "
                "api_key=... to the backend."
            )
        try:
            self.api_url = resolve_base_url(api_url)
            self.timeout = resolve_timeout(timeout)
            self.defaults = self._defaults(default_sender, message_stream, track_opens, track_links)
        except ConfigurationError as error:
            raise PostmarkImproperlyConfigured(str(error)) from None
        self._client: ServerClient | None = None
        self._lock = threading.RLock()

    @staticmethod
    def _defaults(
        sender: str | None,
        message_stream: str | None,
        track_opens: bool | None,
        track_links: str | bool | None,
    ) -> SendDefaults:
        links = setting("POSTMARK_TRACK_LINKS", track_links)
        if isinstance(links, str) and links.lower() in ("true", "false"):
            links = links.lower() == "true"
        try:
            normalise_track_links(links)
        except InvalidMessageError as error:
            raise ConfigurationError(f"POSTMARK_TRACK_LINKS: {error}") from None
        placeholder = None
        if not settings.is_overridden("DEFAULT_FROM_EMAIL"):
            placeholder = settings.DEFAULT_FROM_EMAIL
        return SendDefaults(
            sender=setting("POSTMARK_SENDER", sender),
            placeholder_from=placeholder,
            track_opens=bool_setting("POSTMARK_TRACK_OPENS", track_opens),
            track_links=links,
            message_stream=setting("POSTMARK_MESSAGE_STREAM", message_stream),
        )

    def __repr__(self) -> str:
        state = "open" if self._client is not None else "closed"
        return f"<postmark EmailBackend {self.api_url} {state}>"

    # -- connection ----------------------------------------------------------

    def open(self) -> bool:
        """Start the HTTP session; True if this call opened it (Django's convention)."""
        with self._lock:
            if self._client is not None or self.test_mode:
                return False
            self._client = ServerClient(self.api_key, base_url=self.api_url, timeout=self.timeout)
            return True

    def close(self) -> None:
        """Close the HTTP session and its pooled connections."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    # -- sending -------------------------------------------------------------

    def send_messages(self, email_messages: Iterable[Any] | None) -> int | list[str | None]:
        """Send every message; return how many Postmark accepted.

        ``POST /email`` for one message, ``POST /email/batch`` for several.
        Messages without recipients are skipped. With
        ``POSTMARK_RETURN_MESSAGE_ID = True`` the result is instead the list
        of MessageIDs of the messages that had recipients (``None`` where
        Postmark did not accept one, and in test mode).

        Raises:
            PostmarkError: after every message was attempted, when any failed
                (unless ``fail_silently`` and the failures are Postmark or
                network errors); a single failure raises its own exception.
        """
        messages = list(email_messages or ())
        with self._lock:
            payloads, outcomes = self._build(messages)
            if self.test_mode:
                self._log_test_mode(messages, payloads)
            elif payloads:
                opened = self.open()
                try:
                    outcomes.update(self._deliver(payloads))
                finally:
                    if opened:
                        self.close()
        for index, outcome in outcomes.items():
            _attach_outcome(messages[index], outcome)
        self._report_failures(outcomes)
        attempted = sorted(set(payloads) | set(outcomes))
        if self.return_message_id:
            return [outcomes[i].message_id if i in outcomes else None for i in attempted]
        if self.test_mode:
            return len(payloads)
        return sum(1 for outcome in outcomes.values() if outcome.ok)

    def _build(
        self, messages: Sequence[Any]
    ) -> tuple[dict[int, dict[str, Any]], dict[int, SendOutcome]]:
        """Postmark JSON per message with recipients; local refusals become outcomes."""
        payloads: dict[int, dict[str, Any]] = {}
        refused: dict[int, SendOutcome] = {}
        for index, message in enumerate(messages):
            _reset_status(message)
            if not message.recipients():
                message.postmark_status = "skipped"
                continue
            try:
                payloads[index] = to_postmark(message, self.defaults)
            except InvalidMessageError as error:
                refused[index] = failed_outcome(index, error)
        return payloads, refused

    def _deliver(self, payloads: dict[int, dict[str, Any]]) -> dict[int, SendOutcome]:
        client = self._client
        assert client is not None  # open() was called by send_messages
        if len(payloads) == 1:
            ((index, payload),) = payloads.items()
            try:
                response = client.email.send(payload)
            except PostmarkError as error:
                return {index: failed_outcome(index, error)}
            return {index: outcome_from_entry(index, dict(response))}
        # The connection's own client (and so its token) sends every chunk;
        # each outcome lands on the message's index in send_messages' list.
        plan = BatchPlan()
        for index, payload in payloads.items():
            plan.add_payload(index, payload)
        return {outcome.index: outcome for outcome in client.email.send_batch(plan)}

    def _log_test_mode(self, messages: Sequence[Any], payloads: dict[int, dict[str, Any]]) -> None:
        for index, payload in payloads.items():
            messages[index].postmark_status = "test"
            logger.info(
                "POSTMARK_TEST_MODE is on: message not sent. JSON message is:\n%s",
                encode_json(payload).decode("utf-8"),
            )

    def _report_failures(self, outcomes: dict[int, SendOutcome]) -> None:
        """Log or raise, once every message was attempted."""
        failed = [o for o in outcomes.values() if o.error is not None]
        if self.fail_silently:
            for outcome in failed:
                if isinstance(outcome.error, SILENCEABLE):
                    logger.error(
                        "Postmark did not accept message #%d (fail_silently): %s",
                        outcome.index,
                        outcome.error,
                    )
            failed = [o for o in failed if not isinstance(o.error, SILENCEABLE)]
        if not failed:
            return
        if len(outcomes) == 1 and failed[0].error is not None:
            raise failed[0].error  # one message: its own exception, unchanged
        shown = [o for o in outcomes.values() if o.ok or o in failed]
        BatchResult(sorted(shown, key=lambda o: o.index)).raise_for_failures()


def _reset_status(message: Any) -> None:
    # A message sent twice must not keep the first attempt's answer.
    message.postmark_status = None
    message.postmark_outcome = None
    message.postmark_response = None
    message.postmark_error = None
    message.message_id = None


def _attach_outcome(message: Any, outcome: SendOutcome) -> None:
    message.postmark_outcome = outcome
    message.postmark_status = "sent" if outcome.ok else "failed"
    message.message_id = outcome.message_id
    message.postmark_response = outcome.response if isinstance(outcome.response, dict) else None
    message.postmark_error = outcome.error


__all__ = ["SILENCEABLE", "EmailBackend", "PostmarkImproperlyConfigured"]
