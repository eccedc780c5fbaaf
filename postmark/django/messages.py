"""Django email messages as Postmark message JSON, and Postmark's message classes.

Any Django ``EmailMessage`` can carry Postmark options as attributes; the
backend reads them with ``getattr``::

    msg = EmailMultiAlternatives("Hi", "text", "me@example.com", ["you@example.com"])
    msg.attach_alternative("<p>html</p>", "text/html")
    msg.tag = "welcome"
    msg.metadata = {"user-id": "42"}
    msg.send()

``PMEmailMessage`` and ``PMEmailMultiAlternatives`` take the same options as
keyword arguments, and so do django-anymail's names (``tags``,
``track_clicks``, ``esp_extra``, ``merge_*`` ..., see
:mod:`postmark.django.options`). Content Postmark cannot carry (a second
HTML part, an AMP alternative, a display-only ``To`` header, ``send_at``)
raises :class:`UnsupportedContentError` (:class:`UnsupportedFeature` for
options) instead of being dropped.
"""

from __future__ import annotations

import base64
import email.message
import mimetypes
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import getaddresses, unquote
from typing import Any

import django
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives

from postmark.checks import FORBIDDEN_EXTENSIONS
from postmark.django import options
from postmark.django.errors import UnsupportedContentError, UnsupportedFeature
from postmark.django.options import Features, option
from postmark.exceptions import InvalidMessageError
from postmark.payloads import TRACK_LINKS_VALUES, build_message, check_message

#: Attributes the backend reads from any Django message.
POSTMARK_OPTIONS = (
    "tag",
    "metadata",
    "track_opens",
    "track_links",
    "message_stream",
    "template_id",
    "template_alias",
    "template_model",
    "inline_css",
    "server_token",
)

_DEFAULT_ATTACHMENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class SendDefaults:
    """Settings-level values applied to messages that do not set their own.

    ``sender`` (``POSTMARK_SENDER``) replaces an empty ``from_email`` and
    ``placeholder_from``: Django's own ``DEFAULT_FROM_EMAIL``
    ("webmaster@localhost") when the project never set it, an address
    Postmark would refuse anyway.
    """

    sender: str | None = None
    placeholder_from: str | None = None
    track_opens: bool | None = None
    track_links: str | bool | None = None
    message_stream: str | None = None
    ignore_unsupported_features: bool = False


# --------------------------------------------------------------------------
# Text helpers


def _text(value: Any, encoding: str = "utf-8") -> str:
    """A plain ``str`` from a str, a lazy translation string or bytes."""
    if isinstance(value, bytes):
        return value.decode(encoding)
    return str(value)


def _addresses(values: Any) -> list[str]:
    return [_text(v) for v in (values or ()) if v]


def _address_set(values: Sequence[str]) -> set[str]:
    return {addr.lower() for _, addr in getaddresses(list(values)) if addr}


def _mimetype(value: Any) -> str:
    return _text(value or "").split(";", 1)[0].strip().lower()


# --------------------------------------------------------------------------
# Headers


@dataclass
class _Headers:
    custom: dict[str, str]
    sender: str | None = None
    reply_to: str | None = None


def _split_headers(message: Any, features: Features) -> _Headers:
    """Custom headers, plus the From/Reply-To overrides Django honours.

    The caller's ``extra_headers`` is read, never changed.
    """
    result = _Headers(custom={})
    for name, raw_value in dict(message.extra_headers or {}).items():
        key, value = _text(name).lower(), _text(raw_value)
        if key == "from":
            result.sender = value
        elif key == "reply-to":
            result.reply_to = value
        elif key in ("to", "cc"):
            _check_display_header(_text(name), value, getattr(message, key), features)
        elif key == "bcc":
            raise UnsupportedContentError(
                "Bcc is not a header: pass the addresses as bcc=[...].", field="Headers"
            )
        else:
            result.custom[_text(name)] = value
    return result


