"""Helpers for the event and webhook-delivery tests: webhooks on a receiver, sends, events."""

from __future__ import annotations

from typing import Any

from receiver import Receiver
from sandbox_helpers import Api

from postmark.sandbox import Sandbox

TRIGGER_NAMES = ("Open", "Click", "Delivery", "Bounce", "SpamComplaint", "SubscriptionChange")
ALL_ON = {name: {"Enabled": True} for name in TRIGGER_NAMES}
HTML = '<p>Hi <a href="https://example.com/welcome">welcome</a> <a href="https://example.com/b">b</a></p>'
TEXT = "Hi, see https://example.com/text-link."


def add_webhook(api: Api, hook: Receiver, path: str = "/events", **fields: Any) -> int:
    """A verified webhook on ``hook`` (every trigger on unless ``Triggers`` is given).

    The verification calls are forgotten, so ``hook.requests`` holds events only.
    """
    body = {"Url": hook.url + path, "Triggers": ALL_ON, **fields}
    result = api.post("/webhooks", body)
    assert result.status == 200, result.body
    assert result.json["Status"] == "verified"
    hook.requests.clear()
    webhook_id: int = result.json["ID"]
    return webhook_id


def tracked_send(api: Api, **fields: Any) -> str:
    """Send a message with open and link tracking, HTML and text; its MessageID."""
    base = {
        "To": "reader@example.com",
        "HtmlBody": HTML,
        "TextBody": TEXT,
        "TrackOpens": True,
        "TrackLinks": "HtmlAndText",
        "Tag": "welcome",
        "Metadata": {"user-id": "42"},
    }
    result = api.send(**{**base, **fields})
    assert result.status == 200, result.body
    message_id: str = result.json["MessageID"]
    return message_id


def event(api: Api, kind: str, message_id: str, **fields: Any) -> Any:
    """POST /__sandbox/events; the answer."""
    return api.post("/__sandbox/events", {"type": kind, "message_id": message_id, **fields})


def posted(sandbox: Sandbox, hook: Receiver) -> list[dict[str, Any]]:
    """Every event body the receiver got, once the sandbox's webhook calls are done."""
    assert sandbox.wait_for_webhooks(10)
    return [request.json for request in hook.requests]


def record_types(sandbox: Sandbox, hook: Receiver) -> list[str]:
    return [body["RecordType"] for body in posted(sandbox, hook)]
