"""Webhook configuration: ``client.webhooks`` (Postmark's Webhooks API).

Which URLs Postmark calls for delivery, bounce, open, click, spam complaint
and subscription events of a stream. (Receiving those calls is
``postmark.django`` / ``postmark.webhooks``, not this module.)

https://postmarkapp.com/developer/api/webhooks-api
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from postmark.api.base import M, Section, compact, endpoint
from postmark.api.types import Acknowledgement, Webhook, WebhookList, WebhookVerification
from postmark.protocol import Request, path_segment

HttpHeaders = Mapping[str, str] | Sequence[Mapping[str, str]]


def webhook_triggers(
    *,
    open: bool | None = None,  # Postmark's trigger name, shadowing the builtin here only
    post_first_open_only: bool | None = None,
    click: bool | None = None,
    delivery: bool | None = None,
    bounce: bool | None = None,
    bounce_include_content: bool | None = None,
    spam_complaint: bool | None = None,
    spam_complaint_include_content: bool | None = None,
    subscription_change: bool | None = None,
) -> dict[str, dict[str, bool]]:
    """Postmark's ``Triggers`` object; triggers left at ``None`` are not sent.

    On an edit, Postmark changes only the triggers sent, so
    ``webhook_triggers(click=False)`` turns off clicks and keeps the rest.
    """
    triggers = {
        "Open": {"Enabled": open, "PostFirstOpenOnly": post_first_open_only},
        "Click": {"Enabled": click},
        "Delivery": {"Enabled": delivery},
        "Bounce": {"Enabled": bounce, "IncludeContent": bounce_include_content},
        "SpamComplaint": {
            "Enabled": spam_complaint,
            "IncludeContent": spam_complaint_include_content,
        },
        "SubscriptionChange": {"Enabled": subscription_change},
    }
    return {name: compact(flags) for name, flags in triggers.items() if compact(flags)}


def _http_auth(http_auth: tuple[str, str] | Mapping[str, str] | None) -> dict[str, str] | None:
    if http_auth is None or isinstance(http_auth, Mapping):
        return None if http_auth is None else dict(http_auth)
    username, password = http_auth
    return {"Username": username, "Password": password}


def _http_headers(headers: HttpHeaders | None) -> list[dict[str, str]] | None:
    if headers is None:
        return None
    if isinstance(headers, Mapping):
        return [{"Name": name, "Value": value} for name, value in headers.items()]
    return [dict(header) for header in headers]


def _path(webhook_id: int | str, suffix: str = "") -> str:
    return f"/webhooks/{path_segment(webhook_id)}{suffix}"


class WebhooksAPI(Section[M]):
    """Create, read, change, delete, verify and watch webhooks."""

    @endpoint
    def list(self, *, message_stream: str | None = None) -> Request[WebhookList]:
        """Every webhook of the server, or of one stream (not paged).

        ``GET /webhooks?MessageStream=``; an unknown stream is an error, not an empty list.
        """
        params = {"MessageStream": message_stream}
        return Request("GET", "/webhooks", params=params)

    @endpoint
    def get(self, webhook_id: int | str) -> Request[Webhook]:
        """One webhook.

        ``GET /webhooks/{id}``
        """
        return Request("GET", _path(webhook_id))

    @endpoint
    def create(
        self,
        *,
        url: str,
        message_stream: str | None = None,
        http_auth: tuple[str, str] | Mapping[str, str] | None = None,
        http_headers: HttpHeaders | None = None,
        triggers: Mapping[str, Any] | None = None,
        verify: bool | None = None,
    ) -> Request[Webhook]:
        """Create a webhook for a transactional or broadcast stream.

        ``POST /webhooks``

        Args:
            message_stream: default ``outbound``.
            http_auth: ``(username, password)`` for HTTP basic auth on the calls.
            http_headers: extra headers, ``{"Name": "Value"}`` or Postmark's list form.
            triggers: Postmark's ``Triggers`` object; build it with
                :func:`webhook_triggers` (e.g. ``webhook_triggers(bounce=True)``).
            verify: whether Postmark checks the URL first (Postmark's default: yes).
        """
        body = {
            "Url": url,
            "MessageStream": message_stream,
            "HttpAuth": _http_auth(http_auth),
            "HttpHeaders": _http_headers(http_headers),
            "Triggers": dict(triggers) if triggers is not None else None,
            "Verify": verify,
        }
        return Request("POST", "/webhooks", json=compact(body))

    @endpoint
    def edit(
        self,
        webhook_id: int | str,
        *,
        url: str | None = None,
        http_auth: tuple[str, str] | Mapping[str, str] | None = None,
        http_headers: HttpHeaders | None = None,
        triggers: Mapping[str, Any] | None = None,
    ) -> Request[Webhook]:
        """Change a webhook; only the triggers passed change (the stream cannot).

        ``PUT /webhooks/{id}``
        """
        body = {
            "Url": url,
            "HttpAuth": _http_auth(http_auth),
            "HttpHeaders": _http_headers(http_headers),
            "Triggers": dict(triggers) if triggers is not None else None,
        }
        return Request("PUT", _path(webhook_id), json=compact(body))

    @endpoint
    def delete(self, webhook_id: int | str) -> Request[Acknowledgement]:
        """Delete a webhook.

        ``DELETE /webhooks/{id}``
        """
        return Request("DELETE", _path(webhook_id))

    @endpoint
    def verify(self, webhook_id: int | str) -> Request[WebhookVerification]:
        """Have Postmark call the webhook's URL with a test event per trigger.

        ``POST /webhooks/{id}/verify``. Postmark answers HTTP 200 even when
        the URL failed: check ``Success`` and ``Results``.
        """
        return Request("POST", _path(webhook_id, "/verify"))

    @endpoint
    def statistics(self, webhook_id: int | str) -> Request[dict[str, Any]]:
        """Delivery statistics of a webhook over the last 24 hours.

        ``GET /webhooks/{id}/statistics``; answers ``{"WebhookId", "Url",
        "Statuses", "TimeRange", "Metrics", "MetricsByTrigger"}``.
        """
        return Request("GET", _path(webhook_id, "/statistics"))
