"""The inbox's Postmark pages over HTTP: bounces, suppressions, templates, stats, simulate.

Each action is a form POST with the sandbox's CSRF token; the same request
from another origin, without the token or as JSON is refused before it
changes anything.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from event_helpers import event, tracked_send
from sandbox_helpers import Api, Result

from postmark.sandbox import Sandbox

FORM = "application/x-www-form-urlencoded"
SVG = "{http://www.w3.org/2000/svg}"


def page(api: Api, path: str) -> Result:
    return api.get(path, token=None, headers={"Accept": "text/html"})


def post_form(
    sandbox: Sandbox, api: Api, path: str, fields: dict[str, str], **headers: str
) -> Result:
    body = urlencode({"csrf": sandbox._running_app().ui_token, **fields}).encode()
    sent = {"Content-Type": FORM, "Origin": sandbox.url, **headers}
    return api.request("POST", path, token=None, raw=body, headers=sent)


def sent_id(api: Api, **fields: Any) -> str:
    result = api.send(**fields)
    assert result.status == 200, result.body
    return str(result.json["MessageID"])


def hard_bounce(api: Api, to: str = "reader@example.com") -> tuple[str, int]:
    """A sent message and the id of the hard bounce that suppressed its recipient."""
    message_id = sent_id(api, To=to)
    assert event(api, "bounce", message_id).status == 200
    bounces = api.get(f"/bounces?count=10&offset=0&messageID={message_id}").json["Bounces"]
    return message_id, int(bounces[0]["ID"])


def suppressed(api: Api, email: str, stream: str = "outbound") -> bool:
    found = api.get(f"/message-streams/{stream}/suppressions/dump?emailaddress={quote(email)}")
    return bool(found.json["Suppressions"])


# --- bounces ---------------------------------------------------------------------------


def test_bounce_page_shows_type_flag_and_dump(sandbox: Sandbox, api: Api) -> None:
    _, bounce_id = hard_bounce(api, to="Ann <a&b@example.com>")
    text = page(api, f"/inbox/bounces/{bounce_id}").text
    assert "Hard bounce (HardBounce, code 1)" in text
    assert 'data-field="Inactive">yes' in text and 'data-field="Can activate">yes' in text
    dump = api.get(f"/bounces/{bounce_id}/dump").json["Body"]
    assert dump and html.escape(dump) in text  # the raw bounce, escaped
    assert "a&amp;b@example.com" in text and "a&b@example.com" not in text
    assert f'action="/inbox/bounces/{bounce_id}/activate"' in text
    assert page(api, "/inbox/bounces/999999").status == 404


def test_activate_form_reactivates_as_the_api_does(sandbox: Sandbox, api: Api) -> None:
    _, bounce_id = hard_bounce(api)
    assert suppressed(api, "reader@example.com")
    answer = post_form(sandbox, api, f"/inbox/bounces/{bounce_id}/activate", {})
    assert answer.status == 303 and answer.headers["location"] == f"/inbox/bounces/{bounce_id}"
    assert not suppressed(api, "reader@example.com")
    assert api.get(f"/bounces/{bounce_id}").json["Inactive"] is False
    assert api.send(To="reader@example.com").status == 200


def test_spam_complaints_cannot_be_activated(sandbox: Sandbox, api: Api) -> None:
    message_id = sent_id(api)
    assert event(api, "spam", message_id).status == 200
    bounce = api.get(f"/bounces?count=10&offset=0&messageID={message_id}").json["Bounces"][0]
    text = page(api, f"/inbox/bounces/{bounce['ID']}").text
    assert "cannot be reactivated" in text and "/activate" not in text
    answer = post_form(sandbox, api, f"/inbox/bounces/{bounce['ID']}/activate", {})
    assert answer.status == 422 and "cannot be reactivated" in answer.text
    assert suppressed(api, "receiver@example.com")


# --- every action refuses other web pages ------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Content-Type": "application/json"},
    ],
    ids=["foreign-origin", "cross-site-fetch", "json-body"],
)
def test_actions_refuse_requests_from_other_pages(
    sandbox: Sandbox, api: Api, headers: dict[str, str]
) -> None:
    message_id, bounce_id = hard_bounce(api)
    actions = [
        (f"/inbox/bounces/{bounce_id}/activate", {}),
        ("/inbox/suppressions/reactivate", {"stream": "outbound", "email": "reader@example.com"}),
        (f"/inbox/messages/{message_id}/simulate", {"type": "spam"}),
    ]
    for path, fields in actions:
        answer = post_form(sandbox, api, path, fields, **headers)
        assert answer.status == 403, (path, answer.status, answer.body[:200])
    assert suppressed(api, "reader@example.com")
    assert api.get(f"/bounces/{bounce_id}").json["Inactive"] is True
    assert [e["Type"] for e in _events(api, message_id)].count("SpamComplaint") == 0


def test_actions_need_the_csrf_token(sandbox: Sandbox, api: Api) -> None:
    _, bounce_id = hard_bounce(api)
    body = urlencode({"csrf": "guess"}).encode()
    answer = api.request(
        "POST",
        f"/inbox/bounces/{bounce_id}/activate",
        token=None,
        raw=body,
        headers={"Content-Type": FORM},
    )
    assert answer.status == 403
    assert suppressed(api, "reader@example.com")


def test_reading_pages_change_nothing_by_get(sandbox: Sandbox, api: Api) -> None:
    _, bounce_id = hard_bounce(api)
    assert page(api, f"/inbox/bounces/{bounce_id}/activate").status == 404
    assert suppressed(api, "reader@example.com")


def _events(api: Api, message_id: str) -> list[dict[str, Any]]:
    return list(api.get(f"/messages/outbound/{message_id}/details").json["MessageEvents"])


# --- suppressions --------------------------------------------------------------------------


def test_suppressions_per_stream_with_reactivate(sandbox: Sandbox, api: Api) -> None:
    hard_bounce(api)
    unsubscribed = sent_id(api, To="leaver@example.com")
    assert event(api, "subscription", unsubscribed).status == 200
    text = page(api, "/inbox/suppressions").text
    outbound = text.split('id="stream-outbound"', 1)[1].split("</section>", 1)[0]
    assert "reader@example.com" in outbound and "leaver@example.com" in outbound
    assert "Nobody is suppressed" in text.split('id="stream-broadcast"', 1)[1]
    reader = outbound.split('data-email="reader@example.com"', 1)[1].split("</tr>", 1)[0]
    leaver = outbound.split('data-email="leaver@example.com"', 1)[1].split("</tr>", 1)[0]
    assert "Reactivate" in reader and "cannot be reactivated" in leaver

    fields = {"stream": "outbound", "email": "reader@example.com"}
    answer = post_form(sandbox, api, "/inbox/suppressions/reactivate", fields)
    assert answer.status == 303
    assert not suppressed(api, "reader@example.com")
    refused = post_form(
        sandbox, api, "/inbox/suppressions/reactivate", {**fields, "email": "leaver@example.com"}
    )
    assert refused.status == 422 and "required authority" in refused.text
    assert suppressed(api, "leaver@example.com")
    again = post_form(sandbox, api, "/inbox/suppressions/reactivate", fields)
    assert again.status == 404 and "is not suppressed" in again.text
    nowhere = post_form(sandbox, api, "/inbox/suppressions/reactivate", {**fields, "stream": "x"})
    assert nowhere.status == 404


# --- simulate ------------------------------------------------------------------------------


def test_simulate_records_the_event_like_the_admin_route(sandbox: Sandbox, api: Api) -> None:
    message_id = tracked_send(api, To="a@example.com, b@example.com")
    text = page(api, f"/inbox/messages/{quote(message_id)}").text
    assert f'action="/inbox/messages/{message_id}/simulate"' in text
    for kind in ("open", "click", "bounce", "spam", "subscription"):
        assert f'data-simulate="{kind}"' in text
    path = f"/inbox/messages/{message_id}/simulate"
    assert (
        post_form(sandbox, api, path, {"type": "open", "recipient": "b@example.com"}).status == 303
    )
    fields = {"type": "bounce", "recipient": "a@example.com", "bounce_type": "SoftBounce"}
    assert post_form(sandbox, api, path, fields).status == 303
    clicked = {"type": "click", "recipient": "b@example.com", "link": "https://example.com/b"}
    assert 'value="https://example.com/b"' in text
    assert post_form(sandbox, api, path, clicked).status == 303
    listed = api.get(f"/__sandbox/events?message_id={message_id}").json["Events"]
    opens = [e["Payload"] for e in listed if e["RecordType"] == "Open"]
    assert [o["Recipient"] for o in opens] == ["b@example.com"]
    clicks = [e["Payload"] for e in listed if e["RecordType"] == "Click"]
    assert [c["OriginalLink"] for c in clicks] == ["https://example.com/b"]
    bounces = api.get(f"/bounces?count=10&offset=0&messageID={message_id}").json["Bounces"]
    assert [(b["Type"], b["Email"]) for b in bounces] == [("SoftBounce", "a@example.com")]


def test_simulate_reports_what_the_sandbox_refuses(sandbox: Sandbox, api: Api) -> None:
    message_id = sent_id(api)  # no TrackOpens
    path = f"/inbox/messages/{message_id}/simulate"
    answer = post_form(sandbox, api, path, {"type": "open"})
    assert answer.status == 422 and "without TrackOpens" in answer.text
    unknown = post_form(sandbox, api, path, {"type": "open", "extra": "x"})
    assert unknown.status == 400 and "Unknown fields: extra" in unknown.text
    bad_type = post_form(sandbox, api, path, {"type": "bounce", "bounce_type": "Nope"})
    assert (
        bad_type.status == 400
        and "Unknown &#x27;bounce_type&#x27; &#x27;Nope&#x27;" in bad_type.text
    )
    missing = post_form(sandbox, api, "/inbox/messages/nope/simulate", {"type": "open"})
    assert missing.status == 404
    assert (
        api.get(f"/__sandbox/events?message_id={message_id}&record_type=Open").json["TotalCount"]
        == 0
    )


# --- templates -----------------------------------------------------------------------------


def _templates(api: Api) -> int:
    layout = {
        "Name": "Base",
        "Alias": "base",
        "TemplateType": "Layout",
        "HtmlBody": "<div id='frame'>{{ company }} {{{ @content }}}</div>",
        "TextBody": "{{ company }}: {{{ @content }}}",
    }
    assert api.post("/templates", layout).status == 200
    standard = {
        "Name": "Welcome <new>",
        "Alias": "welcome",
        "Subject": "Hi {{ name }}",
        "HtmlBody": "<p>Hello {{ name }}</p>",
        "TextBody": "Hello {{ name }}",
        "LayoutTemplate": "base",
    }
    created = api.post("/templates", standard)
    assert created.status == 200
    return int(created.json["TemplateId"])


def test_template_list_and_preview_with_the_suggested_model(sandbox: Sandbox, api: Api) -> None:
    template_id = _templates(api)
    listing = page(api, "/inbox/templates").text
    assert "Welcome &lt;new&gt;" in listing and f'href="/inbox/templates/{template_id}"' in listing
    text = page(api, f"/inbox/templates/{template_id}").text
    assert '"name": "name_Value"' in text.replace("&quot;", '"')
    assert '"company": "company_Value"' in text.replace("&quot;", '"')
    assert 'id="rendered-subject">Hi name_Value<' in text
    assert 'id="rendered-text">company_Value: Hello name_Value<' in text
    assert re.search(r'<iframe sandbox="" src="/inbox/templates/\d+/html\?model=', text)


def test_preview_renders_the_given_model_escaped_with_the_layout(
    sandbox: Sandbox, api: Api
) -> None:
    template_id = _templates(api)
    model = json.dumps({"name": "<Bo>", "company": "ACME"})
    text = page(api, f"/inbox/templates/{template_id}?model={quote(model)}").text
    assert 'id="rendered-subject">Hi &lt;Bo&gt;<' in text
    frame = page(api, f"/inbox/templates/{template_id}/html?model={quote(model)}")
    assert frame.text == "<div id='frame'>ACME <p>Hello &lt;Bo&gt;</p></div>"
    assert frame.headers["content-security-policy"].startswith(
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
    )


@pytest.mark.parametrize(
    ("model", "message"),
    [("{not json", "not valid JSON"), ("[1, 2]", "must be a JSON object")],
)
def test_a_bad_test_model_is_reported_not_replaced(api: Api, model: str, message: str) -> None:
    template_id = _templates(api)
    text = page(api, f"/inbox/templates/{template_id}?model={quote(model)}").text
    assert message in text
    assert f">{model}</textarea>" in text  # the model stays, to be fixed
    assert "rendered-subject" not in text
    frame = page(api, f"/inbox/templates/{template_id}/html?model={quote(model)}").text
    assert message in frame


# --- stats -------------------------------------------------------------------------------


def _points(text: str, chart: str) -> dict[tuple[str, str], int]:
    svg = re.search(rf'<svg [^>]*id="{chart}".*?</svg>', text, re.S)
    assert svg is not None, text[:2000]
    root = ET.fromstring(svg.group(0))
    return {
        (e.get("data-series", ""), e.get("data-label", "")): int(e.get("data-value", "0"))
        for e in root.iter()
        if e.get("data-value") is not None
    }


def test_stats_page_charts_sends_and_bounces_per_stream_and_tag(sandbox: Sandbox, api: Api) -> None:
    for _ in range(4):
        sent_id(api, Tag="news")
    for kind in ("HardBounce", "SoftBounce"):
        sent_id(api, To=f"{kind}@bounce-testing.postmarkapp.com", Tag="news")
    sent_id(api, Tag="other")
    text = page(api, "/inbox/stats").text
    assert 'data-total="Sent">7<' in text and 'data-total="Bounced">2<' in text
    points = _points(text, "activity-chart")
    days = sorted({label for _, label in points})
    today = days[-1]
    assert points[("Sent", today)] == 7 and points[("Bounced", today)] == 2
    assert sum(points[("Sent", d)] for d in days) == 7  # nothing on the days before
    assert _points(text, "bounce-chart") == {
        ("Bounces", "HardBounce"): 1,
        ("Bounces", "SoftBounce"): 1,
    }
    assert _points(text, "tag-chart") == {("Sent", "news"): 6, ("Sent", "other"): 1}
    assert _points(text, "stream-chart") == {("Sent", "outbound"): 7}
    other = page(api, "/inbox/stats?tag=other").text
    assert _points(other, "activity-chart")[("Sent", today)] == 1
    assert 'data-total="Bounced">0<' in other and "bounce-chart" not in other
    empty = page(api, "/inbox/stats?stream=broadcast").text
    assert 'id="no-stats"' in empty and '<option value="broadcast" selected>' in empty


# --- servers -------------------------------------------------------------------------------


def test_pages_and_actions_follow_the_chosen_server(sandbox: Sandbox, api: Api) -> None:
    made = api.request(
        "POST",
        "/servers",
        {"Name": "Staging"},
        token=None,
        headers={"X-Postmark-Account-Token": "account-token"},
    ).json
    staging = Api(sandbox.url, token=made["ApiTokens"][0])
    try:
        message_id = sent_id(staging, To="staged@example.com", Tag="staged")
        assert event(api, "bounce", message_id).status == 200  # made on the holding server
        bounce_id = staging.get("/bounces?count=10&offset=0").json["Bounces"][0]["ID"]
        sid = str(made["ID"])
        assert "staged@example.com" not in page(api, "/inbox/bounces").text
        listing = page(api, f"/inbox/bounces?server={sid}").text
        assert f'href="/inbox/bounces/{bounce_id}?server={sid}"' in listing
        assert '<option value="2" selected>Staging (ID 2)</option>' in listing
        detail = page(api, f"/inbox/bounces/{bounce_id}?server={sid}").text
        assert "staged@example.com" in detail and f'name="server" value="{sid}"' in detail
        assert "staged@example.com" in page(api, f"/inbox/suppressions?server={sid}").text
        assert 'data-total="Sent">1<' in page(api, f"/inbox/stats?server={sid}").text
        assert 'data-total="Sent">0<' in page(api, "/inbox/stats").text
        assert page(api, "/inbox/stats?server=99").status == 404

        path = f"/inbox/bounces/{bounce_id}/activate"
        assert post_form(sandbox, api, path, {"server": sid}).status == 303
        assert not suppressed(staging, "staged@example.com")
    finally:
        staging.close()
