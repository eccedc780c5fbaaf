"""Inbound email: the message, its addresses, headers and attachments."""

from __future__ import annotations

import base64
import binascii
import email.message
import email.policy
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar

from postmark.timestamps import parse_rfc2822
from postmark.webhooks.base import WebhookEvent
from postmark.webhooks.fields import _int, _str
from postmark.webhooks.payload import MAX_INBOUND_BYTES, WrongWebhook, load_payload

# Keys only inbound payloads have (no outbound event carries any of them): how
# inbound email is told apart from an event without a RecordType.
_INBOUND_KEYS = frozenset(
    {
        "FromFull", "ToFull", "CcFull", "BccFull", "OriginalRecipient", "StrippedTextReply",
        "MailboxHash", "FromName", "TextBody", "HtmlBody", "Headers", "Attachments", "RawEmail",
    }
)  # fmt: skip


def is_inbound(data: Mapping[str, Any]) -> bool:
    """Whether a payload is inbound email: ``RecordType`` "Inbound", or none and inbound fields."""
    record_type = data.get("RecordType")
    if record_type is None:
        return not _INBOUND_KEYS.isdisjoint(data)
    return bool(record_type == "Inbound")


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

    _kind: ClassVar[str] = "inbound"

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
            sent_at=parse_rfc2822(data.get("Date")),
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

    @cached_property
    def raw_message(self) -> email.message.EmailMessage | None:
        """``RawEmail`` (the server's ``RawEmailEnabled`` setting) parsed, or None without it.

        Parsed on first use with ``email.policy.default``, which records
        what is malformed in ``.defects`` instead of raising.
        """
        if not self.raw_email:
            return None
        return email.message_from_string(self.raw_email, policy=email.policy.default)

    @property
    def envelope_sender(self) -> str | None:
        """The envelope sender (SMTP ``MAIL FROM``), or None when not known or null (``<>``).

        From the ``Return-Path`` header Postmark puts first in ``Headers``
        (one further down came with the message, and proves nothing), else
        from the first ``Received-SPF`` header: its ``envelope-from=``, or
        its "domain of ... designates" comment (RFC 7208, section 9.1).
        """
        if self.headers and self.headers[0].name.lower() == "return-path":
            return _address(self.headers[0].value)
        spf = self.header("Received-SPF") or ""
        found = _ENVELOPE_FROM.search(spf) or _SPF_COMMENT.search(spf)
        return _address(found.group(1)) if found else None

    @property
    def spam_score(self) -> float | None:
        """SpamAssassin's score: ``X-Spam-Score``, else the ``score=`` of ``X-Spam-Status``.

        None when neither has a plain decimal number.
        """
        for text, pattern in (
            (self.header("X-Spam-Score"), _NUMBER),
            (self.header("X-Spam-Status"), _STATUS_SCORE),
        ):
            found = pattern.search(text or "")
            if found:
                score = float(found.group(1))
                return score if math.isfinite(score) else None
        return None

    @property
    def spam_detected(self) -> bool | None:
        """SpamAssassin's verdict: ``X-Spam-Status`` "Yes, ..." or "No, ...", else None."""
        verdict = _STATUS_VERDICT.match(self.header("X-Spam-Status") or "")
        return verdict.group(1).lower() == "yes" if verdict else None


_NUMBER = re.compile(r"^\s*([+-]?[0-9]+(?:\.[0-9]+)?)\s*$")
_STATUS_SCORE = re.compile(r"\bscore=([+-]?[0-9]+(?:\.[0-9]+)?)(?![0-9.])", re.IGNORECASE)
_STATUS_VERDICT = re.compile(r"\s*(yes|no)\b", re.IGNORECASE)
# Received-SPF (RFC 7208, 9.1): a key-value pair after the result, or the comment it recommends.
_ENVELOPE_FROM = re.compile(r"\benvelope-from\s*=\s*\"?<?([^\s;\"<>]*)", re.IGNORECASE)
_SPF_COMMENT = re.compile(r"\bdomain of\s+<?([^\s<>()@]+@[^\s<>()@]+)>?\s+(?:designates|does not)")


def _address(value: str) -> str | None:
    """An address from ``<addr>`` or ``addr``; None for the null sender ``<>`` or blank."""
    return value.strip().removeprefix("<").removesuffix(">").strip() or None


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
            # Postmark's "Check" button sends test payloads whose attachments have "Data".
            content_base64=_str(item.get("Content")) or _str(item.get("Data")) or "",
        )
        for item in items
        if isinstance(item, Mapping)
    ]


def parse_inbound(
    body: bytes | str | Mapping[str, Any], *, max_bytes: int | None = MAX_INBOUND_BYTES
) -> Inbound:
    """An inbound-email payload (what Postmark POSTs to the server's InboundHookUrl).

    Arguments and errors as for :func:`parse_event`, with a larger default
    limit (:data:`MAX_INBOUND_BYTES`).

    Raises:
        WrongWebhook: the payload is an outbound event (a ``RecordType``
            other than "Inbound", or none of the inbound fields): one of
            the streams' webhooks points at the inbound URL.
    """
    data = load_payload(body, max_bytes=max_bytes)
    if not is_inbound(data):
        raise WrongWebhook(_str(data.get("RecordType")) or "", expected="inbound")
    return Inbound.from_dict(data)
