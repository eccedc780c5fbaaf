"""The web inbox: escaping, CSP, the sandboxed HTML route, attachments, search, bounces."""

from __future__ import annotations

import base64
import re
from typing import Any

from sandbox_helpers import Api, Result

from postmark.sandbox import Sandbox
from postmark.sandbox.ui.layout import STATIC_VERSION

EVIL = "<script>alert(1)</script>"
BODY_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


def page(api: Api, path: str) -> Result:
    result = api.get(path, token=None, headers={"Accept": "text/html"})
    return result


def sent_id(api: Api, **fields: Any) -> str:
    result = api.send(**fields)
    assert result.status == 200, result.body
    return str(result.json["MessageID"])


def assert_strict_page(result: Result) -> None:
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    csp = result.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    # Scripts and styles only from the sandbox itself: nothing inline, nothing remote.
    assert "script-src 'self';" in csp and "style-src 'self';" in csp
    assert "unsafe" not in csp and "http" not in csp
    assert result.headers["x-content-type-options"] == "nosniff"
    assert result.headers["x-frame-options"] == "DENY"
    scripts = re.findall(r"<script[^>]*>", result.text, re.IGNORECASE)
    assert scripts == [f'<script src="/inbox/static/app.js?v={STATIC_VERSION}" defer>'], scripts


def test_list_escapes_everything(api: Api) -> None:
    sent_id(api, Subject=EVIL, From='"<b>Eve</b>" <eve@example.com>', Tag="<i>t</i>")
    result = page(api, "/")
    assert result.status == 200
    assert_strict_page(result)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.text
    assert "&lt;b&gt;Eve&lt;/b&gt;" in result.text and "&lt;i&gt;t&lt;/i&gt;" in result.text


def test_list_is_newest_first_and_searchable(api: Api) -> None:
    sent_id(api, Subject="First mail")
    sent_id(api, Subject="Second mail", To="zed@example.org", Tag="promo")
    text = page(api, "/").text
    assert text.index("Second mail") < text.index("First mail")
    # No polling reload: new mail arrives over Server-Sent Events (the browser tests).
    assert 'http-equiv="refresh"' not in text
    assert "First mail" not in page(api, "/?q=zed@EXAMPLE").text
    assert "Second mail" in page(api, "/?q=promo").text
    assert "No messages yet" in page(api, "/?q=nothing-matches").text
    # New mail shows on the next load, without restarting anything.
    sent_id(api, Subject="Third mail")
    assert "Third mail" in page(api, "/").text


def test_list_pages(api: Api) -> None:
    api.post(
        "/email/batch",
        [
            {"From": "a@example.com", "To": "b@example.com", "Subject": f"m{i}", "TextBody": "x"}
            for i in range(55)
        ],
    )
    first = page(api, "/").text
    assert "m54" in first and ">m4<" not in first and "Older" in first
    second = page(api, "/?page=2").text
    assert ">m4<" in second and "Newer" in second


def test_message_page(api: Api) -> None:
    message_id = sent_id(
        api,
        Subject=EVIL,
        HtmlBody=f"<h1>Hi</h1>{EVIL}",
        TextBody=f"Plain {EVIL}",
        Headers=[{"Name": "X-Evil", "Value": EVIL}],
        Attachments=[
            {
                "Name": "<x>.txt",
                "Content": base64.b64encode(b"hi").decode(),
                "ContentType": "text/plain",
            }
        ],
        Metadata={"k": EVIL[:20]},
    )
    result = page(api, f"/inbox/messages/{message_id}")
    assert result.status == 200
    assert_strict_page(result)
    text = result.text
    iframe = re.search(r"<iframe[^>]*>", text)
    assert iframe is not None
    assert 'sandbox=""' in iframe.group(0)
    assert f'src="/inbox/messages/{message_id}/html"' in iframe.group(0)
    assert "Plain &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "X-Evil" in text and f"/inbox/messages/{message_id}/attachments/0" in text
    assert "&lt;x&gt;.txt" in text
    # The HTML source tab shows the body as highlighted text, never as markup.
    assert '<span class="hl-tag">&lt;script</span>' in text
    assert "<h1>Hi</h1>" not in text and "<script>alert" not in text
    assert 'id="panel-raw"' in text and "X-PM-Message-Id: " + message_id in text
    assert "Delivered" in text


def test_html_route_is_locked_down(api: Api) -> None:
    cid = base64.b64encode(b"\x89PNG fake").decode()
    message_id = sent_id(
        api,
        HtmlBody='<p>Hi</p><img src="cid:logo@x"><img src="http://example.com/t.png">' + EVIL,
        Attachments=[
            {
                "Name": "logo.png",
                "Content": cid,
                "ContentType": "image/png",
                "ContentID": "cid:logo@x",
            }
        ],
    )
    result = page(api, f"/inbox/messages/{message_id}/html")
    assert result.status == 200
    assert result.headers["content-security-policy"].startswith(BODY_CSP)
    assert result.headers["x-content-type-options"] == "nosniff"
    assert EVIL in result.text  # served as-is: the CSP and the iframe sandbox neutralise it
    assert f'src="data:image/png;base64,{cid}"' in result.text


def test_attachment_download(api: Api) -> None:
    data = bytes(range(256)) * 3
    message_id = sent_id(
        api,
        Attachments=[
            {
                "Name": "report.pdf",
                "Content": base64.b64encode(b"x").decode(),
                "ContentType": "application/pdf",
            },
            {
                "Name": '../../etc/"evil" näme.html',
                "Content": base64.b64encode(data).decode(),
                "ContentType": "text/html",
            },
        ],
    )
    result = page(api, f"/inbox/messages/{message_id}/attachments/1")
    assert result.status == 200
    assert result.body == data
    assert result.headers["content-type"] == "application/octet-stream"
    disposition = result.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"evil_n_me.html\"; filename*=UTF-8''")
    assert "%2F" in disposition and "/" not in disposition.split("filename*=")[1]
    assert page(api, f"/inbox/messages/{message_id}/attachments/0").body == b"x"
    assert page(api, f"/inbox/messages/{message_id}/attachments/2").status == 404


def test_bounces_page(api: Api) -> None:
    sent_id(api, To="HardBounce@bounce-testing.postmarkapp.com", Subject=EVIL)
    result = page(api, "/inbox/bounces")
    assert result.status == 200
    assert_strict_page(result)
    assert "Hard bounce (HardBounce)" in result.text
    assert "HardBounce@bounce-testing.postmarkapp.com" in result.text
    assert "&lt;script&gt;" in result.text
    assert "Bounced: HardBounce" in page(api, "/").text


def test_unknown_inbox_pages_are_404_html(api: Api, sandbox: Sandbox) -> None:
    sandbox.inject_fault("500")  # inbox pages never use up a fault
    paths = (
        "/inbox/messages/nope",
        "/inbox/messages/nope/html",
        "/inbox/messages/nope/attachments/0",
        "/inbox/messages/nope/eml",
        "/inbox/static/nope.js",
        "/inbox/nope",
    )
    for path in paths:
        result = page(api, path)
        assert result.status == 404
        assert "text/html" in result.headers["content-type"]
    assert api.get("/server").status == 500


def test_inbox_needs_no_token_and_answers_head(api: Api) -> None:
    assert api.get("/", token=None, headers={"Accept": None}).status == 200
    head = api.request("HEAD", "/inbox", token=None)
    assert head.status == 200 and head.body == b""
