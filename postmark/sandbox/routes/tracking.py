"""Messages API, opens and clicks: ``GET /messages/outbound/opens`` and ``/clicks``
(all messages, filtered) and ``.../opens/{messageid}`` and ``.../clicks/{messageid}``.

Each item is the event as recorded (Postmark's Open or Click webhook JSON:
``RecordType``, ``MessageID``, ``Recipient``, ``ReceivedAt``, ``Client``,
``OS``, ``Platform``, ``Geo``..., clicks with ``ClickLocation`` and
``OriginalLink``), newest first. ``count`` (1-500) and ``offset`` are
required; across all messages ``count + offset`` may not pass 10,000
(documented for opens, applied to clicks too). Bad queries answer 700, an
unknown message 701.

Filters (all optional; the docs spell them ``client_name``, the official
SDKs ``clientName``, both work): ``recipient`` (part of the address),
``tag``, ``client_name``, ``client_company``, ``client_family``, ``os_name``,
``os_family``, ``os_company``, ``platform``, ``country``, ``region``,
``city`` (each exact, any case) and ``messagestream`` (default ``outbound``).
"""

from __future__ import annotations

from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..rules import clock
from ..store.events import EventRow
from .paging import paging

routes = Router()

# filter name (underscores dropped, lower case) -> where its value is in the event
_FILTERS: dict[str, tuple[str, ...]] = {
    "tag": ("Tag",),
    "clientname": ("Client", "Name"),
    "clientcompany": ("Client", "Company"),
    "clientfamily": ("Client", "Family"),
    "osname": ("OS", "Name"),
    "osfamily": ("OS", "Family"),
    "oscompany": ("OS", "Company"),
    "platform": ("Platform",),
    "country": ("Geo", "Country"),
    "region": ("Geo", "Region"),
    "city": ("Geo", "City"),
}
_LISTS = {"Open": "Opens", "Click": "Clicks"}


def event_json(event: EventRow) -> dict[str, Any]:
    """The event as Postmark lists it, with the keys every item has filled in."""
    return {
        "RecordType": event.record_type,
        "MessageID": event.message_id,
        "ReceivedAt": clock.postmark_timestamp(event.received_ts),
        **event.payload,
    }


def _value(payload: dict[str, Any], where: tuple[str, ...]) -> str:
    value: Any = payload
    for key in where:
        value = value.get(key) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def _matches(ctx: Context, event: EventRow) -> bool:
    query = {name.replace("_", ""): value for name, value in ctx.request.query.items()}
    stream = (query.get("messagestream") or "outbound").lower()
    if str(event.payload.get("MessageStream") or "outbound").lower() != stream:
        return False
    recipient = (query.get("recipient") or "").lower()
    if recipient and recipient not in str(event.payload.get("Recipient") or "").lower():
        return False
    return all(
        _value(event.payload, where).lower() == query[name].lower()
        for name, where in _FILTERS.items()
        if query.get(name)
    )


def _page(ctx: Context, record_type: str, message_id: str | None) -> dict[str, Any]:
    count, offset = paging(ctx, 700, window=10_000 if message_id is None else None)
    found = [
        e for e in ctx.app.store.events(message_id, record_type) if message_id or _matches(ctx, e)
    ]
    found.sort(key=lambda e: (e.received_ts, e.id), reverse=True)
    page = found[offset : offset + (count or 0)]
    return {"TotalCount": len(found), _LISTS[record_type]: [event_json(e) for e in page]}


def _known_message(ctx: Context, record_type: str) -> str:
    message_id = ctx.params["id"]
    if ctx.app.store.message(message_id) is None and not ctx.app.store.events(
        message_id, record_type
    ):
        raise ApiError(701, "This message was not found.")
    return message_id


@routes.route("GET", "/messages/outbound/opens")
def list_opens(ctx: Context) -> Any:
    """``GET /messages/outbound/opens``: opens of every message."""
    return _page(ctx, "Open", None)


@routes.route("GET", "/messages/outbound/opens/{id}")
def message_opens(ctx: Context) -> Any:
    """``GET /messages/outbound/opens/{messageid}``: one message's opens."""
    return _page(ctx, "Open", _known_message(ctx, "Open"))


@routes.route("GET", "/messages/outbound/clicks")
def list_clicks(ctx: Context) -> Any:
    """``GET /messages/outbound/clicks``: clicks of every message."""
    return _page(ctx, "Click", None)


@routes.route("GET", "/messages/outbound/clicks/{id}")
def message_clicks(ctx: Context) -> Any:
    """``GET /messages/outbound/clicks/{messageid}``: one message's clicks."""
    return _page(ctx, "Click", _known_message(ctx, "Click"))
