"""What every webhook payload has: the base of the outbound events and of Inbound."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from postmark.webhooks.fields import _str


@dataclass(frozen=True)
class WebhookEvent:
    """What every webhook payload has. ``raw`` is Postmark's JSON, unchanged."""

    record_type: str
    message_id: str | None
    message_stream: str | None
    tag: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    #: The ``kind`` of every event of the class (Bounce, SubscriptionChange: per event).
    _kind: ClassVar[str] = "unknown"

    @property
    def kind(self) -> str:
        """What happened, in words that are the same for every record type.

        ``bounced``, ``deferred``, ``autoresponded``, ``delivered``,
        ``opened``, ``clicked``, ``complained``, ``unsubscribed``,
        ``subscribed``, ``inbound``, or ``unknown`` (a record type this
        library does not know). A Bounce's comes from its ``type``
        (:data:`BOUNCE_KINDS`: an "Unsubscribe" bounce is ``unsubscribed``),
        a SubscriptionChange's from ``suppress_sending``.
        """
        return self._kind

    @classmethod
    def _common(cls, data: Mapping[str, Any], record_type: str) -> dict[str, Any]:
        return {
            "record_type": record_type,
            "message_id": _str(data.get("MessageID")),
            "message_stream": _str(data.get("MessageStream")),
            "tag": _str(data.get("Tag")),
            "raw": dict(data),
        }
