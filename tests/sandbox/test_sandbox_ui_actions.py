"""Inbox actions over HTTP: only the inbox's own pages can delete or mark messages
(POST forms with the CSRF token, same origin), read marks, the event stream, search.

The CSRF token is read from a page, as a browser has it.
"""

from __future__ import annotations

import base64
import re
import socket
import time
from urllib.parse import urlencode, urlsplit

import pytest
from sandbox_helpers import Api, Result

from postmark.sandbox import Sandbox
from postmark.sandbox.ui.search import parse

FORM = "application/x-www-form-urlencoded"


def html(api: Api, path: str, **headers: str) -> Result:
    return api.get(path, token=None, headers={"Accept": "text/html", **headers})


def csrf(api: Api) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html(api, "/").text)
    assert found is not None
    return found.group(1)


def sent(api: Api, **fields: str) -> str:
    result = api.send(**fields)
    assert result.status == 200, result.body
    return str(result.json["MessageID"])


def post_form(api: Api, path: str, fields: list[tuple[str, str]], **headers: str) -> Result:
    sent_headers = {"Content-Type": FORM, "Accept": "text/html", **headers}
    return api.request(
        "POST", path, raw=urlencode(fields).encode(), token=None, headers=sent_headers
    )


def listed(api: Api) -> list[str]:
    page = api.get("/messages/outbound?count=50&offset=0").json
    return [m["MessageID"] for m in page["Messages"]]


def own(sandbox: Sandbox) -> dict[str, str]:
    """The headers a browser sends with a form post from the inbox itself."""
    host = urlsplit(sandbox.url).netloc
    return {"Origin": f"http://{host}", "Sec-Fetch-Site": "same-origin"}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"token": "wrong"}, "CSRF token"),
        ({"token": ""}, "CSRF token"),
        ({"Origin": "http://evil.example"}, "Cross-origin"),
        ({"Origin": "null"}, "Cross-origin"),
        ({"Sec-Fetch-Site": "cross-site"}, "Cross-site"),
        ({"Sec-Fetch-Site": "same-site"}, "Cross-site"),
        ({"Content-Type": "text/plain"}, "POST forms"),
        ({"Content-Type": "application/json"}, "POST forms"),
    ],
)
def test_a_foreign_page_cannot_delete(
    api: Api, sandbox: Sandbox, change: dict[str, str], reason: str
) -> None:
    message_id = sent(api)
    headers = {**own(sandbox), **{k: v for k, v in change.items() if k != "token"}}
    token = change.get("token", csrf(api))
    fields = [("csrf", token), ("action", "delete"), ("id", message_id), ("confirmed", "yes")]
    result = post_form(api, "/inbox/messages/bulk", fields, **headers)
    assert result.status == 403 and reason in result.json["Message"]
    assert listed(api) == [message_id]


def test_the_inbox_deletes_and_the_api_agrees(api: Api, sandbox: Sandbox) -> None:
    keep, drop = sent(api, Subject="keep"), sent(api, Subject="drop")
    token = csrf(api)
    fields = [("csrf", token), ("action", "delete"), ("id", drop), ("next", "/?q=x")]
    # Unconfirmed (no script asked): a confirmation page that posts the same again.
    ask = post_form(api, "/inbox/messages/bulk", fields, **own(sandbox))
    assert ask.status == 200 and "Delete 1 message(s)?" in ask.text
    assert 'name="confirmed" value="yes"' in ask.text and f'value="{drop}"' in ask.text
    assert sorted(listed(api)) == sorted([keep, drop])
    done = post_form(api, "/inbox/messages/bulk", [*fields, ("confirmed", "yes")], **own(sandbox))
    assert done.status == 303 and done.headers["location"] == "/?q=x"
    assert listed(api) == [keep]
    assert api.get(f"/messages/outbound/{drop}/details").status == 422
    assert api.get(f"/messages/outbound/{drop}/dump").status == 422
    # No Origin and no Sec-Fetch-Site (not a browser) is fine with the token.
    bounced = sent(api, To="hardbounce@bounce-testing.postmarkapp.com")
    assert api.get("/bounces?count=10&offset=0").json["TotalCount"] == 1
    everything = [("csrf", token), ("server", "1"), ("confirmed", "yes")]
    assert post_form(api, "/inbox/messages/delete-all", everything).status == 303
    assert listed(api) == []
    # Its bounce went with it; the suppression it caused stays (it is about the address).
    assert api.get("/bounces?count=10&offset=0").json["TotalCount"] == 0
    assert api.get(f"/bounces?messageID={bounced}&count=10&offset=0").json["Bounces"] == []
    dump = api.get("/message-streams/outbound/suppressions/dump").json["Suppressions"]
    assert [s["EmailAddress"].lower() for s in dump] == [
        "hardbounce@bounce-testing.postmarkapp.com"
    ]


