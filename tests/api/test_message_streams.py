"""Message streams API."""

from __future__ import annotations

import pytest

import postmark

from .wire import Case, check, ids

STREAM = {
    "ID": "broadcasts",
    "ServerID": 123,
    "Name": "Newsletters",
    "Description": None,
    "MessageStreamType": "Broadcasts",
    "CreatedAt": "2024-05-14T09:21:37-04:00",
    "UpdatedAt": None,
    "ArchivedAt": None,
    "ExpectedPurgeDate": None,
    "SubscriptionManagementConfiguration": {"UnsubscribeHandlingType": "Postmark"},
}

CASES = [
    Case(
        "list",
        lambda c: c.message_streams.list(
            message_stream_type="Broadcasts", include_archived_streams=True
        ),
        "GET",
        "/message-streams",
        query={"MessageStreamType": "Broadcasts", "IncludeArchivedStreams": "true"},
        answer={"MessageStreams": [STREAM], "TotalCount": 1},
    ),
    Case(
        "list-without-filters",
        lambda c: c.message_streams.list(),
        "GET",
        "/message-streams",
        answer={"MessageStreams": [STREAM], "TotalCount": 1},
    ),
    Case(
        "get",
        lambda c: c.message_streams.get("broadcasts"),
        "GET",
        "/message-streams/broadcasts",
        answer=STREAM,
    ),
    Case(
        "create",
        lambda c: c.message_streams.create(
            stream_id="broadcasts",
            name="Newsletters",
            message_stream_type="Broadcasts",
            description="Monthly news",
            unsubscribe_handling_type="Postmark",
        ),
        "POST",
        "/message-streams",
        body={
            "ID": "broadcasts",
            "Name": "Newsletters",
            "MessageStreamType": "Broadcasts",
            "Description": "Monthly news",
            "SubscriptionManagementConfiguration": {"UnsubscribeHandlingType": "Postmark"},
        },
        answer=STREAM,
    ),
    Case(
        "edit-is-a-patch",
        lambda c: c.message_streams.edit(
            "broadcasts", name="News", unsubscribe_handling_type="Custom"
        ),
        "PATCH",
        "/message-streams/broadcasts",
        body={
            "Name": "News",
            "SubscriptionManagementConfiguration": {"UnsubscribeHandlingType": "Custom"},
        },
        answer={**STREAM, "Name": "News"},
    ),
    Case(
        "archive",
        lambda c: c.message_streams.archive("broadcasts"),
        "POST",
        "/message-streams/broadcasts/archive",
        answer={
            "ID": "broadcasts",
            "ServerID": 123,
            "ExpectedPurgeDate": "2024-06-28T09:00:00-04:00",
        },
    ),
    Case(
        "unarchive",
        lambda c: c.message_streams.unarchive("broadcasts"),
        "POST",
        "/message-streams/broadcasts/unarchive",
        answer=STREAM,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, server: postmark.ServerClient) -> None:
    check(case, server, "server")
