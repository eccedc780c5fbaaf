"""Inbound messages: receiving (admin route and Python API), search, details, bypass, retry,
the inbound hook, the spam threshold and inbound rule triggers."""

from __future__ import annotations

import base64
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from receiver import Receiver
from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox

# Postmark's inbound webhook example (shortened headers).
EXAMPLE: dict[str, Any] = {
    "FromName": "Ada Customer",
    "MessageStream": "inbound",
    "From": "ada@example.com",
    "FromFull": {"Email": "ada@example.com", "Name": "Ada Customer", "MailboxHash": ""},
    "To": '"Help Desk" <4f7c2d1e9a0b+ticket-1234@inbound.postmarkapp.com>',
    "ToFull": [
        {
            "Email": "4f7c2d1e9a0b+ticket-1234@inbound.postmarkapp.com",
            "Name": "Help Desk",
            "MailboxHash": "ticket-1234",
        }
    ],
    "Cc": '"Grace Colleague" <grace@example.com>',
    "CcFull": [{"Email": "grace@example.com", "Name": "Grace Colleague", "MailboxHash": ""}],
    "Bcc": "",
    "BccFull": [],
    "OriginalRecipient": "4f7c2d1e9a0b+ticket-1234@inbound.postmarkapp.com",
    "Subject": "Re: Your ticket #1234",
    "MessageID": "ca55621b-6c68-4a9d-9b55-1aea068780e7",
    "ReplyTo": "ada@example.com",
    "MailboxHash": "ticket-1234",
    "Date": "Tue, 14 May 2024 10:15:03 -0400",
    "TextBody": "Thanks, that fixed it.\n\nOn Mon, May 13, 2024, Help Desk wrote:\n> Try again.",
    "HtmlBody": "<html><body><p>Thanks, that fixed it.</p></body></html>",
    "StrippedTextReply": "Thanks, that fixed it.",
    "Tag": "",
    "Headers": [
        {"Name": "X-Spam-Status", "Value": "No"},
        {"Name": "X-Spam-Score", "Value": "-0.1"},
        {"Name": "In-Reply-To", "Value": "<b1f3c0de@example.org>"},
    ],
    "Attachments": [
        {
            "Name": "note.txt",
            "Content": "SGVsbG8sIGF0dGFjaG1lbnQh",
            "ContentType": "text/plain",
            "ContentLength": 18,
            "ContentID": "",
        }
    ],
}
INBOUND_ADDRESS = "4f7c2d1e9a0b@inbound.postmarkapp.com"
SUMMARY_KEYS = {
    "From", "FromName", "FromFull", "To", "ToFull", "Cc", "CcFull", "ReplyTo",
    "OriginalRecipient", "Subject", "Date", "MailboxHash", "Tag", "Attachments", "MessageID",
    "MessageStream", "Status",
}  # fmt: skip


def receive(api: Api, query: str = "", **fields: Any) -> Any:
    body = {"From": "ada@example.com", "To": INBOUND_ADDRESS, "Subject": "Hello", **fields}
    return api.post(f"/__sandbox/inbound{query}", {k: v for k, v in body.items() if v is not None})


def received(api: Api, query: str = "", **fields: Any) -> dict[str, Any]:
    result = receive(api, query, **fields)
    assert result.status == 200, result.body
    body: dict[str, Any] = result.json
    return body


def search(api: Api, query: str = "") -> dict[str, Any]:
    result = api.get(f"/messages/inbound?count=50&offset=0{query}")
    assert result.status == 200, result.body
    body: dict[str, Any] = result.json
    return body


def subjects(api: Api, query: str = "") -> list[str]:
    return [m["Subject"] for m in search(api, query)["InboundMessages"]]


def set_server(api: Api, **settings: Any) -> None:
    assert api.put("/server", settings).status == 200


# --- receiving --------------------------------------------------------------------------


def test_receive_fills_in_postmark_fields(api: Api) -> None:
    body = received(
        api,
        From='"Ada Customer" <ada@example.com>',
        To=f'"Help" <4f7c2d1e9a0b+ticket-1234@inbound.postmarkapp.com>, {INBOUND_ADDRESS}',
        TextBody="Thanks",
    )
    assert body["From"] == "ada@example.com" and body["FromName"] == "Ada Customer"
    assert body["FromFull"] == {
        "Email": "ada@example.com",
        "Name": "Ada Customer",
        "MailboxHash": "",
    }
    assert body["ToFull"] == [
        {
            "Email": "4f7c2d1e9a0b+ticket-1234@inbound.postmarkapp.com",
            "Name": "Help",
            "MailboxHash": "ticket-1234",
        },
        {"Email": INBOUND_ADDRESS, "Name": "", "MailboxHash": ""},
    ]
    assert body["OriginalRecipient"] == "4f7c2d1e9a0b+ticket-1234@inbound.postmarkapp.com"
    assert body["MailboxHash"] == "ticket-1234"
    assert len(body["MessageID"]) == 36
    assert body["MessageStream"] == "inbound"
    assert body["Status"] == "Processed" and body["BlockedReason"] is None
    assert parsedate_to_datetime(body["Date"]).tzinfo is not None
    assert (body["CcFull"], body["BccFull"], body["Headers"], body["Attachments"]) == (
        [],
        [],
        [],
        [],
    )
    assert body["TextBody"] == "Thanks" and body["HtmlBody"] == ""


