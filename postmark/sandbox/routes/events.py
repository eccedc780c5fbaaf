"""Admin routes for events and webhooks (no token, never faulted, always JSON):

``POST /__sandbox/events``
    Make an event happen to a sent message: ``{"type": "open"|"click"|
    "spam"|"subscription"|"bounce", "message_id": ..., "recipient": ...}``
    plus ``link`` and ``location`` (click), ``platform``, ``user_agent``,
    ``read_seconds`` (open, click), ``bounce_type`` (bounce); see
    :mod:`postmark.sandbox.rules.events`. Answers ``{"Events": [...]}``,
    the events recorded (a spam complaint also records a
    SubscriptionChange); a bad request answers 400, an unknown message 404
    and an event the message rules out (an open without TrackOpens...) 422.
``GET /__sandbox/events``
    ``{"TotalCount": n, "Events": [{ID, ServerID, MessageID, RecordType,
    ReceivedAt, Payload}]}``, oldest first; ``?message_id=`` and
    ``?record_type=`` filter.
``GET /__sandbox/webhook-deliveries``
    ``{"TotalCount": n, "Deliveries": [{ID, EventID, WebhookID, MessageID,
    RecordType, Url, Attempt, StatusCode, Outcome, Response, DurationMs,
    AttemptedAt, NextAttemptAt, TraceId}]}``, oldest first: every webhook
    call (``Outcome`` Delivered, Retrying, Failed) and every enabled
    webhook not called (NotCalled, ``Response`` says why);
    ``?message_id=`` and ``?webhook_id=`` filter, ``?wait=SECONDS`` first
    waits (up to 30 s) until no call is queued or running.
``POST /__sandbox/inbound/raw``
    Receive a raw email: ``{"RawEmail": "<the .eml text>"}`` (optional
    ``MessageStream``, and ``?status=`` as for ``POST /__sandbox/inbound``);
    parsed into Postmark's inbound JSON, then handled like any inbound
    message. Answers the message in details form; 400 when unusable.

Each server keeps its own events and webhook calls: an event is made on the
server that stored its message, the lists show the server named by
``?server_id=``, else the one that stored ``?message_id=``, else the
default server (an unknown ``server_id`` answers 404). Raw inbound mail
goes to the default server.
"""

from __future__ import annotations

from typing import Any

from .. import servers
from ..app import App
from ..http.errors import ApiError
from ..http.router import Context, Router
from ..json_shapes import inbound_details
from ..rules import inbound
from ..rules.events import EventError, event_json, trigger_on_holder
from ..rules.inbound_mime import payload_from_raw
from ..rules.webhook_delivery import recorded_calls
from ..store.connection import row_id

routes = Router()

MAX_WAIT = 30.0


@routes.route("POST", "/__sandbox/events", auth="none")
def add_event(ctx: Context) -> Any:
    """Make an open, click, spam complaint, unsubscribe or bounce happen."""
    try:
        rows = trigger_on_holder(ctx.app, ctx.json)
    except EventError as err:
        raise ApiError(err.status, str(err), err.status) from None
    return {"Events": [row.payload for row in rows]}


@routes.route("GET", "/__sandbox/events", auth="none")
def list_events(ctx: Context) -> Any:
    """Every stored event of one server, oldest first."""
    server = _server(ctx)
    server.webhook_sender.settle()  # a send's events are recorded just after it
    rows = server.store.events(ctx.arg("message_id"), ctx.arg("record_type"))
    return {"TotalCount": len(rows), "Events": [event_json(r) for r in rows]}


@routes.route("GET", "/__sandbox/webhook-deliveries", auth="none")
def list_deliveries(ctx: Context) -> Any:
    """Every webhook call of one server, oldest first (after waiting for queued calls,
    if asked)."""
    server = _server(ctx)
    wait = _number(ctx, "wait")
    if wait:
        server.webhook_sender.wait_idle(min(wait, MAX_WAIT))
    webhook_id = _number(ctx, "webhook_id")
    calls = recorded_calls(
        server, ctx.arg("message_id"), None if webhook_id is None else int(webhook_id)
    )
    return {"TotalCount": len(calls), "Deliveries": calls}


def _server(ctx: Context) -> App:
    """The server a list shows: ``?server_id=``, else the one holding ``?message_id=``."""
    text = ctx.arg("server_id")
    if text is None:
        return servers.holding(ctx.app, ctx.arg("message_id"))
    server_id = row_id(text)
    server = None if server_id is None else servers.find(ctx.app, server_id)
    if server is None:
        raise ApiError(404, f"No server has the ID '{text}'.", 404)
    return server


def _number(ctx: Context, name: str) -> float | None:
    text = ctx.arg(name)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise ApiError(400, f"'{name}' must be a number.", 400) from None


@routes.route("POST", "/__sandbox/inbound/raw", auth="none")
def receive_raw(ctx: Context) -> Any:
    """Take in one raw email, as if it had arrived at the server's inbound address."""
    body = ctx.json
    if not isinstance(body, dict) or not isinstance(body.get("RawEmail"), str):
        raise ApiError(400, 'Send {"RawEmail": "<the message\'s source>"}.', 400)
    unknown = set(body) - {"RawEmail", "MessageStream"}
    if unknown:
        raise ApiError(400, f"Unknown fields: {', '.join(sorted(unknown))}.", 400)
    payload = payload_from_raw(body["RawEmail"])
    if "MessageStream" in body:
        payload["MessageStream"] = body["MessageStream"]
    try:
        row = inbound.receive(ctx.app, payload, ctx.arg("status"))
    except inbound.InboundError as err:
        raise ApiError(400, str(err), 400) from None
    return inbound_details(row)
