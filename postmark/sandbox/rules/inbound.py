"""Received (inbound) messages: how one arrives, is judged and is processed.

Postmark receives mail at the server's inbound address and posts it, as
JSON, to the server's ``InboundHookUrl``. The sandbox receives no mail: a
test hands it a message in that same JSON shape (``Sandbox.receive_inbound``
or ``POST /__sandbox/inbound``); missing fields are filled in the way
Postmark fills them (``FromFull``, ``ToFull``, ``MailboxHash`` from the part
after ``+``, ``OriginalRecipient``, ``MessageID``, ``Date``...). Then, as
Postmark does:

1. a message whose sender matches an inbound rule (the address, or its
   domain) is ``Blocked``, with a ``BlockedReason``;
2. so is one whose ``X-Spam-Score`` header is above the server's
   ``InboundSpamThreshold`` (0, the default, blocks nothing);
3. any other message is processed: posted to ``InboundHookUrl``, and
   ``Processed`` on HTTP 200, ``Failed`` otherwise.

``PUT .../bypass`` processes a blocked message, ``PUT .../retry`` a failed
one, again by step 3.

Where Postmark differs or is silent, the sandbox chooses:

* the hook is called only when it is on this machine (see :mod:`postmark.sandbox.http.callouts`);
  with no hook, or another URL, the message is ``Processed`` without a call,
  as a sandbox server shows mail as delivered (Postmark would mark a
  message with no hook ``Failed``);
* one attempt only: a non-200 answer makes the message ``Failed`` at once
  (Postmark retries ten times over about ten hours), so tests can retry it;
* ``Queued`` and ``Scheduled`` happen only when a test asks for them
  (``status=``), as does any status the rules would not give;
* rules match the whole address or the exact domain (not subdomains);
* ``RawEmail`` is posted only when the server has ``RawEmailEnabled``.
"""

from __future__ import annotations

import base64
import binascii
import sqlite3
import uuid
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from ..app import App
from ..http.callouts import may_call, post_json
from ..store.inbound import InboundRow
from . import clock
from .validation import parse_address, split_address_list

STATUSES = ("Processed", "Blocked", "Queued", "Failed", "Scheduled")
STRING_FIELDS = (
    "From",
    "FromName",
    "To",
    "Cc",
    "Bcc",
    "OriginalRecipient",
    "Subject",
    "MessageID",
    "ReplyTo",
    "MailboxHash",
    "Date",
    "TextBody",
    "HtmlBody",
    "StrippedTextReply",
    "Tag",
    "MessageStream",
    "RawEmail",
)
LIST_FIELDS = ("ToFull", "CcFull", "BccFull", "Headers", "Attachments")
SPAM_SCORE_HEADER = "x-spam-score"
FORCED_BLOCK = "Blocked on request (sandbox status given by the test)."


class InboundError(ValueError):
    """An injected message the sandbox cannot take (bad shape, duplicate MessageID...)."""


def canonical_status(value: str) -> str:
    """``processed`` -> ``Processed``; :class:`InboundError` for an unknown status."""
    for status in STATUSES:
        if status.lower() == value.lower():
            return status
    raise InboundError(f"Unknown inbound status '{value}'; use one of: {', '.join(STATUSES)}.")


def receive(app: App, payload: Any, status: str | None = None) -> InboundRow:
    """Take in one message in Postmark's inbound webhook shape; store and return it."""
    now = clock.now()
    message = normalize(app, payload, now)
    if status is not None:
        chosen = canonical_status(status)
        reason = FORCED_BLOCK if chosen == "Blocked" else None
    else:
        reason = blocked_reason(app, message)
        chosen = "Blocked" if reason else process(app, message)
    row = InboundRow(
        message_id=message["MessageID"],
        stream=message["MessageStream"],
        received_ts=now,
        status=chosen,
        blocked_reason=reason,
        message=message,
    )
    try:
        app.store.add_inbound(row)
    except sqlite3.IntegrityError:
        raise InboundError(f"A message with MessageID '{row.message_id}' exists already.") from None
    return row


def process(app: App, message: dict[str, Any]) -> str:
    """Post the message to the inbound hook (when the sandbox may): its new status."""
    settings = app.settings()
    url = str(settings["InboundHookUrl"] or "")
    if not url or not may_call(url, app.base_url):
        return "Processed"
    payload = dict(message)
    if not settings["RawEmailEnabled"]:
        payload.pop("RawEmail", None)
    return "Processed" if post_json(url, payload).ok else "Failed"


def blocked_reason(app: App, message: dict[str, Any]) -> str | None:
    """Why a message is blocked (an inbound rule, the spam threshold), or ``None``."""
    sender = str(message["FromFull"]["Email"]).lower()
    domain = sender.rpartition("@")[2]
    _, rules = app.store.rules()
    for rule in rules:
        wanted = rule.rule.lower()
        if "@" in wanted and wanted == sender:
            return f"Inbound request blocked by email rule: {rule.rule}"
        if "@" not in wanted and wanted == domain:
            return f"Inbound request blocked by domain rule: {rule.rule}"
    threshold = int(app.settings()["InboundSpamThreshold"])
    score = _spam_score(message)
    if threshold > 0 and score is not None and score > threshold:
        return (
            f"Inbound request blocked: spam score {score:g} is above the server's "
            f"InboundSpamThreshold of {threshold}."
        )
    return None


