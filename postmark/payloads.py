"""Pure builders for Postmark message JSON, with the checks done before sending.

Every Postmark key of a message (``HtmlBody``, ``TemplateModel`` ...) is
spelled here, once. Nothing in this module does I/O except
:func:`attachment_from_file`, which reads the file it is given.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from postmark.checks import MAX_RECIPIENTS, TRACK_LINKS_VALUES, check_message
from postmark.exceptions import InvalidMessageError
from postmark.protocol import encode_json

__all__ = [  # the checks' names are importable from here, their old home
    "MAX_RECIPIENTS",
    "TRACK_LINKS_VALUES",
    "attachment_from_bytes",
    "attachment_from_file",
    "build_message",
    "build_message_from",
    "check_message",
]

#: Postmark's limits (API.md section 5); the per-field ones are in postmark.checks.
MAX_MESSAGE_BYTES = 10 * 1024 * 1024
MAX_BATCH_MESSAGES = 500
MAX_BATCH_BYTES = 50 * 1024 * 1024

Addresses = str | Sequence[str] | None
AttachmentInput = Any  # tuple, dict, email.mime part, or an object with to_postmark()
# "Left out when empty" means None or []: compared through Any so that type
# checkers accept the comparison for str- and bool-typed fields too.
_EMPTY: Any = []


def join_addresses(field: str, value: Addresses) -> str | None:
    """``"a@x.com, B <b@y.com>"`` from a comma-separated string or a list of addresses."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable) and not isinstance(value, Mapping | bytes):
        parts = [item for item in value if item]
        odd = sorted({type(part).__name__ for part in parts if not isinstance(part, str)})
        if odd:
            raise InvalidMessageError(
                f"{field} must be a string or a list of strings, not a list holding "
                f"{', '.join(odd)}.",
                field=field,
            )
        return ", ".join(parts) or None
    raise InvalidMessageError(
        f"{field} must be a string or a list of strings, not {type(value).__name__}.",
        field=field,
    )


