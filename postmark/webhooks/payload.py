"""The JSON object of a webhook body, and the error for a body that is not one."""

from __future__ import annotations

import json
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


class WebhookError(PostmarkError, ValueError):
    """A webhook body that is not a JSON object (answer it with HTTP 400)."""


def load_payload(body: bytes | str | Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object of a webhook body.

    Raises:
        WebhookError: the body is not UTF-8 JSON, or not a JSON object.
    """
    if isinstance(body, Mapping):
        return dict(body)
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise WebhookError(f"The webhook body is not valid JSON ({error}).") from None
    if not isinstance(data, dict):
        raise WebhookError(
            f"The webhook body is JSON {type(data).__name__}, not an object; "
            "Postmark sends one JSON object per call."
        )
    return data
