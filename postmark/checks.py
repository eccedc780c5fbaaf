"""Every check a message gets before it is sent, on Postmark's form of it.

One function, :func:`check_message`, runs on every path: keyword messages
and PMMail (through :func:`postmark.payloads.build_message_from`), dicts in
Postmark's form (:func:`postmark.sending.to_payload`), Django and Tornado
(both build through the same builder), bulk recipients and the CLI. A
message that fails raises :class:`~postmark.exceptions.InvalidMessageError`
naming the field; nothing has been sent.

What is refused, and why:

* control characters (C0, DEL and C1; TAB only inside header values) and
  the Unicode line separators in
  anything that becomes a mail header — addresses, ``Subject``, ``Tag``,
  header names and values, attachment ``Name``/``ContentType``/``ContentID``,
  ``Metadata`` keys and values, ``MessageStream``: a CR/LF would inject
  headers, a NUL or other control character corrupts them;
* lone surrogates in those fields (they cannot be encoded as UTF-8);
* values of the wrong type (a list or dict ``Tag``, a non-string header
  value) rather than posting them as they are;
* addresses Postmark refuses (its published mailbox and domain rules;
  unbalanced quotes or angle brackets; a ``;``-separated list, which
  Postmark reads as one invalid address), and more than 50 recipients
  across To, Cc and Bcc;
* Postmark's documented limits (API.md section 5): Subject 2000 and From
  255 characters, Tag 1000, Metadata 10 fields with keys of 20 and values
  of 80 characters.

Addresses whose domain is not ASCII are IDNA-encoded (``ada@bücher.de`` is
sent as ``ada@xn--bcher-kva.de``), which is how the domain is spelled on
the wire; display names and local parts are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from postmark.exceptions import InvalidMessageError

MAX_RECIPIENTS = 50
TRACK_LINKS_VALUES = ("None", "HtmlAndText", "HtmlOnly", "TextOnly")
#: Postmark's length limits, in characters (API.md section 5).
MAX_LENGTHS = {"From": 255, "Subject": 2000, "Tag": 1000}
MAX_METADATA_FIELDS = 10
MAX_METADATA_KEY = 20
MAX_METADATA_VALUE = 80

ADDRESS_FIELDS = ("From", "To", "Cc", "Bcc", "ReplyTo")
RECIPIENT_FIELDS = ("To", "Cc", "Bcc")
#: Plain-text fields that become headers (addresses are checked on their own).
TEXT_FIELDS = ("Subject", "Tag", "MessageStream")
ATTACHMENT_TEXT_FIELDS = ("Name", "ContentType", "ContentID")
#: Attachment types Postmark refuses (ErrorCode 411; API.md section 5).
_FORBIDDEN = (
    "vbs exe bin bat chm com cpl crt hlp hta inf ins isp jse lnk mdb pcd pif reg scr sct shs "
    "vbe vba wsf wsh wsl msc msi msp mst"
)
FORBIDDEN_EXTENSIONS = frozenset(_FORBIDDEN.split())
# type/subtype, with parameters: what Postmark accepts as a ContentType.
_MIME_TYPE = re.compile(r"[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*(\s*;.*)?", re.DOTALL)

# C0 and C1 controls, DEL, the Unicode line and paragraph separators (some
# mail libraries split headers on them, as str.splitlines() does) and lone
# surrogates; header values may hold a TAB.
_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_BAD_IN_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_HEADER_NAME = re.compile(r"[!-9;-~]+")  # printable ASCII without ':' or space


def check_message(
    message: dict[str, Any], *, sender: bool = True, recipients: bool = True
) -> dict[str, Any]:
    """Check ``message`` (Postmark's form) in place; returns it, domains IDNA-encoded.

    ``sender`` / ``recipients``: whether the message must have a From / at
    least one of To, Cc and Bcc (a bulk send's shared message has no
    recipient, a bulk recipient no From). Content rules (a Subject, a body)
    are Postmark's to answer: a template may supply them.

    Raises:
        InvalidMessageError: naming the field, when Postmark would refuse the
            message or a header could be injected or corrupted.
    """
    if _passes_plainly(message, sender, recipients):
        return message  # every rule below holds and changes nothing: see _passes_plainly
    return check_every_rule(message, sender=sender, recipients=recipients)


def check_every_rule(
    message: dict[str, Any], *, sender: bool = True, recipients: bool = True
) -> dict[str, Any]:
    """:func:`check_message` the long way: every rule, one after the other.

    The only place a message is refused: :func:`_passes_plainly` only ever
    skips this for a message it would accept unchanged, so which error a
    message gets, and for which field first, is decided here alone.
    """
    if sender:
        _check_required(message)
    if recipients and not any(message.get(field) for field in RECIPIENT_FIELDS):
        raise InvalidMessageError("The message has no recipient; set To, Cc or Bcc.", field="To")
    count = 0
    for field in ADDRESS_FIELDS:
        value = message.get(field)
        if value is None or value == "":
            continue
        message[field], found = check_addresses(field, value)
        if field in RECIPIENT_FIELDS:
            count += found
    if count > MAX_RECIPIENTS:
        raise InvalidMessageError(
            f"The message has {count} recipients; Postmark accepts at most "
            f"{MAX_RECIPIENTS} across To, Cc and Bcc. Split it into several messages "
            "(or send a batch).",
            field="To",
        )
    for field in TEXT_FIELDS:
        if message.get(field) is not None:
            check_text(field, message[field])
    _check_track_links(message.get("TrackLinks"))
    if message.get("Headers"):
        _check_headers(message["Headers"])
    if message.get("Metadata"):
        _check_metadata(message["Metadata"])
    if message.get("Attachments"):
        _check_attachments(message["Attachments"])
    return message


def _passes_plainly(message: Mapping[str, Any], sender: bool, recipients: bool) -> bool:
    """Whether ``message`` is of the common shape that every rule accepts as it is.

    A quick test, no error raised: True only if :func:`check_every_rule`
    would return ``message`` unchanged; any doubt, and every message that
    will be refused, is False (the long way decides). A 10,000-message
    batch runs this 10,000 times; the long way costs several times more.

    The shape, and why each part passes every rule unchanged:

    * no ``Headers``, ``Metadata`` or ``Attachments`` (the long way skips
      them too when they are empty); ``TrackLinks`` absent or valid;
    * each address field absent (``None``/``""``, skipped by the long way)
      or one plain ASCII address, bare or ``Name <address>``
      (:data:`_PLAIN_ADDRESS`, whose every match ``check_addresses``
      returns as it is, counted once: tests/properties/test_check_fast_paths.py);
      ``From`` within 255 characters; a From and a recipient where required;
      at most 3 recipients, under Postmark's 50;
    * ``Subject``, ``Tag``, ``MessageStream`` absent (``None``) or an exact
      ``str`` that ``isprintable()`` within its length limit: a printable
      string holds no C0/C1 control, DEL, line or paragraph separator
      or surrogate (all are non-printable), so :data:`_BAD` finds nothing.
    """
    get = message.get
    if get("Headers") or get("Metadata") or get("Attachments"):
        return False
    track_links = get("TrackLinks")
    if track_links is not None and track_links not in TRACK_LINKS_VALUES:
        return False
    from_, to, cc, bcc, reply_to = get("From"), get("To"), get("Cc"), get("Bcc"), get("ReplyTo")
    if from_ is None or from_ == "":
        if sender:
            return False
    elif not (_is_plain_address(from_) and len(from_) <= MAX_LENGTHS["From"]):
        return False
    if recipients and not (to or cc or bcc):
        return False
    for value in (to, cc, bcc, reply_to):
        if not (value is None or value == "" or _is_plain_address(value)):
            return False
    subject, tag, stream = get("Subject"), get("Tag"), get("MessageStream")
    return (
        (subject is None or _is_plain_text(subject, MAX_LENGTHS["Subject"]))
        and (tag is None or _is_plain_text(tag, MAX_LENGTHS["Tag"]))
        and (stream is None or _is_plain_text(stream, None))
    )


# An ASCII address every rule accepts unchanged: dot-separated atoms of the
# mailbox characters (so no leading, trailing or doubled dot), an "@", dot-
# separated labels; bare, or after a name of letters, digits, spaces and
# . ' _ - (no quote, bracket, comma or ";" the long way would look into).
# Each match is also a match of _ADDRESS (case-insensitive, with look-aheads,
# about twice as slow); the converse does not hold, which only sends the
# rest the long way.
_ATOM = r"[A-Za-z0-9!#$%&'`*+\-/=^_{}|~]+"
_PLAIN = rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*"
_PLAIN_ADDRESS = re.compile(rf"{_PLAIN}|[A-Za-z0-9][A-Za-z0-9 .'_\-]*<{_PLAIN}>")


#: Recent verdicts of _PLAIN_ADDRESS: a batch's From is usually one address,
#: matched once instead of once per message (a dict lookup costs a tenth).
_VERDICTS: dict[str, bool] = {}
_MAX_VERDICTS = 256


def _is_plain_address(value: Any) -> bool:
    if type(value) is not str:
        return False
    verdict = _VERDICTS.get(value)
    if verdict is None:
        verdict = _PLAIN_ADDRESS.fullmatch(value) is not None
        if len(_VERDICTS) >= _MAX_VERDICTS:
            _VERDICTS.clear()  # bounded: unique recipients pass through
        _VERDICTS[value] = verdict
    return verdict


def _is_plain_text(value: Any, limit: int | None) -> bool:
    # An exact str: a subclass could answer isprintable() differently.
    return type(value) is str and value.isprintable() and (limit is None or len(value) <= limit)


def _check_required(message: Mapping[str, Any]) -> None:
    """What Postmark refuses a message without (ErrorCode 300)."""
    if not message.get("From"):
        raise InvalidMessageError(
            "The message has no From address; set the sender (From, sender=).", field="From"
        )


def check_text(field: str, value: Any) -> None:
    """A header-bound string: a ``str``, within Postmark's length, no control character."""
    if not isinstance(value, str):
        raise InvalidMessageError(
            f"{field} must be a string, not {type(value).__name__} ({value!r:.60}).",
            field=field,
        )
    _refuse_bad_characters(field, value)
    limit = MAX_LENGTHS.get(field)
    if limit is not None and len(value) > limit:
        raise InvalidMessageError(
            f"{field} is {len(value):,} characters long; Postmark accepts at most {limit:,}.",
            field=field,
        )


def _refuse_bad_characters(
    label: str, value: str, pattern: re.Pattern[str] = _BAD, field: str | None = None
) -> None:
    """Refuse a control character or lone surrogate; ``label`` names it in the text."""
    found = pattern.search(value)
    if found is None:
        return
    char = found.group()
    if char in "\r\n":
        what = "a line break (CR or LF), which could inject mail headers; remove the line breaks"
    elif "\ud800" <= char <= "\udfff":
        what = f"a lone surrogate ({char!r}), which is not valid text; fix the string's encoding"
    else:
        what = f"the control character {char!r}, which cannot appear in a mail header; remove it"
    raise InvalidMessageError(f"{label} contains {what}.", field=field or label)


# --------------------------------------------------------------------------
# Addresses: Postmark's published rules (support article "What does ErrorCode
# 300 mean"): a comma-separated list of "Name <address>" or "address", names
# with punctuation quoted; the mailbox and domain patterns below, no leading,
# trailing or doubled dots before the "@". The domain is checked in the form
# it travels in (IDNA).

_MAILBOX = r"[a-z0-9.!#$%&'`*+\-/=^_{}|~]+"
_DOMAIN_PATTERN = r"(?:\.?[a-z0-9\-])+"
_ADDRESS = re.compile(
    rf"(?!\.)(?!.*\.\.)(?!.*\.@){_MAILBOX}@(?!\.){_DOMAIN_PATTERN}", re.IGNORECASE
)


def check_addresses(field: str, value: Any) -> tuple[str, int]:
    """``value`` with non-ASCII domains IDNA-encoded, and how many addresses it holds."""
    check_text(field, value)
    if _ADDRESS.fullmatch(value):
        return value, 1  # one plain address: the common case
    pieces = [piece.strip() for piece in split_addresses(field, value)]
    addresses = [_checked_address(field, piece) for piece in pieces if piece]
    if not addresses:
        raise InvalidMessageError(f"{field} holds no address ({value!r}).", field=field)
    if field == "From" and len(addresses) > 1:
        raise InvalidMessageError(
            f"From holds {len(addresses)} addresses; a message has exactly one sender.",
            field=field,
        )
    if value.isascii():
        return value, len(addresses)  # unchanged, spacing included
    return ", ".join(addresses), len(addresses)


def split_addresses(field: str, value: str) -> list[str]:
    """The addresses of a comma-separated list, quotes and angle brackets respected."""
    parts: list[str] = []
    start, quoted, angle, escaped = 0, False, 0, False
    for position, char in enumerate(value):
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char == "<":
            angle += 1
        elif char == ">":
            angle -= 1
            if angle < 0:
                break
        elif char == ";":
            raise InvalidMessageError(
                f"{field} separates addresses with ';' ({value!r:.80}); Postmark takes a "
                "comma-separated list (a name with a ';' must be in quotes).",
                field=field,
            )
        elif char == "," and angle == 0:
            parts.append(value[start:position])
            start = position + 1
    if quoted or angle != 0:
        raise InvalidMessageError(
            f"{field} has unbalanced quotes or angle brackets ({value!r:.80}); "
            'write a named address as "Name <address@example.com>".',
            field=field,
        )
    parts.append(value[start:])
    return parts


def _checked_address(field: str, piece: str) -> str:
    """One ``Name <address>`` or ``address``, its domain IDNA-encoded; refused if invalid."""
    name, address = "", piece
    if piece.endswith(">") and "<" in piece:
        cut = piece.rindex("<")
        name, address = piece[:cut], piece[cut + 1 : -1].strip()
        bare = name.strip()
        quoted = len(bare) >= 2 and bare[0] == bare[-1] == '"'
        if not quoted and any(char in bare for char in '<>"'):
            raise InvalidMessageError(
                f"{field} address {piece!r}: a name with quotes or brackets must itself be "
                'in quotes, as in "\\"Doe, Jr.\\" <doe@example.com>".',
                field=field,
            )
    local, at, domain = address.rpartition("@")
    wire = f"{local}@{_idna(field, domain)}" if at else address
    if not _ADDRESS.fullmatch(wire):
        raise InvalidMessageError(
            f"{field} address {address!r} is not one Postmark accepts: it needs name@domain, "
            "with letters, digits and .!#$%&'`*+-/=^_{}|~ before the @ (no leading, trailing "
            "or doubled dots) and letters, digits, dots and hyphens after it.",
            field=field,
        )
    return f"{name}<{wire}>" if name or piece.endswith(">") else wire


def _idna(field: str, domain: str) -> str:
    """The domain in its IDNA (``xn--``) spelling, the form it travels in."""
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidMessageError(
            f"{field} has a domain that cannot be written in IDNA ({domain!r}).", field=field
        ) from None


# --------------------------------------------------------------------------
# Headers, metadata, attachments, tracking


def _check_headers(headers: Any) -> None:
    if not isinstance(headers, list):
        raise InvalidMessageError(
            'Headers must be a list of {"Name": ..., "Value": ...} (or a dict of name: value).',
            field="Headers",
        )
    for header in headers:
        if not isinstance(header, Mapping) or set(header) - {"Name", "Value"}:
            raise InvalidMessageError(
                f'Each header must be {{"Name": ..., "Value": ...}}, not {header!r:.80}.',
                field="Headers",
            )
        name, value = header.get("Name"), header.get("Value")
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise InvalidMessageError(
                f"Custom header name {name!r} is invalid: header names are printable ASCII "
                "without spaces, colons or line breaks.",
                field="Headers",
            )
        if not isinstance(value, str):
            raise InvalidMessageError(
                f"Header {name} must have a string value, not {type(value).__name__} "
                f"({value!r:.40}); convert it with str() first.",
                field=f"Header {name}",
            )
        _refuse_bad_characters(f"Header {name}", value, _BAD_IN_VALUE)


def _check_metadata(metadata: Any) -> None:
    if not isinstance(metadata, Mapping):
        raise InvalidMessageError("Metadata must be a dict of key: value.", field="Metadata")
    if len(metadata) > MAX_METADATA_FIELDS:
        raise InvalidMessageError(
            f"Metadata has {len(metadata)} fields; Postmark accepts at most "
            f"{MAX_METADATA_FIELDS} per message.",
            field="Metadata",
        )
    seen: set[str] = set()
    for key, value in metadata.items():
        check = f"Metadata key {key!r}"
        if not isinstance(key, str):
            raise InvalidMessageError(f"{check} must be a string.", field="Metadata")
        _refuse_bad_characters(check, key, field="Metadata")
        if not key or len(key) > MAX_METADATA_KEY or key.lower() in seen:
            problem = (
                f"must be 1 to {MAX_METADATA_KEY} characters long"
                if not key or len(key) > MAX_METADATA_KEY
                else "repeats another key (keys are compared without case)"
            )
            raise InvalidMessageError(f"{check} {problem}.", field="Metadata")
        seen.add(key.lower())
        # Integers are kept as they are (python-postmark has always allowed them).
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise InvalidMessageError(
                f"Metadata value of {key!r} must be a string, not {type(value).__name__}.",
                field="Metadata",
            )
        text = str(value)
        _refuse_bad_characters(f"Metadata value of {key!r}", text, field="Metadata")
        if len(text) > MAX_METADATA_VALUE:
            raise InvalidMessageError(
                f"Metadata value of {key!r} is {len(text)} characters long; Postmark accepts "
                f"at most {MAX_METADATA_VALUE}.",
                field="Metadata",
            )


def _check_attachments(attachments: Any) -> None:
    if not isinstance(attachments, list):
        raise InvalidMessageError("Attachments must be a list.", field="Attachments")
    for position, attachment in enumerate(attachments, start=1):
        if not isinstance(attachment, Mapping):
            raise InvalidMessageError(
                f"Attachment #{position} must be a dict in Postmark's form.", field="Attachments"
            )
        for key in ATTACHMENT_TEXT_FIELDS:
            value = attachment.get(key)
            if value is not None:
                if not isinstance(value, str):
                    raise InvalidMessageError(
                        f"Attachment #{position} {key} must be a string.", field="Attachments"
                    )
                label = f"Attachment #{position} {key}"
                _refuse_bad_characters(label, value, field="Attachments")
        _check_attachment_kind(position, attachment)


def _check_attachment_kind(position: int, attachment: Mapping[str, Any]) -> None:
    """What Postmark refuses in an attachment's name, type and content id."""
    name, content_type = attachment.get("Name"), attachment.get("ContentType")
    content_id = attachment.get("ContentID")
    problem = None
    if not name or not name.strip():
        problem = "has no Name"
    elif "." in name and name.rpartition(".")[2].lower() in FORBIDDEN_EXTENSIONS:
        problem = f"is a .{name.rpartition('.')[2]} file, a type Postmark refuses"
    elif content_type and not _MIME_TYPE.fullmatch(content_type):
        problem = f"has ContentType {content_type!r}, which is not a MIME type (type/subtype)"
    elif content_id and (not content_id.isascii() or any(c.isspace() for c in content_id)):
        problem = f"has ContentID {content_id!r}: content ids are ASCII without spaces"
    if problem:
        raise InvalidMessageError(f"Attachment #{position} {problem}.", field="Attachments")


def _check_track_links(track_links: Any) -> None:
    if track_links is not None and track_links not in TRACK_LINKS_VALUES:
        raise InvalidMessageError(
            f"TrackLinks={track_links!r} is not valid; use one of {', '.join(TRACK_LINKS_VALUES)}.",
            field="TrackLinks",
        )
