"""POST /email and /email/batch: answers, storage and every validation rule."""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any

import pytest
from sandbox_helpers import Api, assert_error, message

from postmark.sandbox import Sandbox

SUBMITTED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}[+-]\d\d:\d\d$")
MB = 1024 * 1024
# The three ways Postmark's official SDKs read the addresses out of a 406.
SDK_406_PATTERNS = [
    r"Found inactive addresses: (.+?)\.? Inactive",  # postmark.js
    r"Found inactive addresses: (.+?)\. Inactive",  # ruby gem
    r"Found inactive addresses:\s*(.+?)\.(?:\s|$)",  # python
]


def attachment(name: str = "notes.txt", data: bytes = b"hello", **extra: Any) -> dict[str, Any]:
    return {
        "Name": name,
        "Content": base64.b64encode(data).decode(),
        "ContentType": "text/plain",
        **extra,
    }


def suppress(api: Api, *emails: str, stream: str = "outbound") -> None:
    body = {"Suppressions": [{"EmailAddress": e} for e in emails]}
    assert api.post(f"/message-streams/{stream}/suppressions", body).status == 200


def test_send_answers_like_postmark(api: Api) -> None:
    result = api.send(To="Jane <jane@example.com>, bob@example.com")
    assert result.status == 200
    body = result.json
    assert list(body) == ["To", "SubmittedAt", "MessageID", "ErrorCode", "Message"]
    assert body["To"] == "Jane <jane@example.com>, bob@example.com"
    assert SUBMITTED_AT.match(body["SubmittedAt"]), body["SubmittedAt"]
    assert uuid.UUID(body["MessageID"]).version == 4
    assert (body["ErrorCode"], body["Message"]) == (0, "OK")


def test_sent_message_is_stored_with_details(api: Api, sandbox: Sandbox) -> None:
    sent = api.send(
        From='"Shop, Inc." <shop@example.com>',
        To="Jane <jane@example.com>",
        Cc="cc@example.com",
        Bcc="bcc@example.com",
        ReplyTo="help@example.com",
        HtmlBody="<p>Hi</p>",
        Tag="welcome",
        Metadata={"user-id": "42"},
        Headers=[{"Name": "X-Custom", "Value": "1"}],
        Attachments=[attachment()],
        TrackOpens=True,
        TrackLinks="htmlonly",
    ).json
    [stored] = sandbox.messages()
    details = stored["Details"]
    assert stored["MessageID"] == details["MessageID"] == sent["MessageID"]
    assert details["To"] == [{"Email": "jane@example.com", "Name": "Jane"}]
    assert details["Cc"] == [{"Email": "cc@example.com", "Name": None}]
    assert details["Recipients"] == ["jane@example.com", "cc@example.com", "bcc@example.com"]
    assert details["From"] == '"Shop, Inc." <shop@example.com>'
    assert details["Attachments"] == ["notes.txt"]
    assert details["Metadata"] == {"user-id": "42"}
    assert (details["TrackOpens"], details["TrackLinks"]) == (True, "HtmlOnly")
    assert (details["Status"], details["MessageStream"], details["Tag"]) == (
        "Sent",
        "outbound",
        "welcome",
    )
    assert (details["HtmlBody"], details["TextBody"]) == ("<p>Hi</p>", "Hello there")
    assert [e["Type"] for e in details["MessageEvents"]] == ["Delivered"] * 3
    assert "X-Custom: 1" in details["Body"] and "Bcc" not in details["Body"]
    # Top level: the request's own fields win, the rest comes from details.
    assert stored["To"] == "Jane <jane@example.com>"
    assert stored["ReplyTo"] == "help@example.com"
    assert stored["Attachments"] == [attachment()]
    assert stored["Recipients"] == details["Recipients"]
    assert stored["MessageEvents"] == details["MessageEvents"]
    assert stored["Request"]["Attachments"][0]["Content"] == attachment()["Content"]
    assert api.get(f"/messages/outbound/{sent['MessageID']}/details").json == details


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"From": None}, "Invalid 'From' address: ''."),
        ({"From": "not-an-address"}, "Invalid 'From' address: 'not-an-address'."),
        ({"From": "a@example.com, b@example.com"}, "Invalid 'From' address"),
        ({"From": "Joe Sender, jr <joe@example.com>"}, "Invalid 'From' address"),
        ({"To": None}, "Zero recipients specified"),
        ({"To": " , "}, "Zero recipients specified"),
        ({"To": None, "Cc": "c@example.com"}, "Invalid 'To' address: ''."),
        ({"To": "not-an-address"}, "Invalid 'To' address: 'not-an-address'."),
        ({"To": "ok@example.com, bad@"}, "Invalid 'To' address: 'bad@'."),
        ({"To": "a..b@example.com"}, "Invalid 'To' address"),
        ({"To": ".a@example.com"}, "Invalid 'To' address"),
        ({"To": "a@exa_mple.com"}, "Invalid 'To' address"),
        ({"Cc": "x@@example.com"}, "Invalid 'Cc' address"),
        ({"Bcc": "nope"}, "Invalid 'Bcc' address: 'nope'."),
        ({"ReplyTo": "nope"}, "Invalid 'ReplyTo' address: 'nope'."),
        ({"TextBody": None}, "Provide either email TextBody or HtmlBody or both."),
        ({"TextBody": "", "HtmlBody": ""}, "Provide either email TextBody or HtmlBody or both."),
        ({"Subject": None}, "The 'Subject' field is required."),
        ({"Subject": "  "}, "The 'Subject' field is required."),
        ({"Subject": "x" * 2001}, "'Subject'"),
        ({"Tag": "x" * 1001}, "'Tag'"),
        ({"TrackLinks": "Always"}, "Invalid 'TrackLinks' value: 'Always'."),
        ({"Metadata": {f"k{i}": "v" for i in range(11)}}, "at most 10 fields"),
        ({"Metadata": {"k" * 21: "v"}}, "1 to 20 characters"),
        ({"Metadata": {"k": "v" * 81}}, "longer than 80 characters"),
        ({"Metadata": {"k": 5}}, "must be a string"),
        ({"Metadata": {"Color": "a", "color": "b"}}, "given twice"),
        ({"Headers": [{"Name": "", "Value": "x"}]}, "Invalid custom header"),
        ({"Headers": [{"Name": "X-A", "Value": "a\r\nBcc: evil@example.com"}]}, "custom header"),
        ({"Attachments": [attachment(Content="!!not base64!!")]}, "not valid base64"),
        ({"Attachments": [attachment(ContentType="notes.txt")]}, "invalid ContentType"),
        ({"Attachments": [attachment(ContentID="my image")]}, "invalid ContentID"),
        ({"Attachments": [attachment(Name="")]}, "must have a 'Name'"),
    ],
)
def test_invalid_messages_are_422_300(
    api: Api, sandbox: Sandbox, fields: dict[str, Any], text: str
) -> None:
    assert_error(api.send(**fields), 422, 300, text)
    assert sandbox.messages() == []