def test_next_must_be_a_local_path(api: Api, sandbox: Sandbox) -> None:
    message_id = sent(api)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        fields = [("csrf", csrf(api)), ("action", "read"), ("id", message_id), ("next", target)]
        result = post_form(api, "/inbox/messages/bulk", fields, **own(sandbox))
        assert result.status == 303 and result.headers["location"] == "/"


def test_opening_marks_read_only_from_the_inbox_itself(api: Api) -> None:
    message_id = sent(api, Subject="Read me")
    path = f"/inbox/messages/{message_id}"

    def row_class() -> str:
        found = re.search(rf'<tr id="m-{message_id}" class="(\w+)"', html(api, "/").text)
        assert found is not None
        return found.group(1)

    html(api, path)  # no Sec-Fetch-Site: not known to be our own page
    html(api, path, **{"Sec-Fetch-Site": "cross-site"})  # a link or <img> elsewhere
    assert row_class() == "unread"
    html(api, path, **{"Sec-Fetch-Site": "same-origin"})
    assert row_class() == "read"
    fields = [("csrf", csrf(api)), ("action", "unread"), ("id", message_id)]
    assert post_form(api, "/inbox/messages/bulk", fields).status == 303
    assert row_class() == "unread"
    assert "Mark read" in html(api, path).text


