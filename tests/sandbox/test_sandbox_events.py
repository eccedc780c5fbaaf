"""Outbound events: recorded after a send and on demand, with Postmark's payloads and rules."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from event_helpers import add_webhook, event, posted, record_types, tracked_send
from receiver import Receiver
from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox
from postmark.webhooks import parse_datetime

REFERENCE = Path(__file__).parent.parent / "webhooks"
BOUNCE_TO = "HardBounce@bounce-testing.postmarkapp.com"


def reference(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REFERENCE / f"{name}.json").read_text())
    return data


def shape(payload: dict[str, Any]) -> dict[str, str]:
    return {key: type(value).__name__ for key, value in payload.items()}


def only(bodies: list[dict[str, Any]], record_type: str) -> dict[str, Any]:
    found = [b for b in bodies if b["RecordType"] == record_type]
    assert len(found) == 1, [b["RecordType"] for b in bodies]
    return found[0]


# --- after a send ---------------------------------------------------------------------


def test_a_send_posts_one_delivery_per_recipient(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook)
    message_id = tracked_send(events_api, To="a@example.com", Cc="B <b@example.com>")
    bodies = posted(events_sandbox, hook)
    assert [(b["RecordType"], b["Recipient"]) for b in bodies] == [
        ("Delivery", "a@example.com"),
        ("Delivery", "b@example.com"),
    ]
    first = bodies[0]
    assert first["MessageID"] == message_id
    assert (first["ServerID"], first["MessageStream"], first["Tag"]) == (1, "outbound", "welcome")
    assert first["Metadata"] == {"user-id": "42"}
    delivered = parse_datetime(first["DeliveredAt"])
    assert delivered is not None and delivered.utcoffset() is not None
    assert first["DeliveredAt"].endswith("Z")
    assert shape(first) == shape(reference("delivery"))


def test_a_bounce_testing_address_posts_a_bounce_and_its_suppression(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook)
    message_id = tracked_send(events_api, To=f"a@example.com, {BOUNCE_TO}")
    bodies = posted(events_sandbox, hook)
    assert [b["RecordType"] for b in bodies] == ["Delivery", "Bounce", "SubscriptionChange"]
    bounce = bodies[1]
    stored = events_sandbox.bounces()[0]
    assert bounce["ID"] == stored["ID"] and bounce["MessageID"] == message_id
    assert (bounce["Type"], bounce["TypeCode"], bounce["Email"]) == ("HardBounce", 1, BOUNCE_TO)
    assert bounce["Inactive"] is True and bounce["CanActivate"] is True
    assert bounce["Metadata"] == {"user-id": "42"} and bounce["Tag"] == "welcome"
    assert "Content" not in bounce  # only with IncludeContent
    assert shape(bounce) == {k: v for k, v in shape(reference("bounce")).items() if k != "Content"}
    change = bodies[2]
    assert (change["Recipient"], change["Origin"], change["SuppressionReason"]) == (
        BOUNCE_TO,
        "Recipient",
        "HardBounce",
    )
    assert change["SuppressSending"] is True and change["MessageID"] == message_id
    assert shape(change) == shape(reference("subscription-change"))


def test_a_soft_bounce_suppresses_nothing(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook)
    tracked_send(events_api, To="SoftBounce@bounce-testing.postmarkapp.com")
    bodies = posted(events_sandbox, hook)
    assert [(b["RecordType"], b["Type"]) for b in bodies] == [("Bounce", "SoftBounce")]


def test_the_test_token_records_no_event(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook)
    assert events_api.send(token="POSTMARK_API_TEST").status == 200
    assert posted(events_sandbox, hook) == []
    assert events_sandbox.events() == []


def test_events_land_in_the_shared_events_table(tmp_path: Path, hook: Receiver) -> None:
    """The agreed shape: the statistics routes read these columns."""
    db = tmp_path / "sandbox.sqlite3"
    with Sandbox(db=str(db)) as sandbox:
        api = Api(sandbox.url)
        add_webhook(api, hook)
        message_id = tracked_send(api, To=f"a@example.com, {BOUNCE_TO}")
        sent = posted(sandbox, hook)
        api.close()
    conn = sqlite3.connect(db)
    columns = [(r[1], r[2]) for r in conn.execute("PRAGMA table_info(events)")]
    assert columns == [
        ("id", "INTEGER"),
        ("server_id", "INTEGER"),
        ("message_id", "TEXT"),
        ("record_type", "TEXT"),
        ("received_at", "TEXT"),
        ("payload", "TEXT"),
    ]
    rows = conn.execute(
        "SELECT server_id, message_id, record_type, received_at, payload FROM events ORDER BY id"
    ).fetchall()
    conn.close()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (1, message_id, "Delivery"),
        (1, message_id, "Bounce"),
        (1, message_id, "SubscriptionChange"),
    ]
    assert [json.loads(r[4]) for r in rows] == sent
    times = [r[3] for r in rows]
    assert times == sorted(times) and all(t.endswith("Z") for t in times)


# --- opens ------------------------------------------------------------------------------


def test_an_open_without_track_opens_is_refused(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook)
    message_id = tracked_send(events_api, TrackOpens=False)
    assert_error(event(events_api, "open", message_id), 422, 422, "without TrackOpens")
    assert "Open" not in record_types(events_sandbox, hook)
    assert [e["RecordType"] for e in events_sandbox.events()] == ["Delivery"]


def test_the_server_track_opens_setting_applies_when_the_message_is_silent(
    events_sandbox: Sandbox, events_api: Api
) -> None:
    message_id = tracked_send(events_api, TrackOpens=None)
    assert_error(event(events_api, "open", message_id), 422, 422, "TrackOpens")
    assert events_api.put("/server", {"TrackOpens": True}).status == 200
    message_id = tracked_send(events_api, TrackOpens=None)
    assert event(events_api, "open", message_id).status == 200


def test_an_open_needs_an_html_body(events_api: Api) -> None:
    message_id = tracked_send(events_api, HtmlBody=None)
    assert_error(event(events_api, "open", message_id), 422, 422, "HTML body")


def test_opens_post_first_open_then_later_ones(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook, Triggers={"Open": {"Enabled": True}})
    message_id = tracked_send(events_api)
    answer = event(events_api, "open", message_id, platform="Mobile", read_seconds=12)
    assert answer.status == 200, answer.body
    event(events_api, "open", message_id)
    bodies = posted(events_sandbox, hook)
    assert [b["FirstOpen"] for b in bodies] == [True, False]
    first = bodies[0]
    assert answer.json["Events"] == [first]
    assert (first["Recipient"], first["MessageID"], first["Tag"]) == (
        "reader@example.com",
        message_id,
        "welcome",
    )
    assert (first["Platform"], first["ReadSeconds"]) == ("Mobile", 12)
    assert shape(first) == shape(reference("open"))
    assert set(first["Client"]) == set(first["OS"]) == {"Name", "Company", "Family"}


def test_first_open_is_per_recipient(events_sandbox: Sandbox, events_api: Api) -> None:
    message_id = tracked_send(events_api, To="a@example.com, b@example.com")
    event(events_api, "open", message_id, recipient="a@example.com")
    answer = event(events_api, "open", message_id, recipient="B@example.com")
    assert answer.json["Events"][0]["FirstOpen"] is True
    assert answer.json["Events"][0]["Recipient"] == "b@example.com"


def test_post_first_open_only_skips_later_opens(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook, Triggers={"Open": {"Enabled": True, "PostFirstOpenOnly": True}})
    message_id = tracked_send(events_api)
    for _ in range(3):
        assert event(events_api, "open", message_id).status == 200
    assert [b["FirstOpen"] for b in posted(events_sandbox, hook)] == [True]
    assert len(events_sandbox.events(message_id)) == 4  # Delivery + every open is kept


# --- clicks -------------------------------------------------------------------------------


def test_a_click_without_link_tracking_is_refused(events_api: Api) -> None:
    message_id = tracked_send(events_api, TrackLinks="None")
    assert_error(event(events_api, "click", message_id), 422, 422, "TrackLinks 'None'")


def test_a_click_in_a_body_that_is_not_tracked_is_refused(events_api: Api) -> None:
    message_id = tracked_send(events_api, TrackLinks="HtmlOnly")
    answer = event(events_api, "click", message_id, location="Text")
    assert_error(answer, 422, 422, "links in the Text body are not tracked")


def test_a_click_follows_the_first_link_by_default(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook, Triggers={"Click": {"Enabled": True}})
    message_id = tracked_send(events_api)
    assert event(events_api, "click", message_id).status == 200
    text = event(events_api, "click", message_id, location="text")
    assert text.status == 200, text.body
    bodies = posted(events_sandbox, hook)
    assert [(b["ClickLocation"], b["OriginalLink"]) for b in bodies] == [
        ("HTML", "https://example.com/welcome"),
        ("Text", "https://example.com/text-link"),
    ]
    assert shape(bodies[0]) == shape(reference("click"))
    assert bodies[0]["Metadata"] == {"user-id": "42"}


def test_a_text_only_tracked_message_clicks_in_text(events_api: Api) -> None:
    message_id = tracked_send(events_api, TrackLinks="TextOnly")
    body = event(events_api, "click", message_id).json["Events"][0]
    assert (body["ClickLocation"], body["OriginalLink"]) == (
        "Text",
        "https://example.com/text-link",
    )


def test_a_click_on_a_link_the_message_lacks_is_refused(events_api: Api) -> None:
    message_id = tracked_send(events_api)
    answer = event(events_api, "click", message_id, link="https://elsewhere.example/")
    assert_error(answer, 422, 422, "is not a link of the message's HTML body")


def test_only_the_first_click_per_link_and_recipient_is_posted(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook, Triggers={"Click": {"Enabled": True}})
    message_id = tracked_send(events_api)
    for link in (
        "https://example.com/welcome",
        "https://example.com/welcome",
        "https://example.com/b",
    ):
        assert event(events_api, "click", message_id, link=link).status == 200
    links = [b["OriginalLink"] for b in posted(events_sandbox, hook)]
    assert links == ["https://example.com/welcome", "https://example.com/b"]
    stored = [e for e in events_sandbox.events(message_id) if e["RecordType"] == "Click"]
    assert len(stored) == 3  # the repeat is kept (total clicks), only not posted


# --- spam complaints, unsubscribes, later bounces ----------------------------------------------


def test_a_spam_complaint_suppresses_the_address_for_good(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(
        events_api,
        hook,
        Triggers={
            "SpamComplaint": {"Enabled": True, "IncludeContent": True},
            "SubscriptionChange": {"Enabled": True},
        },
    )
    message_id = tracked_send(events_api)
    answer = event(events_api, "spam", message_id)
    assert [e["RecordType"] for e in answer.json["Events"]] == [
        "SpamComplaint",
        "SubscriptionChange",
    ]
    complaint, change = posted(events_sandbox, hook)
    assert (complaint["Type"], complaint["TypeCode"], complaint["Email"]) == (
        "SpamComplaint",
        100001,
        "reader@example.com",
    )
    assert complaint["Inactive"] is True and complaint["CanActivate"] is False
    assert "Feedback-Type: abuse" in complaint["Content"]
    assert shape(complaint) == shape(reference("spam-complaint"))
    assert change["SuppressionReason"] == "SpamComplaint"
    bounce = events_api.get(f"/bounces/{complaint['ID']}").json
    assert (bounce["Type"], bounce["CanActivate"]) == ("SpamComplaint", False)
    assert_error(events_api.send(To="reader@example.com"), 422, 406, "reader@example.com")


def test_an_unsubscribe_is_a_manual_suppression_by_the_recipient(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook, Triggers={"SubscriptionChange": {"Enabled": True}})
    message_id = tracked_send(events_api)
    assert event(events_api, "subscription", message_id).status == 200
    change = only(posted(events_sandbox, hook), "SubscriptionChange")
    assert (change["Origin"], change["SuppressionReason"], change["SuppressSending"]) == (
        "Recipient",
        "ManualSuppression",
        True,
    )
    assert change["MessageID"] == message_id and change["Tag"] == "welcome"
    dump = events_api.get("/message-streams/outbound/suppressions/dump").json["Suppressions"]
    assert [(s["EmailAddress"], s["SuppressionReason"]) for s in dump] == [
        ("reader@example.com", "ManualSuppression")
    ]
    assert_error(event(events_api, "subscription", message_id), 422, 422, "already suppressed")


def test_a_later_bounce_of_any_type(
    events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook, Triggers={"Bounce": {"Enabled": True}})
    message_id = tracked_send(events_api)
    assert event(events_api, "bounce", message_id, bounce_type="transient").status == 200
    bounce = only(posted(events_sandbox, hook), "Bounce")
    assert (bounce["Type"], bounce["TypeCode"], bounce["Inactive"]) == ("Transient", 2, False)
    assert events_api.send(To="reader@example.com").status == 200  # not suppressed
    # Once bounced, the recipient can do nothing more with this message.
    assert_error(event(events_api, "open", message_id), 422, 422, "bounced")


def test_an_unknown_bounce_type_is_refused(events_api: Api) -> None:
    message_id = tracked_send(events_api)
    assert_error(event(events_api, "bounce", message_id, bounce_type="Nope"), 400, 400, "Nope")
    answer = event(events_api, "bounce", message_id, bounce_type="SpamComplaint")
    assert_error(answer, 400, 400, "type 'spam'")


# --- bad requests --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ({"type": "wink", "message_id": "x"}, 400, "must be one of"),
        ({"type": "open"}, 400, "message_id"),
        ({"type": "open", "message_id": "x", "colour": "red"}, 400, "colour"),
        ({"type": "open", "message_id": "no-such-message"}, 404, "no-such-message"),
        ([1, 2], 400, "JSON object"),
    ],
)
def test_bad_event_requests(events_api: Api, body: Any, status: int, text: str) -> None:
    assert_error(events_api.post("/__sandbox/events", body), status, status, text)


def test_a_recipient_must_belong_to_the_message(events_api: Api) -> None:
    message_id = tracked_send(events_api)
    answer = event(events_api, "open", message_id, recipient="someone@else.example")
    assert_error(answer, 422, 422, "is not a recipient")


def test_events_are_listed_and_filtered(events_sandbox: Sandbox, events_api: Api) -> None:
    first = tracked_send(events_api)
    second = tracked_send(events_api)
    event(events_api, "open", second)
    listed = events_api.get(f"/__sandbox/events?message_id={second}").json
    assert [e["RecordType"] for e in listed["Events"]] == ["Delivery", "Open"]
    assert listed["TotalCount"] == 2
    opens = events_api.get("/__sandbox/events?record_type=Open").json["Events"]
    assert [e["MessageID"] for e in opens] == [second]
    assert events_sandbox.events(first)[0]["RecordType"] == "Delivery"


def test_sandbox_event_raises_value_error_with_the_reason(
    events_sandbox: Sandbox, events_api: Api
) -> None:
    message_id = tracked_send(events_api, TrackOpens=False)
    with pytest.raises(ValueError, match="TrackOpens"):
        events_sandbox.event("open", message_id)
    clicked = events_sandbox.event("click", message_id, link="https://example.com/b")
    assert clicked[0]["OriginalLink"] == "https://example.com/b"


def test_clear_forgets_events(events_sandbox: Sandbox, events_api: Api) -> None:
    tracked_send(events_api)
    assert events_sandbox.events()
    assert events_api.delete("/__sandbox/messages").status == 200
    assert events_sandbox.events() == []
