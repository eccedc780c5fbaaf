"""The JSON Postmark posts for each outbound event, built from stored rows; no I/O.

Field names, types and order follow Postmark's webhook pages (Delivery,
Bounce, SpamComplaint, Open, Click, SubscriptionChange). Times are UTC ISO
8601 with seven fraction digits and ``Z``, as the current examples write
them. ``Tag`` is the message's tag (``""`` when it had none), ``Metadata``
its metadata (``{}`` when none).

Where Postmark's sources differ, the sandbox follows the webhook pages:

* Open and Click carry no ``ServerID`` (the webhook pages' examples have
  none; Postmark's agent skills show one);
* a SpamComplaint has ``TypeCode`` 100001, as the bounce type table says
  (the spam complaint page's example shows 512, SpamNotification's code);
* the client, OS and place of an Open or Click default to the values of
  Postmark's own examples (Chrome on OS X, Novi Sad), since nothing opens
  sandbox mail; a test can give its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..json_shapes import bounce_json
from ..store.outbound import BounceRow, MessageRow
from . import clock

DELIVERY_DETAILS = "smtp;250 2.0.0 OK (accepted by the Postmark sandbox; nothing was delivered)"
PLATFORMS = ("WebMail", "Desktop", "Mobile", "Unknown")
CLICK_LOCATIONS = ("HTML", "Text")


@dataclass(frozen=True)
class Reader:
    """Who opened or clicked, as Postmark's tracking describes them."""

    platform: str = "WebMail"
    user_agent: str = (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/35.0.1916.153 Safari/537.36"
    )
    client: dict[str, str] = field(
        default_factory=lambda: {
            "Name": "Chrome 35.0.1916.153",
            "Company": "Google",
            "Family": "Chrome",
        }
    )
    os: dict[str, str] = field(
        default_factory=lambda: {
            "Name": "OS X 10.7 Lion",
            "Company": "Apple Computer, Inc.",
            "Family": "OS X 10",
        }
    )
    geo: dict[str, str] = field(
        default_factory=lambda: {
            "CountryISOCode": "RS",
            "Country": "Serbia",
            "RegionISOCode": "VO",
            "Region": "Autonomna Pokrajina Vojvodina",
            "City": "Novi Sad",
            "Zip": "21000",
            "Coords": "45.2517,19.8369",
            "IP": "188.2.95.4",
        }
    )

    def fields(self) -> dict[str, Any]:
        """The reader's part of an Open or Click payload."""
        return {
            "Client": dict(self.client),
            "OS": dict(self.os),
            "Platform": self.platform,
            "UserAgent": self.user_agent,
            "Geo": dict(self.geo),
        }


def event_time(ts: float) -> str:
    """An event timestamp as the webhook examples write it."""
    return clock.utc_timestamp(ts)


def _message_fields(message: MessageRow) -> tuple[str, dict[str, str]]:
    summary = message.summary
    return str(summary.get("Tag") or ""), dict(summary.get("Metadata") or {})


def delivery(message: MessageRow, recipient: str, ts: float, server_id: int) -> dict[str, Any]:
    """``RecordType: "Delivery"``: one per recipient that was not bounced."""
    tag, metadata = _message_fields(message)
    return {
        "RecordType": "Delivery",
        "ServerID": server_id,
        "MessageStream": message.stream,
        "MessageID": message.message_id,
        "Recipient": recipient,
        "Tag": tag,
        "DeliveredAt": event_time(ts),
        "Details": DELIVERY_DETAILS,
        "Metadata": metadata,
    }


def bounce(message: MessageRow, row: BounceRow, server_id: int) -> dict[str, Any]:
    """``RecordType: "Bounce"``, or ``"SpamComplaint"`` for a bounce of that type.

    The Bounce API's JSON for the bounce plus ``Metadata``; ``Content`` is
    added per webhook, only when its trigger has ``IncludeContent``.
    """
    _, metadata = _message_fields(message)
    payload = bounce_json(row, server_id)
    record_type = "SpamComplaint" if row.type == "SpamComplaint" else "Bounce"
    return {
        "RecordType": record_type,
        "MessageStream": payload.pop("MessageStream"),
        **{key: value for key, value in payload.items() if key != "RecordType"},
        "Metadata": metadata,
        "BouncedAt": event_time(row.bounced_ts),
    }


def opened(
    message: MessageRow,
    recipient: str,
    ts: float,
    *,
    first_open: bool,
    read_seconds: int,
    reader: Reader,
) -> dict[str, Any]:
    """``RecordType: "Open"``."""
    own = {"FirstOpen": first_open, "ReadSeconds": read_seconds}
    return _tracking("Open", message, recipient, ts, reader, own)


def clicked(
    message: MessageRow, recipient: str, ts: float, *, link: str, location: str, reader: Reader
) -> dict[str, Any]:
    """``RecordType: "Click"``."""
    own = {"ClickLocation": location, "OriginalLink": link}
    return _tracking("Click", message, recipient, ts, reader, own)


def _tracking(
    record_type: str,
    message: MessageRow,
    recipient: str,
    ts: float,
    reader: Reader,
    own: dict[str, Any],
) -> dict[str, Any]:
    """What an Open and a Click share, around the fields of their own."""
    tag, metadata = _message_fields(message)
    return {
        "RecordType": record_type,
        "MessageStream": message.stream,
        "Metadata": metadata,
        "Recipient": recipient,
        "MessageID": message.message_id,
        "ReceivedAt": event_time(ts),
        **own,
        "Tag": tag,
        **reader.fields(),
    }


def subscription_change(
    message: MessageRow, recipient: str, ts: float, server_id: int, *, reason: str, origin: str
) -> dict[str, Any]:
    """``RecordType: "SubscriptionChange"`` for an address suppressed because of ``message``."""
    tag, metadata = _message_fields(message)
    return {
        "RecordType": "SubscriptionChange",
        "MessageID": message.message_id,
        "ServerID": server_id,
        "MessageStream": message.stream,
        "ChangedAt": event_time(ts),
        "Recipient": recipient,
        "Origin": origin,
        "SuppressSending": True,
        "SuppressionReason": reason,
        "Tag": tag,
        "Metadata": metadata,
    }


def abuse_report(email: str, message_id: str, reported_at: str) -> str:
    """A small feedback report standing in for an ISP's (the SpamComplaint ``Content``)."""
    return (
        "From: abuse@sandbox.postmark.invalid\r\n"
        "Subject: Abuse report (Postmark sandbox)\r\n"
        f"Date: {reported_at}\r\n"
        "Content-Type: message/feedback-report\r\n"
        "\r\n"
        "Feedback-Type: abuse\r\n"
        "User-Agent: postmark-sandbox\r\n"
        f"Original-Rcpt-To: {email}\r\n"
        f"X-PM-Message-Id: {message_id}\r\n"
    )
