"""Django email backend that sends through Postmark's HTTP API.

    EMAIL_BACKEND = "postmark.django_backend.EmailBackend"
    POSTMARK_SERVER_TOKEN = "..."          # or the older POSTMARK_API_KEY

One message goes to ``POST /email`` (``/email/withTemplate`` with a
template); several go to ``POST /email/batch`` (and
``/email/batchWithTemplates``), 500 per request. One HTTP session is kept
from ``open()`` to ``close()``, so ``with get_connection() as connection:``
reuses its connections for every send inside the block.

After ``send_messages`` each message carries what happened to it:
``postmark_status`` ("sent", "failed", "partial" for a merge send that
reached only some recipients, "skipped" without recipients, "test" in test
mode), ``message_id``, ``postmark_recipients`` (a status and MessageID per
recipient, see :mod:`postmark.django.recipients`), ``postmark_response``
(Postmark's answer for it), ``postmark_error``, ``postmark_outcome`` (a
:class:`postmark.SendOutcome`) and ``postmark_outcomes`` (one per Postmark
message it became).

A message with ``merge_data``/``merge_metadata``/``merge_headers`` goes out
once per To address (:mod:`postmark.django.merge`); a message with its own
``server_token`` (or anymail's ``esp_extra["server_token"]``) is sent with
that token, batches being grouped by token.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from postmark.client import ServerClient
from postmark.django.conf import (
    PostmarkImproperlyConfigured,
    bool_setting,
    flag_setting,
    setting,
)
from postmark.django.merge import is_merge, per_recipient
from postmark.django.messages import SendDefaults, normalise_track_links, to_postmark
from postmark.django.options import Features, server_token
from postmark.django.recipients import RecipientStatuses, bare_addresses
from postmark.django.results import (
    MessageResult,
    refusals_error,
    refused_before_sending,
    summarise,
)
from postmark.exceptions import (
    APIError,
    ConfigurationError,
    InvalidMessageError,
    PostmarkError,
    RecipientsRefused,
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
        ignore_recipient_status, ignore_unsupported_features: override
            ``POSTMARK_IGNORE_RECIPIENT_STATUS`` and
            ``POSTMARK_IGNORE_UNSUPPORTED_FEATURES`` (which fall back to
            django-anymail's ``IGNORE_RECIPIENT_STATUS`` and
            ``IGNORE_UNSUPPORTED_FEATURES``).

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
        ignore_recipient_status: bool | None = None,
        ignore_unsupported_features: bool | None = None,
        **kwargs: Any,
    ) -> None:
        # fail_silently is kept here, not passed on: Django 6.1 deprecates it
        # on BaseEmailBackend, and a backend that supports it owns the attribute.
        super().__init__(**kwargs)
        self.fail_silently = bool(fail_silently)
        self.test_mode = bool(bool_setting("POSTMARK_TEST_MODE", test_mode))
        self.return_message_id = bool(bool_setting("POSTMARK_RETURN_MESSAGE_ID", return_message_id))
        self.ignore_recipient_status = flag_setting(
            "POSTMARK_IGNORE_RECIPIENT_STATUS", "IGNORE_RECIPIENT_STATUS", ignore_recipient_status
        )
        ignore_unsupported = flag_setting(
            "POSTMARK_IGNORE_UNSUPPORTED_FEATURES",
            "IGNORE_UNSUPPORTED_FEATURES",
            ignore_unsupported_features,
        )
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
            self.defaults = self._defaults(
                default_sender, message_stream, track_opens, track_links, ignore_unsupported
            )
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
        ignore_unsupported: bool,
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
            ignore_unsupported_features=ignore_unsupported,
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

    def send_messages(self, email_messages: Iterable[Any] | None) -> int | list[Any]:
        """Send every message; return how many Postmark accepted.

        ``POST /email`` for one message, ``POST /email/batch`` for several
        (and for a merge send, one copy per To address), grouped by server
        token. Messages without recipients are skipped. With
        ``POSTMARK_RETURN_MESSAGE_ID = True`` the result is instead the list
        of MessageIDs of the messages that had recipients (``None`` where
        Postmark did not accept one, and in test mode).

        Raises:
            PostmarkError: after every message was attempted, when any failed
                (unless ``fail_silently`` and the failures are Postmark or
                network errors); a single failure raises its own exception.
                ``RecipientsRefused`` when every recipient of a message was
                refused (unless ``POSTMARK_IGNORE_RECIPIENT_STATUS``).
        """
        messages = list(email_messages or ())
        with self._lock:
            parts, results = self._build(messages)
            if self.test_mode:
                self._log_test_mode(messages, parts)
            elif parts:
                opened = self.open()
                try:
                    outcomes = self._deliver(parts)
                finally:
                    if opened:
                        self.close()
                results.update(_results(parts, outcomes))
        for index, result in results.items():
            _attach_result(messages[index], result)
        self._report_failures([results[i] for i in sorted(results)])
        if self.test_mode:
            attempted = sorted({part.message for part in parts})
            return [None] * len(attempted) if self.return_message_id else len(attempted)
        if self.return_message_id:
            return [results[i].message_id for i in sorted(results)]
        return sum(
            1 for result in results.values() if result.accepted and result.status != "failed"
        )

    def _build(self, messages: Sequence[Any]) -> tuple[list[_Part], dict[int, MessageResult]]:
        """The Postmark messages to send, in order; local refusals become results."""
        parts: list[_Part] = []
        refused: dict[int, MessageResult] = {}
        features = Features(self.defaults.ignore_unsupported_features)
        for index, message in enumerate(messages):
            _reset_status(message)
            if not message.recipients():
                message.postmark_status = "skipped"
                continue
            try:
                payload = to_postmark(message, self.defaults)
                merge = is_merge(message)
                copies = per_recipient(message, payload, features) if merge else [payload]
            except InvalidMessageError as error:
                refused[index] = refused_before_sending(index, message, error)
                continue
            token = server_token(message) or self.api_key
            copied = bare_addresses([*message.cc, *message.bcc])
            if not merge:
                parts.append(_Part(index, payload, token, bare_addresses(message.to) + copied))
                continue
            for to, copy in zip(message.to, copies, strict=True):
                parts.append(_Part(index, copy, token, bare_addresses([to]) + copied, alone=False))
        return parts, refused

    def _deliver(self, parts: Sequence[_Part]) -> dict[int, SendOutcome]:
        """Send ``parts`` (one request or batch per server token); outcomes by position."""
        client = self._client
        assert client is not None  # open() was called by send_messages
        by_token: dict[str, list[int]] = {}
        for key, part in enumerate(parts):
            by_token.setdefault(part.token, []).append(key)
        outcomes: dict[int, SendOutcome] = {}
        for token, keys in by_token.items():
            if token == self.api_key:
                outcomes.update(_send(client, parts, keys))
                continue
            # A message with its own server token: a client of its own, for this call only.
            with ServerClient(token, base_url=self.api_url, timeout=self.timeout) as own:
                outcomes.update(_send(own, parts, keys))
        return outcomes

    def _log_test_mode(self, messages: Sequence[Any], parts: Sequence[_Part]) -> None:
        for part in parts:
            messages[part.message].postmark_status = "test"
            logger.info(
                "POSTMARK_TEST_MODE is on: message not sent. JSON message is:\n%s",
                encode_json(part.payload).decode("utf-8"),
            )

    def _report_failures(self, results: Sequence[MessageResult]) -> None:
        """Log or raise, once every message was attempted."""
        summaries = [result.summary() for result in results]
        failed = [o for o in summaries if o.error is not None]
        if self.ignore_recipient_status:
            failed = [o for o in failed if not isinstance(o.error, RecipientsRefused)]
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
        if len(summaries) == 1 and failed[0].error is not None:
            raise failed[0].error  # one message: its own exception, unchanged
        shown = [o for o in summaries if o.ok or o in failed]
        if all(isinstance(o.error, RecipientsRefused) for o in failed):
            raise refusals_error(failed, shown)
        BatchResult(shown).raise_for_failures()


class _Part:
    """One Postmark message to send: for which Django message, its JSON, token, recipients."""

    __slots__ = ("alone", "message", "payload", "recipients", "token")

    def __init__(
        self,
        message: int,
        payload: dict[str, Any],
        token: str,
        recipients: list[str],
        *,
        alone: bool = True,
    ) -> None:
        self.message = message
        self.payload = payload
        self.token = token
        self.recipients = recipients
        # A merge copy goes through the batch endpoint even alone, as in anymail.
        self.alone = alone


def _send(client: ServerClient, parts: Sequence[_Part], keys: list[int]) -> dict[int, SendOutcome]:
    """``POST /email`` for one message, the batch endpoints otherwise; outcomes by key."""
    if len(keys) == 1 and parts[keys[0]].alone:
        (key,) = keys
        try:
            response = client.email.send(parts[key].payload)
        except PostmarkError as error:
            return {key: failed_outcome(key, error)}
        return {key: outcome_from_entry(key, dict(response))}
    plan = BatchPlan()
    for key in keys:
        plan.add_payload(key, parts[key].payload)
    return {outcome.index: outcome for outcome in client.email.send_batch(plan)}


def _results(parts: Sequence[_Part], outcomes: dict[int, SendOutcome]) -> dict[int, MessageResult]:
    """Each Django message's result from the outcomes of its parts."""
    sent: dict[int, list[tuple[Sequence[str], SendOutcome]]] = {}
    for key, part in enumerate(parts):
        outcome = _reindexed(outcomes[key], part)
        sent.setdefault(part.message, []).append((part.recipients, outcome))
    return {index: summarise(index, pairs) for index, pairs in sent.items()}


def _reindexed(outcome: SendOutcome, part: _Part) -> SendOutcome:
    # Outcomes are keyed by part while sending; the message sees its own index.
    outcome.index = part.message
    return outcome


def _reset_status(message: Any) -> None:
    # A message sent twice must not keep the first attempt's answer.
    message.postmark_status = None
    message.postmark_outcome = None
    message.postmark_outcomes = []
    message.postmark_recipients = RecipientStatuses()
    message.postmark_response = None
    message.postmark_error = None
    message.message_id = None


def _attach_result(message: Any, result: MessageResult) -> None:
    message.postmark_outcome = result.summary()
    message.postmark_outcomes = result.outcomes
    message.postmark_recipients = result.recipients
    message.postmark_status = result.status
    message.message_id = result.message_id
    message.postmark_response = result.response
    message.postmark_error = result.error


__all__ = ["SILENCEABLE", "EmailBackend", "PostmarkImproperlyConfigured"]