def _check_display_header(
    name: str, value: str, recipients: Sequence[str], features: Features
) -> None:
    # Django can show a To/Cc header that differs from the real recipients;
    # Postmark's To/Cc fields are both the header and the recipients.
    if _address_set([value]) != _address_set(_addresses(recipients)):
        features.unsupported(
            f"spoofing the {name} header",
            f"A {name} header that differs from the message's {name.lower()} addresses "
            "cannot be sent through Postmark, which uses one list for both. Remove the "
            "header (use bcc=[...] to hide recipients).",
            field="Headers",
        )


# --------------------------------------------------------------------------
# Bodies


def _bodies(message: Any, encoding: str, features: Features) -> tuple[str | None, str | None]:
    """``(TextBody, HtmlBody)``: the body plus at most one text and one HTML alternative."""
    body = _text(message.body or "", encoding)
    subtype = (message.content_subtype or "plain").lower()
    if subtype not in ("plain", "html"):
        raise UnsupportedContentError(
            f"content_subtype={subtype!r}: Postmark sends text/plain and text/html bodies only.",
            field="HtmlBody",
        )
    text: str | None = body if subtype == "plain" else None
    html: str | None = body if subtype == "html" and body else None
    for content, mimetype in getattr(message, "alternatives", None) or ():
        text, html = _add_alternative(text, html, content, _mimetype(mimetype), encoding, features)
    if html is not None and not text:
        text = None  # an empty plain body next to HTML is not a second version
    if html is None and text is None:
        text = ""
    return text, html


def _add_alternative(
    text: str | None,
    html: str | None,
    content: Any,
    kind: str,
    encoding: str,
    features: Features,
) -> tuple[str | None, str | None]:
    """The bodies with one more alternative; a part Postmark has no room for is refused.

    When unsupported features are ignored, such a part is left out (the
    first HTML and text parts are the ones sent).
    """
    if kind == "text/html":
        if html is None:
            return text, _text(content, encoding)
        features.unsupported(
            "multiple html parts",
            "The message has two HTML parts (an HTML body or alternative, then "
            "another text/html alternative); Postmark carries one HtmlBody.",
            field="HtmlBody",
        )
    elif kind == "text/plain":
        if not text:
            return _text(content, encoding), html
        features.unsupported(
            "multiple plaintext parts",
            "The message has two plain-text parts; Postmark carries one TextBody.",
            field="TextBody",
        )
    else:
        features.unsupported(
            f"alternative part with type {kind or 'untyped'!r}",
            f"Postmark cannot send a {kind or 'untyped'} alternative: only one text/plain "
            "and one text/html body. Attach it as a file instead.",
            field="HtmlBody",
        )
    return text, html


# --------------------------------------------------------------------------
# Attachments


def _is_mime_part(item: Any) -> bool:
    # MIMEBase parts (Django < 6) and email.message.MIMEPart (Django 6+).
    return isinstance(item, email.message.Message)


def _mime_attachment(part: email.message.Message, position: int) -> dict[str, Any]:
    content_type = part.get_content_type()
    if part.is_multipart():
        inner = part.get_payload()
        first = inner[0] if isinstance(inner, list) and inner else None
        # message/rfc822 holds the attached message as its only sub-part.
        if content_type == "message/rfc822" and isinstance(first, email.message.Message):
            data = first.as_bytes()
        else:
            data = part.as_bytes()
    else:
        decoded = part.get_payload(decode=True)
        data = decoded if isinstance(decoded, bytes) else b""
    content_id = part.get("Content-ID")
    disposition = part.get_content_disposition()
    # Anymail's rule: a part is inline when it says so, or when it has a
    # Content-ID and no disposition at all.
    inline = bool(content_id) and disposition in ("inline", None)
    cid = unquote(str(content_id).strip()) if inline else None
    return _attachment(part.get_filename(), data, content_type, cid, position)


def _attachment(
    name: str | None, data: bytes, content_type: str, cid: str | None, position: int
) -> dict[str, Any]:
    if not name:
        extension = mimetypes.guess_extension(content_type.split(";")[0]) or ""
        if extension.lstrip(".") in FORBIDDEN_EXTENSIONS:
            extension = ".dat"  # ".bin" for octet-stream: a type Postmark refuses by name
        name = f"{cid or f'attachment-{position + 1}'}{extension}"
    result = {
        "Name": name,
        "Content": base64.b64encode(data).decode("ascii"),
        "ContentType": content_type,
    }
    if cid:
        result["ContentID"] = f"cid:{cid}"
    return result


