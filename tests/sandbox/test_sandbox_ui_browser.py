"""The web inbox in a real headless Chromium, clicked like a person would (``browser.py``).

Live list over Server-Sent Events, every message tab, the ``.eml`` download,
delete one / all with their confirm dialogs, read marks, search and the keyboard.
"""

from __future__ import annotations

import base64
from email.parser import HeaderParser
from typing import Any

import pytest
from browser import Browser
from event_helpers import add_webhook
from receiver import Receiver
from sandbox_helpers import Api

from postmark import PMMail, ServerClient
from postmark.sandbox import Sandbox

pytestmark = pytest.mark.browser

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg=="
)


HTML = '<h1 id="greeting">Hello Ann</h1><p class="note">Your parcel is on its way.</p>'


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def rich_message(api: Api, **fields: Any) -> str:
    """A message with every part a tab shows: HTML, text, a header, two attachments."""
    body = {
        "To": "Ann Reader <ann@example.com>",
        "Cc": "carl@example.com",
        "Subject": "Your order #1042 has shipped",
        "HtmlBody": HTML,
        "TextBody": "Hello Ann,\nyour parcel is on its way.",
        "Tag": "shipping",
        "Metadata": {"order": "1042"},
        "Headers": [{"Name": "X-Order-Ref", "Value": "ORD-1042"}],
        "Attachments": [
            {"Name": "dot.png", "Content": b64(PNG), "ContentType": "image/png"},
            {
                "Name": "notes.txt",
                "Content": b64(b"Leave at the door."),
                "ContentType": "text/plain",
            },
        ],
        **fields,
    }
    result = api.send(**body)
    assert result.status == 200, result.body
    return str(result.json["MessageID"])


def open_list(browser: Browser, sandbox: Sandbox, query: str = "") -> None:
    """The list, with its event stream connected."""
    browser.open(sandbox.url + "/" + query)
    browser.wait(lambda: browser.js("return document.body.dataset.liveState") == "open", "SSE")


def row(message_id: str) -> str:
    return f'tr[id="m-{message_id}"]'


