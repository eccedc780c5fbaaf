"""Outbound messages API: search, details, dump, opens and clicks."""

from __future__ import annotations

import warnings
from datetime import datetime, timezone

import pytest
import responses

import postmark
from postmark.api.paging import TruncatedResultsWarning

from .wire import API, Case, check, ids, sent

MESSAGE = {
    "Tag": "welcome",
    "MessageID": "0ac29aee-e1cd-480d-b08d-4f48548ff48d",
    "MessageStream": "outbound",
    "To": [{"Email": "you@example.com", "Name": None}],
    "Recipients": ["you@example.com"],
    "ReceivedAt": "2024-05-14T09:21:37.5512864-04:00",
    "From": "me@example.com",
    "Subject": "Hi",
    "Status": "Sent",
    "Metadata": {"order": "42"},
}
OPEN = {
    "RecordType": "Open",
    "MessageID": MESSAGE["MessageID"],
    "ReceivedAt": "2024-05-14T10:00:00Z",
    "Recipient": "you@example.com",
    "Platform": "Desktop",
}
CLICK = {**OPEN, "RecordType": "Click", "ClickLocation": "HTML", "OriginalLink": "https://x.io"}
ID = MESSAGE["MessageID"]

CASES = [
    Case(
        "search-with-every-filter",
        lambda c: c.messages.list(
            100,
            200,
            recipient="you@example.com",
            from_email="me@example.com",
            tag="welcome",
            status="sent",
            from_date="2024-05-01",
            to_date=datetime(2024, 5, 14, 16, 0, 0, 250000, tzinfo=timezone.utc),
            subject="Hi",
            message_stream="outbound",
            metadata={"order": "42"},
        ),
        "GET",
        "/messages/outbound",
        query={
            "count": "100",
            "offset": "200",
            "recipient": "you@example.com",
            "fromemail": "me@example.com",
            "tag": "welcome",
            "status": "sent",
            "fromdate": "2024-05-01",
            # 16:00:00.25 UTC is 12:00:00.25 EDT; an upper bound rounds up.
            "todate": "2024-05-14T12:00:01",
            "subject": "Hi",
            "messagestream": "outbound",
            "metadata_order": "42",
        },
        answer={"TotalCount": 1, "Messages": [MESSAGE]},
    ),
    Case(
        "details",
        lambda c: c.messages.get(ID),
        "GET",
        f"/messages/outbound/{ID}/details",
        answer={**MESSAGE, "TextBody": "Hello", "MessageEvents": [{"Type": "Delivered"}]},
    ),
    Case(
        "dump",
        lambda c: c.messages.dump(ID),
        "GET",
        f"/messages/outbound/{ID}/dump",
        answer={"Body": "From: me@example.com\r\n..."},
    ),
    Case(
        "opens-search",
        lambda c: c.messages.list_opens(
            10,
            0,
            recipient="you@example.com",
            tag="welcome",
            client_name="Gmail",
            client_company="Google",
            client_family="Gmail",
            os_name="Windows 10",
            os_family="Windows",
            os_company="Microsoft",
            platform="Desktop",
            country="Canada",
            region="Ontario",
            city="Toronto",
            message_stream="outbound",
        ),
        "GET",
        "/messages/outbound/opens",
        query={
            "count": "10",
            "offset": "0",
            "recipient": "you@example.com",
            "tag": "welcome",
            "client_name": "Gmail",
            "client_company": "Google",
            "client_family": "Gmail",
            "os_name": "Windows 10",
            "os_family": "Windows",
            "os_company": "Microsoft",
            "platform": "Desktop",
            "country": "Canada",
            "region": "Ontario",
            "city": "Toronto",
            "messagestream": "outbound",
        },
        answer={"TotalCount": 1, "Opens": [OPEN]},
    ),
    Case(
        "opens-of-one-message",
        lambda c: c.messages.message_opens(ID, 50, 0),
        "GET",
        f"/messages/outbound/opens/{ID}",
        query={"count": "50", "offset": "0"},
        answer={"TotalCount": 1, "Opens": [OPEN]},
    ),
    Case(
        "clicks-search",
        lambda c: c.messages.list_clicks(25, 25, platform="Mobile"),
        "GET",
        "/messages/outbound/clicks",
        query={"count": "25", "offset": "25", "platform": "Mobile"},
        answer={"TotalCount": 26, "Clicks": [CLICK]},
    ),
    Case(
        "clicks-of-one-message",
        lambda c: c.messages.message_clicks(ID),
        "GET",
        f"/messages/outbound/clicks/{ID}",
        query={"count": "25", "offset": "0"},
        answer={"TotalCount": 1, "Clicks": [CLICK]},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, server: postmark.ServerClient) -> None:
    check(case, server, "server")


def test_iter_opens_stops_at_postmarks_10000_cap_with_a_warning(
    server: postmark.ServerClient,
) -> None:
    page = {"TotalCount": 12_345, "Opens": [OPEN] * 500}
    responses.get(f"{API}/messages/outbound/opens", json=page)
    with pytest.warns(TruncatedResultsWarning, match="stopped after 10,000 results"):
        assert len(list(server.messages.iter_opens(tag="welcome"))) == 10_000
    assert len(responses.calls) == 20
    offsets = [int(sent(i).query["offset"]) + int(sent(i).query["count"]) for i in range(20)]
    assert max(offsets) == 10_000
    assert all(sent(i).query["tag"] == "welcome" for i in range(20))


def test_iter_clicks_under_the_cap_warns_nothing(server: postmark.ServerClient) -> None:
    responses.get(f"{API}/messages/outbound/clicks", json={"TotalCount": 2, "Clicks": [CLICK]})
    responses.get(f"{API}/messages/outbound/clicks", json={"TotalCount": 2, "Clicks": [CLICK]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(list(server.messages.iter_clicks())) == 2


@pytest.mark.parametrize(
    ("method", "path", "key"),
    [
        ("iter_message_opens", "opens", "Opens"),
        ("iter_message_clicks", "clicks", "Clicks"),
    ],
)
def test_iter_events_of_one_message(
    server: postmark.ServerClient, method: str, path: str, key: str
) -> None:
    responses.get(f"{API}/messages/outbound/{path}/{ID}", json={"TotalCount": 1, key: [OPEN]})
    assert list(getattr(server.messages, method)(ID)) == [OPEN]
    assert sent().query == {"count": "500", "offset": "0"}


def test_iter_refuses_an_unknown_filter_before_any_request(
    server: postmark.ServerClient,
) -> None:
    with pytest.raises(TypeError, match="recipent"):
        server.messages.iter(recipent="typo@example.com")
    assert len(responses.calls) == 0
