"""Raw inbound mail (an .eml): parsed into Postmark's inbound JSON, then the usual inbound rules."""

from __future__ import annotations

import base64

from receiver import Receiver
from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox
from postmark.webhooks import parse_inbound

RAW = (
    "From: Ada Customer <ada@example.com>\r\n"
    "To: Help Desk <support+ticket-42@inbound.example.com>\r\n"
    "Cc: grace@example.com\r\n"
    "Subject: Re: your ticket\r\n"
    "Date: Tue, 14 May 2024 10:15:03 -0400\r\n"
    "Message-ID: <b1f3c0de@example.com>\r\n"
    "X-Spam-Score: 1.5\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/mixed; boundary="outer"\r\n'
    "\r\n"
    "--outer\r\n"
    'Content-Type: multipart/alternative; boundary="inner"\r\n'
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Thanks, that fixed it.\r\n"
    "--inner\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<p>Thanks, that fixed it.</p>\r\n"
    "--inner--\r\n"
    "--outer\r\n"
    'Content-Type: text/plain; name="note.txt"\r\n'
    'Content-Disposition: attachment; filename="note.txt"\r\n'
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "SGVsbG8sIGF0dGFjaG1lbnQh\r\n"
    "--outer--\r\n"
)


def hook_to(api: Api, hook: Receiver, **settings: object) -> None:
    result = api.put("/server", {"InboundHookUrl": hook.url + "/inbound", **settings})
    assert result.status == 200, result.body


def test_a_raw_email_is_posted_to_the_inbound_hook(api: Api, hook: Receiver) -> None:
    hook_to(api, hook)
    answer = api.post("/__sandbox/inbound/raw", {"RawEmail": RAW})
    assert answer.status == 200, answer.body
    assert answer.json["Status"] == "Processed"
    (request,) = hook.requests
    posted = request.json
    assert (posted["From"], posted["FromName"]) == ("ada@example.com", "Ada Customer")
    assert posted["ToFull"][0]["MailboxHash"] == "ticket-42"
    assert posted["MailboxHash"] == "ticket-42"
    assert posted["CcFull"][0]["Email"] == "grace@example.com"
    assert posted["Subject"] == "Re: your ticket"
    assert posted["TextBody"].strip() == "Thanks, that fixed it."
    assert posted["HtmlBody"].strip() == "<p>Thanks, that fixed it.</p>"
    headers = {h["Name"]: h["Value"] for h in posted["Headers"]}
    assert headers["X-Spam-Score"] == "1.5" and headers["Message-ID"] == "<b1f3c0de@example.com>"
    assert "From" not in headers and "Subject" not in headers
    (attachment,) = posted["Attachments"]
    assert (attachment["Name"], attachment["ContentType"]) == ("note.txt", "text/plain")
    assert base64.b64decode(attachment["Content"]) == b"Hello, attachment!"
    assert attachment["ContentLength"] == 18
    assert "RawEmail" not in posted  # the server's RawEmailEnabled is off
    parsed = parse_inbound(request.body)  # what the library's webhook code reads
    assert parsed.mailbox_hash == "ticket-42" and parsed.spam_score == 1.5


def test_raw_email_is_posted_when_the_server_enables_it(api: Api, hook: Receiver) -> None:
    hook_to(api, hook, RawEmailEnabled=True)
    assert api.post("/__sandbox/inbound/raw", {"RawEmail": RAW}).status == 200
    assert hook.requests[0].json["RawEmail"] == RAW


def test_inbound_rules_apply_to_raw_email(sandbox: Sandbox, api: Api, hook: Receiver) -> None:
    hook_to(api, hook)
    assert api.post("/triggers/inboundrules", {"Rule": "example.com"}).status == 200
    answer = api.post("/__sandbox/inbound/raw", {"RawEmail": RAW})
    assert answer.json["Status"] == "Blocked"
    assert "example.com" in answer.json["BlockedReason"]
    assert hook.requests == []
    assert sandbox.inbound_messages()[0]["Subject"] == "Re: your ticket"


def test_a_failing_hook_marks_the_message_failed(api: Api, hook: Receiver) -> None:
    hook_to(api, hook)
    hook.answer(500)
    answer = api.post("/__sandbox/inbound/raw", {"RawEmail": RAW})
    assert answer.json["Status"] == "Failed"


def test_unusable_raw_email(api: Api) -> None:
    assert_error(api.post("/__sandbox/inbound/raw", {"Raw": RAW}), 400, 400, "RawEmail")
    extra = {"RawEmail": RAW, "Colour": "red"}
    assert_error(api.post("/__sandbox/inbound/raw", extra), 400, 400, "Colour")
    no_to = {"RawEmail": "From: a@example.com\r\nSubject: x\r\n\r\nbody"}
    assert_error(api.post("/__sandbox/inbound/raw", no_to), 400, 400, "'To'")