def test_fifty_recipients_pass_fifty_one_fail(api: Api) -> None:
    def many(prefix: str, n: int) -> str:
        return ", ".join(f"{prefix}{i}@example.com" for i in range(n))

    assert api.send(To=many("to", 20), Cc=many("cc", 20), Bcc=many("bcc", 10)).status == 200
    result = api.send(To=many("to", 20), Cc=many("cc", 20), Bcc=many("bcc", 11))
    assert_error(result, 422, 300, "Maximum of 50 recipients allowed per email message")


def test_quoted_names_with_punctuation_are_fine(api: Api, sandbox: Sandbox) -> None:
    assert api.send(To='"Doe, Jr." <doe@example.com>, "A \\"B\\"" <ab@example.com>').status == 200
    names = [p["Name"] for p in sandbox.messages()[0]["Details"]["To"]]
    assert names == ["Doe, Jr.", 'A "B"']


@pytest.mark.parametrize("name", ["setup.exe", "RUN.BAT", "x.tar.vbs", "a.Msi"])
def test_forbidden_attachment_types_are_411(api: Api, name: str) -> None:
    result = api.send(Attachments=[attachment(), attachment(name)])
    assert_error(result, 422, 411, name)


def test_allowed_attachment_types_pass(api: Api) -> None:
    names = ["report.pdf", "photo.JPG", "noextension", "archive.exe.zip"]
    assert api.send(Attachments=[attachment(n) for n in names]).status == 200


def test_message_over_10_mb_is_413(api: Api, sandbox: Sandbox) -> None:
    big = base64.b64encode(b"\0" * (8 * MB)).decode()  # 10.7 MB once encoded
    result = api.send(
        Attachments=[attachment("big.dat", Content=big, ContentType="application/octet-stream")]
    )
    assert result.status == 413
    assert "ErrorCode" not in result.json and "10 MB" in result.json["Message"]
    assert sandbox.messages() == []
    assert api.send().status == 200  # the connection is still usable


def test_just_under_10_mb_is_accepted(api: Api) -> None:
    payload = base64.b64encode(b"\0" * (7 * MB)).decode()
    result = api.send(
        Attachments=[attachment("ok.dat", Content=payload, ContentType="application/octet-stream")]
    )
    assert result.status == 200