def _spam_score(message: dict[str, Any]) -> float | None:
    for header in message.get("Headers") or []:
        if str(header.get("Name", "")).lower() == SPAM_SCORE_HEADER:
            try:
                return float(header.get("Value", ""))
            except (TypeError, ValueError):
                return None
    return None


# --- filling in the webhook JSON ---------------------------------------------------


def normalize(app: App, payload: Any, received_ts: float) -> dict[str, Any]:
    """The complete inbound webhook JSON for ``payload`` (extra keys are kept)."""
    if not isinstance(payload, dict):
        raise InboundError("An inbound message is a JSON object in Postmark's webhook shape.")
    _check_types(payload)
    message = dict(payload)
    sender = _sender(message)
    message["From"] = sender["Email"]
    message["FromFull"] = sender
    message.setdefault("FromName", sender["Name"])
    for field in ("To", "Cc", "Bcc"):
        _recipient_field(message, field)
    if not message["ToFull"]:
        raise InboundError("An inbound message needs at least one 'To' address.")
    message.setdefault("OriginalRecipient", message["ToFull"][0]["Email"])
    message.setdefault("MailboxHash", _mailbox_hash(message["OriginalRecipient"]))
    message.setdefault("MessageID", str(uuid.uuid4()))
    message.setdefault("Date", format_datetime(datetime.fromtimestamp(received_ts, clock.EASTERN)))
    for field in ("Subject", "ReplyTo", "TextBody", "HtmlBody", "StrippedTextReply", "Tag"):
        message.setdefault(field, "")
    message["Headers"] = [_header(h) for h in message.get("Headers") or []]
    message["Attachments"] = [_attachment(a) for a in message.get("Attachments") or []]
    message["MessageStream"] = _stream(app, message.get("MessageStream"))
    return message


def _check_types(payload: dict[str, Any]) -> None:
    for field in STRING_FIELDS:
        if field in payload and not isinstance(payload[field], str):
            raise InboundError(f"'{field}' must be a string.")
    for field in LIST_FIELDS:
        if field in payload and not isinstance(payload[field], list):
            raise InboundError(f"'{field}' must be an array.")
    if "FromFull" in payload and not isinstance(payload["FromFull"], dict):
        raise InboundError("'FromFull' must be an object.")


def _mailbox_hash(email: str) -> str:
    local = email.rpartition("@")[0]
    return local.partition("+")[2]


def _full(email: str, name: str | None) -> dict[str, str]:
    return {"Email": email, "Name": name or "", "MailboxHash": _mailbox_hash(email)}


def _parse(field: str, value: str) -> list[dict[str, str]]:
    entries = []
    for piece in split_address_list(value):
        address = parse_address(piece)
        if address is None:
            raise InboundError(f"Invalid '{field}' address: '{piece}'.")
        entries.append(_full(address.email, address.name))
    return entries


def _sender(message: dict[str, Any]) -> dict[str, str]:
    given = message.get("FromFull")
    if given and isinstance(given.get("Email"), str):
        return _full(given["Email"], given.get("Name") or message.get("FromName"))
    parsed = _parse("From", message.get("From") or "")
    if len(parsed) != 1:
        raise InboundError("An inbound message needs one 'From' address.")
    if message.get("FromName"):
        parsed[0]["Name"] = message["FromName"]
    return parsed[0]


def _recipient_field(message: dict[str, Any], field: str) -> None:
    """Fill ``To``/``ToFull`` (and Cc, Bcc) from whichever of the two was given."""
    full_key = f"{field}Full"
    if message.get(full_key):
        entries = []
        for item in message[full_key]:
            if not isinstance(item, dict) or not isinstance(item.get("Email"), str):
                raise InboundError(f"Each '{full_key}' item needs an 'Email'.")
            entries.append(_full(item["Email"], item.get("Name")))
        message[full_key] = entries
        message.setdefault(field, ", ".join(_display(e) for e in entries))
    else:
        message[full_key] = _parse(field, message.get(field) or "")
        message.setdefault(field, "")


def _display(entry: dict[str, str]) -> str:
    name = entry["Name"].replace("\\", "\\\\").replace('"', '\\"')
    return f'"{name}" <{entry["Email"]}>' if name else entry["Email"]


def _header(item: Any) -> dict[str, str]:
    if not isinstance(item, dict) or not isinstance(item.get("Name"), str):
        raise InboundError("Each 'Headers' item needs a 'Name' and a 'Value'.")
    return {"Name": item["Name"], "Value": str(item.get("Value") or "")}


def _attachment(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict) or not isinstance(item.get("Name"), str):
        raise InboundError("Each attachment needs a 'Name'.")
    content = str(item.get("Content") or "")
    try:
        size = len(base64.b64decode(content, validate=True))
    except (binascii.Error, ValueError):
        raise InboundError(f"Attachment '{item['Name']}' content is not valid base64.") from None
    return {
        **item,
        "Content": content,
        "ContentType": str(item.get("ContentType") or "application/octet-stream"),
        "ContentLength": item.get("ContentLength", size),
        "ContentID": str(item.get("ContentID") or ""),
    }


def _stream(app: App, given: str | None) -> str:
    streams = [s for s in app.store.streams() if s.type == "Inbound" and s.archived_ts is None]
    if given is None:
        if not streams:
            raise InboundError("This server has no inbound stream.")
        return streams[0].id
    for stream in streams:
        if stream.id == given.lower():
            return stream.id
    raise InboundError(f"'{given}' is not this server's inbound stream.")
