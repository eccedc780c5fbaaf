"""What happens to an accepted message: stored, "delivered", or bounced.

Nothing leaves the machine. Every recipient gets a Delivered event, except
recipients at Postmark's bounce-testing domain, who get a bounce record of
the requested type (a hard bounce also suppresses the address on the
message's stream, so the next send to it answers 406).
"""

from __future__ import annotations

import uuid
from typing import Any

from ..http.errors import ApiError, inactive_recipients
from ..store.database import Store
from ..store.outbound import NewBounce, NewMessage, SuppressionRow
from . import clock
from .bounces import DEACTIVATING, bounce_for_recipient, details_for, dump_for
from .validation import Address, OutboundMessage

TEST_JOB_ACCEPTED = "Test job accepted"


def check_active(store: Store, msg: OutboundMessage, *, batch_item: bool) -> None:
    """406 naming every recipient suppressed on the message's stream.

    The message is then not stored at all: Postmark does not document
    whether the active recipients still get it, so the sandbox keeps the
    all-or-nothing answer a client can reason about.
    """
    emails = [a.email for a in msg.recipients]
    suppressed = store.suppressed_among(msg.stream, emails)
    if suppressed:
        found = list(dict.fromkeys(e for e in emails if e.lower() in suppressed))
        raise inactive_recipients(found, batch_item=batch_item)


def send_response(
    msg: OutboundMessage, message_id: str, ts: float, text: str = "OK"
) -> dict[str, Any]:
    """Postmark's answer to an accepted message."""
    return {
        "To": msg.to_raw,
        "SubmittedAt": clock.postmark_timestamp(ts),
        "MessageID": message_id,
        "ErrorCode": 0,
        "Message": text,
    }


def accept_test_job(msg: OutboundMessage) -> dict[str, Any]:
    """The answer for ``POSTMARK_API_TEST``: validated, not stored, not delivered."""
    return send_response(msg, str(uuid.uuid4()), clock.now(), TEST_JOB_ACCEPTED)


def deliver(
    store: Store, msg: OutboundMessage, request: Any, template: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Store ``msg`` (and its test bounces) and answer like Postmark."""
    message_id = str(uuid.uuid4())
    ts = clock.now()
    bounces, suppressions = _bounces(msg, message_id, ts)
    content: dict[str, Any] = {
        "HtmlBody": msg.html_body,
        "TextBody": msg.text_body,
        "ReplyTo": msg.reply_to,
        "Headers": [list(h) for h in msg.headers],
    }
    if template is not None:
        content["Template"] = template
    store.add_message(
        NewMessage(
            message_id=message_id,
            stream=msg.stream,
            received_ts=ts,
            from_raw=msg.from_raw,
            subject=msg.subject,
            tag=msg.tag,
            recipients=[a.email for a in msg.recipients],
            summary=_summary(msg, message_id, ts),
            content=content,
            request=request,
            metadata=msg.metadata,
        ),
        bounces,
        suppressions,
    )
    return send_response(msg, message_id, ts)


def _summary(msg: OutboundMessage, message_id: str, ts: float) -> dict[str, Any]:
    def people(addresses: list[Address]) -> list[dict[str, Any]]:
        return [{"Email": a.email, "Name": a.name} for a in addresses]

    return {
        "Tag": msg.tag,
        "MessageID": message_id,
        "MessageStream": msg.stream,
        "To": people(msg.to),
        "Cc": people(msg.cc),
        "Bcc": people(msg.bcc),
        "Recipients": [a.email for a in msg.recipients],
        "ReceivedAt": clock.postmark_timestamp(ts),
        "From": msg.from_raw,
        "Subject": msg.subject,
        "Attachments": [a.name for a in msg.attachments],
        "Status": "Sent",
        "TrackOpens": msg.track_opens,
        "TrackLinks": msg.track_links,
        "Metadata": dict(msg.metadata),
        "Sandboxed": True,
    }


def _bounces(
    msg: OutboundMessage, message_id: str, ts: float
) -> tuple[list[NewBounce], list[SuppressionRow]]:
    headers = msg.header_map()
    bounces: list[NewBounce] = []
    suppressions: list[SuppressionRow] = []
    bounced_ts = ts + 0.001  # after ReceivedAt, so events sort naturally
    for address in msg.recipients:
        kind = bounce_for_recipient(address.email, headers)
        if kind is None:
            continue
        deactivates = kind.type in DEACTIVATING
        bounces.append(
            NewBounce(
                message_id=message_id,
                stream=msg.stream,
                type=kind.type,
                email=address.email,
                tag=msg.tag,
                from_raw=msg.from_raw,
                subject=msg.subject,
                bounced_ts=bounced_ts,
                inactive=deactivates,
                can_activate=True,
                details=details_for(kind),
                dump=dump_for(kind, address.email, message_id, clock.postmark_timestamp(ts)),
            )
        )
        if deactivates:
            suppressions.append(
                SuppressionRow(msg.stream, address.email, "HardBounce", "Recipient", bounced_ts)
            )
    return bounces, suppressions


def as_item(err: ApiError) -> dict[str, Any]:
    """A batch entry for a message that failed."""
    return {"ErrorCode": err.error_code, "Message": err.message}
