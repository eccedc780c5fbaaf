"""Events meet the multi-server model and the Bulk API: each server records its own
events, posts them to its own webhooks and counts them in its own stats; bulk messages
get Delivery events like any send; message details list the stored opens and clicks."""

from __future__ import annotations

import time

from event_helpers import ALL_ON, HTML, TEXT, event, tracked_send
from receiver import Receiver
from sandbox_helpers import Api
from test_sandbox_bulk import bulk, wait_done

from postmark.sandbox import Sandbox

ACCOUNT = {"X-Postmark-Account-Token": "account-token"}


def staging_token(api: Api) -> str:
    result = api.request("POST", "/servers", {"Name": "Staging"}, token=None, headers=ACCOUNT)
    assert result.status == 200, result.body
    token: str = result.json["ApiTokens"][0]
    return token


def webhook(api: Api, hook: Receiver, token: str | None, path: str) -> None:
    """A verified webhook on ``hook`` for server ``token`` (``None``: the default server)."""
    body = {"Url": hook.url + path, "Triggers": ALL_ON}
    result = api.post("/webhooks", body, **({} if token is None else {"token": token}))
    assert result.status == 200 and result.json["Status"] == "verified", result.body


def posted_paths(sandbox: Sandbox, hook: Receiver) -> list[tuple[str, str, str]]:
    assert sandbox.wait_for_webhooks(10)
    return [(r.path, r.json["RecordType"], r.json["MessageID"]) for r in hook.requests]


def test_a_created_servers_events_go_to_its_own_webhooks_store_and_stats(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    api = events_api
    token = staging_token(api)
    webhook(api, hook, None, "/default")
    webhook(api, hook, token, "/staging")
    hook.requests.clear()

    staging_message = tracked_send(api, token=token)
    default_message = api.send().json["MessageID"]
    assert event(api, "open", staging_message).status == 200  # found on server 2
    assert event(api, "click", staging_message).status == 200

    assert sorted(posted_paths(events_sandbox, hook)) == sorted(
        [
            ("/default", "Delivery", default_message),
            ("/staging", "Delivery", staging_message),
            ("/staging", "Open", staging_message),
            ("/staging", "Click", staging_message),
        ]
    )
    stored = api.get(f"/__sandbox/events?message_id={staging_message}").json["Events"]
    assert [(e["ServerID"], e["RecordType"]) for e in stored] == [
        (2, "Delivery"),
        (2, "Open"),
        (2, "Click"),
    ]
    default_events = api.get("/__sandbox/events").json["Events"]
    assert [e["MessageID"] for e in default_events] == [default_message]
    on_two = api.get("/__sandbox/events?server_id=2&record_type=Open").json
    assert on_two["TotalCount"] == 1
    assert api.get("/__sandbox/events?server_id=9").status == 404
    calls = api.get("/__sandbox/webhook-deliveries?server_id=2&wait=5").json["Deliveries"]
    assert {c["Outcome"] for c in calls} == {"Delivered"} and len(calls) == 3
    assert [e["RecordType"] for e in events_sandbox.events(staging_message)] == [
        "Delivery",
        "Open",
        "Click",
    ]

    staging_stats = api.get("/stats/outbound", token=token).json
    default_stats = api.get("/stats/outbound").json
    assert (staging_stats["Opens"], staging_stats["TotalClicks"]) == (1, 1)
    assert (default_stats["Opens"], default_stats["TotalClicks"]) == (0, 0)
    opens = api.get("/messages/outbound/opens?count=10&offset=0", token=token).json
    assert [o["MessageID"] for o in opens["Opens"]] == [staging_message]
    assert api.get("/messages/outbound/opens?count=10&offset=0").json["TotalCount"] == 0


def test_deleting_a_server_drops_its_pending_webhook_retries(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    api = events_api
    created = api.request("POST", "/servers", {"Name": "Gone"}, token=None, headers=ACCOUNT)
    server_id, token = created.json["ID"], created.json["ApiTokens"][0]
    webhook(api, hook, token, "/gone")
    hook.answer(500, 500, 500, 500, 500, 500, 500)
    api.send(token=token)
    deadline = time.monotonic() + 5
    while not hook.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    deleted = api.request("DELETE", f"/servers/{server_id}", token=None, headers=ACCOUNT)
    assert deleted.status == 200, deleted.body
    assert events_sandbox.wait_for_webhooks(10)  # the retries end quietly, not on a closed store


def test_bulk_messages_get_delivery_events_and_webhooks(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    api = events_api
    body = bulk()
    stream = body.get("MessageStream") or "outbound"
    triggers = {"Url": hook.url + "/bulk", "Triggers": ALL_ON, "MessageStream": stream}
    assert api.post("/webhooks", triggers).json["Status"] == "verified"
    hook.requests.clear()
    bulk_id = api.post("/email/bulk", body).json["ID"]
    wait_done(api, bulk_id)
    sent = {m["MessageID"]: m["Recipients"][0] for m in events_sandbox.messages()}
    assert sorted(sent.values()) == ["ada@example.com", "bob@example.com"]
    delivered = {
        e["MessageID"]: e["Recipient"]
        for e in events_sandbox.events()
        if e["RecordType"] == "Delivery"
    }
    assert delivered == sent
    assert sorted(path for path, kind, _ in posted_paths(events_sandbox, hook)) == [
        "/bulk",
        "/bulk",
    ]


def test_message_details_list_stored_opens_clicks_and_unsubscribes(
    events_sandbox: Sandbox, events_api: Api
) -> None:
    api = events_api
    message_id = tracked_send(api, HtmlBody=HTML, TextBody=TEXT)
    assert event(api, "open", message_id, platform="Mobile").status == 200
    assert event(api, "click", message_id, link="https://example.com/b").status == 200
    assert event(api, "subscription", message_id).status == 200
    details = api.get(f"/messages/outbound/{message_id}/details").json
    kinds = [(e["Type"], e["Recipient"]) for e in details["MessageEvents"]]
    assert kinds == [
        ("Delivered", "reader@example.com"),
        ("Opened", "reader@example.com"),
        ("LinkClicked", "reader@example.com"),
        ("SubscriptionChanged", "reader@example.com"),
    ]
    click = details["MessageEvents"][2]["Details"]
    assert (click["Link"], click["ClickLocation"]) == ("https://example.com/b", "HTML")
    [stored] = events_sandbox.messages()
    assert [e["Type"] for e in stored["MessageEvents"]] == [k for k, _ in kinds]
