"""Admin routes under ``/__sandbox/``: test hooks, not Postmark routes.

They need no token, ignore fault injection and always answer JSON; the
ones that change state need ``Content-Type: application/json`` (with a body)
and no foreign ``Origin`` (see :mod:`postmark.sandbox.http.guard`):

``GET /__sandbox/health``
    ``{"Status": "OK", "Url": ...}``.
``GET /__sandbox/messages``
    ``{"TotalCount": n, "Messages": [...]}``, oldest first, each as
    ``Sandbox.messages()`` returns it; one page: ``?count=`` (1-500,
    default 100) and ``&offset=``.
``DELETE /__sandbox/messages``
    Forget everything stored (messages, bounces, suppressions, templates,
    streams, webhooks, server settings, inbound messages and rules) and
    every queued fault; same as ``Sandbox.clear()``.
``GET /__sandbox/bounces``
    ``{"TotalCount": n, "Bounces": [...]}``, newest first.
``POST /__sandbox/inbound``
    Receive one inbound message: the body is Postmark's inbound webhook
    JSON (``From`` and ``To`` are enough; see :mod:`postmark.sandbox.rules.inbound`), optional
    ``?status=`` (processed, blocked, queued, failed, scheduled) overrides
    the rules. Answers the message as ``GET /messages/inbound/{id}/details``
    shows it; a bad message answers HTTP 400.
``GET /__sandbox/inbound``
    ``{"TotalCount": n, "InboundMessages": [...]}``, oldest first, every
    status, in details form.
``GET /__sandbox/faults``
    ``{"Faults": [{"kind", "count", "seconds", "path"}, ...]}`` still queued.
``POST /__sandbox/faults``
    Body ``{"kind": "429"|"500"|"503"|"stall"|"drop", "count": 1,
    "seconds": 0.0, "path": "/email"}`` (only ``kind`` is required); answers
    the queue. A bad value answers HTTP 400.
``DELETE /__sandbox/faults``
    Drop every queued fault.
"""

from __future__ import annotations

from typing import Any

from .. import servers
from ..http.errors import ApiError
from ..http.router import Context, Router
from ..json_shapes import bounce_json, inbound_details, sandbox_message
from ..rules.inbound import InboundError, receive
from ..store.connection import MAX_ROW_ID, row_id

routes = Router()

DEFAULT_PAGE = 100
MAX_PAGE = 500


@routes.route("GET", "/__sandbox/health", auth="none")
def health(ctx: Context) -> Any:
    """Liveness check for scripts that start the sandbox out of process."""
    return {"Status": "OK", "Url": ctx.app.base_url}


@routes.route("GET", "/__sandbox/messages", auth="none")
def list_messages(ctx: Context) -> Any:
    """One page of stored messages, oldest first (``?count=`` 1-500, default 100, ``&offset=``)."""
    count = _number(ctx, "count", DEFAULT_PAGE, 1, MAX_PAGE)
    offset = _number(ctx, "offset", 0, 0, MAX_ROW_ID)
    store = ctx.app.store
    total, rows = store.messages_page(count, offset)
    page = [sandbox_message(r, store.bounces_for_message(r.message_id)) for r in rows]
    return {"TotalCount": total, "Messages": page}


def _number(ctx: Context, name: str, default: int, low: int, high: int) -> int:
    text = ctx.arg(name)
    value = default if text is None else row_id(text)
    if value is None or not low <= value <= high:
        raise ApiError(400, f"'{name}' must be a whole number from {low} to {high}.", 400)
    return value


@routes.route("DELETE", "/__sandbox/messages", auth="none")
def clear(ctx: Context) -> Any:
    """Forget everything."""
    ctx.app.join_workers()
    servers.reset(ctx.app)
    ctx.app.faults.clear()
    return {"Message": "Cleared."}


@routes.route("GET", "/__sandbox/bounces", auth="none")
def list_bounces(ctx: Context) -> Any:
    """Every bounce, newest first."""
    rows = ctx.app.store.all_bounces()
    server_id = ctx.app.config.server_id
    return {"TotalCount": len(rows), "Bounces": [bounce_json(r, server_id) for r in rows]}


@routes.route("POST", "/__sandbox/inbound", auth="none")
def receive_inbound(ctx: Context) -> Any:
    """Take in one inbound message (the test's stand-in for mail arriving)."""
    try:
        row = receive(ctx.app, ctx.json, ctx.arg("status"))
    except InboundError as err:
        raise ApiError(400, str(err), 400) from None
    return inbound_details(row)


@routes.route("GET", "/__sandbox/inbound", auth="none")
def list_inbound(ctx: Context) -> Any:
    """Every received message, oldest first."""
    rows = ctx.app.store.all_inbound()
    return {"TotalCount": len(rows), "InboundMessages": [inbound_details(r) for r in rows]}


@routes.route("GET", "/__sandbox/faults", auth="none")
def list_faults(ctx: Context) -> Any:
    """Faults still queued."""
    return {"Faults": [f.as_json() for f in ctx.app.faults.pending()]}


@routes.route("POST", "/__sandbox/faults", auth="none")
def add_fault(ctx: Context) -> Any:
    """Queue a fault."""
    body = ctx.json
    if not isinstance(body, dict) or "kind" not in body:
        raise ApiError(400, "Send a JSON object with at least 'kind'.", 400)
    unknown = set(body) - {"kind", "count", "seconds", "path"}
    if unknown:
        raise ApiError(400, f"Unknown fault fields: {', '.join(sorted(unknown))}.", 400)
    try:
        ctx.app.faults.add(
            str(body["kind"]),
            body.get("count", 1),
            seconds=body.get("seconds", 0.0),
            path=body.get("path"),
        )
    except ValueError as err:
        raise ApiError(400, str(err), 400) from None
    return list_faults(ctx)


@routes.route("DELETE", "/__sandbox/faults", auth="none")
def clear_faults(ctx: Context) -> Any:
    """Drop every queued fault."""
    ctx.app.faults.clear()
    return {"Faults": []}
