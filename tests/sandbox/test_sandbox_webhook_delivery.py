"""Webhook calls: credentials, headers, triggers, streams, Postmark's retry schedule, the log."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest
from event_helpers import add_webhook, event, posted, record_types, tracked_send
from receiver import Receiver
from sandbox_helpers import Api

from postmark.sandbox import Sandbox
from postmark.sandbox.rules.webhook_delivery import RETRY_DELAYS
from postmark.webhooks import basic_auth_header, parse_datetime

SCALE = 0.0001  # the events_sandbox fixture's webhook_retry_scale


def deliveries(sandbox: Sandbox) -> list[dict[str, Any]]:
    assert sandbox.wait_for_webhooks(10)
    return sandbox.webhook_deliveries()


def test_basic_auth_and_custom_headers_are_sent(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(
        events_api,
        hook,
        HttpAuth={"Username": "hooks", "Password": "s3cret:part"},
        HttpHeaders=[{"Name": "X-Shared-Secret", "Value": "abc"}],
    )
    tracked_send(events_api)
    assert record_types(events_sandbox, hook) == ["Delivery"]
    request = hook.requests[0]
    assert (request.method, request.path) == ("POST", "/events")
    assert request.headers["authorization"] == basic_auth_header("hooks", "s3cret:part")
    assert request.headers["x-shared-secret"] == "abc"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-pm-retries-remaining"] == "6"
    assert request.headers["x-pm-webhook-trace-id"]


def test_credentials_in_the_url_are_sent_as_basic_auth_and_hidden_in_the_log(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    url = hook.url.replace("http://", "http://user:pa%40ss@")
    result = events_api.post(
        "/webhooks", {"Url": url + "/in-url", "Triggers": {"Delivery": {"Enabled": True}}}
    )
    assert result.json["Status"] == "verified"
    hook.requests.clear()
    tracked_send(events_api)
    assert posted(events_sandbox, hook)
    assert hook.requests[0].headers["authorization"] == basic_auth_header("user", "pa@ss")
    logged = deliveries(events_sandbox)[0]["Url"]
    assert "pa%40ss" not in logged and logged.startswith("http://user:***@127.0.0.1:")


def test_a_500_is_retried_with_the_same_trace_id(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook)
    hook.reply = b"receiver is down"
    hook.answer(500)
    message_id = tracked_send(events_api)
    bodies = posted(events_sandbox, hook)
    assert [b["RecordType"] for b in bodies] == ["Delivery", "Delivery"]
    assert bodies[0] == bodies[1]
    first, second = hook.requests
    assert first.headers["x-pm-webhook-trace-id"] == second.headers["x-pm-webhook-trace-id"]
    assert [r.headers["x-pm-retries-remaining"] for r in hook.requests] == ["6", "5"]
    log = events_api.get(f"/__sandbox/webhook-deliveries?message_id={message_id}").json
    assert log["TotalCount"] == 2
    failed, delivered = log["Deliveries"]
    assert (failed["Attempt"], failed["StatusCode"], failed["Outcome"]) == (1, 500, "Retrying")
    assert failed["Response"] == "receiver is down"
    assert failed["NextAttemptAt"] is not None and failed["DurationMs"] >= 0
    assert (delivered["Attempt"], delivered["StatusCode"], delivered["Outcome"]) == (
        2,
        200,
        "Delivered",
    )
    assert delivered["NextAttemptAt"] is None
    assert failed["TraceId"] == delivered["TraceId"]
    assert failed["Url"] == hook.url + "/events" and failed["RecordType"] == "Delivery"


def test_failures_follow_postmarks_schedule_then_give_up(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook, Triggers={"Delivery": {"Enabled": True}})
    hook.answer(*[503] * 10)
    tracked_send(events_api)
    log = deliveries(events_sandbox)
    assert [d["Attempt"] for d in log] == [1, 2, 3, 4, 5, 6, 7]  # 1 call + 6 retries
    assert [d["Outcome"] for d in log] == ["Retrying"] * 6 + ["Failed"]
    assert [r.headers["x-pm-retries-remaining"] for r in hook.requests] == [
        "6", "5", "4", "3", "2", "1", "0",
    ]  # fmt: skip
    times = [parse_datetime(d["AttemptedAt"]) for d in log]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]  # type: ignore[operator]
    for gap, delay in zip(gaps, RETRY_DELAYS, strict=True):
        # A lower bound only: a loaded machine makes every gap longer, never shorter.
        assert gap >= delay * SCALE * 0.9, (gaps, RETRY_DELAYS)


@pytest.mark.parametrize(("status", "calls"), [(400, 1), (404, 1), (410, 1), (408, 2), (429, 2)])
def test_which_statuses_are_retried(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver, status: int, calls: int
) -> None:
    add_webhook(events_api, hook, Triggers={"Delivery": {"Enabled": True}})
    hook.answer(status)
    tracked_send(events_api)
    log = deliveries(events_sandbox)
    assert len(hook.requests) == len(log) == calls
    assert log[0]["Outcome"] == ("Failed" if calls == 1 else "Retrying")


def test_any_2xx_is_success(events_sandbox: Sandbox, events_api: Api, hook: Receiver) -> None:
    add_webhook(events_api, hook, Triggers={"Delivery": {"Enabled": True}})
    hook.answer(204)
    tracked_send(events_api)
    assert [(d["StatusCode"], d["Outcome"]) for d in deliveries(events_sandbox)] == [
        (204, "Delivered")
    ]


def test_an_endpoint_that_is_down_is_retried(events_sandbox: Sandbox, events_api: Api) -> None:
    with Receiver() as hook:
        add_webhook(events_api, hook, Triggers={"Delivery": {"Enabled": True}})
    tracked_send(events_api)  # the receiver has stopped: connection refused
    log = deliveries(events_sandbox)
    assert len(log) == 7 and {d["StatusCode"] for d in log} == {0}
    assert log[-1]["Outcome"] == "Failed" and "No answer" in log[0]["Response"]


def test_a_disabled_trigger_sends_nothing(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook, "/deliveries", Triggers={"Delivery": {"Enabled": True}})
    with Receiver() as opens:
        add_webhook(events_api, opens, "/opens", Triggers={"Open": {"Enabled": True}})
        message_id = tracked_send(events_api)
        assert record_types(events_sandbox, opens) == []
        assert event(events_api, "open", message_id).status == 200
        assert event(events_api, "click", message_id).status == 200
        assert record_types(events_sandbox, opens) == ["Open"]
    assert record_types(events_sandbox, hook) == ["Delivery"]
    assert {d["RecordType"] for d in events_sandbox.webhook_deliveries()} == {"Delivery", "Open"}


def test_a_trigger_switched_off_later_sends_nothing(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    webhook_id = add_webhook(events_api, hook)
    edit = {"Triggers": {"Delivery": {"Enabled": False}}}
    assert events_api.put(f"/webhooks/{webhook_id}", edit).status == 200
    hook.requests.clear()
    message_id = tracked_send(events_api)
    event(events_api, "open", message_id)
    assert record_types(events_sandbox, hook) == ["Open"]


def test_webhooks_of_another_stream_get_nothing(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook, MessageStream="broadcast")
    tracked_send(events_api)
    assert record_types(events_sandbox, hook) == []
    tracked_send(events_api, MessageStream="broadcast")
    assert record_types(events_sandbox, hook) == ["Delivery"]


def test_include_content_adds_the_bounce_dump(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(
        events_api, hook, "/with", Triggers={"Bounce": {"Enabled": True, "IncludeContent": True}}
    )
    with Receiver() as plain:
        add_webhook(events_api, plain, "/without", Triggers={"Bounce": {"Enabled": True}})
        tracked_send(events_api, To="HardBounce@bounce-testing.postmarkapp.com")
        (without,) = posted(events_sandbox, plain)
    (with_content,) = posted(events_sandbox, hook)
    dump = events_api.get(f"/bounces/{with_content['ID']}/dump").json["Body"]
    assert with_content["Content"] == dump and "Final-Recipient" in dump
    assert "Content" not in without
    assert {k: v for k, v in with_content.items() if k != "Content"} == without


def test_unverified_and_remote_webhooks_are_not_called_and_say_why(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    triggers = {"Delivery": {"Enabled": True}}
    body = {"Url": hook.url + "/unverified", "Verify": False, "Triggers": triggers}
    assert events_api.post("/webhooks", body).json["Status"] == "unverified"
    remote = {"Url": "https://hooks.example.com/pm", "Triggers": triggers}
    assert events_api.post("/webhooks", remote).status == 200
    tracked_send(events_api)
    assert hook.requests == []
    log = deliveries(events_sandbox)
    assert [d["Outcome"] for d in log] == ["NotCalled", "NotCalled"]
    assert "unverified" in log[0]["Response"] and "/verify" in log[0]["Response"]
    assert "only calls URLs on this machine" in log[1]["Response"]


def test_the_send_does_not_wait_for_the_webhook(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook, Triggers={"Delivery": {"Enabled": True}})
    hook.delay = 1.0
    started = time.monotonic()
    tracked_send(events_api)
    assert time.monotonic() - started < 0.5
    assert hook.requests == []
    assert record_types(events_sandbox, hook) == ["Delivery"]


def test_clear_and_stop_drop_pending_retries(hook: Receiver) -> None:
    with Sandbox() as sandbox:  # Postmark's real schedule: the retry is a minute away
        api = Api(sandbox.url)
        add_webhook(api, hook, Triggers={"Delivery": {"Enabled": True}})
        hook.answer(500)
        tracked_send(api)
        deadline = time.monotonic() + 5
        while not sandbox.webhook_deliveries() and time.monotonic() < deadline:
            time.sleep(0.01)
        (first,) = sandbox.webhook_deliveries()
        assert first["Outcome"] == "Retrying"
        assert not sandbox.wait_for_webhooks(0.1)  # the retry is still queued
        sandbox.clear()
        assert sandbox.webhook_deliveries() == []
        api.close()
        started = time.monotonic()
    assert time.monotonic() - started < 2  # stop() did not wait for the retry
    assert len(hook.requests) == 1


def test_wait_query_waits_for_queued_calls(events_api: Api, hook: Receiver) -> None:
    add_webhook(events_api, hook, Triggers={"Delivery": {"Enabled": True}})
    hook.delay = 0.3
    tracked_send(events_api)
    log = events_api.get("/__sandbox/webhook-deliveries?wait=5").json
    assert [d["Outcome"] for d in log["Deliveries"]] == ["Delivered"]
    assert events_api.get("/__sandbox/webhook-deliveries?wait=soon").status == 400
