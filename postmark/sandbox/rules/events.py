"""Outbound events: what happened to a sent message, stored and handed to the webhooks.

After a send, as Postmark reports it: a ``Delivery`` for each recipient
that was not bounced, a ``Bounce`` for each bounce-testing recipient, and a
``SubscriptionChange`` for each address a hard bounce suppressed. They are
recorded just after the send answers, on the webhook sender's thread.

Nobody reads sandbox mail, so the rest happens when a test asks
(:func:`trigger`, ``POST /__sandbox/events``, ``postmark sandbox event``),
with Postmark's preconditions:

``open``
    needs ``TrackOpens`` and an HTML body; ``FirstOpen`` is true for the
    recipient's first open of the message only.
``click``
    needs ``TrackLinks`` covering the place of the link (``HtmlAndText``,
    ``HtmlOnly`` for ``HTML``, ``TextOnly`` for ``Text``), and the link
    must be in that body (the first link when none is named). Postmark
    posts only the first click of a recipient on a link: a repeat is
    stored but not posted.
``spam``
    a spam complaint: a ``SpamComplaint`` bounce (inactive, cannot be
    activated), the address suppressed, then a ``SubscriptionChange``.
``subscription``
    the recipient unsubscribes: suppressed with ``ManualSuppression``,
    ``Origin: "Recipient"``, as Postmark records an unsubscribe.
``bounce``
    a bounce of ``bounce_type`` (default ``HardBounce``) arriving later;
    a hard bounce suppresses the address (and a ``SubscriptionChange``).

The recipient defaults to the message's first one that did not bounce; a
bounced recipient can neither open, click, complain nor bounce again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from .. import servers
from ..app import App
from ..store.events import EventRow
from ..store.outbound import BounceRow, MessageRow, NewBounce, SuppressionRow
from . import clock, event_payloads
from .bounces import BOUNCE_TYPES, DEACTIVATING, details_for, dump_for
from .event_payloads import CLICK_LOCATIONS, PLATFORMS, Reader
from .webhook_delivery import dispatch, while_open

KINDS = ("open", "click", "spam", "subscription", "bounce")
REQUEST_FIELDS = frozenset(
    {"type", "message_id", "recipient", "link", "location", "platform", "user_agent"}
    | {"read_seconds", "bounce_type"}
)
SPAM_DETAILS = "Spam complaint: the recipient marked the message as spam (Postmark sandbox)."
_LINK = re.compile(r"https?://[^\s\"'<>]+")
_LINK_TRAIL = ".,;:!?)"
_TRACKED_IN = {"HTML": ("HtmlAndText", "HtmlOnly"), "Text": ("HtmlAndText", "TextOnly")}


class EventError(ValueError):
    """An event the sandbox refuses, with the HTTP status the admin route answers."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


# --- recording ---------------------------------------------------------------------


def record(app: App, payload: dict[str, Any], ts: float, *, post: bool = True) -> EventRow:
    """Store one event and, unless ``post`` is false, hand it to the webhooks."""
    row = EventRow(
        server_id=app.config.server_id,
        message_id=payload.get("MessageID"),
        record_type=str(payload["RecordType"]),
        received_at=event_payloads.event_time(ts),
        payload=payload,
    )
    stored = replace(row, id=app.store.add_event(row))
    if post:
        dispatch(app, stored)
    return stored


def after_send(app: App, message_id: str) -> None:
    """Record a just-stored message's events soon, off the sending request.

    A 500-message batch must answer as fast as before; anything that reads
    events (:func:`trigger`, the event lists) first settles what is queued.
    """
    app.webhook_sender.soon(while_open(app, partial(record_sent, app, message_id)))


