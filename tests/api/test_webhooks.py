"""Webhooks configuration API, including verify and statistics."""

from __future__ import annotations

import pytest

import postmark
from postmark.api.webhooks import webhook_triggers

from .wire import Case, check, ids

WEBHOOK = {
    "ID": 1234567,
    "Url": "https://example.com/hooks/postmark",
    "MessageStream": "outbound",
    "HttpAuth": {"Username": "user", "Password": "pass"},
    "HttpHeaders": [{"Name": "X-Source", "Value": "postmark"}],
    "Triggers": {"Bounce": {"Enabled": True, "IncludeContent": False}},
}

CASES = [
    Case(
        "list-by-stream",
        lambda c: c.webhooks.list(message_stream="outbound"),
        "GET",
        "/webhooks",
        query={"MessageStream": "outbound"},
        answer={"Webhooks": [WEBHOOK]},
    ),
    Case("get", lambda c: c.webhooks.get(1234567), "GET", "/webhooks/1234567", answer=WEBHOOK),
    Case(
        "create",
        lambda c: c.webhooks.create(
            url="https://example.com/hooks/postmark",
            message_stream="outbound",
            http_auth=("user", "pass"),
            http_headers={"X-Source": "postmark"},
            triggers=webhook_triggers(bounce=True, bounce_include_content=False),
        ),
        "POST",
        "/webhooks",
        body={
            "Url": "https://example.com/hooks/postmark",
            "MessageStream": "outbound",
            "HttpAuth": {"Username": "user", "Password": "pass"},
            "HttpHeaders": [{"Name": "X-Source", "Value": "postmark"}],
            "Triggers": {"Bounce": {"Enabled": True, "IncludeContent": False}},
        },
        answer=WEBHOOK,
    ),
    Case(
        "edit-sends-only-the-changed-trigger",
        lambda c: c.webhooks.edit(1234567, triggers=webhook_triggers(click=False)),
        "PUT",
        "/webhooks/1234567",
        body={"Triggers": {"Click": {"Enabled": False}}},
        answer=WEBHOOK,
    ),
    Case(
        "delete",
        lambda c: c.webhooks.delete(1234567),
        "DELETE",
        "/webhooks/1234567",
        answer={"ErrorCode": 0, "Message": "Webhook 1234567 removed."},
    ),
    Case(
        "verify",
        lambda c: c.webhooks.verify(1234567),
        "POST",
        "/webhooks/1234567/verify",
        answer={
            "Id": 1234567,
            "Url": WEBHOOK["Url"],
            "Success": False,
            "Results": [{"TriggerType": "Bounce", "Success": False, "StatusCode": 500}],
            "Message": "Verification failed",
        },
    ),
    Case(
        "statistics",
        lambda c: c.webhooks.statistics(1234567),
        "GET",
        "/webhooks/1234567/statistics",
        answer={"WebhookId": 1234567, "Url": WEBHOOK["Url"], "Metrics": {"Delivered": 10}},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, server: postmark.ServerClient) -> None:
    check(case, server, "server")


def test_triggers_spell_every_postmark_trigger() -> None:
    assert webhook_triggers(
        open=True,
        post_first_open_only=True,
        click=True,
        delivery=False,
        bounce=True,
        bounce_include_content=True,
        spam_complaint=True,
        spam_complaint_include_content=False,
        subscription_change=True,
    ) == {
        "Open": {"Enabled": True, "PostFirstOpenOnly": True},
        "Click": {"Enabled": True},
        "Delivery": {"Enabled": False},
        "Bounce": {"Enabled": True, "IncludeContent": True},
        "SpamComplaint": {"Enabled": True, "IncludeContent": False},
        "SubscriptionChange": {"Enabled": True},
    }
    assert webhook_triggers() == {}
