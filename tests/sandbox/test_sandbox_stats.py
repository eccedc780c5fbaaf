"""Stats API and the opens/clicks lists, computed from stored messages, bounces and events.

Events are recorded at chosen times with the event writer the sandbox's own
events use (:func:`postmark.sandbox.rules.events.record`, not posted to
webhooks), as an open or click would leave them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox
from postmark.sandbox.rules import events
from postmark.sandbox.rules.clock import EASTERN
from postmark.sandbox.store.events import received_ts


def _ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=EASTERN).timestamp()


def _event(sandbox: Sandbox, kind: str, message_id: str, when: str, **payload: Any) -> None:
    body = {"RecordType": kind, "MessageID": message_id, "MessageStream": "outbound", **payload}
    events.record(sandbox._running_app(), body, _ts(when), post=False)


def _sent(api: Api, **fields: Any) -> str:
    result = api.send(**fields)
    assert result.status == 200, result.body
    return str(result.json["MessageID"])


@pytest.fixture
def opened(sandbox: Sandbox, api: Api) -> tuple[str, str]:
    """Two messages; the first opened three times by two readers, clicked twice."""
    links = '<a href="https://a.example/x">a</a> <a href="https://b.example">b</a>'
    first = _sent(api, Tag="news", TrackOpens=True, TrackLinks="HtmlOnly", HtmlBody=links)
    second = _sent(api, Tag="other")
    gmail = {"Name": "Gmail", "Company": "Google", "Family": "Gmail"}
    _event(
        sandbox,
        "Open",
        first,
        "2024-05-01T09:00:00",
        Recipient="a@example.com",
        Platform="WebMail",
        Client=gmail,
        ReadSeconds=5,
        Tag="news",
        Geo={"Country": "Germany", "City": "Berlin"},
    )
    _event(
        sandbox,
        "Open",
        first,
        "2024-05-01T10:00:00",
        Recipient="a@example.com",
        Platform="Mobile",
        Client={"Name": "Apple Mail"},
        ReadSeconds=40,
        Tag="news",
    )
    _event(
        sandbox,
        "Open",
        first,
        "2024-05-02T10:00:00",
        Recipient="b@example.com",
        Platform="Desktop",
        Tag="news",
    )
    _event(
        sandbox,
        "Click",
        first,
        "2024-05-02T11:00:00",
        Recipient="a@example.com",
        Platform="Mobile",
        ClickLocation="HTML",
        OriginalLink="https://a.example/x",
        Client={"Name": "Chrome", "Family": "Chrome"},
        Tag="news",
    )
    _event(
        sandbox,
        "Click",
        first,
        "2024-05-02T12:00:00",
        Recipient="a@example.com",
        Platform="Desktop",
        ClickLocation="Text",
        OriginalLink="https://a.example/x",
        Client={"Name": "Firefox", "Family": "Firefox"},
        Tag="news",
    )
    return first, second


def test_overview_counts_everything(api: Api, opened: tuple[str, str]) -> None:
    _sent(api, To="HardBounce@bounce-testing.postmarkapp.com")
    stats = api.get("/stats/outbound").json
    assert stats["Sent"] == 3 and stats["Bounced"] == 1
    assert stats["BounceRate"] == pytest.approx(33.333)
    assert (stats["Opens"], stats["UniqueOpens"]) == (3, 2)
    assert (stats["TotalClicks"], stats["UniqueLinksClicked"]) == (2, 1)
    assert stats["Tracked"] == stats["WithOpenTracking"] == stats["WithLinkTracking"] == 1
    assert stats["TotalTrackedLinksSent"] == 2
    assert stats["WithClientRecorded"] == 2 and stats["WithPlatformRecorded"] == 3
    assert stats["WithReadTimeRecorded"] == 2
    assert stats["SpamComplaints"] == 0 and stats["SMTPApiErrors"] == 0
    assert "Days" not in stats


def test_filters_by_tag_stream_and_dates(api: Api, opened: tuple[str, str]) -> None:
    assert api.get("/stats/outbound?tag=NEWS").json["Sent"] == 1
    assert api.get("/stats/outbound?messagestream=broadcast").json["Sent"] == 0
    one_day = api.get("/stats/outbound/opens?fromdate=2024-05-02&todate=2024-05-02").json
    assert one_day == {
        "Days": [{"Date": "2024-05-02", "Opens": 1, "Unique": 1}],
        "Opens": 1,
        "Unique": 1,
    }


def test_per_day_answers_leave_out_empty_days_and_keys(api: Api, opened: tuple[str, str]) -> None:
    opens = api.get("/stats/outbound/opens").json
    assert opens == {
        "Days": [
            {"Date": "2024-05-01", "Opens": 2, "Unique": 1},
            {"Date": "2024-05-02", "Opens": 1, "Unique": 1},
        ],
        "Opens": 3,
        "Unique": 2,
    }
    platforms = api.get("/stats/outbound/opens/platforms").json
    assert platforms["Days"][0] == {"Date": "2024-05-01", "Mobile": 1, "WebMail": 1}
    assert (platforms["Desktop"], platforms["Unknown"]) == (1, 0)
    clients = api.get("/stats/outbound/opens/emailClients").json
    assert (clients["Gmail"], clients["Apple Mail"], clients["Unknown"]) == (1, 1, 1)
    reads = api.get("/stats/outbound/opens/readtimes").json
    assert (reads["5s"], reads["20s+"]) == (1, 1)
    assert api.get("/stats/outbound/clicks").json["Clicks"] == 2
    assert api.get("/stats/outbound/clicks").json["Unique"] == 1
    browsers = api.get("/stats/outbound/clicks/browserFamilies").json
    assert (browsers["Chrome"], browsers["Firefox"]) == (1, 1)
    click_platforms = api.get("/stats/outbound/clicks/platforms").json
    assert (click_platforms["Mobile"], click_platforms["Desktop"]) == (1, 1)
    assert "WebMail" not in click_platforms
    location = api.get("/stats/outbound/clicks/location").json
    assert (location["HTML"], location["Text"]) == (1, 1)


def test_sends_bounces_spam_tracked_by_day(sandbox: Sandbox, api: Api) -> None:
    message_id = _sent(api, TrackOpens=True)
    _sent(api, To="SoftBounce@bounce-testing.postmarkapp.com")
    _event(sandbox, "SpamComplaint", message_id, "2024-05-03T08:00:00", Email="r@example.com")
    sends = api.get("/stats/outbound/sends").json
    assert sends["Sent"] == 2 and sum(d["Sent"] for d in sends["Days"]) == 2
    bounces = api.get("/stats/outbound/bounces").json
    assert (bounces["SoftBounce"], bounces["HardBounce"], bounces["Transient"]) == (1, 0, 0)
    assert all("HardBounce" not in day for day in bounces["Days"])
    spam = api.get("/stats/outbound/spam").json
    assert spam == {"Days": [{"Date": "2024-05-03", "SpamComplaint": 1}], "SpamComplaint": 1}
    assert api.get("/stats/outbound").json["SpamComplaintsRate"] == pytest.approx(50.0)
    assert api.get("/stats/outbound/tracked").json["Tracked"] == 1


def test_nothing_stored_gives_zeros(api: Api) -> None:
    assert api.get("/stats/outbound/sends").json == {"Days": [], "Sent": 0}
    assert api.get("/stats/outbound").json["BounceRate"] == 0.0


@pytest.mark.parametrize(
    ("query", "code"),
    [("fromdate=yesterday", 900), ("fromdate=2024-05-02&todate=2024-05-01", 1502)],
)
def test_stats_query_errors(api: Api, query: str, code: int) -> None:
    assert_error(api.get(f"/stats/outbound/sends?{query}"), 422, code)


def test_opens_list_filters_and_pages(api: Api, opened: tuple[str, str]) -> None:
    first, _ = opened
    page = api.get("/messages/outbound/opens?count=2&offset=0").json
    assert page["TotalCount"] == 3
    assert [o["Recipient"] for o in page["Opens"]] == ["b@example.com", "a@example.com"]
    assert page["Opens"][0]["RecordType"] == "Open" and page["Opens"][0]["MessageID"] == first
    by_client = api.get("/messages/outbound/opens?count=10&offset=0&client_name=gmail").json
    assert by_client["TotalCount"] == 1
    camel = api.get("/messages/outbound/opens?count=10&offset=0&clientName=Gmail&city=berlin")
    assert camel.json["TotalCount"] == 1
    assert (
        api.get("/messages/outbound/opens?count=10&offset=0&platform=Desktop").json["TotalCount"]
        == 1
    )
    none = api.get("/messages/outbound/opens?count=10&offset=0&messagestream=broadcast").json
    assert none == {"TotalCount": 0, "Opens": []}
    clicks = api.get("/messages/outbound/clicks?count=10&offset=0&recipient=A@EXAMPLE").json
    assert clicks["TotalCount"] == 2 and clicks["Clicks"][0]["ClickLocation"] == "Text"


def test_opens_and_clicks_of_one_message(api: Api, opened: tuple[str, str]) -> None:
    first, second = opened
    mine = api.get(f"/messages/outbound/opens/{first}?count=1&offset=1").json
    assert mine["TotalCount"] == 3 and len(mine["Opens"]) == 1
    assert api.get(f"/messages/outbound/clicks/{second}?count=5&offset=0").json == {
        "TotalCount": 0,
        "Clicks": [],
    }
    assert_error(api.get("/messages/outbound/opens/nope?count=5&offset=0"), 422, 701)


@pytest.mark.parametrize(
    "query",
    ["", "count=501&offset=0", "count=500&offset=9501", "count=10&offset=-1", "count=x&offset=0"],
)
def test_opens_paging_limits(api: Api, query: str) -> None:
    assert_error(api.get(f"/messages/outbound/opens?{query}"), 422, 700)
    assert_error(api.get(f"/messages/outbound/clicks?{query}"), 422, 700)


def test_received_at_is_read_liberally() -> None:
    assert received_ts(1700000000) == 1700000000.0
    assert received_ts("1700000000.5") == 1700000000.5
    assert received_ts("2023-11-14T22:13:20Z") == 1700000000.0
    assert received_ts("2023-11-14T17:13:20.1234567-05:00") == pytest.approx(1700000000.1234567)
    assert received_ts("garbage") == 0.0
