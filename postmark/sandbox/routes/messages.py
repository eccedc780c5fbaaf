"""Messages API (outbound): search, details, dump.

ErrorCode 700 answers bad queries, 701 unknown message IDs.
"""

from __future__ import annotations

from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..json_shapes import message_details, message_summary
from ..rules.mime import build_mime
from ..store.outbound import MessageFilter, MessageRow
from .paging import date_range, paging

routes = Router()

# Postmark's status filter: "sent" and "processed" are the same set; the
# sandbox never queues, so "queued" finds nothing.
_STATUSES = {"queued": "Queued", "sent": "Sent", "processed": "Sent"}
_METADATA_PREFIX = "metadata_"


@routes.route("GET", "/messages/outbound")
def search_outbound(ctx: Context) -> Any:
    """``GET /messages/outbound``: one page of messages, newest first."""
    count, offset = paging(ctx, 700)
    flt = MessageFilter(
        stream=(ctx.arg("messagestream") or "outbound").lower(),
        recipient=ctx.arg("recipient") or None,
        from_email=ctx.arg("fromemail") or None,
        tag=ctx.arg("tag") or None,
        subject=ctx.arg("subject") or None,
        status=_status(ctx.arg("status")),
        metadata=_metadata(ctx),
    )
    flt.from_ts, flt.to_ts = date_range(ctx, 700)
    total, rows = ctx.app.store.search_messages(flt, count or 0, offset)
    return {"TotalCount": total, "Messages": [message_summary(r) for r in rows]}


def _status(value: str | None) -> str | None:
    if not value:
        return None
    status = _STATUSES.get(value.lower())
    if status is None:
        raise ApiError(700, f"Invalid 'status': '{value}'. Use queued, sent or processed.")
    return status


def _metadata(ctx: Context) -> tuple[str, str] | None:
    """The one ``metadata_<key>=value`` filter Postmark allows per search."""
    for name, value in ctx.request.query.items():
        if name.startswith(_METADATA_PREFIX) and len(name) > len(_METADATA_PREFIX):
            return name[len(_METADATA_PREFIX) :], value
    return None


def _message(ctx: Context) -> MessageRow:
    row = ctx.app.store.message(ctx.params["id"])
    if row is None:
        raise ApiError(701, "This message was not found.")
    return row


@routes.route("GET", "/messages/outbound/{id}/details")
def outbound_details(ctx: Context) -> Any:
    """``GET /messages/outbound/{id}/details``."""
    row = _message(ctx)
    store = ctx.app.store
    return message_details(
        row, store.bounces_for_message(row.message_id), store.events(row.message_id)
    )


@routes.route("GET", "/messages/outbound/{id}/dump")
def outbound_dump(ctx: Context) -> Any:
    """``GET /messages/outbound/{id}/dump``: the raw MIME source."""
    row = _message(ctx)
    return {"Body": build_mime(row.summary, row.content, row.request, row.received_ts)}
