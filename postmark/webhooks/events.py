"""Outbound events (Bounce, SpamComplaint, Delivery, Open, Click, SubscriptionChange,
UnknownEvent) and :func:`parse_event`, which tells every payload type apart."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from postmark.webhooks.base import WebhookEvent
from postmark.webhooks.fields import _bool, _int, _metadata, _str, parse_datetime
from postmark.webhooks.inbound import Inbound, is_inbound
from postmark.webhooks.payload import MAX_EVENT_BYTES, WrongWebhook, load_payload


@dataclass(frozen=True)
class OutboundEvent(WebhookEvent):
    """An event about a message you sent: ``server_id`` and your ``metadata``."""

    server_id: int | None
    metadata: dict[str, str]

    @classmethod
    def _common(cls, data: Mapping[str, Any], record_type: str) -> dict[str, Any]:
        return {
            **super()._common(data, record_type),
            # "ServerId" in the delivery webhook's example and some test payloads.
            "server_id": _int(data.get("ServerID", data.get("ServerId"))),
            "metadata": _metadata(data.get("Metadata")),
        }


#: Postmark's bounce ``Type`` -> the ``kind`` of a Bounce of that type (a type
#: not listed is ``bounced``). ``bounced``: this message was not delivered and
#: will not be; ``deferred``: not delivered yet, but it may still be (a
#: temporary failure, or a challenge the sender can answer);
#: ``autoresponded``: delivered, and an automatic reply came back. Postmark's
#: list: https://postmarkapp.com/developer/api/bounce-api#bounce-types
BOUNCE_KINDS: dict[str, str] = {
    "HardBounce": "bounced",
    "Transient": "deferred",  # "Message delayed"
    "Unsubscribe": "unsubscribed",
    "Subscribe": "subscribed",
    "AutoResponder": "autoresponded",
    "AddressChange": "autoresponded",  # the recipient's notice of a new address
    "DnsError": "deferred",  # "A temporary DNS error"
    "SpamNotification": "complained",
    "OpenRelayTest": "deferred",  # the receiving server testing Postmark, not a failure
    "Unknown": "bounced",  # an NDR Postmark could not classify
    "SoftBounce": "bounced",  # Postmark does not retry it; the address stays active
    "VirusNotification": "bounced",
    "ChallengeVerification": "deferred",  # held until the sender answers the challenge
    "BadEmailAddress": "bounced",
    "SpamComplaint": "complained",
    "ManuallyDeactivated": "bounced",
    "Unconfirmed": "bounced",
    "Blocked": "bounced",
    "SMTPApiError": "bounced",
    "InboundError": "bounced",
    "DMARCPolicy": "bounced",
    "TemplateRenderingFailed": "bounced",
}


@dataclass(frozen=True)
class _BounceRecord(OutboundEvent):
    """Fields shared by Bounce and SpamComplaint (``RecordType`` tells them apart)."""

    id: int | None
    type: str | None
    type_code: int | None
    name: str | None
    description: str | None
    details: str | None
    email: str | None
    from_email: str | None
    bounced_at: datetime | None
    dump_available: bool
    inactive: bool
    can_activate: bool
    subject: str | None
    content: str | None = field(repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Any:
        return cls(
            **cls._common(data, cls.__name__),
            id=_int(data.get("ID")),
            type=_str(data.get("Type")),
            type_code=_int(data.get("TypeCode")),
            name=_str(data.get("Name")),
            description=_str(data.get("Description")),
            details=_str(data.get("Details")),
            email=_str(data.get("Email")),
            from_email=_str(data.get("From")),
            bounced_at=parse_datetime(data.get("BouncedAt")),
            dump_available=bool(_bool(data.get("DumpAvailable"))),
            inactive=bool(_bool(data.get("Inactive"))),
            can_activate=bool(_bool(data.get("CanActivate"))),
            subject=_str(data.get("Subject")),
            content=_str(data.get("Content")),
        )


@dataclass(frozen=True)
class Bounce(_BounceRecord):
    """``RecordType: "Bounce"``: a message could not be delivered to ``email``.

    ``inactive`` means Postmark now suppresses the address; ``id`` is the
    bounce ID for ``client.bounces`` (``PUT /bounces/{id}/activate``).
    Not every bounce ``type`` is a failure: ``kind`` says what it is
    (:data:`BOUNCE_KINDS`).
    """

    @property
    def kind(self) -> str:
        return BOUNCE_KINDS.get(self.type or "", "bounced")


@dataclass(frozen=True)
class SpamComplaint(_BounceRecord):
    """``RecordType: "SpamComplaint"``: ``email`` marked the message as spam (now inactive)."""

    _kind: ClassVar[str] = "complained"


@dataclass(frozen=True)
class Delivery(OutboundEvent):
    """``RecordType: "Delivery"``: the receiving server accepted the message for ``recipient``."""

    _kind: ClassVar[str] = "delivered"

    recipient: str | None
    delivered_at: datetime | None
    details: str | None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Delivery:
        return cls(
            **cls._common(data, "Delivery"),
            recipient=_str(data.get("Recipient")),
            delivered_at=parse_datetime(data.get("DeliveredAt")),
            details=_str(data.get("Details")),
        )


@dataclass(frozen=True)
class Agent:
    """The mail client or operating system of an Open or Click (``Client``/``OS``)."""

    name: str | None
    company: str | None
    family: str | None

    @classmethod
    def from_dict(cls, data: Any) -> Agent | None:
        if not isinstance(data, Mapping):
            return None
        return cls(_str(data.get("Name")), _str(data.get("Company")), _str(data.get("Family")))


@dataclass(frozen=True)
class Geo:
    """Where an Open or Click came from, as far as Postmark can tell."""

    country_iso_code: str | None
    country: str | None
    region_iso_code: str | None
    region: str | None
    city: str | None
    zip: str | None
    coords: str | None
    ip: str | None

    @classmethod
    def from_dict(cls, data: Any) -> Geo | None:
        if not isinstance(data, Mapping):
            return None
        return cls(
            country_iso_code=_str(data.get("CountryISOCode")),
            country=_str(data.get("Country")),
            region_iso_code=_str(data.get("RegionISOCode")),
            region=_str(data.get("Region")),
            city=_str(data.get("City")),
            zip=_str(data.get("Zip")),
            coords=_str(data.get("Coords")),
            ip=_str(data.get("IP")),
        )


@dataclass(frozen=True)
class _TrackingEvent(OutboundEvent):
    """What an Open and a Click share: who, when, and with what."""

    recipient: str | None
    received_at: datetime | None
    platform: str | None
    user_agent: str | None
    client: Agent | None
    os: Agent | None
    geo: Geo | None

    @classmethod
    def _common(cls, data: Mapping[str, Any], record_type: str) -> dict[str, Any]:
        return {**super()._common(data, record_type), **_tracking_fields(data)}


def _tracking_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "recipient": _str(data.get("Recipient")),
        "received_at": parse_datetime(data.get("ReceivedAt")),
        "platform": _str(data.get("Platform")),
        "user_agent": _str(data.get("UserAgent")),
        "client": Agent.from_dict(data.get("Client")),
        "os": Agent.from_dict(data.get("OS")),
        "geo": Geo.from_dict(data.get("Geo")),
    }


@dataclass(frozen=True)
class Open(_TrackingEvent):
    """``RecordType: "Open"``: ``recipient`` opened the message (needs TrackOpens and HTML)."""

    _kind: ClassVar[str] = "opened"

    first_open: bool
    read_seconds: int | None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Open:
        return cls(
            **cls._common(data, "Open"),
            first_open=bool(_bool(data.get("FirstOpen"))),
            read_seconds=_int(data.get("ReadSeconds")),
        )


@dataclass(frozen=True)
class Click(_TrackingEvent):
    """``RecordType: "Click"``: ``recipient`` followed ``original_link`` (needs TrackLinks)."""

    _kind: ClassVar[str] = "clicked"

    click_location: str | None
    original_link: str | None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Click:
        return cls(
            **cls._common(data, "Click"),
            click_location=_str(data.get("ClickLocation")),
            original_link=_str(data.get("OriginalLink")),
        )


@dataclass(frozen=True)
class SubscriptionChange(OutboundEvent):
    """``RecordType: "SubscriptionChange"``: ``recipient`` was suppressed or reactivated.

    ``suppress_sending`` is True for a suppression (``suppression_reason``
    says why: HardBounce, SpamComplaint, ManualSuppression) and False for a
    reactivation. ``message_id`` is None for manual changes. ``kind`` is
    ``unsubscribed`` or ``subscribed`` accordingly, whatever the reason (a
    hard bounce also arrives as its own Bounce event), and ``unknown`` when
    ``SuppressSending`` is missing.
    """

    recipient: str | None
    changed_at: datetime | None
    origin: str | None
    suppress_sending: bool | None
    suppression_reason: str | None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SubscriptionChange:
        return cls(
            **cls._common(data, "SubscriptionChange"),
            recipient=_str(data.get("Recipient")),
            changed_at=parse_datetime(data.get("ChangedAt")),
            origin=_str(data.get("Origin")),
            suppress_sending=_bool(data.get("SuppressSending")),
            suppression_reason=_str(data.get("SuppressionReason")),
        )

    @property
    def kind(self) -> str:
        if self.suppress_sending is None:
            return "unknown"
        return "unsubscribed" if self.suppress_sending else "subscribed"


@dataclass(frozen=True)
class UnknownEvent(WebhookEvent):
    """A payload whose ``RecordType`` this library does not model (yet); see ``raw``."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UnknownEvent:
        return cls(**cls._common(data, _str(data.get("RecordType")) or ""))


