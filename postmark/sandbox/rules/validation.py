"""Send-request checks with Postmark's HTTP status, ErrorCode and wording.

Order of checks, for one message: field names and JSON types (422 / 403),
then content (422 / 300: addresses, recipient count, body, sizes, tracking,
metadata, headers, attachments; 411 for a forbidden attachment type), then the
message stream (1235 unknown, 1236 inbound or archived). Inactive recipients
(406) are checked later, against the store, by the sending routes.

Address rules are Postmark's published ones (support article on ErrorCode
300): mailbox ``^[a-z0-9.!#$%&'`*+\\-/=^_{}|~]+$`` without leading, trailing
or doubled dots, domain ``^((\\.)?[a-zA-Z0-9\\-])+$``; names with punctuation
must be quoted. Limits come from Postmark's size-limit and metadata articles.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..http.errors import ApiError, invalid_email, invalid_field

MB = 1024 * 1024
MAX_MESSAGE_BYTES = 10 * MB  # whole message, attachments base64-encoded (HTTP 413)
MAX_BODY_BYTES = 5 * MB  # each of HtmlBody and TextBody
MAX_BATCH_MESSAGES = 500
MAX_BATCH_BYTES = 50 * MB
MAX_RECIPIENTS = 50  # To + Cc + Bcc together
MAX_SUBJECT = 2000
MAX_FROM = 255
MAX_TAG = 1000
MAX_METADATA_FIELDS = 10
MAX_METADATA_KEY = 20
MAX_METADATA_VALUE = 80
TRACK_LINKS = ("None", "HtmlAndText", "HtmlOnly", "TextOnly")
FORBIDDEN_EXTENSIONS = frozenset(
    (
        "vbs",
        "exe",
        "bin",
        "bat",
        "chm",
        "com",
        "cpl",
        "crt",
        "hlp",
        "hta",
        "inf",
        "ins",
        "isp",
        "jse",
        "lnk",
        "mdb",
        "pcd",
        "pif",
        "reg",
        "scr",
        "sct",
        "shs",
        "vbe",
        "vba",
        "wsf",
        "wsh",
        "wsl",
        "msc",
        "msi",
        "msp",
        "mst",
    )
)
DEFAULT_STREAM = "outbound"
# What a stream lookup answers for an archived stream, in place of its type.
ARCHIVED = "Archived"

_MAILBOX = re.compile(r"^[a-z0-9.!#$%&'`*+\-/=^_{}|~]+$", re.IGNORECASE)
_DOMAIN = re.compile(r"^((\.)?[a-zA-Z0-9\-])+$")
_MIME_TYPE = re.compile(r"^[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*(\s*;.*)?$")


class Kind(Enum):
    """JSON type a request field must have."""

    STR = "string"
    BOOL = "boolean"
    INT = "integer"
    OBJECT = "object"
    HEADERS = "array of {Name, Value}"
    ATTACHMENTS = "array of attachments"


MESSAGE_FIELDS: Mapping[str, Kind] = {
    "From": Kind.STR,
    "To": Kind.STR,
    "Cc": Kind.STR,
    "Bcc": Kind.STR,
    "Subject": Kind.STR,
    "Tag": Kind.STR,
    "HtmlBody": Kind.STR,
    "TextBody": Kind.STR,
    "ReplyTo": Kind.STR,
    "Headers": Kind.HEADERS,
    "TrackOpens": Kind.BOOL,
    "TrackLinks": Kind.STR,
    "Metadata": Kind.OBJECT,
    "Attachments": Kind.ATTACHMENTS,
    "MessageStream": Kind.STR,
}
CONTENT_FIELDS = ("Subject", "HtmlBody", "TextBody")
TEMPLATE_MESSAGE_FIELDS: Mapping[str, Kind] = {
    **{k: v for k, v in MESSAGE_FIELDS.items() if k not in CONTENT_FIELDS},
    "TemplateId": Kind.INT,
    "TemplateAlias": Kind.STR,
    "TemplateModel": Kind.OBJECT,
    "InlineCss": Kind.BOOL,
}


@dataclass(frozen=True)
class Address:
    """One mailbox from an address list."""

    email: str
    name: str | None


@dataclass(frozen=True)
class Attachment:
    """A checked attachment; ``content`` is the base64 text as sent."""

    name: str
    content: str
    content_type: str
    content_id: str | None


@dataclass
class OutboundMessage:
    """A send request that passed every content check."""

    from_raw: str
    sender: Address
    to_raw: str
    to: list[Address]
    cc: list[Address]
    bcc: list[Address]
    reply_to: str | None
    subject: str
    html_body: str | None
    text_body: str | None
    tag: str
    stream: str
    track_opens: bool = False
    track_links: str = "None"
    headers: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def recipients(self) -> list[Address]:
        """To, Cc and Bcc, in that order."""
        return [*self.to, *self.cc, *self.bcc]

    def header_map(self) -> dict[str, str]:
        """Custom headers by lower-cased name (the last one wins)."""
        return {name.lower(): value for name, value in self.headers}


# --- field names and JSON types (403) -------------------------------------------


def check_fields(data: Any, allowed: Mapping[str, Kind], where: str = "") -> dict[str, Any]:
    """Reject unknown or ill-typed fields with 422 / 403; drop ``null`` values.

    Field names are matched exactly (a misspelt ``Htmlbody`` is an unknown
    field), and ``null`` means "not given", as .NET clients send every key.
    """
    if not isinstance(data, dict):
        raise invalid_field(where.rstrip(".") or "body")
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        kind = allowed.get(key)
        if kind is None or not _has_kind(value, kind):
            raise invalid_field(f"{where}{key}")
        cleaned[key] = value
    return cleaned


def _has_kind(value: Any, kind: Kind) -> bool:
    if kind is Kind.STR:
        return isinstance(value, str)
    if kind is Kind.BOOL:
        return isinstance(value, bool)
    if kind is Kind.INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is Kind.OBJECT:
        return isinstance(value, dict)
    keys = ("Name", "Value") if kind is Kind.HEADERS else ("Name", "Content", "ContentType")
    if kind is Kind.ATTACHMENTS:
        keys = (*keys, "ContentID")
    return isinstance(value, list) and all(
        isinstance(item, dict) and all(isinstance(item.get(k), (str, type(None))) for k in keys)
        for item in value
    )


# --- addresses ------------------------------------------------------------------


def split_address_list(value: str) -> list[str]:
    """Split at commas that are outside quotes and angle brackets; drop empty pieces."""
    pieces: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    depth = 0
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == "<" and not quoted:
            depth += 1
        elif ch == ">" and not quoted:
            depth = max(depth - 1, 0)
        elif ch == "," and not quoted and depth == 0:
            pieces.append("".join(current))
            current = []
            continue
        current.append(ch)
    pieces.append("".join(current))
    return [p.strip() for p in pieces if p.strip()]


def parse_address(piece: str) -> Address | None:
    """``Name <a@b.c>``, ``"Doe, Jr." <a@b.c>`` or ``a@b.c``; ``None`` if invalid."""
    piece = piece.strip()
    name: str | None = None
    email = piece
    if piece.endswith(">") and "<" in piece:
        cut = piece.rindex("<")
        email = piece[cut + 1 : -1].strip()
        raw_name = piece[:cut].strip()
        quoted = len(raw_name) >= 2 and raw_name[0] == raw_name[-1] == '"'
        if not quoted and any(ch in raw_name for ch in '<>"'):
            return None
        name = _unquote(raw_name) or None
    return Address(email, name) if is_valid_email(email) else None


def _unquote(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return re.sub(r"\\(.)", r"\1", name[1:-1])
    return name


def is_valid_email(email: str) -> bool:
    """Postmark's published mailbox and domain rules."""
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        return False
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return False
    return bool(_MAILBOX.match(local)) and bool(_DOMAIN.match(domain)) and domain[0] != "."


