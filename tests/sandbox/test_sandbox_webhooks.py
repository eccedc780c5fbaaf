"""Webhooks configuration: CRUD, partial trigger edits, verification against a loopback endpoint."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from receiver import Receiver
from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox
from postmark.sandbox.http.callouts import is_loopback_url, may_call

REMOTE = "https://hooks.example.com/postmark"
ALL_OFF = {
    "Open": {"Enabled": False, "PostFirstOpenOnly": False},
    "Click": {"Enabled": False},
    "Delivery": {"Enabled": False},
    "Bounce": {"Enabled": False, "IncludeContent": False},
    "SpamComplaint": {"Enabled": False, "IncludeContent": False},
    "SubscriptionChange": {"Enabled": False},
}

ALL_ON = {name: {"Enabled": True} for name in ALL_OFF}


def create(api: Api, **fields: Any) -> Any:
    body = {"Url": REMOTE, **fields}
    return api.post("/webhooks", {k: v for k, v in body.items() if v is not None})


def created(api: Api, **fields: Any) -> dict[str, Any]:
    result = create(api, **fields)
    assert result.status == 200, result.body
    body: dict[str, Any] = result.json
    return body


def webhooks(api: Api, query: str = "") -> list[dict[str, Any]]:
    result = api.get(f"/webhooks{query}")
    assert result.status == 200, result.body
    rows: list[dict[str, Any]] = result.json["Webhooks"]
    return rows


def test_create_minimal_webhook(api: Api) -> None:
    body = created(api, Verify=False)
    assert set(body) == {
        "ID", "Url", "MessageStream", "HttpAuth", "HttpHeaders", "Triggers", "Status",
    }  # fmt: skip
    assert isinstance(body["ID"], int)
    assert (body["Url"], body["MessageStream"]) == (REMOTE, "outbound")
    assert body["HttpAuth"] is None and body["HttpHeaders"] == []
    assert body["Triggers"] == ALL_OFF
    assert body["Status"] == "unverified"
    assert api.get(f"/webhooks/{body['ID']}").json == body
    assert webhooks(api) == [body]


def test_create_with_everything_on_a_remote_url_is_saved_unverified(api: Api) -> None:
    body = created(
        api,
        MessageStream="broadcast",
        HttpAuth={"Username": "user", "Password": "secret"},
        HttpHeaders=[{"Name": "X-Shared-Secret", "Value": "s3"}],
        Triggers={
            "Open": {"Enabled": True, "PostFirstOpenOnly": True},
            "Bounce": {"Enabled": True},
        },
    )
    assert body["MessageStream"] == "broadcast"
    assert body["HttpAuth"] == {"Username": "user", "Password": "secret"}
    assert body["HttpHeaders"] == [{"Name": "X-Shared-Secret", "Value": "s3"}]
    assert body["Triggers"]["Open"] == {"Enabled": True, "PostFirstOpenOnly": True}
    assert body["Triggers"]["Bounce"] == {"Enabled": True, "IncludeContent": False}
    assert body["Triggers"]["Click"] == {"Enabled": False}
    # Verify defaults to true, but the sandbox calls only local URLs.
    assert body["Status"] == "unverified"


def test_create_verifies_a_local_endpoint_per_enabled_trigger(api: Api, hook: Receiver) -> None:
    body = created(
        api,
        Url=f"{hook.url}/events?src=pm",
        HttpAuth={"Username": "user", "Password": "secret"},
        HttpHeaders=[{"Name": "X-Shared-Secret", "Value": "s3"}],
        Triggers={"Delivery": {"Enabled": True}, "Bounce": {"Enabled": True}},
    )
    assert body["Status"] == "verified"
    assert [r.json["RecordType"] for r in hook.requests] == ["Delivery", "Bounce"]
    first = hook.requests[0]
    assert first.path == "/events?src=pm"
    assert first.headers["authorization"] == "Basic " + base64.b64encode(b"user:secret").decode()
    assert first.headers["x-shared-secret"] == "s3"
    assert first.headers["content-type"] == "application/json"
    assert first.json["MessageStream"] == "outbound"


def test_failed_verification_saves_nothing(api: Api, hook: Receiver) -> None:
    hook.answer(200, 500)
    result = create(
        api, Url=hook.url, Triggers={"Delivery": {"Enabled": True}, "Bounce": {"Enabled": True}}
    )
    assert_error(result, 422, 1364, "Bounce answered 500")
    assert webhooks(api) == []
    assert created(api, Url=hook.url, Verify=False)["Status"] == "unverified"
    assert len(hook.requests) == 2  # Verify: false calls nothing


def test_verification_of_an_endpoint_that_is_down(api: Api) -> None:
    with Receiver() as gone:
        url = gone.url
    result = create(api, Url=url, Triggers={"Click": {"Enabled": True}})
    assert_error(result, 422, 1364, "Click answered nothing")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (None, 1355),
        ({}, 1355),
        ({"Url": REMOTE, "ID": 5}, 1356),
        ({"Url": REMOTE, "Status": "verified"}, 1363),
        ({"MessageStream": "outbound"}, 1354),
        ({"Url": "ftp://example.com/hook"}, 1354),
        ({"Url": "not a url"}, 1354),
        ({"Url": "https://"}, 1354),
        ({"Url": REMOTE, "MessageStream": "nope"}, 1226),
        ({"Url": REMOTE, "MessageStream": "inbound"}, 1351),
        ({"Url": REMOTE, "HttpHeaders": [{"Name": "", "Value": "x"}]}, 1358),
        ({"Url": REMOTE, "HttpHeaders": [{"Name": "Bad: name", "Value": "x"}]}, 1358),
        ({"Url": REMOTE, "Triggers": {"Opens": {"Enabled": True}}}, 403),
        ({"Url": REMOTE, "Triggers": {"Open": {"Enabled": "yes"}}}, 403),
        ({"Url": REMOTE, "Triggers": {"Click": {"IncludeContent": True}}}, 403),
        ({"Url": REMOTE, "HttpAuth": {"User": "x"}}, 403),
        ({"Url": REMOTE, "Secret": "x"}, 403),
    ],
)
def test_create_rejects(api: Api, body: Any, code: int) -> None:
    result = api.post("/webhooks") if body is None else api.post("/webhooks", body)
    assert_error(result, 422, code)
    assert webhooks(api) == []


def test_no_webhooks_on_archived_streams(api: Api) -> None:
    api.post("/message-streams", {"ID": "old", "Name": "Old", "MessageStreamType": "Broadcasts"})
    api.post("/message-streams/old/archive")
    assert_error(create(api, MessageStream="old"), 422, 1350)


def test_ten_webhooks_per_stream(api: Api) -> None:
    for i in range(10):
        created(api, Url=f"{REMOTE}/{i}")
    assert_error(create(api), 422, 1359)
    created(api, MessageStream="broadcast")  # the limit is per stream


def test_edit_changes_only_the_named_triggers_and_flags(api: Api) -> None:
    hook_id = created(
        api,
        Triggers={
            "Open": {"Enabled": True, "PostFirstOpenOnly": True},
            "Bounce": {"Enabled": True},
        },
    )["ID"]
    result = api.put(f"/webhooks/{hook_id}", {"Triggers": {"Open": {"Enabled": False}}})
    assert result.status == 200, result.body
    body = result.json
    assert body["Triggers"]["Open"] == {"Enabled": False, "PostFirstOpenOnly": True}
    assert body["Triggers"]["Bounce"] == {"Enabled": True, "IncludeContent": False}
    assert body["Url"] == REMOTE and body["MessageStream"] == "outbound"
    assert api.get(f"/webhooks/{hook_id}").json == body


def test_edit_url_auth_and_headers(api: Api) -> None:
    hook_id = created(api, HttpAuth={"Username": "u", "Password": "p"})["ID"]
    body = api.put(
        f"/webhooks/{hook_id}",
        {
            "Url": f"{REMOTE}/v2",
            "HttpHeaders": [{"Name": "X-A", "Value": "1"}],
            "HttpAuth": {"Username": "", "Password": ""},
            "ID": hook_id,
            "MessageStream": "outbound",
        },
    ).json
    assert body["Url"] == f"{REMOTE}/v2"
    assert body["HttpHeaders"] == [{"Name": "X-A", "Value": "1"}]
    assert body["HttpAuth"] is None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"MessageStream": "broadcast"}, 1357),
        ({"ID": 999999}, 1357),
        ({"Status": "verified"}, 1363),
        ({"Url": "nope"}, 1354),
        ({"MessageStreams": "x"}, 403),
    ],
)
def test_edit_rejects(api: Api, body: dict[str, Any], code: int) -> None:
    before = created(api)
    assert_error(api.put(f"/webhooks/{before['ID']}", body), 422, code)
    assert api.get(f"/webhooks/{before['ID']}").json == before


def test_edit_with_failed_verification_leaves_the_webhook_unchanged(
    api: Api, hook: Receiver
) -> None:
    before = created(api, Url=hook.url, Triggers={"Delivery": {"Enabled": True}})
    assert before["Status"] == "verified"
    hook.answer(404)
    result = api.put(f"/webhooks/{before['ID']}", {"Url": f"{hook.url}/moved"})
    assert_error(result, 422, 1364)
    assert api.get(f"/webhooks/{before['ID']}").json == before


def test_delete(api: Api) -> None:
    hook_id = created(api)["ID"]
    result = api.delete(f"/webhooks/{hook_id}")
    assert result.status == 200
    assert result.json == {"ErrorCode": 0, "Message": f"Webhook {hook_id} removed."}
    assert_error(api.get(f"/webhooks/{hook_id}"), 422, 1352)
    assert_error(api.delete(f"/webhooks/{hook_id}"), 422, 1352)


@pytest.mark.parametrize("webhook_id", ["424242", "abc"])
def test_unknown_webhook(api: Api, webhook_id: str) -> None:
    assert_error(api.get(f"/webhooks/{webhook_id}"), 422, 1352)
    assert_error(api.put(f"/webhooks/{webhook_id}", {"Url": REMOTE}), 422, 1352)
    assert_error(api.post(f"/webhooks/{webhook_id}/verify"), 422, 1352)


def test_list_filters(api: Api, hook: Receiver) -> None:
    outbound = created(api)
    broadcast = created(api, MessageStream="broadcast")
    verified = created(api, Url=hook.url)
    assert webhooks(api) == [outbound, broadcast, verified]
    assert webhooks(api, "?MessageStream=broadcast") == [broadcast]
    assert webhooks(api, "?messagestream=inbound") == []
    assert webhooks(api, "?Status=verified") == [verified]
    assert webhooks(api, "?status=UNVERIFIED") == [outbound, broadcast]
    assert_error(api.get("/webhooks?MessageStream=nope"), 422, 1226)
    assert_error(api.get("/webhooks?Status=paused"), 422, 1362)


def test_verify_on_demand(api: Api, hook: Receiver) -> None:
    triggers = {"Delivery": {"Enabled": True}, "Click": {"Enabled": True}}
    remote = created(api, Triggers=triggers)
    result = api.post(f"/webhooks/{remote['ID']}/verify")
    assert result.status == 200
    body = result.json
    assert body["Id"] == remote["ID"] and body["Url"] == REMOTE
    assert body["Success"] is False
    assert [(r["TriggerType"], r["StatusCode"]) for r in body["Results"]] == [
        ("Click", 0),
        ("Delivery", 0),
    ]
    assert body["Message"] == "0/2 triggers verified successfully"

    local = created(api, Url=hook.url, Triggers=triggers, Verify=False)
    hook.answer(200, 503)
    body = api.post(f"/webhooks/{local['ID']}/verify").json
    assert body["Success"] is False
    assert [(r["TriggerType"], r["Success"], r["StatusCode"]) for r in body["Results"]] == [
        ("Click", True, 200),
        ("Delivery", False, 503),
    ]
    assert body["Message"] == "1/2 triggers verified successfully"
    assert api.get(f"/webhooks/{local['ID']}").json["Status"] == "unverified"
    body = api.post(f"/webhooks/{local['ID']}/verify").json
    assert body["Success"] is True
    assert api.get(f"/webhooks/{local['ID']}").json["Status"] == "verified"


def test_statistics_are_zero(api: Api) -> None:
    hook_id = created(api, Triggers={"Bounce": {"Enabled": True}})["ID"]
    body = api.get(f"/webhooks/{hook_id}/statistics").json
    assert body["WebhookId"] == hook_id and body["Url"] == REMOTE
    assert body["Statuses"] == {"Bounce": "unverified"}
    assert body["TimeRange"]["Hours"] == 24
    assert body["Metrics"]["TotalRequests"] == 0
    assert set(body["MetricsByTrigger"]) == {"Bounce"}


def test_a_redirect_is_not_followed(api: Api, hook: Receiver) -> None:
    hook.answer(302)
    result = create(api, Url=hook.url, Triggers={"Delivery": {"Enabled": True}})
    assert_error(result, 422, 1364, "Delivery answered 302")


def test_the_sandbox_never_calls_itself(api: Api, sandbox: Sandbox) -> None:
    body = created(api, Url=f"{sandbox.url}/__sandbox/health", Triggers=ALL_ON)
    assert body["Status"] == "unverified"
    verification = api.post(f"/webhooks/{body['ID']}/verify").json
    assert verification["Success"] is False
    assert "never itself" in verification["Results"][0]["Message"]


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://localhost:8000/hook", True),
        ("https://127.0.0.1/hook", True),
        ("http://127.8.9.10:81/", True),
        ("http://[::1]:8000/hook", True),
        ("http://user:pw@localhost/hook", True),
        ("http://10.0.0.1/hook", False),
        ("http://localhost.example.com/hook", False),
        ("http://example.com/?next=http://127.0.0.1", False),
        ("ftp://127.0.0.1/hook", False),
        ("http://127.0.0.1:port/hook", False),
        ("127.0.0.1:8000", False),
    ],
)
def test_which_urls_the_sandbox_calls(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback
    assert may_call(url, "http://127.0.0.1:8025") is loopback
    assert may_call("http://localhost:8025/x", "http://127.0.0.1:8025") is False
