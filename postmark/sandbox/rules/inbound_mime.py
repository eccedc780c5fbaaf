"""A raw email (an ``.eml`` file) read into Postmark's inbound webhook JSON.

Postmark parses the mail it receives into ``From``, ``To``, ``Cc``,
``Subject``, ``Date``, ``ReplyTo``, the text and HTML bodies, ``Headers``
(every other header, in order) and ``Attachments`` (base64 ``Content``,
``ContentType``, ``ContentLength``, ``ContentID``), and keeps the source in
``RawEmail``. The rest (``FromFull``, ``MailboxHash``, the MessageID...) is
filled in by :func:`postmark.sandbox.rules.inbound.normalize`, and
:func:`~postmark.sandbox.rules.inbound.receive` applies the inbound rules,
as for any received message; ``RawEmail`` reaches the hook only when the
server has ``RawEmailEnabled``.
"""

from __future__ import annotations

import base64
from email import policy
from email.message import EmailMessage
from email.parser import Parser
from typing import Any

# Headers that become fields of their own instead of entries of ``Headers``.
LIFTED_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "subject", "date", "reply-to", "mime-version"}
    | {"content-type", "content-transfer-encoding"}
)


def payload_from_raw(raw: str) -> dict[str, Any]:
    """The inbound JSON for one raw message (missing parts are left to ``normalize``)."""
    message = Parser(policy=policy.default).parsestr(raw)
    assert isinstance(message, EmailMessage)  # what policy.default builds
    payload: dict[str, Any] = {
        "RawEmail": raw,
        "Headers": [
            {"Name": name, "Value": str(value)}
            for name, value in message.items()
            if name.lower() not in LIFTED_HEADERS
        ],
        "TextBody": _body(message, "plain"),
        "HtmlBody": _body(message, "html"),
        "Attachments": [_attachment(part) for part in message.iter_attachments()],
    }
    for field, header in (
        ("From", "From"),
        ("To", "To"),
        ("Cc", "Cc"),
        ("Bcc", "Bcc"),
        ("Subject", "Subject"),
        ("Date", "Date"),
        ("ReplyTo", "Reply-To"),
    ):
        if message[header] is not None:
            payload[field] = str(message[header])
    return payload


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or not isinstance(part, EmailMessage):
        return ""
    content = part.get_content()
    return content if isinstance(content, str) else ""


def _attachment(part: Any) -> dict[str, Any]:
    data = part.get_payload(decode=True) or b""
    return {
        "Name": part.get_filename() or "attachment",
        "Content": base64.b64encode(data).decode("ascii"),
        "ContentType": part.get_content_type(),
        "ContentLength": len(data),
        "ContentID": (part["Content-ID"] or "").strip("<>"),
    }
