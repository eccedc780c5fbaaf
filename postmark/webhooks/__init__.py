"""Postmark's webhook calls, parsed into typed objects; no web framework needed.

Postmark POSTs one JSON object per event to the URL you configure::

    from postmark.webhooks import WebhookAuth, parse_event

    auth = WebhookAuth.from_settings(basic_auth="postmark:s3cret")
    if not auth.check(request_headers):
        ...                                   # answer 401
    event = parse_event(request_body)         # Bounce, Delivery, Open, Click, ...

Outbound events carry a ``RecordType`` (Bounce, SpamComplaint, Delivery,
Open, Click, SubscriptionChange); inbound email has none and is read with
:func:`parse_inbound`. Each parser refuses the other webhook's payloads
with :class:`WrongWebhook` (a webhook pointed at the wrong URL). Parsing
is tolerant: unknown fields are kept in ``.raw``, a field of an unexpected
type becomes ``None``, and a record type this library does not know yet
becomes an :class:`UnknownEvent` instead of an error, so a new Postmark
feature never turns into failed (and retried) webhook calls.

Postmark does not sign webhook calls. It can send HTTP basic auth
credentials (put them in the webhook URL) and custom headers (a shared
secret), and :class:`WebhookAuth` checks both in constant time.

Everything is imported from ``postmark.webhooks``; its modules are the
layout, not separate APIs: ``payload`` (body -> JSON object, size limits,
:class:`WebhookError`), ``fields`` (the tolerant field readers), ``base``
(:class:`WebhookEvent`), ``events`` (outbound events and
:func:`parse_event`), ``inbound`` (inbound email) and ``auth``
(credentials).
"""

from __future__ import annotations

from postmark.webhooks.auth import BASIC_REALM as BASIC_REALM  # public, never in __all__
from postmark.webhooks.auth import (
    BasicAuth,
    SecretHeader,
    WebhookAuth,
    basic_auth_header,
    check_basic_auth,
    check_secret_header,
)
from postmark.webhooks.base import WebhookEvent
from postmark.webhooks.events import (
    BOUNCE_KINDS,
    EVENT_TYPES,
    Agent,
    Bounce,
    Click,
    Delivery,
    Geo,
    Open,
    OutboundEvent,
    SpamComplaint,
    SubscriptionChange,
    UnknownEvent,
    parse_event,
)
from postmark.webhooks.fields import parse_datetime
from postmark.webhooks.inbound import Header, Inbound, InboundAttachment, Mailbox, parse_inbound
from postmark.webhooks.payload import (
    MAX_DEPTH,
    MAX_EVENT_BYTES,
    MAX_INBOUND_BYTES,
    WebhookError,
    WebhookTooLarge,
    WrongWebhook,
    load_payload,
)

__all__ = [
    "BOUNCE_KINDS",
    "EVENT_TYPES",
    "MAX_DEPTH",
    "MAX_EVENT_BYTES",
    "MAX_INBOUND_BYTES",
    "Agent",
    "BasicAuth",
    "Bounce",
    "Click",
    "Delivery",
    "Geo",
    "Header",
    "Inbound",
    "InboundAttachment",
    "Mailbox",
    "Open",
    "OutboundEvent",
    "SecretHeader",
    "SpamComplaint",
    "SubscriptionChange",
    "UnknownEvent",
    "WebhookAuth",
    "WebhookError",
    "WebhookEvent",
    "WebhookTooLarge",
    "WrongWebhook",
    "basic_auth_header",
    "check_basic_auth",
    "check_secret_header",
    "load_payload",
    "parse_datetime",
    "parse_event",
    "parse_inbound",
]
