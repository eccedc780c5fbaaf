"""Messages API (inbound): search, details, bypass, retry.

Messages arrive through ``Sandbox.receive_inbound`` or ``POST
/__sandbox/inbound`` (see :mod:`postmark.sandbox.rules.inbound`). ErrorCode 700
answers bad queries, 701 unknown message IDs and messages in the wrong
state, in Postmark's wording ("This message was not found or cannot be
bypassed."). 702 and 703 ("could not be bypassed/retried; contact
support") stand for Postmark's internal failures, which the sandbox does
not have.
"""

from __future__ import annotations

from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..json_shapes import inbound_details, inbound_summary
from ..rules.inbound import STATUSES, process
from ..store.inbound import InboundFilter, InboundRow
from .paging import date_range, paging

routes = Router()

_STATUSES = {status.lower(): status for status in STATUSES}


@routes.route("GET", "/messages/inbound")
def search_inbound(ctx: Context) -> Any:
    """``GET /messages/inbound``: one page, newest first; ``status`` defaults to processed."""
    count, offset = paging(ctx, 700)
    text = ctx.arg("status") or "processed"
    status = _STATUSES.get(text.lower())
    if status is None:
        raise ApiError(
            700, f"Invalid 'status': '{text}'. Use {', '.join(s.lower() for s in STATUSES)}."
        )
    flt = InboundFilter(
        status=status,
        recipient=ctx.arg("recipient") or None,
        from_email=ctx.arg("fromemail") or None,
        subject=ctx.arg("subject") or None,
        mailbox_hash=ctx.arg("mailboxhash") or None,
        tag=ctx.arg("tag") or None,
    )
    flt.from_ts, flt.to_ts = date_range(ctx, 700)
    total, rows = ctx.app.store.search_inbound(flt, count or 0, offset)
    return {"TotalCount": total, "InboundMessages": [inbound_summary(r) for r in rows]}


def _message(ctx: Context, wanted: str | None = None, what: str = "") -> InboundRow:
    row = ctx.app.store.inbound(ctx.params["id"])
    if row is None or (wanted is not None and row.status != wanted):
        raise ApiError(701, f"This message was not found{what}.")
    return row


@routes.route("GET", "/messages/inbound/{id}/details")
def inbound_message_details(ctx: Context) -> Any:
    """``GET /messages/inbound/{messageid}/details``."""
    return inbound_details(_message(ctx))


@routes.route("PUT", "/messages/inbound/{id}/bypass")
def bypass_inbound(ctx: Context) -> Any:
    """``PUT /messages/inbound/{messageid}/bypass``: process a Blocked message."""
    row = _message(ctx, "Blocked", " or cannot be bypassed")
    ctx.app.store.set_inbound_status(row.message_id, process(ctx.app, row.message), None)
    return {
        "ErrorCode": 0,
        "Message": f"Successfully bypassed message: {row.message['MessageID']}.",
    }


@routes.route("PUT", "/messages/inbound/{id}/retry")
def retry_inbound(ctx: Context) -> Any:
    """``PUT /messages/inbound/{messageid}/retry``: post a Failed message to the hook again."""
    row = _message(ctx, "Failed", " or cannot be retried")
    ctx.app.store.set_inbound_status(row.message_id, process(ctx.app, row.message), None)
    return {
        "ErrorCode": 0,
        "Message": f"Successfully rescheduled failed message: {row.message['MessageID']}.",
    }