def test_postmark_example_round_trips(api: Api) -> None:
    example = EXAMPLE
    body = received(api, **example)
    for key, value in example.items():
        if key != "Attachments":
            assert body[key] == value, key
    assert body["Attachments"] == [
        {"Name": "note.txt", "ContentType": "text/plain", "ContentLength": 18, "ContentID": ""}
    ]
    details = api.get(f"/messages/inbound/{example['MessageID']}/details").json
    assert details == body
    [summary] = search(api)["InboundMessages"]
    assert set(summary) == SUMMARY_KEYS
    assert summary["MessageID"] == example["MessageID"] and summary["Status"] == "Processed"
    assert "TextBody" not in summary and "Headers" not in summary


@pytest.mark.parametrize(
    ("fields", "query", "wanted"),
    [
        ({"From": None}, "", "'From'"),
        ({"From": "not an address"}, "", "'From'"),
        ({"To": None}, "", "'To'"),
        ({"To": "bad@@example.com"}, "", "'To'"),
        ({"Subject": 5}, "", "'Subject'"),
        ({"Headers": {"X": "y"}}, "", "'Headers'"),
        ({"Attachments": [{"Name": "a.txt", "Content": "%%%"}]}, "", "base64"),
        ({"MessageStream": "outbound"}, "", "inbound stream"),
        ({}, "?status=lost", "Unknown inbound status"),
    ],
)
def test_receive_rejects(api: Api, fields: dict[str, Any], query: str, wanted: str) -> None:
    result = receive(api, query, **fields)
    assert result.status == 400
    assert wanted in result.json["Message"]
    assert api.get("/__sandbox/inbound").json["TotalCount"] == 0


def test_receive_rejects_a_duplicate_message_id(api: Api) -> None:
    received(api, MessageID="ca55621b-6c68-4a9d-9b55-1aea068780e7")
    result = receive(api, MessageID="CA55621B-6c68-4a9d-9b55-1aea068780e7")
    assert result.status == 400 and "exists already" in result.json["Message"]


def test_python_api(sandbox: Sandbox, api: Api) -> None:
    details = sandbox.receive_inbound({"From": "ada@example.com", "To": INBOUND_ADDRESS})
    assert details["Status"] == "Processed"
    queued = sandbox.receive_inbound(
        {"From": "bob@example.com", "To": INBOUND_ADDRESS}, status="queued"
    )
    assert queued["Status"] == "Queued"
    assert [m["MessageID"] for m in sandbox.inbound_messages()] == [
        details["MessageID"],
        queued["MessageID"],
    ]
    with pytest.raises(ValueError, match="'To'"):
        sandbox.receive_inbound({"From": "ada@example.com"})
    assert api.get("/__sandbox/inbound").json["TotalCount"] == 2
    sandbox.clear()
    assert sandbox.inbound_messages() == []


# --- search and details -------------------------------------------------------------------


def test_search_filters(api: Api) -> None:
    received(api, Subject="Invoice 1", From="ann@shop.example", Tag="billing")
    received(api, Subject="Ticket", To="abc+t-42@inbound.postmarkapp.com", Tag="support")
    received(api, Subject="Invoice 2", Cc="carl@example.org")
    assert subjects(api) == ["Invoice 2", "Ticket", "Invoice 1"]  # newest first
    assert subjects(api, "&subject=invoice") == ["Invoice 2", "Invoice 1"]
    assert subjects(api, "&fromemail=SHOP.example") == ["Invoice 1"]
    assert subjects(api, "&recipient=carl@example.org") == ["Invoice 2"]
    assert subjects(api, "&recipient=t-42") == ["Ticket"]
    assert subjects(api, "&mailboxhash=T-42") == ["Ticket"]
    assert subjects(api, "&mailboxhash=t-4") == []  # a mailbox hash matches whole
    assert subjects(api, "&tag=Billing") == ["Invoice 1"]
    assert subjects(api, "&fromdate=2000-01-01&todate=2999-12-31") == [
        "Invoice 2",
        "Ticket",
        "Invoice 1",
    ]
    assert subjects(api, "&todate=2000-01-01") == []


