"""PUT /server: validation, what an edit changes (and keeps), and its effect on sends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox


def edit(api: Api, body: Any) -> Any:
    return api.put("/server", body)


def test_edit_answers_the_whole_server_with_canonical_values(api: Api) -> None:
    before = api.get("/server").json
    result = edit(
        api,
        {
            "Name": "Staging",
            "Color": "red",
            "TrackOpens": True,
            "TrackLinks": "htmlonly",
            "InboundHookUrl": "https://example.com/inbound",
            "InboundSpamThreshold": 10,
            "SmtpApiActivated": True,
        },
    )
    assert result.status == 200, result.body
    body = result.json
    assert set(body) == set(before)
    assert (body["Name"], body["Color"], body["TrackLinks"]) == ("Staging", "Red", "HtmlOnly")
    assert body["TrackOpens"] is True and body["SmtpApiActivated"] is True
    assert body["InboundHookUrl"] == "https://example.com/inbound"
    assert body["InboundSpamThreshold"] == 10
    unchanged = {k for k in before if before[k] == body[k]}
    assert unchanged == set(before) - {
        "Name", "Color", "TrackOpens", "TrackLinks", "InboundHookUrl", "InboundSpamThreshold",
        "SmtpApiActivated",
    }  # fmt: skip
    assert api.get("/server").json == body


def test_a_get_answer_can_be_sent_back(api: Api) -> None:
    server = api.get("/server").json
    server["Name"] = "Renamed"
    server["DeliveryType"] = "sandbox"  # the current value: a no-op
    result = edit(api, server)
    assert result.status == 200, result.body
    assert result.json == server | {"DeliveryType": "Sandbox"}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (None, 609),
        ({}, 609),
        ({"Name": "  "}, 608),
        ({"Color": "Pink"}, 607),
        ({"TrackLinks": "Always"}, 612),
        ({"InboundSpamThreshold": 31}, 611),
        ({"InboundSpamThreshold": -1}, 611),
        ({"BounceHookUrl": "not a url"}, 606),
        ({"OpenHookUrl": "ftp://example.com/x"}, 606),
        ({"InboundDomain": "mail.postmarkapp.com"}, 608),
        ({"DeliveryType": "Live"}, 615),
        ({"DeliveryType": "Weird"}, 613),
        ({"Colour": "Red"}, 403),
        ({"TrackOpens": "yes"}, 403),
        ({"Name": "New name", "Color": "Pink"}, 607),
    ],
)
def test_edit_rejects_and_changes_nothing(api: Api, body: Any, code: int) -> None:
    before = api.get("/server").json
    result = api.put("/server") if body is None else edit(api, body)
    assert_error(result, 422, code)
    assert api.get("/server").json == before


def test_clearing_a_hook_url(api: Api) -> None:
    edit(api, {"BounceHookUrl": "http://localhost:8000/bounce"})
    assert edit(api, {"BounceHookUrl": ""}).json["BounceHookUrl"] == ""


def test_server_tracking_settings_apply_to_sends_that_leave_them_out(
    api: Api, sandbox: Sandbox
) -> None:
    edit(api, {"TrackOpens": True, "TrackLinks": "HtmlAndText"})
    assert api.send(Subject="defaults").status == 200
    assert api.send(Subject="own", TrackOpens=False, TrackLinks="None").status == 200
    assert api.send(Subject="php", TrackLinks="").status == 200
    stored = {m["Subject"]: m["Details"] for m in sandbox.messages()}
    assert (stored["defaults"]["TrackOpens"], stored["defaults"]["TrackLinks"]) == (
        True,
        "HtmlAndText",
    )
    assert (stored["own"]["TrackOpens"], stored["own"]["TrackLinks"]) == (False, "None")
    assert stored["php"]["TrackLinks"] == "HtmlAndText"


def test_clear_restores_the_default_settings(api: Api, sandbox: Sandbox) -> None:
    edit(api, {"Name": "Changed", "Color": "Blue"})
    sandbox.clear()
    body = api.get("/server").json
    assert (body["Name"], body["Color"]) == ("Sandbox", "Purple")


def test_settings_survive_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.sqlite3")
    with Sandbox(db=db) as first:
        client = Api(first.url)
        assert edit(client, {"Name": "Kept", "InboundSpamThreshold": 7}).status == 200
        client.close()
    with Sandbox(db=db) as second:
        client = Api(second.url)
        body = client.get("/server").json
        client.close()
    assert (body["Name"], body["InboundSpamThreshold"]) == ("Kept", 7)
