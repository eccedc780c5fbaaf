"""Data removals API (account token)."""

from __future__ import annotations

import pytest

import postmark

from .wire import Case, check, ids

CASES = [
    Case(
        "create",
        lambda c: c.data_removals.create(
            requested_by="dpo@example.com",
            requested_for="user@example.com",
            notify_when_completed=True,
        ),
        "POST",
        "/data-removals",
        body={
            "RequestedBy": "dpo@example.com",
            "RequestedFor": "user@example.com",
            "NotifyWhenCompleted": True,
        },
        answer={"ID": 1234, "Status": "Pending"},
    ),
    Case(
        "get",
        lambda c: c.data_removals.get(1234),
        "GET",
        "/data-removals/1234",
        answer={"ID": 1234, "Status": "Done"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, account: postmark.AccountClient) -> None:
    check(case, account, "account")
