"""Bounce testing (black-hole domain), the Bounce API and reactivation."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox
from postmark.sandbox.rules.bounces import BOUNCE_TYPES, BY_TYPE

DOMAIN = "bounce-testing.postmarkapp.com"


def bounce_send(api: Api, local: str, **fields: Any) -> dict[str, Any]:
    result = api.send(To=f"{local}@{DOMAIN}", **fields)
    assert result.status == 200, result.body
    body: dict[str, Any] = result.json
    return body


def bounces(api: Api, query: str = "") -> dict[str, Any]:
    result = api.get(f"/bounces?count=500&offset=0{query}")
    assert result.status == 200, result.body
    body: dict[str, Any] = result.json
    return body


@pytest.mark.parametrize("kind", BOUNCE_TYPES, ids=lambda k: k.type)
def test_every_bounce_type_has_a_test_address(api: Api, kind: Any) -> None:
    sent = bounce_send(api, kind.type, Tag="t", Subject="Bounce me")
    [bounce] = bounces(api)["Bounces"]
    # Postmark cannot fake spam complaints; it records a hard bounce instead.
    expected = BY_TYPE["HardBounce"] if kind.type == "SpamComplaint" else kind
    assert bounce["Type"] == expected.type
    assert bounce["TypeCode"] == expected.code
    assert bounce["Name"] == expected.name
    assert bounce["Description"] == expected.description
    assert bounce["MessageID"] == sent["MessageID"]
    assert bounce["Email"] == f"{kind.type}@{DOMAIN}"
    assert (bounce["Tag"], bounce["Subject"], bounce["From"]) == (
        "t",
        "Bounce me",
        "sender@example.com",
    )
    assert (bounce["RecordType"], bounce["MessageStream"], bounce["ServerID"]) == (
        "Bounce",
        "outbound",
        1,
    )
    assert bounce["Inactive"] is (expected.type == "HardBounce")
    assert bounce["CanActivate"] is True
    assert bounce["DumpAvailable"] is True and bounce["Details"]
    assert "Content" not in bounce


def test_the_bounce_type_table_is_postmarks() -> None:
    codes = {k.type: k.code for k in BOUNCE_TYPES}
    assert codes["HardBounce"] == 1 and codes["SoftBounce"] == 4096
    assert codes["Blocked"] == 100006 and codes["TemplateRenderingFailed"] == 100010
    assert 100004 not in codes.values() and 100005 not in codes.values()
    assert len(BOUNCE_TYPES) == 22
    assert BY_TYPE["HardBounce"].description == (
        "The server was unable to deliver your message (ex: unknown user, mailbox not found)."
    )


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("hardbounce", "HardBounce"),
        ("HARD_BOUNCE", "HardBounce"),
        ("soft_bounce", "SoftBounce"),
        ("Spam-Notification", "SpamNotification"),
        ("dnserror", "DnsError"),
        ("whatever", "HardBounce"),  # Postmark's default for the domain
    ],
)
def test_addresses_ignore_case_and_separators(api: Api, local: str, expected: str) -> None:
    api.send(To=f"{local}@Bounce-Testing.PostmarkApp.com")
    assert [b["Type"] for b in bounces(api)["Bounces"]] == [expected]


def test_header_picks_the_type_for_the_black_hole_domain(api: Api) -> None:
    header = [{"Name": "X-PM-Bounce-Type", "Value": "SoftBounce"}]
    api.send(To=f"anyone@{DOMAIN}", Headers=header)
    api.send(To="HardBounce@" + DOMAIN, Headers=[{"Name": "x-pm-bounce-type", "Value": "Blocked"}])
    assert sorted(b["Type"] for b in bounces(api)["Bounces"]) == ["Blocked", "SoftBounce"]


def test_header_does_not_bounce_other_domains(api: Api, sandbox: Sandbox) -> None:
    header = [{"Name": "X-PM-Bounce-Type", "Value": "HardBounce"}]
    assert api.send(To="real@example.com", Headers=header).status == 200
    assert bounces(api)["TotalCount"] == 0
    assert [e["Type"] for e in sandbox.messages()[0]["MessageEvents"]] == ["Delivered"]


def test_only_black_hole_recipients_bounce(api: Api, sandbox: Sandbox) -> None:
    sent = bounce_send(api, "softbounce", Cc="real@example.com")
    [message] = sandbox.messages()
    events = [(e["Recipient"], e["Type"]) for e in message["MessageEvents"]]
    assert events == [(f"softbounce@{DOMAIN}", "Bounced"), ("real@example.com", "Delivered")]
    [bounce] = bounces(api)["Bounces"]
    bounced = message["MessageEvents"][0]["Details"]
    assert bounced["BounceID"] == str(bounce["ID"]) and bounced["Summary"] == bounce["Details"]
    assert bounce["MessageID"] == sent["MessageID"]


def test_hard_bounce_flow_suppress_406_activate(api: Api) -> None:
    address = f"HardBounce@{DOMAIN}"
    bounce_send(api, "HardBounce")
    [bounce] = bounces(api)["Bounces"]
    assert bounce["Inactive"] is True

    stats = api.get("/deliverystats").json
    assert stats == {
        "InactiveMails": 1,
        "Bounces": [
            {"Name": "All", "Count": 1},
            {"Type": "HardBounce", "Name": "Hard bounce", "Count": 1},
        ],
    }
    dump = api.get("/message-streams/outbound/suppressions/dump").json["Suppressions"]
    assert [(s["EmailAddress"], s["SuppressionReason"], s["Origin"]) for s in dump] == [
        (address, "HardBounce", "Recipient")
    ]
    details = api.get(f"/messages/outbound/{bounce['MessageID']}/details").json
    assert [e["Type"] for e in details["MessageEvents"]] == ["Bounced", "SubscriptionChanged"]

    assert_error(
        api.send(To=address.lower()), 422, 406, f"Found inactive addresses: {address.lower()}."
    )

    activated = api.put(f"/bounces/{bounce['ID']}/activate")
    assert activated.status == 200
    assert activated.json["Message"] == "OK"
    assert activated.json["Bounce"]["Inactive"] is False
    assert activated.json["Bounce"]["ID"] == bounce["ID"]
    assert "Content" in activated.json["Bounce"]
    assert api.get("/message-streams/outbound/suppressions/dump").json["Suppressions"] == []
    assert api.send(To=address).status == 200  # and bounces again, as Postmark would
    assert bounces(api)["TotalCount"] == 2


def test_activate_accepts_an_empty_body_without_content_type(api: Api) -> None:
    bounce_send(api, "HardBounce")
    bounce_id = bounces(api)["Bounces"][0]["ID"]
    assert api.put(f"/bounces/{bounce_id}/activate", raw=b"").status == 200
    assert api.put(f"/bounces/{bounce_id}/activate", {}).status == 200


def test_deleting_the_suppression_reactivates(api: Api) -> None:
    address = f"hardbounce@{DOMAIN}"
    bounce_send(api, "hardbounce")
    result = api.post(
        "/message-streams/outbound/suppressions/delete",
        {"Suppressions": [{"EmailAddress": address}]},
    )
    assert result.json == {
        "Suppressions": [{"EmailAddress": address, "Status": "Deleted", "Message": None}]
    }
    assert bounces(api)["Bounces"][0]["Inactive"] is False
    assert api.send(To=address).status == 200


def test_hard_bounce_suppresses_only_its_stream(api: Api) -> None:
    bounce_send(api, "hardbounce", MessageStream="broadcast")
    assert bounces(api)["TotalCount"] == 0  # the list defaults to the outbound stream
    assert bounces(api, "&messagestream=broadcast")["TotalCount"] == 1
    assert api.send(To=f"hardbounce@{DOMAIN}").status == 200
    assert_error(api.send(To=f"hardbounce@{DOMAIN}", MessageStream="broadcast"), 422, 406)


def test_delivery_stats_when_empty(api: Api) -> None:
    assert api.get("/deliverystats").json == {
        "InactiveMails": 0,
        "Bounces": [{"Name": "All", "Count": 0}],
    }


def test_bounce_filters_and_paging(api: Api) -> None:
    for local, tag in [
        ("softbounce", "a"),
        ("hardbounce", "b"),
        ("transient", "a"),
        ("blocked", "c"),
    ]:
        bounce_send(api, local, Tag=tag)
    all_ = bounces(api)
    assert all_["TotalCount"] == 4
    assert [b["Type"] for b in all_["Bounces"]] == [
        "Blocked",
        "Transient",
        "HardBounce",
        "SoftBounce",
    ]
    assert bounces(api, "&type=SoftBounce")["TotalCount"] == 1
    assert bounces(api, "&type=softbounce")["TotalCount"] == 1
    assert [b["Type"] for b in bounces(api, "&inactive=true")["Bounces"]] == ["HardBounce"]
    assert bounces(api, "&inactive=false")["TotalCount"] == 3
    assert bounces(api, "&emailFilter=BOUNCE@")["TotalCount"] == 2
    assert bounces(api, "&tag=a")["TotalCount"] == 2
    assert bounces(api, "&fromdate=2000-01-01&todate=2999-12-31")["TotalCount"] == 4
    assert bounces(api, "&todate=2000-01-01")["TotalCount"] == 0
    assert bounces(api, "&messagestream=broadcast")["TotalCount"] == 0
    page = api.get("/bounces?count=2&offset=1").json
    assert page["TotalCount"] == 4
    assert [b["Type"] for b in page["Bounces"]] == ["Transient", "HardBounce"]
    message_id = all_["Bounces"][0]["MessageID"]
    by_message = api.get(f"/bounces?messageID={message_id}").json  # no paging needed
    assert [b["MessageID"] for b in by_message["Bounces"]] == [message_id]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?count=10",
        "?offset=0",
        "?count=0&offset=0",
        "?count=501&offset=0",
        "?count=abc&offset=0",
        "?count=10&offset=-1",
        "?count=500&offset=9501",
        "?count=10&offset=0&type=NotAType",
        "?count=10&offset=0&inactive=maybe",
        "?count=10&offset=0&fromdate=yesterday",
    ],
)
def test_bad_bounce_queries_are_1000(api: Api, query: str) -> None:
    assert_error(api.get(f"/bounces{query}"), 422, 1000)


def test_count_plus_offset_may_reach_10000(api: Api) -> None:
    assert api.get("/bounces?count=500&offset=9500").status == 200


def test_single_bounce_dump_and_unknown_ids(api: Api) -> None:
    bounce_send(api, "softbounce")
    bounce_id = bounces(api)["Bounces"][0]["ID"]
    one = api.get(f"/bounces/{bounce_id}").json
    assert one["Type"] == "SoftBounce" and "softbounce@" in one["Content"]
    dump = api.get(f"/bounces/{bounce_id}/dump").json
    assert dump == {"Body": one["Content"]}
    assert_error(api.get("/bounces/999999"), 422, 1001)
    assert_error(api.get("/bounces/999999/dump"), 422, 1001)
    assert_error(api.put("/bounces/999999/activate"), 422, 1001)
