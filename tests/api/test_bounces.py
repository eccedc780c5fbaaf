"""Bounce API through ``client.bounces`` (PMBounceManager: tests/test_bounces.py)."""

from __future__ import annotations

import pytest

import postmark

from .wire import Case, check, ids

BOUNCE = {
    "ID": 692560173,
    "Type": "HardBounce",
    "TypeCode": 1,
    "Email": "no.such.user@example.com",
    "BouncedAt": "2024-05-14T09:21:37.5512864-04:00",
    "Inactive": True,
    "CanActivate": True,
}

CASES = [
    Case(
        "delivery-stats",
        lambda c: c.bounces.delivery_stats(),
        "GET",
        "/deliverystats",
        answer={"InactiveMails": 1, "Bounces": [{"Name": "All", "Count": 1}]},
    ),
    Case(
        "list",
        lambda c: c.bounces.list(
            100,
            0,
            type="HardBounce",
            inactive=True,
            email_filter="example.com",
            tag="welcome",
            message_id="abc",
            from_date="2024-05-01",
            to_date="2024-05-14T12:00:00",
            message_stream="outbound",
        ),
        "GET",
        "/bounces",
        query={
            "count": "100",
            "offset": "0",
            "type": "HardBounce",
            "inactive": "true",
            "emailFilter": "example.com",
            "tag": "welcome",
            "messageID": "abc",
            "fromdate": "2024-05-01",
            "todate": "2024-05-14T12:00:00",
            "messagestream": "outbound",
        },
        answer={"TotalCount": 1, "Bounces": [BOUNCE]},
    ),
    Case("get", lambda c: c.bounces.get(692560173), "GET", "/bounces/692560173", answer=BOUNCE),
    Case(
        "dump",
        lambda c: c.bounces.dump(692560173),
        "GET",
        "/bounces/692560173/dump",
        answer={"Body": "Return-Path: <>..."},
    ),
    Case(
        "activate",
        lambda c: c.bounces.activate(692560173),
        "PUT",
        "/bounces/692560173/activate",
        answer={"Message": "OK", "Bounce": {**BOUNCE, "Inactive": False}},
    ),
    Case("tags-legacy", lambda c: c.bounces.tags(), "GET", "/bounces/tags", answer=["welcome"]),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, server: postmark.ServerClient) -> None:
    check(case, server, "server")
