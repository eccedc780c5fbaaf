"""The inbox's Webhooks page in a real Chromium: a simulated event's call shows up there."""

from __future__ import annotations

from typing import Any

import pytest
from browser import Browser
from event_helpers import add_webhook, tracked_send
from receiver import Receiver
from sandbox_helpers import Api

from postmark.sandbox import Sandbox

pytestmark = pytest.mark.browser


def cells(row: Any) -> list[str]:
    return [td.text for td in row.find_elements("css selector", "td")]


def test_a_simulated_click_and_its_retry_show_on_the_webhooks_page(
    browser: Browser, events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    # events_sandbox runs Postmark's retry schedule 10 000 times faster (a retry in 6 ms).
    sandbox, api = events_sandbox, events_api
    add_webhook(api, hook)
    message_id = tracked_send(api, To="reader@example.com")
    assert sandbox.wait_for_webhooks(10)  # the Delivery call
    hook.answer(503)  # the click's first call fails and is retried

    browser.open(f"{sandbox.url}/inbox/messages/{message_id}")
    browser.click("button[data-simulate='click']")
    browser.wait(lambda: browser.url.endswith("?tab=events"), "the Events tab")
    assert sandbox.wait_for_webhooks(10)
    assert len(hook.requests) == 3  # Delivery, Click (503), Click again (200)

    browser.click("header nav a[href='/inbox/webhooks']")
    browser.wait_text("h1", "Webhooks")
    assert browser.find("header nav a[aria-current='page']").text == "Webhooks"
    retry, first, delivery = (cells(r) for r in browser.all("table.webhooks tbody tr"))
    assert retry[1].startswith("Click") and first[1].startswith("Click")
    assert delivery[1].startswith("Delivery")
    assert first[2] == hook.url + "/events"
    assert (first[3], first[4], first[5]) == ("1 of 7", "503", "Retrying")
    assert first[7]  # when the retry was due
    assert (retry[3], retry[4], retry[5], retry[7]) == ("2 of 7", "200", "Delivered", "")
    assert retry[9] == first[9] == message_id

    browser.find("select[name='status']").send_keys("Failed")  # keyboard choice, then submit
    browser.find("select[name='type']").send_keys("Click")
    browser.click(".filters button[type='submit']")
    browser.wait(lambda: "status=failed" in browser.url, "the filtered page")
    rows = browser.all("table.webhooks tbody tr")
    assert [r.get_attribute("data-outcome") for r in rows] == ["Retrying"]
    assert "type=Click" in browser.url

    browser.click("td.message-id a")  # back to the message, on its Webhooks tab
    browser.wait(lambda: browser.url.endswith("?tab=webhooks"), "the message's Webhooks tab")
    browser.wait_text("#panel-webhooks", "Retrying")
    assert "3 call(s), 1 of them retries" in browser.text("#panel-webhooks")