def record_sent(app: App, message_id: str) -> None:
    """The events of a stored message: Delivery, or Bounce (and SubscriptionChange)."""
    message = app.store.message(message_id)
    if message is None:
        return  # cleared meanwhile
    bounced = {b.email.lower(): b for b in app.store.bounces_for_message(message_id)}
    server_id = app.config.server_id
    for recipient in message.summary.get("Recipients", []):
        bounce = bounced.get(recipient.lower())
        if bounce is None:
            payload = event_payloads.delivery(message, recipient, message.received_ts, server_id)
            record(app, payload, message.received_ts)
        else:
            _record_bounce(app, message, bounce, suppressed=bounce.inactive)


def _record_bounce(app: App, message: MessageRow, bounce: BounceRow, *, suppressed: bool) -> None:
    server_id = app.config.server_id
    record(app, event_payloads.bounce(message, bounce, server_id), bounce.bounced_ts)
    if suppressed:
        reason = "SpamComplaint" if bounce.type == "SpamComplaint" else "HardBounce"
        change = event_payloads.subscription_change(
            message, bounce.email, bounce.bounced_ts, server_id, reason=reason, origin="Recipient"
        )
        record(app, change, bounce.bounced_ts)


# --- on-demand events -----------------------------------------------------------------


def trigger(app: App, request: Any) -> list[EventRow]:
    """Make one event happen to a sent message; return the events recorded (in order).

    ``request`` is ``{"type": "open"|"click"|"spam"|"subscription"|"bounce",
    "message_id": ..., "recipient": ...}`` plus the type's own fields
    (``link``, ``location``, ``platform``, ``user_agent``, ``read_seconds``,
    ``bounce_type``).

    Raises:
        EventError: unknown type or field (400), unknown message (404), or
            an event the message's settings rule out (422).
    """
    if not isinstance(request, dict):
        raise EventError("Send a JSON object with at least 'type' and 'message_id'.", 400)
    unknown = sorted(set(request) - REQUEST_FIELDS)
    if unknown:
        raise EventError(f"Unknown event fields: {', '.join(unknown)}.", 400)
    kind = str(request.get("type") or "").lower()
    if kind not in _HANDLERS:
        raise EventError(f"Event 'type' must be one of: {', '.join(KINDS)}.", 400)
    app.webhook_sender.settle()  # the message's own Delivery/Bounce events come first
    message = _message(app, request.get("message_id"))
    recipient = _recipient(app, message, request.get("recipient"))
    before = len(app.store.events(message.message_id))
    _HANDLERS[kind](app, message, recipient, request)
    return app.store.events(message.message_id)[before:]


def trigger_on_holder(root: App, request: Any) -> list[EventRow]:
    """:func:`trigger` on the server that stored ``request["message_id"]``.

    The one entry for a wanted event: ``POST /__sandbox/events`` and the
    inbox's simulate buttons both come here, so both record the same events
    and post the same webhooks.
    """
    message_id = request.get("message_id") if isinstance(request, dict) else None
    server = servers.holding(root, message_id if isinstance(message_id, str) else None)
    return trigger(server, request)


def _message(app: App, message_id: Any) -> MessageRow:
    if not isinstance(message_id, str) or not message_id:
        raise EventError("Name the sent message: 'message_id' (the MessageID of the send).", 400)
    message = app.store.message(message_id)
    if message is None:
        raise EventError(f"No sent message has the MessageID '{message_id}'.", 404)
    return message


def _recipient(app: App, message: MessageRow, given: Any) -> str:
    """The named recipient (any case), or the first one that did not bounce."""
    recipients: list[str] = list(message.summary.get("Recipients", []))
    bounced = {b.email.lower() for b in app.store.bounces_for_message(message.message_id)}
    if given is None:
        delivered = [r for r in recipients if r.lower() not in bounced]
        if not delivered:
            raise EventError("Every recipient of this message bounced; nobody received it.")
        return delivered[0]
    found = next(
        (r for r in recipients if isinstance(given, str) and r.lower() == given.lower()), None
    )
    if found is None:
        raise EventError(f"'{given}' is not a recipient of this message ({', '.join(recipients)}).")
    if found.lower() in bounced:
        raise EventError(f"The message bounced for '{found}', so nothing more can happen to it.")
    return found


