"""Webhook parsing, for arbitrary input (hypothesis): an event or a WebhookError, nothing else.

Postmark retries a webhook call answered with 5xx, so any other exception
escaping the parser is a retry storm in the Django views. Checked for
arbitrary bytes, text, arbitrary JSON values (alone and in the fields each
event reads), already-decoded mappings (which may hold what JSON cannot),
and nesting around the depth limit and far beyond it.
"""

from __future__ import annotations

import json
import math
from email.message import EmailMessage
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from postmark.webhooks import (
    EVENT_TYPES,
    MAX_DEPTH,
    Inbound,
    WebhookError,
    WebhookEvent,
    WrongWebhook,
    parse_event,
    parse_inbound,
)

FAST = settings(max_examples=200, deadline=None)

# Strings that broke a field reader: isdigit() but not int(), past int's
# 4300-digit limit, dates past year 9999, offsets of a day or more.
hostile_text = st.sampled_from(
    [
        "²",
        "1" * 5000,
        "-" + "9" * 4400,
        "Mon, 1 Jan 99999999999 00:00:00 +0000",
        "2024-05-14T10:02:41+24:00",
        "9999-12-31T23:59:59.9999999Z",
        "true",
        "NaN",
        "",
    ]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and infinities too: json.dumps writes them, json.loads reads them
    st.text(max_size=40),
    hostile_text,
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=8,
)
FIELDS = [
    "RecordType", "MessageID", "MessageStream", "Tag", "ServerID", "Metadata", "ID", "Type",
    "TypeCode", "Email", "From", "BouncedAt", "DumpAvailable", "Inactive", "CanActivate",
    "Content", "DeliveredAt", "ReceivedAt", "Client", "OS", "Geo", "FirstOpen", "ReadSeconds",
    "ChangedAt", "SuppressSending", "FromFull", "ToFull", "CcFull", "BccFull", "Date",
    "Headers", "Attachments", "OriginalRecipient", "StrippedTextReply", "MailboxHash",
    "RawEmail", "ServerId",
]  # fmt: skip
record_types = st.one_of(st.sampled_from(sorted(EVENT_TYPES)), st.none(), json_values)
# Postmark-shaped objects: the fields every event reads, holding any JSON value
# (or a list of small objects, so the readers of inbound lists' items run too).
items = st.lists(
    st.dictionaries(
        st.sampled_from(["Email", "Name", "Value", "Content", "Data", "ContentLength"]), scalars
    ),
    max_size=3,
)
payloads = st.builds(
    lambda record_type, fields: {"RecordType": record_type, **fields},
    record_types,
    st.dictionaries(
        st.sampled_from(FIELDS), st.one_of(hostile_text, json_values, items), max_size=8
    ),
).map(lambda data: {k: v for k, v in data.items() if not (k == "RecordType" and v is None)})
# Nested lists and objects around the depth limit and far beyond it, closed or not.
nesting = st.builds(
    lambda depth, closed, brackets: (
        b'{"RecordType": "Delivery", "X": '
        + brackets[0] * depth
        + (brackets[1] * depth + b"}" if closed else b"")
    ),
    st.one_of(st.integers(MAX_DEPTH - 2, MAX_DEPTH + 2), st.integers(0, 50_000)),
    st.booleans(),
    st.sampled_from([(b"[", b"]"), (b'{"a":' * 1, b"}")]),
)
bodies = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    payloads.map(lambda v: json.dumps(v).encode()),
    payloads.map(json.dumps),
    nesting,
)


KINDS = {"bounced", "deferred", "autoresponded", "delivered", "opened", "clicked", "complained",
         "unsubscribed", "subscribed", "inbound", "unknown"}  # fmt: skip


def event_or_webhook_error(parse: Any, body: Any) -> None:
    try:
        event = parse(body)
    except WebhookError:
        return
    assert isinstance(event, WebhookEvent)
    assert isinstance(event.raw, dict)
    assert event.kind in KINDS
    if isinstance(event, Inbound):
        read_inbound_helpers(event)


def read_inbound_helpers(message: Inbound) -> None:
    """The helpers read headers, attachments and RawEmail on demand: they must not raise either."""
    assert message.raw_message is None or isinstance(message.raw_message, EmailMessage)
    assert message.envelope_sender is None or message.envelope_sender.strip()
    score = message.spam_score
    assert score is None or math.isfinite(score)
    assert message.spam_detected in (None, True, False)
    for attachment in message.attachments:
        assert isinstance(attachment.content, bytes)


@FAST
@given(bodies)
def test_any_body_is_an_event_or_a_webhook_error(body: bytes | str) -> None:
    event_or_webhook_error(parse_event, body)
    event_or_webhook_error(parse_inbound, body)


# A mapping handed over already decoded may hold what JSON cannot: tuples, dates.
python_values = st.recursive(
    st.one_of(scalars, st.datetimes(), st.dates()),
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(tuple), st.dictionaries(st.text(max_size=5), children)
    ),
    max_leaves=6,
)
decoded = st.one_of(
    payloads,
    st.builds(
        lambda data, metadata: {**data, "Metadata": metadata},
        payloads,
        st.dictionaries(st.text(max_size=5), python_values, min_size=1, max_size=3),
    ),
    st.dictionaries(st.text(max_size=10), json_values),
)


@FAST
@given(decoded)
def test_any_decoded_mapping_is_an_event_or_a_webhook_error(data: dict[str, Any]) -> None:
    event_or_webhook_error(parse_event, data)
    event_or_webhook_error(parse_inbound, data)


INBOUND_ONLY = {"FromFull", "ToFull", "CcFull", "BccFull", "OriginalRecipient", "RawEmail",
                "StrippedTextReply", "MailboxHash", "Headers", "Attachments"}  # fmt: skip


@FAST
@given(payloads)
def test_a_postmark_shaped_object_within_the_limits_is_always_an_event(
    data: dict[str, Any],
) -> None:
    body = json.dumps(data).encode()
    assert isinstance(parse_event(body, accept_inbound=True), WebhookEvent)
    # ... of the webhook it belongs to; the other one refuses it with WrongWebhook.
    record_type = data.get("RecordType")
    inbound = record_type == "Inbound" or (record_type is None and bool(INBOUND_ONLY & set(data)))
    try:
        assert isinstance(parse_inbound(body), Inbound) and inbound
    except WrongWebhook as error:
        assert not inbound and error.expected == "inbound"
    try:
        assert not isinstance(parse_event(body), Inbound) and not inbound
    except WrongWebhook as error:
        assert inbound and error.expected == "events"


# The headers the inbound helpers read, holding any text (or JSON value), in any order.
helper_headers = st.lists(
    st.fixed_dictionaries(
        {
            "Name": st.sampled_from(
                ["Return-Path", "Received-SPF", "X-Spam-Score", "X-Spam-Status", "return-path"]
            ),
            "Value": st.one_of(
                st.text(max_size=60),
                hostile_text,
                scalars,
                st.from_regex(r"(envelope-from=|domain of |score=|<)[\x00-\x7f]{0,30}"),
            ),
        }
    ),
    max_size=5,
)


@FAST
@given(helper_headers, st.one_of(st.none(), st.text(max_size=300)))
def test_the_inbound_helpers_never_raise(headers: list[dict[str, Any]], raw: str | None) -> None:
    message = parse_inbound({"FromFull": {}, "Headers": headers, "RawEmail": raw})
    read_inbound_helpers(message)
