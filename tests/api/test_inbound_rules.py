"""Inbound rule triggers API."""

from __future__ import annotations

import pytest
import responses

import postmark

from .wire import API, Case, check, ids, sent

CASES = [
    Case(
        "list",
        lambda c: c.inbound_rules.list(5, 10),
        "GET",
        "/triggers/inboundrules",
        query={"count": "5", "offset": "10"},
        answer={"TotalCount": 1, "InboundRules": [{"ID": 3, "Rule": "spam@example.com"}]},
    ),
    Case(
        "create",
        lambda c: c.inbound_rules.create(rule="example.net"),
        "POST",
        "/triggers/inboundrules",
        body={"Rule": "example.net"},
        answer={"ID": 4, "Rule": "example.net"},
    ),
    Case(
        "delete",
        lambda c: c.inbound_rules.delete(4),
        "DELETE",
        "/triggers/inboundrules/4",
        answer={"ErrorCode": 0, "Message": "Rule example.net removed."},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, server: postmark.ServerClient) -> None:
    check(case, server, "server")


def test_iter_stops_at_total_count(server: postmark.ServerClient) -> None:
    responses.get(
        f"{API}/triggers/inboundrules",
        json={"TotalCount": 2, "InboundRules": [{"ID": 1}, {"ID": 2}]},
    )
    assert [r["ID"] for r in server.inbound_rules.iter()] == [1, 2]
    assert len(responses.calls) == 1
    assert sent().query == {"count": "500", "offset": "0"}
