"""Message streams, suppressions and GET /server."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_helpers import Api, assert_error


def suppressions(api: Api, stream: str = "outbound", query: str = "") -> list[dict[str, Any]]:
    result = api.get(f"/message-streams/{stream}/suppressions/dump{query}")
    assert result.status == 200, result.body
    rows: list[dict[str, Any]] = result.json["Suppressions"]
    return rows


def change(api: Api, emails: list[str], *, delete: bool = False, stream: str = "outbound") -> Any:
    path = f"/message-streams/{stream}/suppressions" + ("/delete" if delete else "")
    return api.post(path, {"Suppressions": [{"EmailAddress": e} for e in emails]})


def test_default_streams(api: Api) -> None:
    body = api.get("/message-streams").json
    assert body["TotalCount"] == 3
    assert [(s["ID"], s["MessageStreamType"]) for s in body["MessageStreams"]] == [
        ("outbound", "Transactional"),
        ("inbound", "Inbound"),
        ("broadcast", "Broadcasts"),
    ]
    broadcast = body["MessageStreams"][2]
    assert broadcast["SubscriptionManagementConfiguration"] == {
        "UnsubscribeHandlingType": "Postmark"
    }
    assert set(broadcast) == {
        "ID", "ServerID", "Name", "Description", "MessageStreamType", "CreatedAt", "UpdatedAt",
        "ArchivedAt", "ExpectedPurgeDate", "SubscriptionManagementConfiguration",
    }  # fmt: skip
    assert broadcast["ArchivedAt"] is None and broadcast["ServerID"] == 1
    inbound = api.get("/message-streams?MessageStreamType=Inbound").json
    assert [s["ID"] for s in inbound["MessageStreams"]] == ["inbound"]
    assert (
        api.get(
            "/message-streams?messageStreamType=transactional&IncludeArchivedStreams=true"
        ).json["TotalCount"]
        == 1
    )
    assert_error(api.get("/message-streams?MessageStreamType=Weird"), 422, 1221)


def test_get_stream(api: Api) -> None:
    assert api.get("/message-streams/outbound").json["Name"] == "Default Transactional Stream"
    assert api.get("/message-streams/OUTBOUND").json["ID"] == "outbound"
    assert_error(api.get("/message-streams/nope"), 422, 1226, "'ID' was not found")


def test_create_and_dump_suppressions(api: Api) -> None:
    result = change(api, ["Ann@example.com", "not-an-address", "bob@example.com"])
    assert result.status == 200
    assert result.json == {
        "Suppressions": [
            {"EmailAddress": "Ann@example.com", "Status": "Suppressed", "Message": None},
            {
                "EmailAddress": "not-an-address",
                "Status": "Failed",
                "Message": "An invalid email address was provided.",
            },
            {"EmailAddress": "bob@example.com", "Status": "Suppressed", "Message": None},
        ]
    }
    rows = suppressions(api)
    assert [(r["EmailAddress"], r["SuppressionReason"], r["Origin"]) for r in rows] == [
        ("Ann@example.com", "ManualSuppression", "Customer"),
        ("bob@example.com", "ManualSuppression", "Customer"),
    ]
    assert suppressions(api, "broadcast") == []
    assert [
        r["EmailAddress"] for r in suppressions(api, query="?EmailAddress=ann@example.com")
    ] == ["Ann@example.com"]
    assert len(suppressions(api, query="?SuppressionReason=ManualSuppression&Origin=Customer")) == 2
    assert suppressions(api, query="?suppressionReason=HardBounce") == []
    assert len(suppressions(api, query="?fromdate=2000-01-01&todate=2999-01-01")) == 2
    assert_error(api.send(To="ann@example.com"), 422, 406)


def test_delete_suppressions(api: Api) -> None:
    change(api, ["ann@example.com"])
    result = change(api, ["ANN@example.com", "never@example.com", "bad"], delete=True)
    statuses = [(r["EmailAddress"], r["Status"]) for r in result.json["Suppressions"]]
    assert statuses == [
        ("ANN@example.com", "Deleted"),
        ("never@example.com", "Deleted"),
        ("bad", "Failed"),
    ]
    assert suppressions(api) == []
    assert api.send(To="ann@example.com").status == 200


@pytest.mark.parametrize(
    ("query", "code"),
    [("?SuppressionReason=Spam", 1404), ("?Origin=Nobody", 1405), ("?fromdate=soon", 900)],
)
def test_bad_dump_filters(api: Api, query: str, code: int) -> None:
    assert_error(api.get(f"/message-streams/outbound/suppressions/dump{query}"), 422, code)


def test_suppression_request_errors(api: Api) -> None:
    assert_error(change(api, [f"a{i}@example.com" for i in range(51)]), 422, 1410)
    assert_error(
        api.post("/message-streams/outbound/suppressions", {"Suppressions": "x"}), 422, 1409
    )
    assert_error(api.post("/message-streams/outbound/suppressions", raw=b""), 422, 1409)
    assert_error(change(api, ["a@example.com"], stream="nope"), 422, 1226)
    assert_error(api.get("/message-streams/nope/suppressions/dump"), 422, 1226)
    assert suppressions(api) == []


def test_get_server(api: Api) -> None:
    body = api.get("/server").json
    assert body["ID"] == 1 and body["Name"] == "Sandbox"
    assert body["DeliveryType"] == "Sandbox"
    assert body["ApiTokens"] == [api.token]
    assert body["ServerLink"] == f"http://{api.host}:{api.port}/"
    for key in ("Color", "InboundAddress", "TrackLinks", "InboundSpamThreshold", "BounceHookUrl"):
        assert key in body