def _reader(request: dict[str, Any]) -> Reader:
    platform = request.get("platform", "WebMail")
    if platform not in PLATFORMS:
        raise EventError(f"'platform' must be one of: {', '.join(PLATFORMS)}.", 400)
    user_agent = request.get("user_agent", Reader.user_agent)
    if not isinstance(user_agent, str):
        raise EventError("'user_agent' must be a string.", 400)
    return Reader(platform=platform, user_agent=user_agent)


def _open(app: App, message: MessageRow, recipient: str, request: dict[str, Any]) -> None:
    if not message.summary.get("TrackOpens"):
        raise EventError(
            "This message was sent without TrackOpens, so Postmark records no opens for it. "
            "Send it with 'TrackOpens': true (or turn on the server's TrackOpens)."
        )
    if not message.content.get("HtmlBody"):
        raise EventError("Open tracking needs an HTML body; this message has only text.")
    read_seconds = request.get("read_seconds", 5)
    if not isinstance(read_seconds, int) or isinstance(read_seconds, bool) or read_seconds < 0:
        raise EventError("'read_seconds' must be a whole number of seconds.", 400)
    earlier = [
        e
        for e in app.store.events(message.message_id, "Open")
        if e.payload.get("Recipient", "").lower() == recipient.lower()
    ]
    ts = clock.now()
    payload = event_payloads.opened(
        message,
        recipient,
        ts,
        first_open=not earlier,
        read_seconds=read_seconds,
        reader=_reader(request),
    )
    record(app, payload, ts)


def _click(app: App, message: MessageRow, recipient: str, request: dict[str, Any]) -> None:
    tracking = str(message.summary.get("TrackLinks") or "None")
    if tracking == "None":
        raise EventError(
            "This message was sent with TrackLinks 'None', so Postmark tracks no clicks in it. "
            "Send it with 'TrackLinks': 'HtmlAndText' (or HtmlOnly, TextOnly)."
        )
    location = _click_location(message, tracking, request.get("location"))
    link = _link(message, location, request.get("link"))
    earlier = [
        e
        for e in app.store.events(message.message_id, "Click")
        if e.payload.get("Recipient", "").lower() == recipient.lower()
        and e.payload.get("OriginalLink") == link
    ]
    ts = clock.now()
    payload = event_payloads.clicked(
        message, recipient, ts, link=link, location=location, reader=_reader(request)
    )
    record(app, payload, ts, post=not earlier)  # Postmark posts unique clicks only


def _click_location(message: MessageRow, tracking: str, given: Any) -> str:
    if given is not None:
        location = next((c for c in CLICK_LOCATIONS if str(given).lower() == c.lower()), None)
        if location is None:
            raise EventError("'location' must be HTML or Text.", 400)
        if tracking not in _TRACKED_IN[location]:
            raise EventError(
                f"TrackLinks is '{tracking}': links in the {location} body are not tracked."
            )
        return location
    has_html = bool(message.content.get("HtmlBody"))
    return "HTML" if has_html and tracking in _TRACKED_IN["HTML"] else "Text"


def links_in(message: MessageRow, location: str) -> list[str]:
    """The http(s) links a click may name in the ``HTML`` or ``Text`` body, in order."""
    body = str(message.content.get("HtmlBody" if location == "HTML" else "TextBody") or "")
    found = [m.group(0).rstrip(_LINK_TRAIL) for m in _LINK.finditer(body)]
    return list(dict.fromkeys(found))


def _link(message: MessageRow, location: str, given: Any) -> str:
    links = links_in(message, location)
    if given is None:
        if not links:
            raise EventError(f"The message's {location} body has no http(s) link to click.")
        return links[0]
    if given not in links:
        raise EventError(f"'{given}' is not a link of the message's {location} body.")
    return str(given)