def test_search_pages(api: Api) -> None:
    for i in range(5):
        received(api, Subject=f"m{i}")
    page = api.get("/messages/inbound?count=2&offset=1").json
    assert page["TotalCount"] == 5
    assert [m["Subject"] for m in page["InboundMessages"]] == ["m3", "m2"]


def test_search_status_defaults_to_processed(api: Api) -> None:
    received(api, Subject="ok")
    received(api, "?status=blocked", Subject="blocked")
    received(api, "?status=failed", Subject="failed")
    received(api, "?status=Scheduled", Subject="scheduled")
    assert subjects(api) == ["ok"]
    assert subjects(api, "&status=blocked") == ["blocked"]
    assert subjects(api, "&status=FAILED") == ["failed"]
    assert subjects(api, "&status=scheduled") == ["scheduled"]
    assert subjects(api, "&status=queued") == []


@pytest.mark.parametrize(
    "query",
    [
        "?offset=0",
        "?count=10",
        "?count=501&offset=0",
        "?count=500&offset=9600",
        "?count=10&offset=0&status=lost",
        "?count=10&offset=0&fromdate=yesterday",
    ],
)
def test_search_rejects(api: Api, query: str) -> None:
    assert_error(api.get(f"/messages/inbound{query}"), 422, 700)


def test_details_of_an_unknown_message(api: Api) -> None:
    assert_error(
        api.get("/messages/inbound/0c8f8b0f-7a5b-4b2d-9c3a-9f2d6b1f2d0a/details"),
        422,
        701,
        "This message was not found.",
    )


# --- the inbound hook, bypass and retry -----------------------------------------------------


def test_processed_messages_are_posted_to_a_local_hook(api: Api, hook: Receiver) -> None:
    url = hook.url.replace("http://", "http://pm:s%40cret@") + "/inbound"
    set_server(api, InboundHookUrl=url)
    attachment = {
        "Name": "a.txt",
        "Content": base64.b64encode(b"hi").decode(),
        "ContentType": "text/plain",
    }
    body = received(api, Attachments=[attachment], RawEmail="raw source")
    assert body["Status"] == "Processed"
    [posted] = hook.requests
    assert posted.path == "/inbound"
    assert posted.headers["authorization"] == "Basic " + base64.b64encode(b"pm:s@cret").decode()
    assert posted.json["MessageID"] == body["MessageID"]
    assert posted.json["Attachments"][0]["Content"] == attachment["Content"]  # bytes go to the hook
    assert posted.json["Attachments"][0]["ContentLength"] == 2
    assert "RawEmail" not in posted.json  # RawEmailEnabled is off
    set_server(api, RawEmailEnabled=True)
    received(api, RawEmail="raw source")
    assert hook.requests[1].json["RawEmail"] == "raw source"


def test_remote_hooks_are_not_called(api: Api) -> None:
    set_server(api, InboundHookUrl="https://example.com/inbound")
    assert received(api)["Status"] == "Processed"


def test_failed_hook_then_retry(api: Api, hook: Receiver) -> None:
    set_server(api, InboundHookUrl=hook.url)
    hook.answer(500)
    message_id = received(api)["MessageID"]
    details = api.get(f"/messages/inbound/{message_id}/details").json
    assert details["Status"] == "Failed"
    assert_error(api.put(f"/messages/inbound/{message_id}/bypass"), 422, 701, "cannot be bypassed")
    result = api.put(f"/messages/inbound/{message_id}/retry")
    assert result.status == 200
    assert result.json == {
        "ErrorCode": 0,
        "Message": f"Successfully rescheduled failed message: {message_id}.",
    }
    assert api.get(f"/messages/inbound/{message_id}/details").json["Status"] == "Processed"
    assert len(hook.requests) == 2
    assert_error(api.put(f"/messages/inbound/{message_id}/retry"), 422, 701, "cannot be retried")


def test_a_retry_that_fails_again_stays_failed(api: Api, hook: Receiver) -> None:
    set_server(api, InboundHookUrl=hook.url)
    hook.answer(500, 403)
    message_id = received(api)["MessageID"]
    assert api.put(f"/messages/inbound/{message_id}/retry").status == 200
    assert api.get(f"/messages/inbound/{message_id}/details").json["Status"] == "Failed"


@pytest.mark.parametrize("action", ["bypass", "retry"])
def test_bypass_and_retry_of_unknown_messages(api: Api, action: str) -> None:
    result = api.put(f"/messages/inbound/0c8f8b0f-7a5b-4b2d-9c3a-9f2d6b1f2d0a/{action}")
    assert_error(result, 422, 701, "not found")