def parse_address_field(field_name: str, value: str) -> list[Address]:
    """Every address of ``value``; 422 / 300 naming the first bad one."""
    addresses = []
    for piece in split_address_list(value):
        address = parse_address(piece)
        if address is None:
            raise invalid_email(f"Invalid '{field_name}' address: '{piece}'.")
        addresses.append(address)
    return addresses


# --- the message -----------------------------------------------------------------


def validate_message(
    data: Mapping[str, Any],
    stream_type: Callable[[str], str | None],
    *,
    require_subject: bool = True,
) -> OutboundMessage:
    """Check a message whose field types already passed :func:`check_fields`.

    ``stream_type`` maps a stream ID to its ``MessageStreamType``,
    :data:`ARCHIVED` for an archived stream, or ``None`` when the server has
    no such stream. Postmark's support article on 422
    errors lists a Subject as required on ``/email``; templated sends take it
    from the template instead (``require_subject=False``).
    """
    sender = _sender(data.get("From", ""))
    to, cc, bcc = (parse_address_field(f, data.get(f, "")) for f in ("To", "Cc", "Bcc"))
    if not to:
        if not cc and not bcc:
            raise invalid_email("Zero recipients specified")
        raise invalid_email(f"Invalid 'To' address: '{data.get('To', '')}'.")
    reply_to = data.get("ReplyTo") or None
    if reply_to is not None:
        parse_address_field("ReplyTo", reply_to)
    if len(to) + len(cc) + len(bcc) > MAX_RECIPIENTS:
        raise invalid_email("Maximum of 50 recipients allowed per email message.")
    html_body, text_body = data.get("HtmlBody") or None, data.get("TextBody") or None
    _check_bodies(html_body, text_body)
    subject, tag = data.get("Subject", ""), data.get("Tag", "")
    if require_subject and not subject.strip():
        raise invalid_email("The 'Subject' field is required.")
    _check_length("Subject", subject, MAX_SUBJECT)
    _check_length("Tag", tag, MAX_TAG)
    return OutboundMessage(
        from_raw=data["From"],
        sender=sender,
        to_raw=data["To"],
        to=to,
        cc=cc,
        bcc=bcc,
        reply_to=reply_to,
        subject=subject,
        html_body=html_body,
        text_body=text_body,
        tag=tag,
        stream=_stream(data.get("MessageStream") or DEFAULT_STREAM, stream_type),
        track_opens=bool(data.get("TrackOpens", False)),
        track_links=_track_links(data.get("TrackLinks")),
        headers=_headers(data.get("Headers", [])),
        attachments=_attachments(data.get("Attachments", [])),
        metadata=_metadata(data.get("Metadata", {})),
    )


