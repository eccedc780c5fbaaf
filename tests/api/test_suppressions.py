"""Suppressions API: dump, create and delete (50 addresses per request)."""

from __future__ import annotations

import json
from datetime import date

import pytest
import requests
import responses

import postmark

from .wire import API, Case, check, ids, sent

DUMP = {
    "Suppressions": [
        {
            "EmailAddress": "gone@example.com",
            "SuppressionReason": "HardBounce",
            "Origin": "Recipient",
            "CreatedAt": "2024-05-14T09:21:37-04:00",
        }
    ]
}

CASES = [
    Case(
        "dump-with-filters",
        lambda c: c.suppressions.dump(
            "outbound",
            suppression_reason="HardBounce",
            origin="Recipient",
            from_date=date(2024, 5, 1),
            to_date="2024-05-31",
            email_address="gone@example.com",
        ),
        "GET",
        "/message-streams/outbound/suppressions/dump",
        query={
            "SuppressionReason": "HardBounce",
            "Origin": "Recipient",
            "fromdate": "2024-05-01",
            "todate": "2024-05-31",
            "EmailAddress": "gone@example.com",
        },
        answer=DUMP,
    ),
    Case(
        "create",
        lambda c: c.suppressions.create("outbound", ["a@example.com", "b@example.com"]),
        "POST",
        "/message-streams/outbound/suppressions",
        body={
            "Suppressions": [{"EmailAddress": "a@example.com"}, {"EmailAddress": "b@example.com"}]
        },
        answer={
            "Suppressions": [
                {"EmailAddress": "a@example.com", "Status": "Suppressed", "Message": None},
                {"EmailAddress": "b@example.com", "Status": "Failed", "Message": "Invalid"},
            ]
        },
    ),
    Case(
        "delete",
        lambda c: c.suppressions.delete("my stream", "a@example.com"),
        "POST",
        "/message-streams/my%20stream/suppressions/delete",
        body={"Suppressions": [{"EmailAddress": "a@example.com"}]},
        answer={"Suppressions": [{"EmailAddress": "a@example.com", "Status": "Deleted"}]},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, server: postmark.ServerClient) -> None:
    check(case, server, "server")


def echo_statuses(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
    items = json.loads(request.body or b"{}")["Suppressions"]
    answer = [{"EmailAddress": i["EmailAddress"], "Status": "Suppressed"} for i in items]
    return 200, {}, json.dumps({"Suppressions": answer})


def test_120_addresses_go_in_requests_of_50_and_results_keep_input_order(
    server: postmark.ServerClient,
) -> None:
    responses.add_callback(
        responses.POST, f"{API}/message-streams/outbound/suppressions", callback=echo_statuses
    )
    addresses = (f"user{i}@example.com" for i in range(120))  # any iterable, even a generator
    result = server.suppressions.create("outbound", addresses)
    assert [len(sent(i).body["Suppressions"]) for i in range(3)] == [50, 50, 20]
    assert [s["EmailAddress"] for s in result["Suppressions"]] == [
        f"user{i}@example.com" for i in range(120)
    ]


def test_nothing_to_change_sends_nothing(server: postmark.ServerClient) -> None:
    assert server.suppressions.delete("outbound", []) == {"Suppressions": []}
    assert len(responses.calls) == 0