def _content_bytes(content: Any, encoding: str) -> bytes:
    if isinstance(content, bytes):
        return content
    if hasattr(content, "message") and callable(content.message):
        content = content.message()  # a Django EmailMessage attached as message/rfc822
    if isinstance(content, email.message.Message):
        return content.as_bytes()
    return _text(content).encode(encoding)


def _tuple_attachment(item: Sequence[Any], encoding: str, position: int) -> dict[str, Any]:
    if len(item) != 3:
        raise InvalidMessageError(
            f"Attachment #{position + 1} has {len(item)} items; Django attachments are "
            "(filename, content, mimetype).",
            field="Attachments",
        )
    filename, content, mimetype = item
    name = _text(filename) if filename else None
    content_type = _mimetype(mimetype) or (
        mimetypes.guess_type(name or "")[0] or _DEFAULT_ATTACHMENT_TYPE
    )
    if isinstance(content, str) and content_type.startswith("text/") and ";" not in content_type:
        # As Django's own SMTP backend (MIMEText) does: text keeps its charset.
        content_type = f'{content_type}; charset="{encoding}"'
    return _attachment(name, _content_bytes(content, encoding), content_type, None, position)


def _attachments(message: Any, encoding: str) -> list[dict[str, Any]]:
    result = []
    for position, item in enumerate(message.attachments or ()):
        if _is_mime_part(item):
            result.append(_mime_attachment(item, position))
        elif isinstance(item, Sequence) and not isinstance(item, (str, bytes)):
            result.append(_tuple_attachment(item, encoding, position))
        else:
            raise InvalidMessageError(
                f"Attachment #{position + 1} is a {type(item).__name__}; use "
                "message.attach(filename, content, mimetype) or attach a MIME part.",
                field="Attachments",
            )
    return result


def attach_inline_image(
    message: EmailMessage,
    content: bytes,
    filename: str | None = None,
    *,
    content_type: str | None = None,
    content_id: str | None = None,
) -> str:
    """Attach an image to show inside the HTML body; returns its Content-ID.

    Use the result as ``<img src="cid:{cid}">``; Postmark receives the
    attachment with ``ContentID: "cid:{cid}"``::

        cid = attach_inline_image(msg, logo_bytes, "logo.png")
        msg.attach_alternative(f'<img src="cid:{cid}">', "text/html")

    Works on Django 4.2 to 6.x (a ``MIMEPart`` on Django 6, where MIME
    parts replaced the deprecated ``MIMEBase`` attachments).
    """
    cid = content_id or f"{uuid.uuid4().hex}@inline"
    guessed = mimetypes.guess_type(filename or "")[0]
    maintype, _, subtype = (content_type or guessed or "image/png").partition("/")
    part: email.message.Message
    if django.VERSION >= (6, 0):
        mime_part = email.message.MIMEPart()
        mime_part.set_content(
            content, maintype, subtype, disposition="inline", filename=filename, cid=f"<{cid}>"
        )
        part = mime_part
    else:
        from email import encoders
        from email.mime.base import MIMEBase

        part = MIMEBase(maintype, subtype)
        part.set_payload(content)
        encoders.encode_base64(part)
        part.add_header("Content-ID", f"<{cid}>")
        if filename:
            part.add_header("Content-Disposition", "inline", filename=filename)
        else:
            part.add_header("Content-Disposition", "inline")
    message.attach(part)
    return cid


# --------------------------------------------------------------------------
# Postmark options


def metadata_values(value: Any) -> dict[str, str] | None:
    """Postmark's ``Metadata`` (text values) from a dict, None when empty."""
    if not value:
        return None
    if not isinstance(value, Mapping):
        raise InvalidMessageError(
            "message.metadata must be a dict of text values.", field="Metadata"
        )
    result = {}
    for key, item in value.items():
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise InvalidMessageError(
                f"Metadata {key!r}: Postmark stores text values; got {type(item).__name__}.",
                field="Metadata",
            )
        result[str(key)] = str(item)  # Postmark's metadata values are strings
    return result


