"""What every webhook payload has: the base of the outbound events and of Inbound."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from postmark.webhooks.fields import _str


@dataclass(frozen=True)
class WebhookEvent:
    """What every webhook payload has. ``raw`` is Postmark's JSON, unchanged."""

    record_type: str
    message_id: str | None
    message_stream: str | None
    tag: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def _common(cls, data: Mapping[str, Any], record_type: str) -> dict[str, Any]:
        return {
            "record_type": record_type,
            "message_id": _str(data.get("MessageID")),
            "message_stream": _str(data.get("MessageStream")),
            "tag": _str(data.get("Tag")),
            "raw": dict(data),
        }