def headers_payload(
    headers: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None,
) -> list[dict[str, Any]]:
    """``[{"Name": ..., "Value": ...}]`` from a dict or from Postmark's own list form.

    Names and values are checked with the rest of the message
    (:func:`postmark.checks.check_message`).
    """
    if not headers:
        return []
    if isinstance(headers, Mapping):
        return [{"Name": name, "Value": value} for name, value in headers.items()]
    return [dict(item) if isinstance(item, Mapping) else item for item in headers]


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
    if not data:
        # Caught here rather than by attachment_payload's "has no Content" later.
        raise InvalidMessageError(
            f"Attachment {name!r} is empty: there is nothing to attach.", field="Attachments"
        )
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
    content_type = part.get_content_type()
    charset = part.get_content_charset()
    if charset:  # text keeps the charset it was written in
        content_type = f'{content_type}; charset="{charset}"'
    result = {
        "Name": part.get_filename(),
        "Content": part.get_payload(),
        "ContentType": content_type,
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
    # The keyword arguments are exactly MESSAGE_FIELDS: hand them over as they are.
    return build_message_from(locals())


#: The snake_case fields of a message, as :func:`build_message` takes them.
MESSAGE_FIELDS = (
    "sender",
    "to",
    "cc",
    "bcc",
    "subject",
    "reply_to",
    "tag",
    "html_body",
    "text_body",
    "template_id",
    "template_alias",
    "template_model",
    "track_opens",
    "track_links",
    "inline_css",
    "headers",
    "metadata",
    "attachments",
    "message_stream",
)


def build_message_from(fields: Mapping[str, Any], *, recipients: bool = True) -> dict[str, Any]:
    """:func:`build_message` from a mapping of :data:`MESSAGE_FIELDS` (absent = None).

    The one builder of message JSON, for every front end (a 10,000-message
    batch builds 10,000 of these). Each value is kept unless it is ``None``
    or ``[]``; addresses are joined and checked; the keys follow Postmark's
    documentation order. ``recipients=False`` for a bulk send's shared
    message, whose recipients come separately.
    """
    get = fields.get
    sender, to, cc, bcc = get("sender"), get("to"), get("cc"), get("bcc")
    subject, reply_to, tag = get("subject"), get("reply_to"), get("tag")
    html_body, text_body = get("html_body"), get("text_body")
    template_id, template_alias = get("template_id"), get("template_alias")
    template_model, track_opens, track_links = (
        get("template_model"),
        get("track_opens"),
        get("track_links"),
    )
    inline_css, headers, metadata = get("inline_css"), get("headers"), get("metadata")
    attachments, message_stream = get("attachments"), get("message_stream")
    message: dict[str, Any] = {"From": sender}
    if to is not None and (joined := join_addresses("To", to)) is not None:
        message["To"] = joined
    if cc is not None and (joined := join_addresses("Cc", cc)) is not None:
        message["Cc"] = joined
    if bcc is not None and (joined := join_addresses("Bcc", bcc)) is not None:
        message["Bcc"] = joined
    if subject is not None and subject != _EMPTY:
        message["Subject"] = subject
    if reply_to is not None and (joined := join_addresses("ReplyTo", reply_to)) is not None:
        message["ReplyTo"] = joined
    if tag is not None and tag != _EMPTY:
        message["Tag"] = tag
    if html_body is not None and html_body != _EMPTY:
        message["HtmlBody"] = html_body
    if text_body is not None and text_body != _EMPTY:
        message["TextBody"] = text_body
    if template_id is not None or template_alias is not None or template_model is not None:
        for key, value in (
            ("TemplateId", template_id),
            ("TemplateAlias", template_alias),
            ("TemplateModel", template_model),
        ):
            if value is not None and value != _EMPTY:
                message[key] = value
    if track_opens is not None and track_opens != _EMPTY:
        message["TrackOpens"] = track_opens
    if track_links is not None and track_links != _EMPTY:
        message["TrackLinks"] = track_links
    if inline_css is not None and inline_css != _EMPTY:
        message["InlineCss"] = inline_css
    if headers:
        message["Headers"] = headers_payload(headers)
    if metadata:
        message["Metadata"] = dict(metadata)
    if attachments:
        message["Attachments"] = [attachment_payload(a, i) for i, a in enumerate(attachments)]
    if message_stream is not None and message_stream != _EMPTY:
        message["MessageStream"] = message_stream
    return check_message(message, recipients=recipients)


def is_template_message(message: Mapping[str, Any]) -> bool:
    """Whether a message goes to the template endpoints."""
    return bool(message.get("TemplateId") or message.get("TemplateAlias"))


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


# --------------------------------------------------------------------------
# Encoding a message with large attachments

#: Attachment contents from this length on are copied into the body directly.
SPLICE_MIN_CHARS = 256 * 1024
_SPLICE_SLICE = 1024 * 1024
#: Bytes a JSON string may hold as they are: printable ASCII except " and \.
_JSON_SAFE = bytes(c for c in range(0x20, 0x80) if c not in b'"\\')


def encode_message(message: Mapping[str, Any]) -> bytes:
    """The request body for one message: exactly :func:`encode_json`'s bytes, made leaner.

    ``json`` turns a large attachment into an escaped copy of its base64
    text, then a joined copy of the document, then an encoded copy: three
    copies of 8 MiB for an 8 MiB attachment. Base64 text needs no escaping,
    so here the rest of the message is encoded with a placeholder and the
    attachment's text is copied once, 1 MiB at a time, into the body.
    """
    attachments = message.get("Attachments")
    if not isinstance(attachments, list):
        return encode_json(message)
    big = [i for i, a in enumerate(attachments) if isinstance(a, dict) and _spliceable(a)]
    if not big:
        return encode_json(message)
    marker = f"postmark-splice-{os.urandom(8).hex()}-"
    placeholders = {i: {**attachments[i], "Content": f"{marker}{i}"} for i in big}
    skeleton = dict(message)
    skeleton["Attachments"] = [placeholders.get(i, a) for i, a in enumerate(attachments)]
    parts = re.split(b'"' + marker.encode() + rb'(\d+)"', encode_json(skeleton))
    if [int(i) for i in parts[1::2]] != big:  # the marker appeared elsewhere: play safe
        return encode_json(message)
    body = io.BytesIO()
    for position, index in enumerate(big):
        body.write(parts[2 * position])
        if not _write_json_string(body, attachments[index]["Content"]):
            return encode_json(message)
    body.write(parts[-1])
    # getvalue() hands over the buffer itself (no copy) when nothing else uses it.
    return body.getvalue()


def _spliceable(attachment: Mapping[str, Any]) -> bool:
    content = attachment.get("Content")
    # isascii() is O(1) on str; escapes are looked for while copying.
    return isinstance(content, str) and len(content) >= SPLICE_MIN_CHARS and content.isascii()


def _write_json_string(body: io.BytesIO, text: str) -> bool:
    """Write ``"text"`` as JSON; False (having written part of it) if it needs escapes."""
    body.write(b'"')
    for start in range(0, len(text), _SPLICE_SLICE):
        piece = text[start : start + _SPLICE_SLICE].encode("ascii")
        if piece.translate(None, _JSON_SAFE):  # anything left needs escaping
            return False
        body.write(piece)
    body.write(b'"')
    return True