def normalise_track_links(value: Any) -> str | None:
    """Postmark's TrackLinks value from True/False or one of its names (None: unset)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "HtmlAndText" if value else "None"
    if value not in TRACK_LINKS_VALUES:
        raise InvalidMessageError(
            f"track_links={value!r}: use True/False or one of {', '.join(TRACK_LINKS_VALUES)}.",
            field="TrackLinks",
        )
    return str(value)


def _template_fields(message: Any, features: Features) -> dict[str, Any]:
    template_id, alias = options.template_reference(message)
    model = options.template_model(message)
    if template_id is None and alias is None:
        if option(message, "template_model"):
            raise InvalidMessageError(
                "template_model is set without template_id or template_alias.",
                field="TemplateModel",
            )
        if option(message, "merge_global_data"):
            features.unsupported(
                "merge_global_data without template_id",
                "Postmark fills merge_global_data only into templates; set template_id "
                "or template_alias.",
                field="TemplateModel",
            )
        return {}
    return {
        "template_id": template_id,
        "template_alias": alias,
        "template_model": model if model is not None else {},
        "inline_css": option(message, "inline_css"),
    }


def _check_template_content(subject: str, text: str | None, html: str | None) -> None:
    found = [n for n, v in (("subject", subject), ("body", text), ("HTML", html)) if v]
    if found:
        raise UnsupportedContentError(
            "A template message takes its subject and bodies from the Postmark template; "
            f"leave them empty (this one has: {', '.join(found)}).",
            field="TemplateId",
        )


def _sender(message: Any, header: str | None, defaults: SendDefaults) -> str | None:
    if header:
        return header
    from_email = _text(message.from_email) if message.from_email else ""
    if defaults.sender and (not from_email or from_email == defaults.placeholder_from):
        return defaults.sender
    return from_email or None


def _track_opens(message: Any, defaults: SendDefaults) -> bool | None:
    own = option(message, "track_opens")
    if own is not None:
        return bool(own)
    # The setting only turns tracking on; otherwise the server's setting applies.
    return True if defaults.track_opens else None


def to_postmark(message: EmailMessage, defaults: SendDefaults | None = None) -> dict[str, Any]:
    """Postmark's message JSON for a Django message (``/email`` or ``/email/withTemplate``).

    The message's ``esp_extra`` keys are put in last, over what was built
    (anymail's precedence); per-recipient ``merge_*`` values go on top of
    that in :func:`postmark.django.merge.per_recipient`.

    Raises:
        UnsupportedFeature: an option Postmark has no field for.
        UnsupportedContentError: content Postmark cannot carry.
        InvalidMessageError: a value Postmark would refuse (CR/LF in a header ...).
    """
    defaults = defaults or SendDefaults()
    features = Features(defaults.ignore_unsupported_features)
    features.check_message(message)
    payload = _build(message, defaults, features)
    extra = options.esp_extra(message)
    if extra:
        payload.update(extra)
        check_message(payload)  # esp_extra skipped build_message's checks
    return payload


def _build(message: EmailMessage, defaults: SendDefaults, features: Features) -> dict[str, Any]:
    encoding = message.encoding or settings.DEFAULT_CHARSET
    headers = _split_headers(message, features)
    template = _template_fields(message, features)
    subject = _text(message.subject or "")
    text, html = _bodies(message, encoding, features)
    if template:
        _check_template_content(subject, text, html)
        subject, text, html = "", None, None
    own_stream = option(message, "message_stream")
    own_links = options.track_links(message)
    return build_message(
        sender=_sender(message, headers.sender, defaults),
        to=_addresses(message.to),
        cc=_addresses(message.cc),
        bcc=_addresses(message.bcc),
        reply_to=headers.reply_to or _addresses(message.reply_to),
        subject=subject or None,
        text_body=text,
        html_body=html,
        headers=headers.custom,
        attachments=_attachments(message, encoding),
        tag=features.tag(message),
        metadata=metadata_values(option(message, "metadata")),
        track_opens=_track_opens(message, defaults),
        track_links=normalise_track_links(
            own_links if own_links is not None else defaults.track_links
        ),
        message_stream=own_stream or defaults.message_stream,
        **template,
    )


# --------------------------------------------------------------------------
# Message classes


class PostmarkMessageMixin:
    """Postmark options as keyword arguments and attributes of a Django message.

    ``tag``, ``track_opens`` and ``message_stream`` are python-postmark's
    original options; ``metadata``, ``track_links``, ``template_id`` (a
    number or an alias), ``template_alias``, ``template_model``,
    ``inline_css`` and ``server_token`` (this message's own server) are
    new; ``tags``, ``track_clicks``, ``merge_data``, ``merge_global_data``,
    ``merge_metadata``, ``merge_headers``, ``esp_extra``, ``send_at`` and
    ``envelope_sender`` are django-anymail's. A ``None`` option falls back
    to the ``POSTMARK_*`` setting, then to Postmark's server setting.
    """

    tag: str | None
    metadata: Mapping[str, Any] | None
    track_opens: bool | None
    track_links: str | bool | None
    message_stream: str | None
    template_id: int | str | None
    template_alias: str | None
    template_model: Mapping[str, Any] | None
    inline_css: bool | None
    server_token: str | None
    tags: Sequence[str] | None
    track_clicks: bool | None
    merge_data: Mapping[str, Mapping[str, Any]] | None
    merge_global_data: Mapping[str, Any] | None
    merge_metadata: Mapping[str, Mapping[str, Any]] | None
    merge_headers: Mapping[str, Mapping[str, str]] | None
    esp_extra: Mapping[str, Any] | None
    send_at: Any
    envelope_sender: str | None

    def __init__(
        self,
        *args: Any,
        tag: str | None = None,
        track_opens: bool | None = None,
        message_stream: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        track_links: str | bool | None = None,
        template_id: int | str | None = None,
        template_alias: str | None = None,
        template_model: Mapping[str, Any] | None = None,
        inline_css: bool | None = None,
        server_token: str | None = None,
        tags: Sequence[str] | None = None,
        track_clicks: bool | None = None,
        merge_data: Mapping[str, Mapping[str, Any]] | None = None,
        merge_global_data: Mapping[str, Any] | None = None,
        merge_metadata: Mapping[str, Mapping[str, Any]] | None = None,
        merge_headers: Mapping[str, Mapping[str, str]] | None = None,
        esp_extra: Mapping[str, Any] | None = None,
        send_at: Any = None,
        envelope_sender: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tag = tag
        self.track_opens = track_opens
        self.message_stream = message_stream
        self.metadata = metadata
        self.track_links = track_links
        self.template_id = template_id
        self.template_alias = template_alias
        self.template_model = template_model
        self.inline_css = inline_css
        self.server_token = server_token
        self.tags = tags
        self.track_clicks = track_clicks
        self.merge_data = merge_data
        self.merge_global_data = merge_global_data
        self.merge_metadata = merge_metadata
        self.merge_headers = merge_headers
        self.esp_extra = esp_extra
        self.send_at = send_at
        self.envelope_sender = envelope_sender

    def attach_inline_image(
        self, content: bytes, filename: str | None = None, **options: Any
    ) -> str:
        """See :func:`attach_inline_image`; returns the Content-ID for ``cid:``."""
        return attach_inline_image(self, content, filename, **options)


class PMEmailMessage(PostmarkMessageMixin, EmailMessage):  # type: ignore[misc]
    """A Django ``EmailMessage`` with Postmark options (``tag=``, ``metadata=`` ...)."""


class PMEmailMultiAlternatives(PostmarkMessageMixin, EmailMultiAlternatives):  # type: ignore[misc]
    """A Django ``EmailMultiAlternatives`` with Postmark options (``tag=``, ``metadata=`` ...)."""


__all__ = [
    "POSTMARK_OPTIONS",
    "PMEmailMessage",
    "PMEmailMultiAlternatives",
    "PostmarkMessageMixin",
    "SendDefaults",
    "UnsupportedContentError",
    "UnsupportedFeature",
    "attach_inline_image",
    "metadata_values",
    "to_postmark",
]