def _sender(value: str) -> Address:
    pieces = split_address_list(value)
    address = parse_address(pieces[0]) if len(pieces) == 1 else None
    if address is None:
        raise invalid_email(f"Invalid 'From' address: '{value}'.")
    _check_length("From", value, MAX_FROM)
    return address


def _check_bodies(html_body: str | None, text_body: str | None) -> None:
    if html_body is None and text_body is None:
        raise invalid_email("Provide either email TextBody or HtmlBody or both.")
    for name, body in (("HtmlBody", html_body), ("TextBody", text_body)):
        if body is not None and len(body.encode("utf-8")) > MAX_BODY_BYTES:
            raise invalid_email(f"The '{name}' is larger than the 5 MB limit.")


def _check_length(name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise invalid_email(f"The '{name}' field is too long; the limit is {limit} characters.")


def _track_links(value: str | None) -> str:
    if not value:  # PHP clients send "" for "not set"
        return "None"
    for option in TRACK_LINKS:
        if option.lower() == value.lower():
            return option
    raise invalid_email(
        f"Invalid 'TrackLinks' value: '{value}'. Use one of: {', '.join(TRACK_LINKS)}."
    )


def _metadata(value: Mapping[str, Any]) -> dict[str, str]:
    if len(value) > MAX_METADATA_FIELDS:
        raise invalid_email(f"Metadata can have at most {MAX_METADATA_FIELDS} fields.")
    seen: set[str] = set()
    for key, item in value.items():
        if not key or len(key) > MAX_METADATA_KEY:
            raise invalid_email(
                f"Metadata key '{key}' must be 1 to {MAX_METADATA_KEY} characters long."
            )
        if key.lower() in seen:
            raise invalid_email(f"Metadata key '{key}' is given twice (keys ignore case).")
        seen.add(key.lower())
        if not isinstance(item, str):
            raise invalid_email(f"Metadata value for '{key}' must be a string.")
        if len(item) > MAX_METADATA_VALUE:
            raise invalid_email(
                f"Metadata value for '{key}' is longer than {MAX_METADATA_VALUE} characters."
            )
    return dict(value)


def _headers(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    headers = []
    for item in items:
        name, value = item.get("Name") or "", item.get("Value") or ""
        if not name or any(ch in name for ch in ":\r\n ") or any(ch in value for ch in "\r\n"):
            raise invalid_email(f"Invalid custom header: '{name}'.")
        headers.append((name, value))
    return headers


def _attachments(items: list[dict[str, Any]]) -> list[Attachment]:
    return [_attachment(item) for item in items]


def _attachment(item: Mapping[str, Any]) -> Attachment:
    name = item.get("Name") or ""
    if not name:
        raise invalid_email("Attachments must have a 'Name'.")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension in FORBIDDEN_EXTENSIONS:
        raise ApiError(411, f"Attachment file type not allowed: '{name}'.")
    content = "".join((item.get("Content") or "").split())
    try:
        base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise invalid_email(f"Attachment '{name}' content is not valid base64.") from None
    content_type = item.get("ContentType") or "application/octet-stream"
    if not _MIME_TYPE.match(content_type):
        raise invalid_email(f"Attachment '{name}' has an invalid ContentType: '{content_type}'.")
    content_id = item.get("ContentID") or None
    if content_id is not None and (not content_id.isascii() or " " in content_id):
        raise invalid_email(f"Attachment '{name}' has an invalid ContentID: '{content_id}'.")
    return Attachment(name, content, content_type, content_id)


def _stream(stream: str, stream_type: Callable[[str], str | None]) -> str:
    kind = stream_type(stream.lower())
    if kind is None:
        raise ApiError(1235, f"The message stream '{stream}' does not exist on this server.")
    if kind == ARCHIVED:
        # An archived stream still exists (it can be unarchived), so not 1235.
        raise ApiError(1236, f"Sending is not supported on the '{stream}' stream: it is archived.")
    if kind == "Inbound":
        raise ApiError(1236, f"Sending is not supported on the '{stream}' stream (Inbound).")
    return stream.lower()