#: ``RecordType`` -> class. Inbound payloads have no RecordType.
EVENT_TYPES: dict[str, Any] = {
    "Bounce": Bounce,
    "SpamComplaint": SpamComplaint,
    "Delivery": Delivery,
    "Open": Open,
    "Click": Click,
    "SubscriptionChange": SubscriptionChange,
}


def parse_event(
    body: bytes | str | Mapping[str, Any],
    *,
    max_bytes: int | None = MAX_EVENT_BYTES,
    accept_inbound: bool = False,
) -> WebhookEvent:
    """An outbound event payload (what the message streams' webhooks POST), as its typed object.

    Returns a :class:`Bounce`, :class:`SpamComplaint`, :class:`Delivery`,
    :class:`Open`, :class:`Click`, :class:`SubscriptionChange`, or
    :class:`UnknownEvent` for a record type this library does not know (or
    none). For any input it returns one of those or raises
    :class:`WebhookError`, never another exception.

    Args:
        body: the request body, or its JSON already decoded.
        max_bytes: the largest body accepted (None: no limit).
        accept_inbound: return inbound email (no ``RecordType``, inbound
            fields) as an :class:`Inbound` instead of raising
            :class:`WrongWebhook`, for one URL that takes both webhooks.

    Raises:
        WebhookTooLarge: the body is longer than ``max_bytes``.
        WrongWebhook: the payload is inbound email (the server's inbound
            webhook points at the events URL), unless ``accept_inbound``.
        WebhookError: the body is not a JSON object, or nested deeper than
            :data:`MAX_DEPTH`.
    """
    data = load_payload(body, max_bytes=max_bytes)
    record_type = data.get("RecordType")
    if isinstance(record_type, str) and record_type in EVENT_TYPES:
        event: WebhookEvent = EVENT_TYPES[record_type].from_dict(data)
        return event
    if is_inbound(data):
        if not accept_inbound:
            raise WrongWebhook("Inbound", expected="events")
        return Inbound.from_dict(data)
    return UnknownEvent.from_dict(data)