def test_mail_sent_through_the_library_appears_in_the_open_list(
    browser: Browser, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_list(browser, sandbox)
    assert "No messages yet" in browser.text("#message-list")
    browser.js("window.notReloaded = true")
    with ServerClient("ui-test", base_url=sandbox.url, retries=0) as client:
        first = client.email.send(
            sender="shop@example.com", to="ann@example.com", subject="Live one", text_body="Hi"
        ).message_id
    browser.wait_text(row(str(first)), "Live one")
    # The drop-in PMMail too, while the page stays the same page (no reload).
    monkeypatch.setenv("POSTMARK_API_URL", sandbox.url)
    PMMail(
        api_key="ui-test",
        sender="shop@example.com",
        to="bob@example.com",
        subject="Live two",
        text_body="Hello",
    ).send()
    browser.wait_text("#message-list tbody", "Live two")
    assert browser.js("return window.notReloaded") is True
    subjects = [a.text for a in browser.all("td.subject a")]
    assert subjects == ["Live two", "Live one"]
    assert "2 message(s), 2 unread" in browser.text("#message-list .count")


def test_rows_show_snippet_markers_and_read_state(
    browser: Browser, sandbox: Sandbox, api: Api
) -> None:
    rich = rich_message(api)
    bounced = api.send(To="hardbounce@bounce-testing.postmarkapp.com", Subject="To a dead end")
    bounced_id = bounced.json["MessageID"]
    open_list(browser, sandbox)
    rich_row = browser.text(row(rich))
    assert "2 attachments" in rich_row and "Hello Ann, your parcel is on its way." in rich_row
    assert "unread" in rich_row
    assert "Bounced: HardBounce" in browser.text(row(bounced_id))
    assert "Bounced" not in rich_row
    # Opening marks read; the list shows it on the way back; the toggle undoes it.
    browser.click(f"{row(rich)} td.subject a")
    browser.wait_text("h1", "Your order #1042 has shipped")
    browser.click("#toggle-read button")
    browser.wait(lambda: browser.url.rstrip("/") == sandbox.url, "back on the list")
    assert "unread" in browser.find(row(rich)).get_attribute("class")
    browser.click(f"{row(rich)} td.subject a")
    browser.wait_text("#toggle-read button", "Mark unread")
    browser.open(sandbox.url + "/")
    assert browser.find(row(rich)).get_attribute("class") == "read"


def test_each_tab_shows_its_part(browser: Browser, sandbox: Sandbox, api: Api) -> None:
    message_id = rich_message(api)
    dump = api.get(f"/messages/outbound/{message_id}/dump").json["Body"]
    browser.open(f"{sandbox.url}/inbox/messages/{message_id}")

    def show(tab: str) -> Any:
        browser.click(f"#tab-{tab}")
        panel = browser.find(f"#panel-{tab}")
        browser.wait(lambda: panel.is_displayed(), f"panel {tab} shown")
        shown = [
            p.get_attribute("id") for p in browser.all('[role="tabpanel"]') if p.is_displayed()
        ]
        assert shown == [f"panel-{tab}"]
        assert browser.url.endswith(f"tab={tab}")
        return panel

    # HTML: the body in a sandboxed frame, at three widths.
    frame = browser.find("#panel-html iframe")
    assert frame.get_attribute("sandbox") == ""
    width = "return document.querySelector('#panel-html iframe').getBoundingClientRect().width"
    browser.click('.widths a[data-width="phone"]')
    browser.wait(lambda: browser.js(width) == 375, "a 375 px frame")
    browser.click('.widths a[data-width="tablet"]')
    browser.wait(lambda: browser.js(width) == 768, "a 768 px frame")
    browser.driver.switch_to.frame(frame)
    assert browser.text("#greeting") == "Hello Ann"
    browser.driver.switch_to.default_content()

    source = show("source")
    assert source.text == HTML
    assert browser.all("#panel-source .hl-attr")[0].text == "id"
    assert show("text").text == "Hello Ann,\nyour parcel is on its way."

    headers = show("headers")
    names = [th.text for th in browser.all("#panel-headers th")]
    expected = [name for name, _ in HeaderParser().parsestr(dump, headersonly=True).items()]
    assert names == expected
    assert {"Message-ID", "X-PM-Message-Id", "MIME-Version", "X-Order-Ref", "Date"} <= set(names)
    assert "ORD-1042" in headers.text

    raw = show("raw")
    assert browser.js("return document.querySelector('#panel-raw pre').textContent") == (
        dump.replace("\r\n", "\n")
    )
    assert raw.find_element("css selector", "a[download]").get_attribute("href").endswith("/eml")

    show("attachments")
    image = browser.find("#panel-attachments img.preview")
    assert browser.js("return arguments[0].complete && arguments[0].naturalWidth", image) == 2
    assert "Leave at the door." in browser.text("#panel-attachments pre.preview")
    links = [a.text for a in browser.all("#panel-attachments h2 a")]
    assert links == ["dot.png", "notes.txt"]

    events = show("events")
    browser.wait(lambda: "Delivered" in events.text, "the Delivered event")
    assert "ann@example.com" in events.text


def test_webhooks_tab_lists_each_call(
    browser: Browser, events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook)
    hook.answer(500, 200)  # the first call fails, the retry (sooner here) gets through
    message_id = rich_message(events_api)
    assert events_sandbox.wait_for_webhooks(10)
    browser.open(f"{events_sandbox.url}/inbox/messages/{message_id}?tab=webhooks")
    assert browser.find("#panel-webhooks").is_displayed()
    calls = [
        [td.text for td in tr.find_elements("css selector", "td")]
        for tr in browser.all("#panel-webhooks tbody tr")
    ]
    # One Delivery event per recipient (To and Cc); the first call failed and was retried.
    assert {c[2] for c in calls} == {hook.url + "/events"}
    shown = sorted((c[3], c[4], c[5]) for c in calls)
    assert shown == [
        ("1 of 7", "200", "Delivered"),
        ("1 of 7", "500", "Retrying"),
        ("2 of 7", "200", "Delivered"),
    ]
    failed = next(c for c in calls if c[4] == "500")
    retry = next(c for c in calls if c[3] == "2 of 7")
    assert failed[1] == retry[1] and failed[1].startswith("Delivery #")
    assert "3 call(s), 1 of them retries." in browser.text("#panel-webhooks")


def test_tabs_work_with_the_keyboard(browser: Browser, sandbox: Sandbox, api: Api) -> None:
    from selenium.webdriver.common.keys import Keys

    message_id = rich_message(api)
    browser.open(f"{sandbox.url}/inbox/messages/{message_id}")
    browser.find("#tab-html").send_keys(Keys.ARROW_RIGHT)
    browser.wait(lambda: browser.focused().get_attribute("id") == "tab-source", "focus moved")
    assert browser.find("#panel-source").is_displayed()
    assert not browser.find("#panel-html").is_displayed()
    browser.keys(Keys.END)
    browser.wait(lambda: browser.focused().get_attribute("id") == "tab-webhooks", "End")
    browser.keys(Keys.TAB)  # one Tab stop for the tab list: next is the shown panel
    assert browser.focused().get_attribute("id") == "panel-webhooks"


def test_tabs_work_without_javascript(browser: Browser, sandbox: Sandbox, api: Api) -> None:
    message_id = rich_message(api)
    browser.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.open(f"{sandbox.url}/inbox/messages/{message_id}")
        browser.click("#tab-headers")
        browser.wait(lambda: browser.url.endswith("?tab=headers"), "a page load")
        assert browser.find("#panel-headers").is_displayed()
        assert not browser.find("#panel-html").is_displayed()
        # Times stay readable (UTC) when no script localises them.
        assert browser.text("dl.fields time").endswith("UTC")
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_eml_download_equals_the_dump(browser: Browser, sandbox: Sandbox, api: Api) -> None:
    message_id = rich_message(api)
    dump = api.get(f"/messages/outbound/{message_id}/dump").json["Body"]
    browser.open(f"{sandbox.url}/inbox/messages/{message_id}?tab=raw")
    browser.click("#panel-raw a[download]")
    assert browser.downloaded(f"{message_id}.eml") == dump.encode("utf-8")


def test_delete_one_then_all(browser: Browser, sandbox: Sandbox, api: Api) -> None:
    ids = [rich_message(api, Subject=f"Message {n}") for n in range(3)]
    open_list(browser, sandbox)
    browser.click(f"{row(ids[1])} button.danger")
    assert browser.accept_confirm() == "Delete “Message 1”?"
    browser.wait_gone(row(ids[1]))
    listed = api.get("/messages/outbound?count=50&offset=0").json
    assert sorted(m["MessageID"] for m in listed["Messages"]) == sorted([ids[0], ids[2]])
    assert api.get(f"/messages/outbound/{ids[1]}/details").status == 422

    browser.click("#delete-all button")
    assert browser.accept_confirm() == "Delete every message of this server?"
    browser.wait_text("#message-list", "No messages yet")
    assert api.get("/messages/outbound?count=50&offset=0").json["TotalCount"] == 0


def test_delete_selected_and_dismissed_confirm(
    browser: Browser, sandbox: Sandbox, api: Api
) -> None:
    ids = [rich_message(api, Subject=f"Pick {n}") for n in range(3)]
    open_list(browser, sandbox)
    browser.click(f'{row(ids[0])} input[type="checkbox"]')
    browser.click(f'{row(ids[2])} input[type="checkbox"]')
    browser.click('#bulk button[value="delete"]')
    browser.driver.switch_to.alert.dismiss()  # "Cancel": nothing happens
    assert len(browser.all("#message-list tbody tr")) == 3
    browser.click('#bulk button[value="delete"]')
    assert browser.accept_confirm() == "Delete the selected messages?"
    browser.wait(lambda: len(browser.all("#message-list tbody tr")) == 1, "two rows gone")
    assert browser.all(row(ids[1]))


def test_search_syntax_and_filters(browser: Browser, sandbox: Sandbox, api: Api) -> None:
    rich_message(api, Subject="Invoice May", Tag="billing", From="billing@example.com")
    rich_message(api, Subject="Invoice June", Tag="billing", To="zoe@example.org")
    rich_message(api, Subject="Newsletter", Tag="news", MessageStream="broadcast")
    open_list(browser, sandbox)
    browser.click("details.syntax summary")
    assert "subject contains" in browser.text("details.syntax")
    browser.type("#q", 'tag:billing subject:"invoice j"\n')
    browser.wait(lambda: "q=" in browser.url, "the search page")
    assert [a.text for a in browser.all("td.subject a")] == ["Invoice June"]
    browser.open(sandbox.url + "/?stream=broadcast")
    assert [a.text for a in browser.all("td.subject a")] == ["Newsletter"]


def test_keyboard_moves_through_the_list(browser: Browser, sandbox: Sandbox, api: Api) -> None:
    rich_message(api, Subject="Older")
    rich_message(api, Subject="Newer")
    open_list(browser, sandbox)
    browser.keys("j")
    assert browser.focused().text == "Newer"
    browser.keys("j")
    assert browser.focused().text == "Older"
    browser.keys("k")
    assert browser.focused().text == "Newer"
    browser.keys("/")
    assert browser.focused().get_attribute("id") == "q"
