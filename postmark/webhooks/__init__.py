"""Postmark's webhook calls, parsed into typed objects; no web framework needed.

Postmark POSTs one JSON object per event to the URL you configure::

    from postmark.webhooks import WebhookAuth, parse_event

    auth = WebhookAuth.from_settings(basic_auth="postmark:s3cret")
    if not auth.check(request_headers):
        ...                                   # answer 401
    event = parse_event(request_body)         # Bounce, Delivery, Open, Click, ...

Outbound events carry a ``RecordType`` (Bounce, SpamComplaint, Delivery,
Open, Click, SubscriptionChange); inbound email has none and is read with
:func:`parse_inbound`. Parsing is tolerant: unknown fields are kept in
``.raw``, a field of an unexpected type becomes ``None``, and a record type
this library does not know yet becomes an :class:`UnknownEvent` instead of
an error, so a new Postmark feature never turns into failed (and retried)
webhook calls.

Postmark does not sign webhook calls. It can send HTTP basic auth
credentials (put them in the webhook URL) and custom headers (a shared
secret), and :class:`WebhookAuth` checks both in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from postmark.exceptions import ConfigurationError, PostmarkError

#: Default largest body accepted for outbound events (a Bounce with
#: ``IncludeContent`` carries the bounced message, which Postmark stores
#: up to 1 MB; the rest is headroom).
MAX_EVENT_BYTES = 10 * 1024 * 1024
#: Default largest inbound body: Postmark accepts 35 MB of attachments,
#: which is about 47 MB once base64-encoded into the JSON, and ``RawEmail``
#: (when enabled) repeats all of it. A refused inbound call is retried by
#: Postmark and finally marked "Inbound Error", so err on the large side.
MAX_INBOUND_BYTES = 100 * 1024 * 1024

BASIC_REALM = "Postmark webhooks"


class WebhookError(PostmarkError, ValueError):
    """A webhook body that is not a JSON object (answer it with HTTP 400)."""


# --------------------------------------------------------------------------
# Tolerant field readers: a wrong type becomes None, never an exception.


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _metadata(value: Any) -> dict[str, str]:
    """Postmark's metadata values are strings; anything else is shown as text."""
    return {
        str(key): item if isinstance(item, str) else json.dumps(item)
        for key, item in _dict(value).items()
        if item is not None
    }


_ISO_8601 = re.compile(
    r"^(?P<base>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)"
    r"(?:\.(?P<fraction>\d+))?"
    r"(?P<zone>Z|z|[+-]\d{2}:?\d{2})?$"
)


def parse_datetime(value: Any) -> datetime | None:
    """A datetime from Postmark's ISO 8601 times, or None.

    Postmark writes ``2024-05-14T13:25:02.4178645Z`` (seven fraction digits)
    and ``2024-05-14T09:21:37.5512864-04:00``; Python 3.10's
    ``fromisoformat`` reads neither, so the fraction is cut to microseconds
    and ``Z`` spelled as an offset first.
    """
    text = _str(value)
    match = _ISO_8601.match(text.strip()) if text else None
    if match is None:
        return None
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    zone = match["zone"] or ""
    if zone in ("Z", "z"):
        zone = "+00:00"
    elif zone and ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    try:
        return datetime.fromisoformat(f"{match['base'].replace(' ', 'T')}.{fraction}{zone}")
    except ValueError:
        return None


def _rfc2822(value: Any) -> datetime | None:
    text = _str(value)
    if not text:
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


# --------------------------------------------------------------------------
# Event types


@dataclass(frozen=True)
class WebhookEvent:
    """What every webhook payload has. ``raw`` is Postmark's JSON, unchanged."""

    record_type: str
    message_id: str | None
    message_stream: str | None
    tag: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def _common(cls, data: Mapping[str, Any], record_type: str) -> dict[str, Any]:
        return {
            "record_type": record_type,
            "message_id": _str(data.get("MessageID")),
            "message_stream": _str(data.get("MessageStream")),
            "tag": _str(data.get("Tag")),
            "raw": dict(data),
        }