def test_spam_threshold_blocks(api: Api) -> None:
    set_server(api, InboundSpamThreshold=5)
    spam = received(api, Headers=[{"Name": "X-Spam-Score", "Value": "6.1"}])
    assert spam["Status"] == "Blocked"
    assert "spam score 6.1" in spam["BlockedReason"]
    ham = received(api, Headers=[{"Name": "x-spam-score", "Value": "4.9"}])
    assert ham["Status"] == "Processed"
    set_server(api, InboundSpamThreshold=0)
    assert received(api, Headers=[{"Name": "X-Spam-Score", "Value": "29"}])["Status"] == "Processed"


# --- inbound rule triggers -----------------------------------------------------------------


def rules(api: Api, query: str = "?count=50&offset=0") -> dict[str, Any]:
    result = api.get(f"/triggers/inboundrules{query}")
    assert result.status == 200, result.body
    body: dict[str, Any] = result.json
    return body


def test_rules_block_and_bypass_lets_through(api: Api, hook: Receiver) -> None:
    set_server(api, InboundHookUrl=hook.url)
    email_rule = api.post("/triggers/inboundrules", {"Rule": "spam@example.com"}).json
    domain_rule = api.post("/triggers/inboundrules", {"Rule": "junk.example"}).json
    assert email_rule["Rule"] == "spam@example.com" and isinstance(email_rule["ID"], int)
    assert rules(api) == {"TotalCount": 2, "InboundRules": [email_rule, domain_rule]}

    by_address = received(api, From="SPAM@example.com")
    by_domain = received(api, From="anyone@junk.example")
    allowed = received(api, From="anyone@sub.junk.example")  # exact domains only
    assert by_address["Status"] == "Blocked"
    assert by_address["BlockedReason"] == "Inbound request blocked by email rule: spam@example.com"
    assert by_domain["BlockedReason"] == "Inbound request blocked by domain rule: junk.example"
    assert allowed["Status"] == "Processed"
    assert len(hook.requests) == 1  # blocked mail is not posted

    message_id = by_domain["MessageID"]
    result = api.put(f"/messages/inbound/{message_id}/bypass")
    assert result.status == 200
    assert result.json == {
        "ErrorCode": 0,
        "Message": f"Successfully bypassed message: {message_id}.",
    }
    details = api.get(f"/messages/inbound/{message_id}/details").json
    assert details["Status"] == "Processed" and details["BlockedReason"] is None
    assert hook.requests[-1].json["MessageID"] == message_id
    assert_error(api.put(f"/messages/inbound/{message_id}/bypass"), 422, 701, "cannot be bypassed")


def test_rule_list_pages(api: Api) -> None:
    for i in range(3):
        api.post("/triggers/inboundrules", {"Rule": f"s{i}@example.com"})
    page = rules(api, "?count=1&offset=1")
    assert page["TotalCount"] == 3
    assert [r["Rule"] for r in page["InboundRules"]] == ["s1@example.com"]
    assert_error(api.get("/triggers/inboundrules"), 422, 800)
    assert_error(api.get("/triggers/inboundrules?count=501&offset=0"), 422, 800)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, 809),
        ({"Rule": " "}, 809),
        ({"Rule": "not a rule"}, 813),
        ({"Rule": "nodot"}, 813),
        ({"Rule": 5}, 403),
        ({"Rule": "x@example.com", "Kind": "email"}, 403),
    ],
)
def test_rule_create_rejects(api: Api, body: dict[str, Any], code: int) -> None:
    assert_error(api.post("/triggers/inboundrules", body), 422, code)
    assert rules(api)["TotalCount"] == 0


def test_rule_exists_already_in_any_case(api: Api) -> None:
    api.post("/triggers/inboundrules", {"Rule": "Junk.example"})
    assert_error(api.post("/triggers/inboundrules", {"Rule": "junk.EXAMPLE"}), 422, 810)


def test_rule_delete(api: Api) -> None:
    rule = api.post("/triggers/inboundrules", {"Rule": "junk.example"}).json
    result = api.delete(f"/triggers/inboundrules/{rule['ID']}")
    assert result.status == 200
    assert result.json == {"ErrorCode": 0, "Message": "Rule junk.example removed."}
    assert rules(api)["TotalCount"] == 0
    assert received(api, From="a@junk.example")["Status"] == "Processed"
    assert_error(api.delete(f"/triggers/inboundrules/{rule['ID']}"), 422, 812)
    assert_error(api.delete("/triggers/inboundrules/abc"), 422, 812)


def test_a_hook_pointing_at_the_sandbox_itself_is_not_called(api: Api, sandbox: Sandbox) -> None:
    set_server(api, InboundHookUrl=f"{sandbox.url}/__sandbox/inbound")
    assert received(api)["Status"] == "Processed"
    assert api.get("/__sandbox/inbound").json["TotalCount"] == 1
