"""Message streams: create, edit, archive, unarchive, and what archiving does to sends."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sandbox_helpers import Api, assert_error, message

from postmark.sandbox import Sandbox

STREAM_KEYS = {
    "ID", "ServerID", "Name", "Description", "MessageStreamType", "CreatedAt", "UpdatedAt",
    "ArchivedAt", "ExpectedPurgeDate", "SubscriptionManagementConfiguration",
}  # fmt: skip


def create(api: Api, **fields: Any) -> Any:
    body = {"ID": "dev", "Name": "Dev stream", "MessageStreamType": "Transactional", **fields}
    return api.post("/message-streams", {k: v for k, v in body.items() if v is not None})


def created(api: Api, **fields: Any) -> dict[str, Any]:
    result = create(api, **fields)
    assert result.status == 200, result.body
    body: dict[str, Any] = result.json
    return body


def listed(api: Api, query: str = "") -> list[str]:
    return [s["ID"] for s in api.get(f"/message-streams{query}").json["MessageStreams"]]


def test_create_transactional_stream_and_send_through_it(api: Api, sandbox: Sandbox) -> None:
    body = created(api, Description="Second transactional stream")
    assert set(body) == STREAM_KEYS
    assert body["ID"] == "dev" and body["ServerID"] == 1
    assert (body["Name"], body["Description"]) == ("Dev stream", "Second transactional stream")
    assert body["MessageStreamType"] == "Transactional"
    assert body["SubscriptionManagementConfiguration"] == {"UnsubscribeHandlingType": "None"}
    assert body["UpdatedAt"] is None and body["ArchivedAt"] is None
    assert body["ExpectedPurgeDate"] is None
    datetime.fromisoformat(body["CreatedAt"])
    assert api.get("/message-streams/dev").json == body
    assert listed(api) == ["outbound", "inbound", "broadcast", "dev"]
    assert api.send(MessageStream="dev").status == 200
    assert sandbox.messages()[0]["MessageStream"] == "dev"


def test_broadcast_stream_gets_postmark_unsubscribe_handling_by_default(api: Api) -> None:
    body = created(api, ID="news", MessageStreamType="broadcasts")
    assert body["MessageStreamType"] == "Broadcasts"
    assert body["SubscriptionManagementConfiguration"] == {"UnsubscribeHandlingType": "Postmark"}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"ID": None}, 1222),
        ({"ID": "  "}, 1222),
        ({"ID": "pm-dev"}, 1233),
        ({"ID": "all"}, 1237),
        ({"ID": "Dev"}, 1227),
        ({"ID": "1dev"}, 1227),
        ({"ID": "dev.stream"}, 1227),
        ({"ID": "d" * 31}, 1227),
        ({"ID": "outbound"}, 1230),
        ({"Name": None}, 1223),
        ({"Name": " "}, 1223),
        ({"Name": "n" * 101}, 1224),
        ({"MessageStreamType": "Inbound"}, 1228),
        ({"MessageStreamType": "Marketing"}, 1221),
        ({"MessageStreamType": None}, 1221),
        ({"Description": "d" * 1001}, 1231),
        ({"Description": "<b>bold</b>"}, 1234),
        ({"SubscriptionManagementConfiguration": {"UnsubscribeHandlingType": "Custom"}}, 1238),
        ({"SubscriptionManagementConfiguration": {"UnsubscribeHandlingType": "Sometimes"}}, 1240),
        ({"SubscriptionManagementConfiguration": {}}, 1240),
        ({"Colour": "red"}, 403),
        ({"Name": 5}, 403),
    ],
)
def test_create_rejects(api: Api, fields: dict[str, Any], code: int) -> None:
    assert_error(create(api, **fields), 422, code)
    assert listed(api, "?IncludeArchivedStreams=true") == ["outbound", "inbound", "broadcast"]


def test_broadcast_stream_needs_unsubscribe_handling(api: Api) -> None:
    config = {"UnsubscribeHandlingType": "None"}
    result = create(api, MessageStreamType="Broadcasts", SubscriptionManagementConfiguration=config)
    assert_error(result, 422, 1239)


def test_ten_streams_at_most_and_archived_ones_count(api: Api) -> None:
    for i in range(7):  # three default streams + 7 = 10
        created(api, ID=f"s{i}")
    assert_error(create(api, ID="s7"), 422, 1225)
    assert api.post("/message-streams/s0/archive").status == 200
    assert_error(create(api, ID="s7"), 422, 1225)
    assert_error(create(api, ID="s0"), 422, 1230)  # an archived stream keeps its ID


def test_edit_changes_only_what_is_given(api: Api) -> None:
    created(api, Description="first")
    result = api.request("PATCH", "/message-streams/dev", {"Name": "Renamed"})
    assert result.status == 200, result.body
    body = result.json
    assert (body["Name"], body["Description"]) == ("Renamed", "first")
    assert body["UpdatedAt"] is not None
    config = {"UnsubscribeHandlingType": "Postmark"}
    body = api.request(
        "PATCH",
        "/message-streams/DEV",
        {"Description": "", "SubscriptionManagementConfiguration": config},
    ).json
    assert body["Description"] is None and body["Name"] == "Renamed"
    assert body["SubscriptionManagementConfiguration"] == config
    assert api.get("/message-streams/dev").json == body


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/message-streams/dev", {"Name": ""}, 1223),
        ("/message-streams/dev", {"Description": "a > b"}, 1234),
        ("/message-streams/dev", {"ID": "other"}, 403),
        ("/message-streams/dev", {"MessageStreamType": "Broadcasts"}, 403),
        ("/message-streams/broadcast", {"SubscriptionManagementConfiguration": {
            "UnsubscribeHandlingType": "None"}}, 1239),
        ("/message-streams/inbound", {"SubscriptionManagementConfiguration": {
            "UnsubscribeHandlingType": "Postmark"}}, 1239),
        ("/message-streams/nope", {"Name": "x"}, 1226),
    ],
)  # fmt: skip
def test_edit_rejects(api: Api, path: str, body: dict[str, Any], code: int) -> None:
    created(api)
    assert_error(api.request("PATCH", path, body), 422, code)
    assert api.get("/message-streams/dev").json["Name"] == "Dev stream"


def test_archive_hides_the_stream_and_refuses_sends(api: Api, sandbox: Sandbox) -> None:
    created(api)
    result = api.post("/message-streams/dev/archive")
    assert result.status == 200, result.body
    archived = result.json
    assert set(archived) == {"ID", "ServerID", "ExpectedPurgeDate"}
    assert (archived["ID"], archived["ServerID"]) == ("dev", 1)
    full = api.get("/message-streams/dev").json
    assert full["ExpectedPurgeDate"] == archived["ExpectedPurgeDate"]
    purge = datetime.fromisoformat(full["ExpectedPurgeDate"])
    assert purge - datetime.fromisoformat(full["ArchivedAt"]) == timedelta(days=45)
    assert "dev" not in listed(api)
    assert "dev" in listed(api, "?IncludeArchivedStreams=true")
    assert_error(api.send(MessageStream="dev"), 422, 1236, "archived")
    batch = api.post("/email/batch", [message(MessageStream="dev"), message()]).json
    assert batch[0]["ErrorCode"] == 1236 and batch[1]["ErrorCode"] == 0
    assert len(sandbox.messages()) == 1
    again = api.post("/message-streams/dev/archive").json
    assert again == archived  # archiving twice changes nothing


@pytest.mark.parametrize("stream", ["outbound", "inbound", "broadcast"])
def test_default_streams_cannot_be_archived(api: Api, stream: str) -> None:
    assert_error(api.post(f"/message-streams/{stream}/archive"), 422, 1229)
    assert api.get(f"/message-streams/{stream}").json["ArchivedAt"] is None


def test_unarchive_brings_the_stream_back(api: Api) -> None:
    created(api)
    api.post("/message-streams/dev/archive")
    result = api.post("/message-streams/dev/unarchive")
    assert result.status == 200, result.body
    body = result.json
    assert set(body) == STREAM_KEYS
    assert body["ArchivedAt"] is None and body["ExpectedPurgeDate"] is None
    assert "dev" in listed(api)
    assert api.send(MessageStream="dev").status == 200
    assert_error(api.post("/message-streams/dev/unarchive"), 422, 1232)


def test_unknown_stream_for_archive_and_unarchive(api: Api) -> None:
    assert_error(api.post("/message-streams/nope/archive"), 422, 1226)
    assert_error(api.post("/message-streams/nope/unarchive"), 422, 1226)


def test_clear_forgets_created_streams(api: Api, sandbox: Sandbox) -> None:
    created(api)
    sandbox.clear()
    assert listed(api, "?IncludeArchivedStreams=true") == ["outbound", "inbound", "broadcast"]
