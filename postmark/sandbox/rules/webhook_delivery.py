"""Posting events to webhooks, as Postmark does: triggers, credentials, retries.

For every stored event, each webhook of the message's stream whose trigger
for that ``RecordType`` is enabled gets one POST of the event's JSON (plus
``Content`` for a Bounce or SpamComplaint when the trigger has
``IncludeContent``; an Open that is not the first is skipped when
``PostFirstOpenOnly`` is on), with the webhook's ``HttpAuth`` as basic
auth, its ``HttpHeaders``, ``X-PM-Webhook-Trace-Id`` (the same on every
retry of one event) and ``X-PM-Retries-Remaining``.

Postmark's outcome rules for outbound events: any 2xx is success; no answer
(connection refused, timeout), 5xx, 408 and 429 are retried up to 6 times,
1, 5, 10, 10, 10 and 15 minutes apart; any other status drops the event at
once. ``Config.webhook_retry_scale`` multiplies those delays, so a test can
run the whole schedule in a few seconds.

Calls run on the sandbox's background sender
(:mod:`postmark.sandbox.http.webhook_sender`), never on the request that
caused the event, and each one is recorded (``webhook_deliveries``).

Where Postmark differs or is silent, the sandbox chooses:

* only webhooks on this machine are called (:mod:`postmark.sandbox.http.callouts`),
  and only verified ones, since Postmark posts no events to an unverified
  webhook; every other enabled webhook gets a ``NotCalled`` record saying
  why, so a silent webhook can be explained;
* redirects are not followed: a 3xx is a failure, not retried;
* a pending retry is dropped when the sandbox stops or is cleared, or when
  the webhook is deleted or its trigger switched off meanwhile.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..app import App
from ..http.callouts import CallResult, may_call, post_json
from ..store.events import DeliveryRow, EventRow
from ..store.settings import WebhookRow
from . import clock
from .webhooks import NOT_CALLED, VERIFIED, credentials

RETRY_DELAYS = (60.0, 300.0, 600.0, 600.0, 600.0, 900.0)  # seconds between attempts
RETRIED_STATUSES = frozenset({408, 429})
DELIVERED, RETRYING, FAILED, NOT_CALLED_OUTCOME = "Delivered", "Retrying", "Failed", "NotCalled"
NOT_VERIFIED = (
    "Not called: the webhook is unverified (saved with 'Verify': false, or its verification "
    "failed), and Postmark posts no events to unverified webhooks. Verify it with "
    "POST /webhooks/{id}/verify."
)


@dataclass(frozen=True)
class Attempt:
    """One scheduled call: which event, which webhook, which try."""

    event_id: int
    received_at: str  # tells a cleared-and-reused event ID from the original
    webhook_id: int
    trace_id: str
    number: int = 1

    @property
    def retries_left(self) -> int:
        """Retries still possible after this attempt."""
        return len(RETRY_DELAYS) - self.number + 1

    def next(self) -> Attempt:
        return Attempt(
            self.event_id, self.received_at, self.webhook_id, self.trace_id, self.number + 1
        )


def dispatch(app: App, event: EventRow) -> None:
    """Schedule the event for every webhook that wants it (or record why one is not called)."""
    for webhook in app.store.webhooks(str(event.payload.get("MessageStream") or "")):
        if not wants(webhook, event.payload):
            continue
        attempt = Attempt(event.id, event.received_at, webhook.id, str(uuid.uuid4()))
        reason = not_called_reason(app, webhook)
        if reason is None:
            app.webhook_sender.schedule(0.0, while_open(app, partial(run, app, attempt)))
        else:
            _record(app, event, webhook, attempt, CallResult(0, reason), NOT_CALLED_OUTCOME, None)


def while_open(app: App, call: Callable[[], None]) -> Callable[[], None]:
    """``call`` for the sender thread, dropped quietly if the server's store is closed
    before or while it runs (the server was deleted, or the sandbox cleared)."""

    def guarded() -> None:
        try:
            call()
        except sqlite3.ProgrammingError:
            if not app.store.closed:
                raise

    return guarded


def wants(webhook: WebhookRow, payload: dict[str, Any]) -> bool:
    """Whether the webhook's trigger for this event is on (for an Open: and its first-open rule)."""
    trigger = webhook.triggers.get(str(payload.get("RecordType")), {})
    if not trigger.get("Enabled"):
        return False
    return not (trigger.get("PostFirstOpenOnly") and not payload.get("FirstOpen"))