@dataclass(frozen=True)
class OutboundEvent(WebhookEvent):
    """An event about a message you sent: ``server_id`` and your ``metadata``."""

    server_id: int | None
    metadata: dict[str, str]

    @classmethod
    def _common(cls, data: Mapping[str, Any], record_type: str) -> dict[str, Any]:
        return {
            **super()._common(data, record_type),
            "server_id": _int(data.get("ServerID")),
            "metadata": _metadata(data.get("Metadata")),
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
    """


@dataclass(frozen=True)
class SpamComplaint(_BounceRecord):
    """``RecordType: "SpamComplaint"``: ``email`` marked the message as spam (now inactive)."""


@dataclass(frozen=True)
class Delivery(OutboundEvent):
    """``RecordType: "Delivery"``: the receiving server accepted the message for ``recipient``."""

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
class Open(OutboundEvent):
    """``RecordType: "Open"``: ``recipient`` opened the message (needs TrackOpens and HTML)."""

    recipient: str | None
    received_at: datetime | None
    platform: str | None
    user_agent: str | None
    client: Agent | None
    os: Agent | None
    geo: Geo | None
    first_open: bool
    read_seconds: int | None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Open:
        return cls(
            **cls._common(data, "Open"),
            **_tracking_fields(data),
            first_open=bool(_bool(data.get("FirstOpen"))),
            read_seconds=_int(data.get("ReadSeconds")),
        )


@dataclass(frozen=True)
class Click(OutboundEvent):
    """``RecordType: "Click"``: ``recipient`` followed ``original_link`` (needs TrackLinks)."""

    recipient: str | None
    received_at: datetime | None
    platform: str | None
    user_agent: str | None
    client: Agent | None
    os: Agent | None
    geo: Geo | None
    click_location: str | None
    original_link: str | None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Click:
        return cls(
            **cls._common(data, "Click"),
            **_tracking_fields(data),
            click_location=_str(data.get("ClickLocation")),
            original_link=_str(data.get("OriginalLink")),
        )


@dataclass(frozen=True)
class SubscriptionChange(OutboundEvent):
    """``RecordType: "SubscriptionChange"``: ``recipient`` was suppressed or reactivated.

    ``suppress_sending`` is True for a suppression (``suppression_reason``
    says why: HardBounce, SpamComplaint, ManualSuppression) and False for a
    reactivation. ``message_id`` is None for manual changes.
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


@dataclass(frozen=True)
class UnknownEvent(WebhookEvent):
    """A payload whose ``RecordType`` this library does not model (yet); see ``raw``."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UnknownEvent:
        return cls(**cls._common(data, _str(data.get("RecordType")) or ""))


# --------------------------------------------------------------------------
# Inbound


@dataclass(frozen=True)
class Mailbox:
    """One address of an inbound message (``FromFull``, items of ``ToFull`` ...)."""

    email: str
    name: str | None
    mailbox_hash: str | None

    @classmethod
    def from_dict(cls, data: Any) -> Mailbox | None:
        if not isinstance(data, Mapping) or not _str(data.get("Email")):
            return None
        return cls(
            str(data["Email"]),
            _str(data.get("Name")) or None,
            _str(data.get("MailboxHash")) or None,
        )


def _mailboxes(value: Any) -> list[Mailbox]:
    items = value if isinstance(value, list) else []
    return [m for m in (Mailbox.from_dict(item) for item in items) if m is not None]


@dataclass(frozen=True)
class Header:
    """One header of an inbound message."""

    name: str
    value: str


@dataclass(frozen=True)
class InboundAttachment:
    """An inbound attachment; ``content`` decodes the base64 ``content_base64``."""

    name: str | None
    content_type: str | None
    content_length: int | None
    content_id: str | None
    content_base64: str = field(repr=False)

    @property
    def content(self) -> bytes:
        """The attachment's bytes (empty if Postmark's base64 is damaged)."""
        try:
            return base64.b64decode(self.content_base64)
        except (binascii.Error, ValueError):
            return b""


@dataclass(frozen=True)
class Inbound(WebhookEvent):
    """An email received at your inbound address (Postmark's inbound webhook).

    ``mailbox_hash`` is the part after ``+`` in the address it was sent to;
    ``stripped_text_reply`` is the new text of a reply, when Postmark can
    tell; ``sent_at`` is the sender's ``Date`` header, parsed.
    """

    from_email: str | None
    from_name: str | None
    from_full: Mailbox | None
    to: str | None
    to_full: list[Mailbox]
    cc: str | None
    cc_full: list[Mailbox]
    bcc: str | None
    bcc_full: list[Mailbox]
    original_recipient: str | None
    reply_to: str | None
    subject: str | None
    mailbox_hash: str | None
    date: str | None
    sent_at: datetime | None
    text_body: str | None = field(repr=False)
    html_body: str | None = field(repr=False)
    stripped_text_reply: str | None = field(repr=False)
    headers: list[Header] = field(repr=False)
    attachments: list[InboundAttachment]
    raw_email: str | None = field(repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Inbound:
        return cls(
            **cls._common(data, "Inbound"),
            from_email=_str(data.get("From")),
            from_name=_str(data.get("FromName")),
            from_full=Mailbox.from_dict(data.get("FromFull")),
            to=_str(data.get("To")),
            to_full=_mailboxes(data.get("ToFull")),
            cc=_str(data.get("Cc")),
            cc_full=_mailboxes(data.get("CcFull")),
            bcc=_str(data.get("Bcc")),
            bcc_full=_mailboxes(data.get("BccFull")),
            original_recipient=_str(data.get("OriginalRecipient")),
            reply_to=_str(data.get("ReplyTo")),
            subject=_str(data.get("Subject")),
            mailbox_hash=_str(data.get("MailboxHash")),
            date=_str(data.get("Date")),
            sent_at=_rfc2822(data.get("Date")),
            text_body=_str(data.get("TextBody")),
            html_body=_str(data.get("HtmlBody")),
            stripped_text_reply=_str(data.get("StrippedTextReply")),
            headers=_headers(data.get("Headers")),
            attachments=_attachments(data.get("Attachments")),
            raw_email=_str(data.get("RawEmail")),
        )

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (any letter case), or None."""
        wanted = name.lower()
        return next((h.value for h in self.headers if h.name.lower() == wanted), None)

    @property
    def spam_score(self) -> float | None:
        """SpamAssassin's score from ``X-Spam-Score``, if present."""
        try:
            return float(self.header("X-Spam-Score") or "")
        except ValueError:
            return None


def _headers(value: Any) -> list[Header]:
    items = value if isinstance(value, list) else []
    return [
        Header(str(item.get("Name")), _str(item.get("Value")) or "")
        for item in items
        if isinstance(item, Mapping) and _str(item.get("Name"))
    ]


def _attachments(value: Any) -> list[InboundAttachment]:
    items = value if isinstance(value, list) else []
    return [
        InboundAttachment(
            name=_str(item.get("Name")),
            content_type=_str(item.get("ContentType")),
            content_length=_int(item.get("ContentLength")),
            content_id=_str(item.get("ContentID")) or None,
            content_base64=_str(item.get("Content")) or "",
        )
        for item in items
        if isinstance(item, Mapping)
    ]


# --------------------------------------------------------------------------
# Parsing

#: ``RecordType`` -> class. Inbound payloads have no RecordType.
EVENT_TYPES: dict[str, Any] = {
    "Bounce": Bounce,
    "SpamComplaint": SpamComplaint,
    "Delivery": Delivery,
    "Open": Open,
    "Click": Click,
    "SubscriptionChange": SubscriptionChange,
}

# Keys only an inbound payload has: how an inbound call posted to the
# events URL is still recognised.
_INBOUND_KEYS = frozenset({"FromFull", "ToFull", "OriginalRecipient", "StrippedTextReply"})


def load_payload(body: bytes | str | Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object of a webhook body.

    Raises:
        WebhookError: the body is not UTF-8 JSON, or not a JSON object.
    """
    if isinstance(body, Mapping):
        return dict(body)
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise WebhookError(f"The webhook body is not valid JSON ({error}).") from None
    if not isinstance(data, dict):
        raise WebhookError(
            f"The webhook body is JSON {type(data).__name__}, not an object; "
            "Postmark sends one JSON object per call."
        )
    return data


def parse_event(body: bytes | str | Mapping[str, Any]) -> WebhookEvent:
    """Any Postmark webhook payload, as its typed object.

    Returns a :class:`Bounce`, :class:`SpamComplaint`, :class:`Delivery`,
    :class:`Open`, :class:`Click`, :class:`SubscriptionChange`,
    :class:`Inbound` (no ``RecordType`` but inbound fields), or
    :class:`UnknownEvent` for anything else.

    Raises:
        WebhookError: the body is not a JSON object.
    """
    data = load_payload(body)
    record_type = data.get("RecordType")
    if isinstance(record_type, str) and record_type in EVENT_TYPES:
        event: WebhookEvent = EVENT_TYPES[record_type].from_dict(data)
        return event
    if record_type is None and _INBOUND_KEYS & data.keys():
        return Inbound.from_dict(data)
    return UnknownEvent.from_dict(data)


def parse_inbound(body: bytes | str | Mapping[str, Any]) -> Inbound:
    """An inbound-email payload (what Postmark POSTs to the server's InboundHookUrl).

    Raises:
        WebhookError: the body is not a JSON object.
    """
    return Inbound.from_dict(load_payload(body))


# --------------------------------------------------------------------------
# Authentication


def _lookup_header(headers: Mapping[str, str], name: str) -> str | None:
    """A header from any mapping; exact name first, then any letter case."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


@dataclass(frozen=True)
class BasicAuth:
    """One username/password pair Postmark sends (``https://user:pass@host/path``)."""

    username: str
    password: str = field(repr=False)

    @classmethod
    def parse(cls, value: str | Sequence[str]) -> BasicAuth:
        """From ``"user:password"`` or ``("user", "password")``."""
        if isinstance(value, str):
            username, colon, password = value.partition(":")
        elif len(value) == 2:
            username, password = value
            colon = ":"
        else:
            colon = ""
            username = password = ""
        if not colon or not username or not password:
            raise ConfigurationError(
                'Webhook basic auth must be "username:password" or (username, password), '
                "both non-empty."
            )
        return cls(str(username), str(password))


@dataclass(frozen=True)
class SecretHeader:
    """A custom header (configured on the Postmark webhook) carrying a shared secret."""

    name: str
    value: str = field(repr=False)

    @classmethod
    def parse(cls, value: str | Sequence[str]) -> SecretHeader:
        """From ``("X-Webhook-Secret", "value")`` or ``"X-Webhook-Secret: value"``."""
        if isinstance(value, str):
            name, _, secret = value.partition(":")
        elif len(value) == 2:
            name, secret = value
        else:
            name = secret = ""
        name, secret = str(name).strip(), str(secret).strip()
        if not name or not secret or any(c in name for c in " \r\n"):
            raise ConfigurationError(
                'The webhook secret header must be ("Header-Name", "secret value") '
                'or "Header-Name: secret value", both non-empty.'
            )
        return cls(name, secret)


def _equal(received: bytes, expected: bytes) -> bool:
    return hmac.compare_digest(received, expected)


def check_basic_auth(authorization: str | None, credentials: Iterable[BasicAuth]) -> bool:
    """Whether an ``Authorization`` header carries one of ``credentials``.

    Both username and password are compared in constant time, and every
    credential is compared (no early exit), so timing reveals neither.
    """
    scheme, _, encoded = (authorization or "").strip().partition(" ")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    username, colon, password = decoded.partition(b":")
    well_formed = scheme.lower() == "basic" and bool(colon)
    matched = False
    for credential in credentials:
        user_ok = _equal(username, credential.username.encode("utf-8"))
        password_ok = _equal(password, credential.password.encode("utf-8"))
        matched |= user_ok & password_ok
    return well_formed and matched


def check_secret_header(received: str | None, expected: str) -> bool:
    """Whether a header value equals the shared secret (constant time)."""
    return _equal((received or "").encode("utf-8"), expected.encode("utf-8")) and bool(received)


def _is_pair(value: Any) -> bool:
    """``("user", "password")``, as opposed to a list of ``"user:password"`` strings."""
    return (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, str) for v in value)
        and ":" not in value[0]
    )


def _basic_credentials(value: Any) -> tuple[BasicAuth, ...]:
    if not value:
        return ()
    if isinstance(value, str) or _is_pair(value):
        return (BasicAuth.parse(value),)
    if isinstance(value, (list, tuple)):
        # Several pairs: accept old and new credentials while rotating them.
        return tuple(BasicAuth.parse(item) for item in value)
    raise ConfigurationError(
        f'Cannot read webhook basic auth from a {type(value).__name__}; use "username:password".'
    )


@dataclass(frozen=True)
class WebhookAuth:
    """The credentials a webhook endpoint requires; every configured check must pass.

    ``basic``: accepted username/password pairs (several, to rotate them);
    ``header``: a custom header with a shared secret.
    """

    basic: tuple[BasicAuth, ...] = ()
    header: SecretHeader | None = None

    @classmethod
    def from_settings(cls, basic_auth: Any = None, secret_header: Any = None) -> WebhookAuth:
        """From setting values: ``"user:pass"`` (or a list of them) and ``("Name", "secret")``."""
        header = SecretHeader.parse(secret_header) if secret_header else None
        return cls(_basic_credentials(basic_auth), header)

    @property
    def configured(self) -> bool:
        return bool(self.basic) or self.header is not None

    @property
    def challenge(self) -> str | None:
        """The ``WWW-Authenticate`` value for a 401, when basic auth is in use."""
        return f'Basic realm="{BASIC_REALM}", charset="UTF-8"' if self.basic else None

    def check(self, headers: Mapping[str, str]) -> bool:
        """Whether a request with these headers passes every configured check.

        ``headers`` may be any mapping; names are matched in any letter case.
        An unconfigured ``WebhookAuth`` accepts nothing.
        """
        results = []
        if self.basic:
            results.append(check_basic_auth(_lookup_header(headers, "Authorization"), self.basic))
        if self.header is not None:
            received = _lookup_header(headers, self.header.name)
            results.append(check_secret_header(received, self.header.value))
        return bool(results) and all(results)


def basic_auth_header(username: str, password: str) -> str:
    """``Basic <base64>`` for ``username:password``; what Postmark sends (handy in tests)."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


__all__ = [
    "EVENT_TYPES",
    "MAX_EVENT_BYTES",
    "MAX_INBOUND_BYTES",
    "Agent",
    "BasicAuth",
    "Bounce",
    "Click",
    "Delivery",
    "Geo",
    "Header",
    "Inbound",
    "InboundAttachment",
    "Mailbox",
    "Open",
    "OutboundEvent",
    "SecretHeader",
    "SpamComplaint",
    "SubscriptionChange",
    "UnknownEvent",
    "WebhookAuth",
    "WebhookError",
    "WebhookEvent",
    "basic_auth_header",
    "check_basic_auth",
    "check_secret_header",
    "load_payload",
    "parse_datetime",
    "parse_event",
    "parse_inbound",
]