def test_html_body_over_5_mb_is_300(api: Api) -> None:
    assert_error(api.send(HtmlBody="x" * (5 * MB + 1)), 422, 300, "'HtmlBody'")
    assert_error(api.send(TextBody="é" * (5 * MB // 2 + 1)), 422, 300, "'TextBody'")
    assert api.send(TextBody="x" * (5 * MB)).status == 200


def test_track_links_values(api: Api, sandbox: Sandbox) -> None:
    for value, stored in [("HtmlAndText", "HtmlAndText"), ("textonly", "TextOnly"), ("", "None")]:
        assert api.send(TrackLinks=value).status == 200
        assert sandbox.messages()[-1]["Details"]["TrackLinks"] == stored


def test_message_streams(api: Api, sandbox: Sandbox) -> None:
    assert_error(api.send(MessageStream="nope"), 422, 1235, "'nope'")
    assert_error(api.send(MessageStream="inbound"), 422, 1236)
    assert api.send(MessageStream="Broadcast").status == 200
    assert sandbox.messages()[0]["Details"]["MessageStream"] == "broadcast"


def test_suppressed_recipients_are_406_on_single_send(api: Api, sandbox: Sandbox) -> None:
    suppress(api, "gone@example.com", "Also.Gone@example.com")
    result = api.send(To="ok@example.com, gone@example.com", Bcc="also.gone@example.com")
    assert_error(result, 422, 406)
    assert result.json["Message"] == (
        "You tried to send to recipient(s) that have been marked as inactive. Found inactive "
        "addresses: gone@example.com, also.gone@example.com. Inactive recipients are ones that "
        "have generated a hard bounce, a spam complaint, or a manual suppression."
    )
    for pattern in SDK_406_PATTERNS:
        found = re.search(pattern, result.json["Message"])
        assert found and [a.strip() for a in found.group(1).split(",")] == [
            "gone@example.com",
            "also.gone@example.com",
        ]
    assert sandbox.messages() == []
    # Suppressions are per stream.
    assert api.send(To="gone@example.com", MessageStream="broadcast").status == 200


def test_batch_answers_per_message_in_order(api: Api, sandbox: Sandbox) -> None:
    suppress(api, "bounced@example.com")
    result = api.post(
        "/email/batch",
        [
            message(To="first@example.com"),
            message(To="bounced@example.com"),
            message(To="not-an-address"),
            message(To="third@example.com", Attachments=[attachment("x.exe")]),
            message(To="fourth@example.com", MessageStream="nope"),
            message(To="fifth@example.com"),
        ],
    )
    assert result.status == 200
    items = result.json
    assert [i["ErrorCode"] for i in items] == [0, 406, 300, 411, 1235, 0]
    assert items[1] == {
        "ErrorCode": 406,
        "Message": "You tried to send to a recipient that has been marked as inactive. Found "
        "inactive addresses: bounced@example.com. Inactive recipients are ones that have "
        "generated a hard bounce, a spam complaint, or a manual suppression. ",
    }
    assert items[0]["To"] == "first@example.com" and items[0]["Message"] == "OK"
    assert set(items[2]) == {"ErrorCode", "Message"}
    assert [m["To"] for m in sandbox.messages()] == [
        "first@example.com",
        "fifth@example.com",
    ]


def test_batch_of_500_passes_501_is_410(api: Api, sandbox: Sandbox) -> None:
    assert_error(api.post("/email/batch", [message()] * 501), 422, 410, "500 messages")
    assert sandbox.messages() == []
    result = api.post("/email/batch", [message(Subject=f"n{i}") for i in range(500)])
    assert result.status == 200 and len(result.json) == 500
    assert len({i["MessageID"] for i in result.json}) == 500
    assert [m["Subject"] for m in sandbox.messages()] == [f"n{i}" for i in range(500)]


def test_batch_over_50_mb_is_413(api: Api, sandbox: Sandbox) -> None:
    body = base64.b64encode(b"\0" * (7 * MB)).decode()
    one = message(
        Attachments=[attachment("a.dat", Content=body, ContentType="application/octet-stream")]
    )
    result = api.post("/email/batch", [one] * 6)  # ~56 MB
    assert result.status == 413 and "50 MB" in result.json["Message"]
    assert sandbox.messages() == []


def test_batch_entry_over_10_mb_fails_alone(api: Api) -> None:
    big = base64.b64encode(b"\0" * (8 * MB)).decode()
    heavy = message(
        Attachments=[attachment("a.dat", Content=big, ContentType="application/octet-stream")]
    )
    items = api.post("/email/batch", [message(), heavy]).json
    assert items[0]["ErrorCode"] == 0
    assert items[1]["ErrorCode"] == 300 and "10 MB" in items[1]["Message"]


def test_batch_shape_errors_fail_the_whole_request(api: Api, sandbox: Sandbox) -> None:
    assert_error(api.post("/email/batch", message()), 422, 403)
    bad = api.post("/email/batch", [message(), message(TrackOpens="yes")])
    assert_error(bad, 422, 403, "'[1].TrackOpens'")
    assert_error(api.post("/email/batch", [message(), "x"]), 422, 403)
    assert sandbox.messages() == []
    assert api.post("/email/batch", []).json == []
