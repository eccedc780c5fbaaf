"""Messages API: outbound search, details, dump."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from sandbox_helpers import Api, assert_error


def search(api: Api, query: str = "") -> dict[str, Any]:
    result = api.get(f"/messages/outbound?count=100&offset=0{query}")
    assert result.status == 200, result.body
    body: dict[str, Any] = result.json
    return body


def subjects(api: Api, query: str = "") -> list[str]:
    return [m["Subject"] for m in search(api, query)["Messages"]]


@pytest.fixture
def mailbox(api: Api) -> Api:
    api.send(Subject="Order 1", To="ann@example.com", Tag="orders", Metadata={"color": "blue"})
    api.send(Subject="Order 2", To="bob@example.com", Cc="ann@example.org", Tag="Orders")
    api.send(
        Subject="Welcome", From="hello@shop.example", To="cy@example.com", Metadata={"Color": "red"}
    )
    api.send(Subject="News", To="dee@example.com", MessageStream="broadcast")
    return api


def test_search_is_newest_first_on_the_outbound_stream(mailbox: Api) -> None:
    body = search(mailbox)
    assert body["TotalCount"] == 3
    assert [m["Subject"] for m in body["Messages"]] == ["Welcome", "Order 2", "Order 1"]
    summary = body["Messages"][0]
    assert set(summary) == {
        "Tag", "MessageID", "MessageStream", "To", "Cc", "Bcc", "Recipients", "ReceivedAt",
        "From", "Subject", "Attachments", "Status", "TrackOpens", "TrackLinks", "Metadata",
        "Sandboxed",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("&recipient=ann@example", ["Order 2", "Order 1"]),
        ("&recipient=ANN@EXAMPLE.COM", ["Order 1"]),
        ("&fromemail=hello@shop", ["Welcome"]),
        ("&fromEmail=SENDER@example.com", ["Order 2", "Order 1"]),
        ("&tag=orders", ["Order 2", "Order 1"]),
        ("&subject=order", ["Order 2", "Order 1"]),
        ("&status=sent", ["Welcome", "Order 2", "Order 1"]),
        ("&status=processed", ["Welcome", "Order 2", "Order 1"]),
        ("&status=queued", []),
        ("&metadata_color=blue", ["Order 1"]),
        ("&metadata_COLOR=red", ["Welcome"]),
        ("&metadata_color=green", []),
        ("&messagestream=broadcast", ["News"]),
        ("&fromdate=2000-01-01T00:00:00&todate=2999-12-31", ["Welcome", "Order 2", "Order 1"]),
        ("&todate=2000-01-01", []),
        ("&fromdate=2999-01-01", []),
    ],
)
def test_search_filters(mailbox: Api, query: str, expected: list[str]) -> None:
    assert subjects(mailbox, query) == expected


def test_paging(mailbox: Api) -> None:
    page = mailbox.get("/messages/outbound?count=1&offset=1").json
    assert page["TotalCount"] == 3
    assert [m["Subject"] for m in page["Messages"]] == ["Order 2"]
    assert mailbox.get("/messages/outbound?count=10&offset=5").json["Messages"] == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?count=10",
        "?offset=0",
        "?count=0&offset=0",
        "?count=501&offset=0",
        "?count=100&offset=9901",
        "?count=10&offset=x",
        "?count=10&offset=0&status=bounced",
        "?count=10&offset=0&todate=31/12/2020",
    ],
)
def test_bad_queries_are_700(api: Api, query: str) -> None:
    assert_error(api.get(f"/messages/outbound{query}"), 422, 700)


def test_details_and_dump(api: Api) -> None:
    pdf = base64.b64encode(b"%PDF-1.4 fake").decode()
    sent = api.send(
        HtmlBody="<p>Hi</p>",
        Attachments=[{"Name": "a.pdf", "Content": pdf, "ContentType": "application/pdf"}],
        Headers=[{"Name": "Message-ID", "Value": "<custom@example.com>"}],
    ).json
    details = api.get(f"/messages/outbound/{sent['MessageID']}/details").json
    assert details["MessageID"] == sent["MessageID"]
    assert (details["TextBody"], details["HtmlBody"]) == ("Hello there", "<p>Hi</p>")
    assert details["Attachments"] == ["a.pdf"]
    assert details["MessageEvents"][0]["Type"] == "Delivered"
    dump = api.get(f"/messages/outbound/{sent['MessageID'].upper()}/dump").json["Body"]
    assert dump == details["Body"]
    assert "Message-ID: <custom@example.com>" in dump
    assert 'filename="a.pdf"' in dump and "multipart/alternative" in dump
    assert_error(api.get("/messages/outbound/not-a-message/details"), 422, 701)
    assert_error(api.get("/messages/outbound/not-a-message/dump"), 422, 701)
