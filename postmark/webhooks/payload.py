"""The JSON object of a webhook body, its limits, and the errors for a body that is not one.

The limits are defined here once: the parsers apply them, and the Django
views use them as their defaults (``POSTMARK_WEBHOOK_MAX_BYTES``,
``POSTMARK_INBOUND_MAX_BYTES``), answering 413 for :class:`WebhookTooLarge`
and 400 for any other :class:`WebhookError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from postmark.exceptions import PostmarkError

#: Default largest body accepted for outbound events (a Bounce with
#: ``IncludeContent`` carries the bounced message, which Postmark stores
#: up to 1 MB; the rest is headroom).
MAX_EVENT_BYTES = 10 * 1024 * 1024
#: Default largest inbound body: Postmark accepts 35 MB of attachments,
#: which is about 47 MB once base64-encoded into the JSON, and ``RawEmail``
#: (when enabled) repeats all of it. A refused inbound call is retried by
#: Postmark and finally marked "Inbound Error", so err on the large side.
MAX_INBOUND_BYTES = 100 * 1024 * 1024
#: Deepest nesting accepted; the payload object itself is level 1. Postmark's
#: payloads use 3 (Inbound -> Attachments -> attachment); 64 is the default
#: maximum depth of .NET's JSON readers, and keeps every consumer that walks
#: ``raw`` recursively far from Python's recursion limit.
MAX_DEPTH = 64


class WebhookError(PostmarkError, ValueError):
    """A webhook body that is not a JSON object (answer it with HTTP 400)."""


class WebhookTooLarge(WebhookError):
    """A webhook body over the size limit (answer it with HTTP 413).

    Attributes:
        max_bytes: the limit it went over.
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"The webhook body is larger than {max_bytes} bytes.")
        self.max_bytes = max_bytes


class WrongWebhook(WebhookError):
    """A payload of the other webhook: Postmark's webhooks point at the wrong URL (answer 400).

    :func:`parse_inbound` raises it for an outbound event (a ``RecordType``
    other than ``"Inbound"``, or no inbound fields at all) and
    :func:`parse_event` for inbound email. A 400 tells Postmark so at once:
    a webhook being created or edited fails verification, an outbound event
    is dropped and an inbound message is retried (then kept as "Inbound
    Error", which ``client.inbound.retry()`` posts again once the URL is
    fixed).

    Attributes:
        record_type: what the payload looks like: its ``RecordType``
            (``"Delivery"`` ...), ``"Inbound"``, or ``""`` for an object
            with neither a ``RecordType`` nor inbound fields.
        expected: what the receiving side takes: ``"inbound"`` (the
            server's inbound webhook) or ``"events"`` (the streams' webhooks).
    """

    def __init__(self, record_type: str, expected: str) -> None:
        self.record_type = record_type
        self.expected = expected
        super().__init__(self.explain())

    def explain(self, url: str | None = None, right_url: str | None = None) -> str:
        """The message, naming the URL it was posted to and the one it belongs at, if known."""
        here = f" ({url})" if url else ""
        there = f" ({right_url})" if right_url else ""
        if self.expected == "events":
            return (
                f"This looks like an inbound email, but it was posted to the outbound events "
                f"webhook URL{here}: point the server's inbound webhook (InboundHookUrl) at the "
                f"inbound webhook URL{there} instead; this URL takes the message streams' "
                "webhooks (Bounce, Delivery, Open, Click, SpamComplaint, SubscriptionChange)."
            )
        if self.record_type:
            lead = f"This looks like an outbound {self.record_type} event"
            webhook = f"{self.record_type} webhook"
        else:
            lead = "This is not inbound email (no RecordType and none of the inbound fields)"
            webhook = "outbound webhooks"
        return (
            f"{lead}, but it was posted to the inbound webhook URL{here}: "
            f"point Postmark's {webhook} (the message stream's Webhooks page) at the events "
            f"webhook URL{there} instead; only the server's inbound webhook belongs here."
        )


def load_payload(
    body: bytes | str | Mapping[str, Any], *, max_bytes: int | None = MAX_INBOUND_BYTES
) -> dict[str, Any]:
    """The JSON object of a webhook body.

    Args:
        body: the request body (text is measured in UTF-8), or a mapping
            already decoded (only its depth is checked).
        max_bytes: the largest body accepted; None for no limit.

    Raises:
        WebhookTooLarge: the body is longer than ``max_bytes``.
        WebhookError: the body is not UTF-8 JSON, not a JSON object, or
            nested deeper than :data:`MAX_DEPTH`.
    """
    if isinstance(body, Mapping):
        data = dict(body)
    else:
        if max_bytes is not None and _size_over(body, max_bytes):
            raise WebhookTooLarge(max_bytes)
        try:
            data = json.loads(body)
        except RecursionError:
            raise _too_deep() from None
        except (TypeError, ValueError) as error:  # UnicodeDecodeError is a ValueError
            # Newer Pythons parse deeper before giving up, so an unterminated deep
            # body fails as invalid JSON instead of RecursionError: say why alike.
            if _text_deeper_than(body, MAX_DEPTH):
                raise _too_deep() from None
            raise WebhookError(f"The webhook body is not valid JSON ({error}).") from None
        if not isinstance(data, dict):
            raise WebhookError(
                f"The webhook body is JSON {type(data).__name__}, not an object; "
                "Postmark sends one JSON object per call."
            )
    if _deeper_than(data, MAX_DEPTH):
        raise _too_deep()
    return data


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _text_deeper_than(body: object, limit: int) -> bool:
    """Whether JSON text opens more than ``limit`` nested arrays or objects (error path only)."""
    if isinstance(body, (bytes, bytearray)):
        body = bytes(body).decode("utf-8", "replace")
    if not isinstance(body, str):
        return False
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub('""', body)):
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def _size_over(body: object, limit: int) -> bool:
    if not isinstance(body, (str, bytes, bytearray)):
        return False  # not a body json.loads reads either: "not valid JSON"
    if len(body) > limit:  # a character is at least one byte
        return True
    if isinstance(body, str) and len(body) * 4 > limit:  # ... and at most four
        return len(body.encode("utf-8", "surrogatepass")) > limit
    return False


def _deeper_than(data: dict[str, Any], limit: int) -> bool:
    """Whether containers nest deeper than ``limit``; without recursion, so any depth is safe."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, Mapping) else value
        stack.extend((c, depth + 1) for c in children if isinstance(c, (Mapping, list, tuple)))
    return False


def _too_deep() -> WebhookError:
    return WebhookError(f"The webhook body is nested more than {MAX_DEPTH} levels deep.")
