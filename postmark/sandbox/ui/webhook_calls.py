"""The table of webhook calls, shared by a message's Webhooks tab and ``/inbox/webhooks``.

Each row is one call as :func:`postmark.sandbox.rules.webhook_delivery.recorded_calls`
gives it (``GET /__sandbox/webhook-deliveries``'s JSON): when, which event,
the URL (password masked), the attempt and the retry it scheduled, the HTTP
status or the network error, and an excerpt of the answer, always escaped.
"""

from __future__ import annotations

from typing import Any

from ..rules.webhook_delivery import DELIVERED, NOT_CALLED_OUTCOME, RETRY_DELAYS
from .format import esc, message_path, when

RESPONSE_EXCERPT = 500  # characters of a webhook's answer shown
ATTEMPTS = len(RETRY_DELAYS) + 1  # the first call and Postmark's retries


def calls_table(calls: list[dict[str, Any]], *, with_message: bool = False) -> str:
    """A ``table.webhooks`` of ``calls`` in the order given; ``with_message`` adds a
    column linking each call's message."""
    message_head = "<th>Message</th>" if with_message else ""
    rows = "".join(_row(c, with_message) for c in calls)
    return (
        '<table class="webhooks"><thead><tr><th>Attempted</th><th>Event</th><th>URL</th>'
        "<th>Attempt</th><th>Status</th><th>Outcome</th><th>Time</th><th>Next attempt</th>"
        f"<th>Response</th>{message_head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def is_ok(call: dict[str, Any]) -> bool:
    """Whether the webhook took the event (a 2xx); retries, failures and webhooks not
    called are not."""
    return bool(call["Outcome"] == DELIVERED)


def _row(c: dict[str, Any], with_message: bool) -> str:
    response = str(c["Response"])
    excerpt = response[:RESPONSE_EXCERPT] + ("…" if len(response) > RESPONSE_EXCERPT else "")
    later = when(c["NextAttemptAt"]) if c["NextAttemptAt"] else ""
    mark = "call-ok" if is_ok(c) else "call-failed"
    message = ""
    if with_message:
        link = (
            f'<a href="{esc(message_path(c["MessageID"], "webhooks"))}">{esc(c["MessageID"])}</a>'
            if c["MessageID"]
            else '<span class="muted">none</span>'
        )
        message = f'<td class="message-id">{link}</td>'
    return (
        f'<tr class="{mark}" data-outcome="{esc(c["Outcome"])}">'
        f'<td class="when">{when(c["AttemptedAt"])}</td>'
        f'<td>{esc(c["RecordType"])} <span class="muted">#{c["EventID"]}</span></td>'
        f"<td><code>{esc(c['Url'])}</code></td>"
        f'<td>{c["Attempt"]} <span class="muted">of {ATTEMPTS}</span></td>'
        f'<td class="status">{_status(c)}</td>'
        f'<td><span class="badge {mark}">{esc(c["Outcome"])}</span></td>'
        f'<td class="duration">{c["DurationMs"]:.0f} ms</td><td class="when">{later}</td>'
        f'<td><pre class="code excerpt">{esc(excerpt)}</pre></td>{message}</tr>'
    )


def _status(c: dict[str, Any]) -> str:
    """The HTTP status, or why there was none (network error, or not called)."""
    if c["StatusCode"]:
        return esc(c["StatusCode"])
    if c["Outcome"] == NOT_CALLED_OUTCOME:
        return '<span class="muted">not called</span>'
    return '<span class="muted">no answer</span>'
