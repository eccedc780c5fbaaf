"""Pure builders for Postmark message JSON, with the checks done before sending.

Every Postmark key of a message (``HtmlBody``, ``TemplateModel`` ...) is
spelled here, once. Nothing in this module does I/O except
:func:`attachment_from_file`, which reads the file it is given.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from postmark.exceptions import InvalidMessageError

#: Postmark's limits (API.md section 5).
MAX_RECIPIENTS = 50
MAX_MESSAGE_BYTES = 10 * 1024 * 1024
MAX_BATCH_MESSAGES = 500
MAX_BATCH_BYTES = 50 * 1024 * 1024
TRACK_LINKS_VALUES = ("None", "HtmlAndText", "HtmlOnly", "TextOnly")

Addresses = str | Sequence[str] | None
AttachmentInput = Any  # tuple, dict, email.mime part, or an object with to_postmark()


def check_no_newlines(field: str, value: Any) -> None:
    """Refuse CR or LF in anything that becomes a mail header (header injection)."""
    if isinstance(value, str) and ("\r" in value or "\n" in value):
        raise InvalidMessageError(
            f"{field} contains a line break (CR or LF), which could inject mail headers; "
            "remove the line breaks.",
            field=field,
        )


def join_addresses(field: str, value: Addresses) -> str | None:
    """``"a@x.com, B <b@y.com>"`` from a comma-separated string or a list of addresses."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value
    elif isinstance(value, Iterable):
        parts = [str(item) for item in value if item]
        for part in parts:
            check_no_newlines(field, part)
        text = ", ".join(parts)
    else:
        raise InvalidMessageError(
            f"{field} must be a string or a list of strings, not {type(value).__name__}.",
            field=field,
        )
    check_no_newlines(field, text)
    return text or None


def count_recipients(*fields: str | None) -> int:
    """How many addresses Postmark will count across To, Cc and Bcc."""
    present = [f for f in fields if f]
    from email.utils import getaddresses  # imported late: import-time cost

    return sum(1 for _, addr in getaddresses(present) if addr)


def headers_payload(
    headers: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None,
) -> list[dict[str, Any]]:
    """``[{"Name": ..., "Value": ...}]`` from a dict or from Postmark's own list form."""
    if not headers:
        return []
    if isinstance(headers, Mapping):
        pairs = list(headers.items())
    else:
        pairs = [(item["Name"], item["Value"]) for item in headers]
    result = []
    for name, value in pairs:
        name = str(name)
        if not name or any(c in name for c in ":\r\n ") or not name.isascii():
            raise InvalidMessageError(
                f"Custom header name {name!r} is invalid: header names are printable ASCII "
                "without spaces, colons or line breaks.",
                field="Headers",
            )
        check_no_newlines(f"Header {name}", value)
        result.append({"Name": name, "Value": value})
    return result


# --------------------------------------------------------------------------
# Attachments


def _guess_type(name: str | None) -> str:
    guessed = mimetypes.guess_type(name or "")[0]
    return guessed or "application/octet-stream"


def attachment_from_bytes(
    data: bytes,
    name: str,
    content_type: str | None = None,
    content_id: str | None = None,
) -> dict[str, str]:
    """An attachment dict from raw bytes: base64-encoded, type guessed from ``name``.

    For an inline image pass ``content_id="cid:logo"`` and use
    ``<img src="cid:logo">`` in the HTML body.
    """
    result = {
        "Name": name,
        "Content": base64.b64encode(data).decode("ascii"),
        "ContentType": content_type or _guess_type(name),
    }
    if content_id:
        result["ContentID"] = content_id
    return result


def attachment_from_file(
    path: str | os.PathLike[str],
    name: str | None = None,
    content_type: str | None = None,
    content_id: str | None = None,
) -> dict[str, str]:
    """An attachment dict read from a file (the name defaults to the file's name)."""
    with open(path, "rb") as handle:
        data = handle.read()
    filename = name or os.path.basename(os.fspath(path))
    return attachment_from_bytes(data, filename, content_type, content_id)


def _mime_attachment(part: Any) -> dict[str, Any]:
    """A legacy ``email.mime`` part: its payload is already base64 text.

    Legacy rule kept: a Content-ID loses its ``<>``; it gets a ``cid:``
    prefix only when the part's Content-Disposition starts with "inline".
    """
    result = {
        "Name": part.get_filename(),
        "Content": part.get_payload(),
        "ContentType": part.get_content_type(),
    }
    content_id = part.get("Content-ID")
    if content_id:
        content_id = str(content_id)
        if content_id.startswith("<") and content_id.endswith(">"):
            content_id = content_id[1:-1]
        if str(part.get("Content-Disposition", "")).startswith("inline"):
            content_id = "cid:" + content_id
        result["ContentID"] = content_id
    return result


def _is_mime_part(item: Any) -> bool:
    # email.message is loaded only if the caller built a MIME part already.
    module = sys.modules.get("email.message")
    return module is not None and isinstance(item, module.Message)


