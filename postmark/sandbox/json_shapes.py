"""Postmark's JSON shapes for stored rows.

One place builds each shape, so the API routes, the admin routes, the web
inbox and ``Sandbox.messages()`` show a message or bounce the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .rules import clock
from .rules.bounces import BY_TYPE, DEACTIVATING
from .rules.mime import build_mime
from .rules.streams import purge_ts
from .store.events import EventRow
from .store.inbound import InboundRow
from .store.outbound import BounceRow, MessageRow, SuppressionRow
from .store.streams import StreamRow

DELIVERED_DETAILS = {
    "DeliveryMessage": "Accepted by the Postmark sandbox; nothing was delivered.",
    "DestinationServer": "postmark-sandbox",
    "DestinationIP": "127.0.0.1",
}


def message_summary(row: MessageRow) -> dict[str, Any]:
    """A message as ``GET /messages/outbound`` lists it."""
    return dict(row.summary)


def message_details(
    row: MessageRow, bounces: list[BounceRow], events: Sequence[EventRow] = ()
) -> dict[str, Any]:
    """A message as ``GET /messages/outbound/{id}/details`` shows it (``events``: its
    stored outbound events, for the opens, clicks and unsubscribes)."""
    details = message_summary(row)
    details["TextBody"] = row.content.get("TextBody") or ""
    details["HtmlBody"] = row.content.get("HtmlBody") or ""
    details["Body"] = build_mime(row.summary, row.content, row.request, row.received_ts)
    details["MessageEvents"] = message_events(row, bounces, events)
    return details


def message_events(
    row: MessageRow, bounces: list[BounceRow], stored: Sequence[EventRow] = ()
) -> list[dict[str, Any]]:
    """Delivered for each recipient, or its Bounced (and SubscriptionChanged for a hard
    bounce or spam complaint); then the stored opens (Opened), clicks (LinkClicked) and
    unsubscribes (SubscriptionChanged), oldest first.

    Deliveries and bounces come from the message's rows, so they show as soon as the
    send answers, before its Delivery event is recorded.
    """
    by_email: dict[str, list[BounceRow]] = {}
    for b in bounces:
        by_email.setdefault(b.email.lower(), []).append(b)
    events: list[dict[str, Any]] = []
    for recipient in row.summary.get("Recipients", []):
        found = by_email.get(recipient.lower())
        if not found:
            events.append(_event(recipient, "Delivered", row.received_ts, DELIVERED_DETAILS))
        for bounce in found or ():
            details = {"Summary": bounce.details, "BounceID": str(bounce.id)}
            events.append(_event(recipient, "Bounced", bounce.bounced_ts, details))
            if bounce.type in DEACTIVATING or bounce.type == "SpamComplaint":
                change = {"Origin": "Recipient", "SuppressSending": "True"}
                events.append(_event(recipient, "SubscriptionChanged", bounce.bounced_ts, change))
    later = sorted(stored, key=lambda e: e.received_ts)
    events.extend(shown for e in later if (shown := _stored_event(e)))
    return events


def _stored_event(row: EventRow) -> dict[str, Any] | None:
    """An open, click or unsubscribe as a ``MessageEvents`` item (``None`` for the rest)."""
    p = row.payload
    recipient = str(p.get("Recipient") or "")
    client = (p.get("Client") or {}).get("Name") or "an unknown client"
    system = (p.get("OS") or {}).get("Name") or "an unknown system"
    if row.record_type == "Open":
        summary = f"Opened with {client} on {system}"
        return _event(recipient, "Opened", row.received_ts, {"Summary": summary})
    if row.record_type == "Click":
        link = str(p.get("OriginalLink") or "")
        details = {
            "Summary": f"Clicked {link} with {client} on {system}",
            "Link": link,
            "ClickLocation": str(p.get("ClickLocation") or ""),
        }
        return _event(recipient, "LinkClicked", row.received_ts, details)
    if (
        row.record_type == "SubscriptionChange"
        and p.get("SuppressionReason") == "ManualSuppression"
    ):
        change = {"Origin": str(p.get("Origin") or ""), "SuppressSending": "True"}
        return _event(recipient, "SubscriptionChanged", row.received_ts, change)
    return None  # Delivery, Bounce, SpamComplaint: shown from the message's rows above


def _event(recipient: str, kind: str, ts: float, details: dict[str, str]) -> dict[str, Any]:
    return {
        "Recipient": recipient,
        "Type": kind,
        "ReceivedAt": clock.postmark_timestamp(ts),
        "Details": dict(details),
    }


def sandbox_message(
    row: MessageRow, bounces: list[BounceRow], events: Sequence[EventRow] = ()
) -> dict[str, Any]:
    """What ``Sandbox.messages()`` returns for one message.

    The fields of the request as sent (``To`` is the string that was sent,
    ``Attachments`` the full objects, ``TemplateModel``, ``Headers``, ...)
    over the details JSON (``MessageID``, ``Recipients``, ``MessageEvents``,
    the rendered ``Subject``/``HtmlBody``/``TextBody`` of a template send,
    ...), plus ``Details``: the untouched ``/details`` JSON, and ``Request``:
    the untouched request body.
    """
    details = message_details(row, bounces, events)
    result = dict(details)
    if isinstance(row.request, dict):
        result.update(row.request)
    result["Details"] = details
    result["Request"] = row.request
    return result


def bounce_json(row: BounceRow, server_id: int, *, content: bool = False) -> dict[str, Any]:
    """A bounce as the Bounce API shows it; ``Content`` only for one bounce."""
    kind = BY_TYPE[row.type]
    data: dict[str, Any] = {
        "RecordType": "Bounce",
        "ID": row.id,
        "Type": kind.type,
        "TypeCode": kind.code,
        "Name": kind.name,
        "Tag": row.tag,
        "MessageID": row.message_id,
        "ServerID": server_id,
        "MessageStream": row.stream,
        "Description": kind.description,
        "Details": row.details,
        "Email": row.email,
        "From": row.from_raw,
        "BouncedAt": clock.postmark_timestamp(row.bounced_ts),
        "DumpAvailable": bool(row.dump),
        "Inactive": row.inactive,
        "CanActivate": row.can_activate,
        "Subject": row.subject,
    }
    if content:
        data["Content"] = row.dump
    return data


def suppression_json(row: SuppressionRow) -> dict[str, Any]:
    """One entry of a suppression dump."""
    return {
        "EmailAddress": row.email,
        "SuppressionReason": row.reason,
        "Origin": row.origin,
        "CreatedAt": clock.seconds_timestamp(row.created_ts),
    }


def stream_json(row: StreamRow, server_id: int) -> dict[str, Any]:
    """A message stream."""

    def stamp(ts: float | None) -> str | None:
        return None if ts is None else clock.seconds_timestamp(ts)

    purge = None if row.archived_ts is None else purge_ts(row.archived_ts)
    return {
        "ID": row.id,
        "ServerID": server_id,
        "Name": row.name,
        "Description": row.description,
        "MessageStreamType": row.type,
        "CreatedAt": stamp(row.created_ts),
        "UpdatedAt": stamp(row.updated_ts),
        "ArchivedAt": stamp(row.archived_ts),
        "ExpectedPurgeDate": stamp(purge),
        "SubscriptionManagementConfiguration": {"UnsubscribeHandlingType": row.unsubscribe},
    }


# The fields of an inbound search result (Postmark's InboundMessageDetail).
INBOUND_SUMMARY_FIELDS = (
    "From",
    "FromName",
    "FromFull",
    "To",
    "ToFull",
    "Cc",
    "CcFull",
    "ReplyTo",
    "OriginalRecipient",
    "Subject",
    "Date",
    "MailboxHash",
    "Tag",
    "MessageID",
    "MessageStream",
)


def _attachments_without_content(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Attachment metadata: the API never returns attachment bytes."""
    return [
        {k: v for k, v in item.items() if k != "Content"} for item in message.get("Attachments", [])
    ]


def inbound_summary(row: InboundRow) -> dict[str, Any]:
    """A received message as ``GET /messages/inbound`` lists it."""
    summary = {key: row.message.get(key) for key in INBOUND_SUMMARY_FIELDS}
    summary["Attachments"] = _attachments_without_content(row.message)
    summary["Status"] = row.status
    return summary


def inbound_details(row: InboundRow) -> dict[str, Any]:
    """A received message as ``GET /messages/inbound/{id}/details`` shows it.

    Every field of the inbound webhook JSON (bodies, headers, Bcc,
    ``StrippedTextReply``...) except attachment bytes and ``RawEmail``, plus
    ``Status`` and ``BlockedReason`` (``null`` unless blocked).
    """
    details = {k: v for k, v in row.message.items() if k != "RawEmail"}
    details["Attachments"] = _attachments_without_content(row.message)
    details["Status"] = row.status
    details["BlockedReason"] = row.blocked_reason
    return details