def test_the_live_stream_announces_new_mail(api: Api, sandbox: Sandbox) -> None:
    parts = urlsplit(sandbox.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(
            b"GET /inbox/live HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
        )
        head = conn.recv(4096).decode()
        assert head.startswith("HTTP/1.1 200") and "text/event-stream" in head
        assert "Content-Length" not in head
        start = time.monotonic()
        sent(api)
        got = b""
        while b"event: change" not in got and time.monotonic() - start < 5:
            got += conn.recv(4096)
        assert b"event: change\ndata: " in got


def test_search_syntax_parses_every_prefix() -> None:
    query = parse(
        'from:Anna@ to:"bob smith" subject:"Your order" tag:Promo stream:broadcast hi re:x'
    )
    assert query.from_ == ["Anna@"] and query.to == ["bob smith"]
    assert query.subject == ["Your order"] and query.tag == ["Promo"]
    assert query.stream == ["broadcast"] and query.words == ["hi", "re:x"]


def test_search_and_filters_narrow_the_list(api: Api) -> None:
    sent(api, Subject="Invoice May", From="billing@example.com", Tag="Billing")
    sent(api, Subject="Invoice June", To="zoe@example.org", Tag="billing")
    sent(api, Subject="Weekly news", MessageStream="broadcast", Tag="news")
    sent(api, Subject="Dead end", To="hardbounce@bounce-testing.postmarkapp.com")

    def subjects(query: str) -> list[str]:
        return re.findall(r'<td class="subject"><a href="[^"]+">([^<]+)</a>', html(api, query).text)

    assert subjects("/?q=from:BILLING@") == ["Invoice May"]
    assert subjects("/?q=to:zoe@") == ["Invoice June"]
    assert subjects("/?q=subject:invoice") == ["Invoice June", "Invoice May"]
    assert subjects("/?q=subject:%22invoice+j%22") == ["Invoice June"]
    assert subjects("/?q=tag:billing") == ["Invoice June", "Invoice May"]
    assert subjects("/?q=tag:bill") == []  # a tag matches whole
    assert subjects("/?q=stream:broadcast") == ["Weekly news"]
    assert subjects("/?stream=broadcast") == ["Weekly news"]
    assert subjects("/?tag=news") == ["Weekly news"]
    assert subjects("/?status=bounced") == ["Dead end"]
    assert subjects("/?q=weekly") == ["Weekly news"]
    assert subjects("/?q=invoice+june+tag:billing") == ["Invoice June"]
    page = html(api, "/").text
    for prefix in ("from:", "to:", "subject:", "tag:", "stream:"):
        assert f"<code>{prefix}</code>" in page


def test_headers_tab_lists_every_header_of_the_dump(api: Api) -> None:
    from email.parser import HeaderParser

    message_id = sent(api, Headers=[{"Name": "X-Campaign", "Value": "spring"}], Cc="c@example.com")
    dump = api.get(f"/messages/outbound/{message_id}/dump").json["Body"]
    text = html(api, f"/inbox/messages/{message_id}?tab=headers").text
    panel = text.split('id="panel-headers"')[1].split("</section>")[0]
    shown = re.findall(r"<th scope=row>([^<]+)</th>", panel)
    assert shown == [n for n, _ in HeaderParser().parsestr(dump, headersonly=True).items()]
    assert {"From", "To", "Cc", "Subject", "Date", "Message-ID", "X-Campaign"} <= set(shown)
    eml = html(api, f"/inbox/messages/{message_id}/eml")
    assert eml.body == dump.encode("utf-8")
    assert eml.headers["content-type"] == "message/rfc822"
    assert f'filename="{message_id}.eml"' in eml.headers["content-disposition"]


def test_each_server_has_its_own_list(api: Api, sandbox: Sandbox) -> None:
    made = api.post(
        "/servers", {"Name": "Staging"}, token=None, headers={"X-Postmark-Account-Token": "a"}
    ).json
    staging = api.send(token=made["ApiTokens"][0], Subject="Only on staging").json["MessageID"]
    sent(api, Subject="On the default server")
    default_page, staging_page = html(api, "/").text, html(api, f"/?server={made['ID']}").text
    assert "On the default server" in default_page and "Only on staging" not in default_page
    assert "Only on staging" in staging_page and "On the default server" not in staging_page
    assert '<option value="2" selected>Staging</option>' in staging_page
    assert html(api, "/?server=99").status == 404
    # A message page finds its server; deleting there leaves the default server alone.
    assert "Staging (ID 2)" in html(api, f"/inbox/messages/{staging}").text
    fields = [("csrf", csrf(api)), ("action", "delete"), ("id", staging)]
    fields += [("server", str(made["ID"])), ("confirmed", "yes")]
    assert post_form(api, "/inbox/messages/bulk", fields).status == 303
    assert "Only on staging" not in html(api, f"/?server={made['ID']}").text
    assert len(listed(api)) == 1


def test_big_parts_are_cut_in_the_page_but_not_in_downloads(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postmark.sandbox.ui import message_parts

    monkeypatch.setattr(message_parts, "RAW_SHOWN", 500)
    monkeypatch.setattr(message_parts, "IMAGE_PREVIEW", 10)
    png = base64.b64encode(b"\x89PNG" + b"\0" * 64).decode()
    message_id = sent(
        api, Attachments=[{"Name": "big.png", "Content": png, "ContentType": "image/png"}]
    )
    dump = api.get(f"/messages/outbound/{message_id}/dump").json["Body"]
    page = html(api, f"/inbox/messages/{message_id}").text
    assert f"The first 500 of {len(dump):,} characters" in page
    assert "data:image/png" not in page  # too big to preview; the link stays
    assert f"/inbox/messages/{message_id}/attachments/0" in page
    assert html(api, f"/inbox/messages/{message_id}/eml").body == dump.encode()
