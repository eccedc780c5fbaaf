"""Inbound messages API: search, details, bypass, retry."""

from __future__ import annotations

import pytest

import postmark

from .wire import Case, check, ids

INBOUND = {
    "From": "customer@example.net",
    "To": "support@inbound.example.com",
    "Subject": "Help",
    "Date": "Tue, 14 May 2024 09:21:37 -0400",
    "MailboxHash": "ticket-42",
    "MessageID": "a8c1040e-db1c-4e18-ac79-bc5f64c7ce2c",
    "Status": "Blocked",
}
ID = INBOUND["MessageID"]

CASES = [
    Case(
        "search-with-every-filter",
        lambda c: c.inbound.list(
            50,
            0,
            recipient="support@inbound.example.com",
            from_email="customer@example.net",
            subject="Help",
            mailbox_hash="ticket-42",
            tag="support",
            status="blocked",
            from_date="2024-05-01",
            to_date="2024-05-31",
        ),
        "GET",
        "/messages/inbound",
        query={
            "count": "50",
            "offset": "0",
            "recipient": "support@inbound.example.com",
            "fromemail": "customer@example.net",
            "subject": "Help",
            "mailboxhash": "ticket-42",
            "tag": "support",
            "status": "blocked",
            "fromdate": "2024-05-01",
            "todate": "2024-05-31",
        },
        answer={"TotalCount": 1, "InboundMessages": [INBOUND]},
    ),
    Case(
        "details",
        lambda c: c.inbound.get(ID),
        "GET",
        f"/messages/inbound/{ID}/details",
        answer={**INBOUND, "TextBody": "Please help", "BlockedReason": "Rule: example.net"},
    ),
    Case(
        "bypass",
        lambda c: c.inbound.bypass(ID),
        "PUT",
        f"/messages/inbound/{ID}/bypass",
        answer={"ErrorCode": 0, "Message": "Successfully bypassed message: " + ID},
    ),
    Case(
        "retry",
        lambda c: c.inbound.retry(ID),
        "PUT",
        f"/messages/inbound/{ID}/retry",
        answer={"ErrorCode": 0, "Message": "Successfully rescheduled failed message: " + ID},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, server: postmark.ServerClient) -> None:
    check(case, server, "server")
