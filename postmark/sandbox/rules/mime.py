"""The raw MIME source of a stored message (``Body`` in details, ``/dump``).

Written by hand rather than with :mod:`email.message`: the standard
library's generator costs milliseconds per message, and ``Sandbox.messages()``
builds this text for every stored message. Non-ASCII header text is RFC 2047
encoded, bodies are quoted-printable when they are not plain short-line
ASCII, attachments are base64 in 76-character lines, and boundaries are
derived from the MessageID so a message always dumps to the same text.
"""

from __future__ import annotations

import binascii
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr
from typing import Any

from . import clock

CRLF = "\r\n"
_SET_BY_SANDBOX = {"from", "to", "cc", "bcc", "subject", "date", "reply-to", "mime-version"}


def build_mime(
    summary: dict[str, Any], content: dict[str, Any], request: Any, received_ts: float
) -> str:
    """Render the message as RFC 5322 text (Bcc recipients left out, as in a real message)."""
    message_id = summary["MessageID"]
    custom = [(n, v) for n, v in content.get("Headers") or [] if n.lower() not in _SET_BY_SANDBOX]
    headers = [
        ("From", _header(summary["From"])),
        ("To", _addresses(summary.get("To") or [])),
    ]
    if summary.get("Cc"):
        headers.append(("Cc", _addresses(summary["Cc"])))
    if content.get("ReplyTo"):
        headers.append(("Reply-To", _header(content["ReplyTo"])))
    headers.append(("Subject", _header(summary.get("Subject") or "")))
    headers.append(("Date", format_datetime(datetime.fromtimestamp(received_ts, clock.EASTERN))))
    if not any(n.lower() == "message-id" for n, _ in custom):
        headers.append(("Message-ID", f"<{message_id}@sandbox.postmark.invalid>"))
    headers.append(("X-PM-Message-Id", message_id))
    headers.extend((n, _header(v)) for n, v in custom)
    headers.append(("MIME-Version", "1.0"))
    attachments = request.get("Attachments") if isinstance(request, dict) else None
    body = _body(content, [a for a in attachments or [] if isinstance(a, dict)], message_id)
    return CRLF.join(f"{name}: {value}" for name, value in headers) + CRLF + body


def _header(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


def _addresses(people: list[dict[str, Any]]) -> str:
    return ", ".join(formataddr((p.get("Name") or "", p["Email"]), "utf-8") for p in people)


def _text_part(subtype: str, text: str) -> str:
    plain = text.isascii() and all(len(line) < 990 for line in text.splitlines())
    if plain:
        encoding, data = "7bit", text.replace("\r\n", "\n").replace("\n", CRLF)
    else:
        raw = binascii.b2a_qp(text.encode("utf-8"), istext=True)
        encoding, data = "quoted-printable", raw.decode("ascii").replace("\n", CRLF)
    return (
        f"Content-Type: text/{subtype}; charset=utf-8{CRLF}"
        f"Content-Transfer-Encoding: {encoding}{CRLF}{CRLF}{data}{CRLF}"
    )


def _multipart(subtype: str, boundary: str, parts: list[str]) -> str:
    inner = "".join(f"--{boundary}{CRLF}{part}" for part in parts)
    return (
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"{CRLF}{CRLF}'
        f"{inner}--{boundary}--{CRLF}"
    )


def _body(content: dict[str, Any], attachments: list[dict[str, Any]], message_id: str) -> str:
    text, html = content.get("TextBody"), content.get("HtmlBody")
    parts = [_text_part(s, b) for s, b in (("plain", text), ("html", html)) if b is not None]
    if not parts:
        parts = [_text_part("plain", "")]
    main = parts[0] if len(parts) == 1 else _multipart("alternative", f"=_pm_{message_id}_a", parts)
    if not attachments:
        return main
    files = [_attachment(a) for a in attachments]
    return _multipart("mixed", f"=_pm_{message_id}_m", [main, *files])


def _attachment(attachment: dict[str, Any]) -> str:
    data = "".join((attachment.get("Content") or "").split())
    lines = CRLF.join(data[i : i + 76] for i in range(0, len(data), 76))
    name = str(attachment.get("Name") or "attachment").replace('"', "'")
    kind = attachment.get("ContentType") or "application/octet-stream"
    cid = attachment.get("ContentID")
    head = [
        f'Content-Type: {kind}; name="{_header(name)}"',
        "Content-Transfer-Encoding: base64",
        f'Content-Disposition: {"inline" if cid else "attachment"}; filename="{_header(name)}"',
    ]
    if cid:
        head.append(f"Content-ID: <{str(cid).removeprefix('cid:')}>")
    return CRLF.join(head) + CRLF + CRLF + lines + CRLF
