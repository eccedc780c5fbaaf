"""Helpers for the fault tests: a raw server that misbehaves, sandbox counters.

The sandbox's fault injection covers what Postmark's edge can do (429, 500,
503, a stalled answer, a connection closed before any answer). What it
cannot do, a server that breaks off half-way through an answer or answers
with garbage, is done by a raw server: :class:`raw_http.SocketServer` on
127.0.0.1 answering each request from a script of replies
(:func:`raw_http.replying`).
"""

from __future__ import annotations

import json
import urllib.request

import postmark.core
from postmark.protocol import RetryPolicy
from postmark.sandbox import Sandbox

#: Short waits between retries so that retry storms finish in well under a second.
FAST_RETRIES = RetryPolicy(retries=3, backoff=0.02, max_backoff=0.05, deadline=10.0)

OK_ENTRY = {
    "ErrorCode": 0,
    "Message": "OK",
    "To": "a@example.com",
    "SubmittedAt": "2024-05-14T09:21:37.5512864-04:00",
}


def fast_retries(token: str = "fault-token") -> None:
    """Give the legacy layer's shared client for ``token`` short retry waits."""
    postmark.core.shared_client(token).transport.retry_policy = FAST_RETRIES


def pending_faults(sandbox: Sandbox) -> list[int]:
    """How many requests each still-queued fault will hit (the admin route's view)."""
    with urllib.request.urlopen(f"{sandbox.url}/__sandbox/faults", timeout=10) as answer:
        return [fault["count"] for fault in json.loads(answer.read())["Faults"]]


def stored_subjects(sandbox: Sandbox) -> dict[str, int]:
    """How many times the sandbox stored each subject."""
    counts: dict[str, int] = {}
    for message in sandbox.messages():
        counts[message["Subject"]] = counts.get(message["Subject"], 0) + 1
    return counts


# --------------------------------------------------------------------------
# Raw answers


def http_response(status: int, body: bytes, *, length: int | None = None) -> bytes:
    """A response head and body; ``length`` may promise more bytes than ``body`` has."""
    return (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n\r\n"
    ).encode() + body


def batch_answer(body: bytes) -> bytes:
    """Postmark's answer to a batch request: one accepted entry per message."""
    items = json.loads(body)
    entries = [{**OK_ENTRY, "MessageID": f"id-{item['Subject']}"} for item in items]
    return http_response(200, json.dumps(entries).encode())