def attachment_payload(item: AttachmentInput, position: int = 0) -> dict[str, Any]:
    """Postmark's attachment dict from any supported form.

    Forms: a legacy tuple ``(name, base64 content, content type[, content id])``
    (the content id is used verbatim), a dict already in Postmark's form, or
    an ``email.mime`` part.
    """
    if isinstance(item, tuple):
        if len(item) < 3:
            raise InvalidMessageError(
                f"Attachment #{position + 1} is a tuple of {len(item)}; use "
                "(name, base64 content, content type[, content id]) or "
                "postmark.attachment_from_file(path).",
                field="Attachments",
            )
        result = {"Name": item[0], "Content": item[1], "ContentType": item[2]}
        if len(item) > 3 and item[3]:
            result["ContentID"] = item[3]
        return result
    if isinstance(item, Mapping):
        missing = [key for key in ("Name", "Content") if not item.get(key)]
        if missing:
            raise InvalidMessageError(
                f"Attachment #{position + 1} has no {' or '.join(missing)}.",
                field="Attachments",
            )
        result = dict(item)
        result.setdefault("ContentType", _guess_type(result["Name"]))
        return result
    if _is_mime_part(item):
        return _mime_attachment(item)
    raise InvalidMessageError(
        f"Attachment #{position + 1} is a {type(item).__name__}; use a "
        "(name, base64 content, content type) tuple, a Postmark attachment dict, an "
        "email.mime part, or postmark.attachment_from_file(path).",
        field="Attachments",
    )


# --------------------------------------------------------------------------
# Messages


def build_message(
    *,
    sender: str | None,
    to: Addresses = None,
    cc: Addresses = None,
    bcc: Addresses = None,
    subject: str | None = None,
    html_body: str | None = None,
    text_body: str | None = None,
    reply_to: Addresses = None,
    tag: str | None = None,
    headers: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    track_opens: bool | None = None,
    track_links: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    attachments: Sequence[AttachmentInput] | None = None,
    message_stream: str | None = None,
    template_id: int | str | None = None,
    template_alias: str | None = None,
    template_model: Mapping[str, Any] | None = None,
    inline_css: bool | None = None,
) -> dict[str, Any]:
    """Postmark's message JSON (``/email`` or ``/email/withTemplate``).

    Empty values are left out. Raises :class:`InvalidMessageError` for input
    Postmark would refuse or that could inject headers.
    """
    message: dict[str, Any] = {"From": sender}
    optional = {
        "To": join_addresses("To", to),
        "Cc": join_addresses("Cc", cc),
        "Bcc": join_addresses("Bcc", bcc),
        "Subject": subject,
        "ReplyTo": join_addresses("ReplyTo", reply_to),
        "Tag": tag,
        "HtmlBody": html_body,
        "TextBody": text_body,
        "TemplateId": template_id,
        "TemplateAlias": template_alias,
        "TemplateModel": template_model,
        "TrackOpens": track_opens,
        "TrackLinks": track_links,
        "InlineCss": inline_css,
        "Headers": headers_payload(headers),
        "Metadata": dict(metadata) if metadata else None,
        "Attachments": [attachment_payload(a, i) for i, a in enumerate(attachments or ())],
        "MessageStream": message_stream,
    }
    message.update((k, v) for k, v in optional.items() if v is not None and v != [])
    check_message(message)
    return message


def is_template_message(message: Mapping[str, Any]) -> bool:
    """Whether a message goes to the template endpoints."""
    return bool(message.get("TemplateId") or message.get("TemplateAlias"))


def check_message(message: Mapping[str, Any]) -> None:
    """Checks on a message in Postmark's form that are certain to fail at Postmark."""
    track_links = message.get("TrackLinks")
    if track_links is not None and track_links not in TRACK_LINKS_VALUES:
        raise InvalidMessageError(
            f"TrackLinks={track_links!r} is not valid; use one of {', '.join(TRACK_LINKS_VALUES)}.",
            field="TrackLinks",
        )
    for field in ("From", "To", "Cc", "Bcc", "ReplyTo", "Subject", "Tag"):
        check_no_newlines(field, message.get(field))
    fields = (message.get("To"), message.get("Cc"), message.get("Bcc"))
    # Cheap upper bound first: a full address parse for every message of a
    # 10,000-message batch would dominate the cost of building it.
    upper_bound = sum(f.count(",") + 1 for f in fields if isinstance(f, str) and f)
    if upper_bound <= MAX_RECIPIENTS:
        return
    recipients = count_recipients(*fields)
    if recipients > MAX_RECIPIENTS:
        raise InvalidMessageError(
            f"The message has {recipients} recipients; Postmark accepts at most "
            f"{MAX_RECIPIENTS} across To, Cc and Bcc. Split it into several messages "
            "(or send a batch).",
            field="To",
        )


def check_encoded_size(
    body: bytes, *, limit: int = MAX_MESSAGE_BYTES, what: str = "message"
) -> None:
    """Refuse a request Postmark would answer with HTTP 413."""
    if len(body) > limit:
        raise InvalidMessageError(
            f"The {what} is {len(body) / 1024 / 1024:.1f} MB once encoded; Postmark's limit is "
            f"{limit // 1024 // 1024} MB including base64-encoded attachments. "
            "Send large files as links instead.",
            field="Attachments",
        )