def not_called_reason(app: App, webhook: WebhookRow) -> str | None:
    """Why the sandbox will not call this webhook, or ``None`` when it will."""
    if not may_call(webhook.url, app.base_url):
        return NOT_CALLED
    if webhook.status != VERIFIED:
        return NOT_VERIFIED
    return None


def run(app: App, attempt: Attempt) -> None:
    """Make one call (on the sender thread), record it, and schedule the retry it earns."""
    event = app.store.event(attempt.event_id)
    webhook = app.store.webhook(attempt.webhook_id)
    if event is None or event.received_at != attempt.received_at or webhook is None:
        return  # cleared or deleted meanwhile: nobody is waiting for this call any more
    if not wants(webhook, event.payload) or not_called_reason(app, webhook) is not None:
        return
    auth, headers = credentials(webhook)
    headers += [
        ("X-PM-Webhook-Trace-Id", attempt.trace_id),
        ("X-PM-Retries-Remaining", str(attempt.retries_left)),
    ]
    result = post_json(webhook.url, body_for(app, webhook, event), auth=auth, headers=headers)
    outcome = outcome_of(result.status, attempt.retries_left)
    if outcome != RETRYING:
        _record(app, event, webhook, attempt, result, outcome, None)
        return
    delay = RETRY_DELAYS[attempt.number - 1] * app.config.webhook_retry_scale
    _record(app, event, webhook, attempt, result, outcome, clock.now() + delay)
    app.webhook_sender.schedule(delay, while_open(app, partial(run, app, attempt.next())))


def outcome_of(status: int, retries_left: int) -> str:
    """``Delivered`` for 2xx; ``Retrying`` or ``Failed`` by Postmark's retry rules."""
    if 200 <= status < 300:
        return DELIVERED
    retryable = status == 0 or status >= 500 or status in RETRIED_STATUSES
    return RETRYING if retryable and retries_left > 0 else FAILED


def body_for(app: App, webhook: WebhookRow, event: EventRow) -> dict[str, Any]:
    """The event's JSON for this webhook: with ``Content`` when its trigger includes it."""
    payload = dict(event.payload)
    trigger = webhook.triggers.get(event.record_type, {})
    if event.record_type in ("Bounce", "SpamComplaint") and trigger.get("IncludeContent"):
        bounce = app.store.bounce(int(payload.get("ID") or 0))
        payload["Content"] = bounce.dump if bounce is not None else ""
    return payload


def _record(
    app: App,
    event: EventRow,
    webhook: WebhookRow,
    attempt: Attempt,
    result: CallResult,
    outcome: str,
    next_ts: float | None,
) -> None:
    response = result.body or result.message
    app.store.add_delivery(
        DeliveryRow(
            event_id=event.id,
            webhook_id=webhook.id,
            message_id=event.message_id,
            record_type=event.record_type,
            url=webhook.url,
            attempt=attempt.number,
            status=result.status,
            outcome=outcome,
            response=response,
            duration_ms=result.elapsed_ms,
            attempted_ts=clock.now(),
            next_attempt_ts=next_ts,
            trace_id=attempt.trace_id,
        )
    )


def recorded_calls(
    app: App, message_id: str | None = None, webhook_id: int | None = None
) -> list[dict[str, Any]]:
    """Every webhook call of ``app`` (and webhook not called), oldest first, as
    ``GET /__sandbox/webhook-deliveries`` lists them: of one message and/or one webhook.

    Calls queued "soon" by the request that caused an event run first, so a
    page or test reading right after a send sees its Delivery call's record.
    """
    app.webhook_sender.settle()
    return [delivery_json(row) for row in app.store.deliveries(message_id, webhook_id)]


def delivery_json(row: DeliveryRow) -> dict[str, Any]:
    """One webhook call as ``GET /__sandbox/webhook-deliveries`` lists it."""
    return {
        "ID": row.id,
        "EventID": row.event_id,
        "WebhookID": row.webhook_id,
        "MessageID": row.message_id,
        "RecordType": row.record_type,
        "Url": without_password(row.url),
        "Attempt": row.attempt,
        "StatusCode": row.status,
        "Outcome": row.outcome,
        "Response": row.response,
        "DurationMs": row.duration_ms,
        "AttemptedAt": clock.utc_timestamp(row.attempted_ts),
        "NextAttemptAt": None
        if row.next_attempt_ts is None
        else clock.utc_timestamp(row.next_attempt_ts),
        "TraceId": row.trace_id,
    }


def without_password(url: str) -> str:
    """``https://user:secret@host/`` -> ``https://user:***@host/``: logs never show secrets."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
