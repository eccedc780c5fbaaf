"""The inbox's Webhooks page over HTTP: configured webhooks, calls, filters, escaping.

The calls are real: the sandbox posts its events to a loopback receiver
(``tests/sandbox/receiver.py``) that answers the statuses and bodies a test
chooses.
"""

from __future__ import annotations

import html
import re

import pytest
from event_helpers import add_webhook, event, tracked_send
from receiver import Receiver
from sandbox_helpers import Api, Result

from postmark.sandbox import Sandbox
from postmark.sandbox.ui import webhooks

ONLY = {"Enabled": False}


def page(api: Api, query: str = "") -> Result:
    return api.get("/inbox/webhooks" + query, token=None, headers={"Accept": "text/html"})


def outcomes(result: Result) -> list[str]:
    """The Outcome of each call row, top to bottom."""
    assert result.status == 200, result.body
    return re.findall(r'<tr class="call-[a-z]+" data-outcome="([A-Za-z]+)">', result.text)


def event_types(result: Result) -> list[str]:
    return re.findall(r'data-outcome="[A-Za-z]+"><td class="when">.*?</td><td>(\w+) ', result.text)


def test_configured_webhook_shows_user_headers_and_triggers_but_not_the_password(
    api: Api, hook: Receiver
) -> None:
    add_webhook(
        api,
        hook,
        HttpAuth={"Username": "hook-user", "Password": "s3cret-pass"},
        HttpHeaders=[{"Name": "X-Team", "Value": "billing"}],
        Triggers={"Open": {"Enabled": True, "PostFirstOpenOnly": True}, "Bounce": ONLY},
    )
    result = page(api)
    assert result.status == 200
    assert "s3cret-pass" not in result.text
    row = re.search(r'<tr data-webhook="\d+">(.*?)</tr>', result.text)
    assert row, result.text
    cells = row.group(1)
    assert html.escape(hook.url + "/events") in cells
    assert "<code>hook-user</code> / <code>••••••</code>" in cells
    assert "<code>X-Team: billing</code>" in cells
    assert "Open (PostFirstOpenOnly)" in cells
    assert "Bounce" not in cells  # switched off
    assert 'aria-current="page">Webhooks<' in result.text


def test_calls_newest_first_filtered_by_status_and_event_type(
    sandbox: Sandbox, api: Api, hook: Receiver
) -> None:
    add_webhook(api, hook)
    hook.answer(400)  # the first Delivery is refused: Failed, never retried (4xx)
    first = tracked_send(api, To="one@example.com")
    assert sandbox.wait_for_webhooks(10)
    second = tracked_send(api, To="two@example.com")
    assert sandbox.wait_for_webhooks(10)
    assert event(api, "open", second).status == 200
    assert sandbox.wait_for_webhooks(10)

    every = page(api)
    assert outcomes(every) == ["Delivered", "Delivered", "Failed"]
    assert event_types(every) == ["Open", "Delivery", "Delivery"]
    assert '<td class="status">400</td>' in every.text
    assert f'href="/inbox/messages/{first}?tab=webhooks"' in every.text

    assert outcomes(page(api, "?status=ok")) == ["Delivered", "Delivered"]
    failed = page(api, "?status=failed")
    assert outcomes(failed) == ["Failed"]
    assert f"/inbox/messages/{first}?tab=webhooks" in failed.text
    assert f"/inbox/messages/{second}?" not in failed.text
    assert event_types(page(api, "?type=Open")) == ["Open"]
    assert outcomes(page(api, "?type=Open&status=failed")) == []
    assert '<option value="Open" selected>' in page(api, "?type=Open").text


def test_calls_without_answer_show_no_status_attempts_and_retries(
    events_sandbox: Sandbox, events_api: Api
) -> None:
    # events_sandbox runs Postmark's retry schedule 10 000 times faster.
    with Receiver() as gone:
        add_webhook(events_api, gone)
    tracked_send(events_api, To="one@example.com")  # nothing listens: connection refused
    assert events_sandbox.wait_for_webhooks(10)
    result = page(events_api, "?status=failed")
    assert outcomes(result) == ["Failed"] + ["Retrying"] * 6
    assert result.text.count('<td class="status"><span class="muted">no answer</span></td>') == 7
    attempts = re.findall(r'<td>(\d) <span class="muted">of 7</span></td>', result.text)
    assert attempts == ["7", "6", "5", "4", "3", "2", "1"]
    calls = events_sandbox.webhook_deliveries()
    assert all(c["Response"] and html.escape(c["Response"]) in result.text for c in calls)
    assert result.text.count("<time ") >= 7 + 6  # attempted, and the next attempt of each retry
    assert outcomes(page(events_api, "?status=ok")) == []


def test_a_receiver_answer_with_markup_is_shown_escaped(sandbox: Sandbox, api: Api) -> None:
    with Receiver(reply=b'<script>alert("hook")</script><b>bold</b>') as hook:
        add_webhook(api, hook)
        tracked_send(api, To="one@example.com")
        assert sandbox.wait_for_webhooks(10)
        result = page(api)
    assert outcomes(result) == ["Delivered"]
    assert "&lt;script&gt;alert(&quot;hook&quot;)&lt;/script&gt;&lt;b&gt;bold" in result.text
    assert "<script>alert" not in result.text
    assert "<b>bold" not in result.text


def test_pages_of_calls(
    sandbox: Sandbox, api: Api, hook: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhooks, "PAGE_SIZE", 2)
    add_webhook(api, hook)
    sent = [tracked_send(api, To=f"r{n}@example.com") for n in range(3)]
    assert sandbox.wait_for_webhooks(10)
    first = page(api)
    assert len(outcomes(first)) == 2
    assert f"/inbox/messages/{sent[2]}?tab=webhooks" in first.text
    assert 'href="/inbox/webhooks?page=2">Older</a>' in first.text
    second = page(api, "?page=2")
    assert len(outcomes(second)) == 1
    assert f"/inbox/messages/{sent[0]}?tab=webhooks" in second.text
    assert ">Newer</a>" in second.text and ">Older</a>" not in second.text


@pytest.mark.parametrize("query", ["?status=good", "?type=Opened", "?type=%3Cb%3E"])
def test_an_unknown_filter_is_refused_not_ignored(api: Api, query: str) -> None:
    result = page(api, query)
    assert result.status == 400
    assert "Unknown" in result.text
    assert "<b>" not in result.text.split("<main", 1)[1]


def test_no_webhooks_no_calls(api: Api) -> None:
    result = page(api)
    assert result.status == 200
    assert "No webhooks." in result.text
    assert "No webhook calls match." in result.text
    assert "<h1>Webhooks</h1>" in result.text
