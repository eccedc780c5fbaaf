"""The inbox's Postmark pages in a real headless Chromium: real clicks, real forms.

Activate re-activates a bounced address (the library's next send succeeds),
the Simulate bar's Open reaches a webhook receiver, the stats chart shows
what was sent and bounced, and a template preview renders a typed model
inside its layout.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser import Browser
from event_helpers import add_webhook, event, posted, tracked_send
from receiver import Receiver
from sandbox_helpers import Api

from postmark import InactiveRecipientError, ServerClient
from postmark.sandbox import Sandbox

pytestmark = pytest.mark.browser


def _send(client: ServerClient, to: str, **fields: Any) -> str:
    answer = client.email.send(
        sender="app@example.com", to=to, subject="Hi", text_body="x", **fields
    )
    return str(answer["MessageID"])


def test_activate_button_lets_the_next_send_through(
    browser: Browser, sandbox: Sandbox, api: Api
) -> None:
    with ServerClient("browser-token", base_url=sandbox.url, retries=0) as client:
        message_id = _send(client, "reader@example.com")
        assert event(api, "bounce", message_id).status == 200  # a hard bounce suppresses
        with pytest.raises(InactiveRecipientError):
            _send(client, "reader@example.com")

        browser.open(sandbox.url + "/inbox/bounces")
        browser.click("tbody td a[href^='/inbox/bounces/']")
        browser.wait_text("h1", "Bounce")
        assert browser.text("[data-field='Inactive']").startswith("yes")
        browser.click("#activate button")
        browser.wait_text("[data-field='Inactive']", "no")

        assert _send(client, "reader@example.com")  # accepted now
    assert len(sandbox.messages()) == 2


def test_simulated_open_reaches_the_webhook_receiver(
    browser: Browser, sandbox: Sandbox, api: Api, hook: Receiver
) -> None:
    add_webhook(api, hook)
    message_id = tracked_send(api, To="reader@example.com")
    assert sandbox.wait_for_webhooks(10)
    hook.requests.clear()  # the Delivery event

    browser.open(f"{sandbox.url}/inbox/messages/{message_id}")
    browser.click("button[data-simulate='open']")
    browser.wait(lambda: browser.url.endswith("?tab=events"), "the Events tab")
    assert browser.text("#panel-events").count("Open") >= 1

    bodies = posted(sandbox, hook)
    assert [b["RecordType"] for b in bodies] == ["Open"]
    opened = bodies[0]
    assert opened["MessageID"] == message_id
    assert opened["Recipient"] == "reader@example.com"
    assert opened["FirstOpen"] is True
    assert (opened["Tag"], opened["MessageStream"]) == ("welcome", "outbound")
    assert opened["Metadata"] == {"user-id": "42"}

    browser.click("#tab-webhooks")  # the call shows on the message's Webhooks tab
    browser.wait_text("#panel-webhooks", hook.url)


def test_stats_chart_shows_sends_and_bounces(browser: Browser, sandbox: Sandbox, api: Api) -> None:
    sent, bounced = 5, 2
    with ServerClient("browser-token", base_url=sandbox.url, retries=0) as client:
        for n in range(sent - bounced):
            _send(client, f"user{n}@example.com", tag="news")
        _send(client, "HardBounce@bounce-testing.postmarkapp.com", tag="news")
        _send(client, "SoftBounce@bounce-testing.postmarkapp.com")

    browser.open(sandbox.url + "/")
    browser.click("header nav a[href='/inbox/stats']")
    browser.find("svg#activity-chart")

    def value(series: str) -> list[str]:
        dots = browser.all(f"svg#activity-chart circle[data-series='{series}']")
        return [d.get_attribute("data-value") for d in dots]

    week = ["0"] * 6  # the chart shows the week up to today; nothing before today

    assert value("Sent") == [*week, str(sent)]
    assert value("Bounced") == [*week, str(bounced)]
    assert browser.text("[data-total='Sent']") == str(sent)
    bars = browser.all("svg#bounce-chart rect[data-value]")
    assert {b.get_attribute("data-label"): b.get_attribute("data-value") for b in bars} == {
        "HardBounce": "1",
        "SoftBounce": "1",
    }

    browser.click("#tag option[value='news']")
    browser.click("form.filters button")
    browser.wait(lambda: "tag=news" in browser.url, "the filtered page")
    assert value("Sent") == [*week, str(sent - 1)]
    assert value("Bounced") == [*week, "1"]


def test_template_preview_renders_a_typed_model_inside_its_layout(
    browser: Browser, sandbox: Sandbox, api: Api
) -> None:
    layout = {
        "Name": "Base",
        "Alias": "base",
        "TemplateType": "Layout",
        "HtmlBody": "<header id='brand'>{{ company }}</header>{{{ @content }}}",
        "TextBody": "{{ company }}\n{{{ @content }}}",
    }
    template = {
        "Name": "Welcome",
        "Alias": "welcome",
        "Subject": "Welcome, {{ name }}",
        "HtmlBody": "<p id='greeting'>Hello {{ name }}</p>",
        "TextBody": "Hello {{ name }}",
        "LayoutTemplate": "base",
    }
    for body in (layout, template):
        assert api.post("/templates", body).status == 200

    browser.open(sandbox.url + "/inbox/templates")
    (welcome,) = [a for a in browser.all("tbody a") if a.text == "Welcome"]
    welcome.click()
    browser.wait_text("#rendered-subject", "Welcome, name_Value")  # the suggested model
    browser.find("#model").clear()
    browser.type("#model", '{"name": "Ann <3", "company": "ACME"}')
    browser.click("form.model-form button")
    browser.wait_text("#rendered-subject", "Welcome, Ann <3")
    assert browser.text("#rendered-text") == "ACME\nHello Ann <3"

    frame = browser.find("iframe")
    assert frame.get_attribute("sandbox") == ""
    browser.driver.switch_to.frame(frame)
    try:
        assert browser.text("#brand") == "ACME"
        assert browser.text("#greeting") == "Hello Ann <3"
    finally:
        browser.driver.switch_to.default_content()
