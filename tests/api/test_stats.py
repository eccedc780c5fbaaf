"""Stats API: every sub-endpoint, with the shared filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

import pytest

import postmark

from .wire import Case, check, ids

FILTERS = {
    "tag": "welcome",
    "fromdate": "2024-01-01",
    "todate": "2024-01-31",
    "messagestream": "outbound",
}


def day_stats(**totals: int) -> dict[str, object]:
    return {**totals, "Days": [{"Date": "2024-01-02", **totals}]}


# (method, path, answer)
ENDPOINTS = [
    ("outbound", "/stats/outbound", {"Sent": 615, "Bounced": 64, "BounceRate": 10.406}),
    ("sends", "/stats/outbound/sends", day_stats(Sent=140)),
    ("bounces", "/stats/outbound/bounces", day_stats(HardBounce=12, SoftBounce=1)),
    ("spam", "/stats/outbound/spam", day_stats(SpamComplaint=2)),
    ("tracked", "/stats/outbound/tracked", day_stats(Tracked=45)),
    ("opens", "/stats/outbound/opens", day_stats(Opens=166, Unique=100)),
    ("open_platforms", "/stats/outbound/opens/platforms", day_stats(Desktop=4, Mobile=2)),
    ("email_clients", "/stats/outbound/opens/emailclients", day_stats(Gmail=3)),
    ("read_times", "/stats/outbound/opens/readtimes", day_stats(**{"0": 3, "20+": 1})),
    ("clicks", "/stats/outbound/clicks", day_stats(Clicks=20, Unique=10)),
    ("browser_families", "/stats/outbound/clicks/browserfamilies", day_stats(Chrome=9)),
    ("click_platforms", "/stats/outbound/clicks/platforms", day_stats(Desktop=1)),
    ("click_location", "/stats/outbound/clicks/location", day_stats(HTML=5, Text=1)),
]


def call(name: str) -> Callable[[Any], Any]:
    """``client.stats.<name>(...)`` with every filter set."""
    return lambda client: getattr(client.stats, name)(
        tag="welcome",
        from_date=date(2024, 1, 1),
        # 2024-02-01T03:00Z is still January 31st in New York.
        to_date=datetime(2024, 2, 1, 3, 0, tzinfo=timezone.utc),
        message_stream="outbound",
    )


CASES = [
    Case(name, call(name), "GET", path, query=FILTERS, answer=answer)
    for name, path, answer in ENDPOINTS
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, server: postmark.ServerClient) -> None:
    check(case, server, "server")


def test_without_filters_no_query_is_sent(server: postmark.ServerClient) -> None:
    check(
        Case(
            "all-time",
            lambda c: c.stats.sends(),
            "GET",
            "/stats/outbound/sends",
            answer=day_stats(Sent=1),
        ),
        server,
        "server",
    )