def _spam(app: App, message: MessageRow, recipient: str, request: dict[str, Any]) -> None:
    ts = clock.now()
    reported = event_payloads.event_time(ts)
    bounce = _new_bounce(message, recipient, "SpamComplaint", ts)
    bounce.inactive = True
    bounce.can_activate = False  # Postmark never lets a spam complaint be reactivated
    bounce.details = SPAM_DETAILS
    bounce.dump = event_payloads.abuse_report(recipient, message.message_id, reported)
    suppression = SuppressionRow(message.stream, recipient, "SpamComplaint", "Recipient", ts)
    _store_bounce(app, message, bounce, suppression)


def _bounce(app: App, message: MessageRow, recipient: str, request: dict[str, Any]) -> None:
    wanted = str(request.get("bounce_type") or "HardBounce")
    kind = next((b for b in BOUNCE_TYPES if b.type.lower() == wanted.lower()), None)
    if kind is None or kind.type == "SpamComplaint":
        raise EventError(
            f"Unknown 'bounce_type' '{wanted}' (use a Postmark bounce type such as HardBounce, "
            "SoftBounce, Transient; for a spam complaint use type 'spam').",
            400,
        )
    ts = clock.now()
    deactivates = kind.type in DEACTIVATING
    bounce = _new_bounce(message, recipient, kind.type, ts)
    bounce.inactive = deactivates
    bounce.details = details_for(kind)
    bounce.dump = dump_for(kind, recipient, message.message_id, clock.postmark_timestamp(ts))
    suppression = (
        SuppressionRow(message.stream, recipient, "HardBounce", "Recipient", ts)
        if deactivates
        else None
    )
    _store_bounce(app, message, bounce, suppression)


def _new_bounce(message: MessageRow, email: str, kind: str, ts: float) -> NewBounce:
    """A bounce of ``message`` for ``email``; the caller fills in what its kind means."""
    return NewBounce(
        message_id=message.message_id,
        stream=message.stream,
        type=kind,
        email=email,
        tag=str(message.summary.get("Tag") or ""),
        from_raw=str(message.summary.get("From") or ""),
        subject=str(message.summary.get("Subject") or ""),
        bounced_ts=ts,
        inactive=False,
        can_activate=True,
        details="",
        dump="",
    )


def _store_bounce(
    app: App, message: MessageRow, bounce: NewBounce, suppression: SuppressionRow | None
) -> None:
    bounce_id, suppressed = app.store.add_bounce(bounce, suppression)
    stored = app.store.bounce(bounce_id)
    assert stored is not None
    _record_bounce(app, message, stored, suppressed=suppressed)


def _unsubscribe(app: App, message: MessageRow, recipient: str, request: dict[str, Any]) -> None:
    if app.store.suppression(message.stream, recipient) is not None:
        raise EventError(f"'{recipient}' is already suppressed on the stream '{message.stream}'.")
    ts = clock.now()
    # An unsubscribe is recorded as a manual suppression by the recipient (Postmark's docs).
    reason, origin = "ManualSuppression", "Recipient"
    app.store.add_suppression(SuppressionRow(message.stream, recipient, reason, origin, ts))
    change = event_payloads.subscription_change(
        message, recipient, ts, app.config.server_id, reason=reason, origin=origin
    )
    record(app, change, ts)


_HANDLERS: dict[str, Callable[[App, MessageRow, str, dict[str, Any]], None]] = {
    "open": _open,
    "click": _click,
    "spam": _spam,
    "subscription": _unsubscribe,
    "bounce": _bounce,
}


def event_json(row: EventRow) -> dict[str, Any]:
    """One stored event as ``GET /__sandbox/events`` lists it."""
    return {
        "ID": row.id,
        "ServerID": row.server_id,
        "MessageID": row.message_id,
        "RecordType": row.record_type,
        "ReceivedAt": row.received_at,
        "Payload": row.payload,
    }
