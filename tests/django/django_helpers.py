"""Helpers shared by the tests in tests/django (imported by module name, like sandbox_helpers)."""

from __future__ import annotations

import json
import pathlib
from typing import Any

TOKEN = "server-token-from-settings"
BACKEND = "postmark.django_backend.EmailBackend"
API = "https://api.postmarkapp.com"
PAYLOADS = pathlib.Path(__file__).parent.parent / "webhooks"


def send_response(message_id: str = "0a129aee-e1cd-480d-b08d-4f48548ff48d") -> dict[str, Any]:
    """Postmark's answer to a successful POST /email."""
    return {
        "To": "to@example.com",
        "SubmittedAt": "2024-05-14T09:21:37.5512864-04:00",
        "MessageID": message_id,
        "ErrorCode": 0,
        "Message": "OK",
    }


def batch_echo(request: Any) -> tuple[int, dict[str, str], str]:
    """A responses callback for the batch endpoints: every message accepted as "id-<To>"."""
    sent = json.loads(request.body)
    sent = sent["Messages"] if isinstance(sent, dict) else sent
    answer = [{**send_response(f"id-{m['To']}"), "To": m["To"]} for m in sent]
    return 200, {}, json.dumps(answer)


def payload(name: str) -> bytes:
    """A webhook body from tests/webhooks/."""
    return (PAYLOADS / name).read_bytes()


def default_connection() -> Any:
    """The default email connection the way each Django version recommends.

    Django 6.1 deprecates ``get_connection()`` for ``mail.mailers``; both
    build the backend from the same settings.
    """
    import django
    from django.core import mail

    if django.VERSION >= (6, 1):
        return mail.mailers.default
    return mail.get_connection()
