"""The web inbox in headless Chromium: the list shows mail, an email's HTML runs
no script and loads nothing remote.

A second local HTTP server (the "recorder") counts every request it gets. The
email's HTML tries to reach it in many ways: scripts (``fetch``, ``new
Image()``), a remote image, CSS backgrounds and imports, a stylesheet link,
``<object>``, ``<video poster>``. ``--dump-dom`` prints only the top document,
not the iframe's, so the assertions rest on the recorder, plus the DOM of the
email route loaded directly. Two controls prove the test can fail: the same
HTML served without protection must reach the recorder, and so must the inbox
itself once its CSP and iframe sandbox are switched off.

The second half clicks through every tab of a message (HTML, source, text,
headers, raw, attachments with previews, events, webhooks) in a Selenium-driven
Chromium with the same recorder: nothing may reach it; and with the page CSP
relaxed and the source tab rendering instead of escaping, the same visit must.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from browser import Browser
from sandbox_helpers import Api

from postmark.sandbox import Sandbox
from postmark.sandbox.ui import layout, message_html, message_parts

pytestmark = pytest.mark.browser

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
if CHROMIUM is None:
    pytest.skip("no chromium binary found", allow_module_level=True)

SUBJECT = "Browser check <b>visible</b> subject"
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


def evil_html(origin: str) -> str:
    """An email that would phone home in every way a mail client should block."""
    return f"""<!DOCTYPE html><html><head><title>Original title</title>
<link rel="stylesheet" href="{origin}/style.css">
<style>@import url("{origin}/import.css"); body {{ background: url("{origin}/bg.png"); }}</style>
</head><body>
<p id="marker">original body</p>
<img src="{origin}/pixel.png" alt="remote">
<video poster="{origin}/poster.png"></video>
<object data="{origin}/object.bin"></object>
<script>
document.title = "PWNED";
document.body.setAttribute("data-pwned", "yes");
new Image().src = "{origin}/beacon-image";
fetch("{origin}/beacon-fetch", {{mode: "no-cors"}});
try {{ parent.document.title = "PWNED-PARENT"; }} catch (e) {{}}
</script>
</body></html>"""


class Recorder:
    """A local HTTP server that records the path of every request."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.page = ""
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                recorder.hits.append(self.path)
                if self.path == "/evil.html":
                    body, kind = recorder.page.encode(), "text/html"
                else:
                    body, kind = PIXEL, "image/png"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def remote_hits(self) -> list[str]:
        """Requests the email made (the control page itself and favicons excluded)."""
        return [h for h in self.hits if h not in ("/evil.html", "/favicon.ico")]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    yield rec
    rec.close()


def dump_dom(url: str, profile: Path, *, settle: bool = True) -> str:
    """Load ``url`` in headless Chromium, let it run ~3 s, return the top document's DOM.

    ``settle=False`` returns once the page has loaded: the message list keeps its
    live-update stream open, and virtual time never advances past an open request.
    """
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        *(["--virtual-time-budget=3000"] if settle else []),
        "--dump-dom",
        url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def send_evil(sandbox: Sandbox, origin: str) -> str:
    body = {
        "From": "sender@example.com",
        "To": "receiver@example.com",
        "Subject": SUBJECT,
        "HtmlBody": evil_html(origin),
        "TextBody": "plain version",
    }
    request = urllib.request.Request(
        sandbox.url + "/email",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Accept": "application/json",
            "Content-Type": "application/json",
            "X-Postmark-Server-Token": "browser-test",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.load(response)["MessageID"])


def test_control_page_without_protection_reaches_the_recorder(
    recorder: Recorder, tmp_path: Path
) -> None:
    """If this fails, the harness could not see a leak, and the real test would prove nothing."""
    recorder.page = evil_html(recorder.origin)
    dom = dump_dom(recorder.origin + "/evil.html", tmp_path / "profile")
    assert "<title>PWNED" in dom and 'data-pwned="yes"' in dom
    hits = recorder.remote_hits()
    assert {"/beacon-image", "/beacon-fetch", "/pixel.png"} <= set(hits), hits


def test_inbox_runs_no_email_script_and_loads_nothing_remote(
    sandbox: Sandbox, recorder: Recorder, tmp_path: Path
) -> None:
    message_id = send_evil(sandbox, recorder.origin)

    listing = dump_dom(sandbox.url + "/", tmp_path / "p1", settle=False)
    assert "Browser check &lt;b&gt;visible&lt;/b&gt; subject" in listing
    assert f"/inbox/messages/{message_id}" in listing

    page = dump_dom(f"{sandbox.url}/inbox/messages/{message_id}", tmp_path / "p2")
    assert '<iframe sandbox=""' in page
    assert "PWNED" not in page.split("</title>")[0]
    assert "plain version" in page

    # The email's own route loaded directly: only its CSP stands in the way.
    direct = dump_dom(f"{sandbox.url}/inbox/messages/{message_id}/html", tmp_path / "p3")
    assert "<title>Original title</title>" in direct
    assert 'data-pwned="yes"' not in direct and "<title>PWNED" not in direct

    assert recorder.remote_hits() == []


@pytest.mark.parametrize(
    ("iframe_sandbox", "expected"),
    [
        # CSP off, iframe sandbox on: scripts stay dead, remote loads get through.
        ('sandbox=""', {"/pixel.png", "/style.css"}),
        # Both off: the email's scripts run too.
        ("", {"/pixel.png", "/beacon-image", "/beacon-fetch"}),
    ],
    ids=["without-csp", "without-csp-and-iframe-sandbox"],
)
def test_the_check_fails_when_protection_is_removed(
    sandbox: Sandbox,
    recorder: Recorder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    iframe_sandbox: str,
    expected: set[str],
) -> None:
    """Switching protections off makes the same page leak, so the zero above means something."""
    monkeypatch.setattr(layout, "BODY_CSP", "default-src *; script-src * 'unsafe-inline'")
    monkeypatch.setattr(message_html, "IFRAME_SANDBOX", iframe_sandbox)
    message_id = send_evil(sandbox, recorder.origin)
    dump_dom(f"{sandbox.url}/inbox/messages/{message_id}", tmp_path / "profile")
    assert expected <= set(recorder.remote_hits()), recorder.remote_hits()


# --- every tab, clicked in a real browser (Selenium, see browser.py) -----------------


def evil_attachments(origin: str) -> list[dict[str, str]]:
    """Attachments that would run script or phone home if the inbox rendered them."""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{origin}/svg-image.png"/>'
        f'<script>fetch("{origin}/svg-script")</script></svg>'
    )
    return [
        {"Name": "page.html", "ContentType": "text/html", "Content": b64(evil_html(origin))},
        {"Name": "logo.svg", "ContentType": "image/svg+xml", "Content": b64(svg)},
        {"Name": "fake.png", "ContentType": "image/png", "Content": b64(evil_html(origin))},
    ]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def send_evil_with_attachments(api: Api, origin: str) -> str:
    result = api.send(
        Subject=SUBJECT,
        HtmlBody=evil_html(origin),
        TextBody=evil_html(origin),
        Headers=[{"Name": "X-Evil", "Value": f'<img src="{origin}/header.png">'}],
        Attachments=evil_attachments(origin),
    )
    assert result.status == 200, result.body
    return str(result.json["MessageID"])


TABS = ("html", "source", "text", "headers", "raw", "attachments", "events", "webhooks")


def visit_every_tab(browser: Browser, base: str, message_id: str) -> None:
    browser.open(base + "/")
    for tab in TABS:
        browser.open(f"{base}/inbox/messages/{message_id}?tab={tab}")
        assert browser.find(f"#panel-{tab}").is_displayed()
        time.sleep(0.3)  # time for anything that would load or run
    # Switching tabs in place (app.js) shows the same panels again.
    for tab in TABS:
        browser.click(f"#tab-{tab}")
    time.sleep(0.5)


def test_no_tab_runs_email_script_or_loads_anything_remote(
    browser: Browser, sandbox: Sandbox, api: Api, recorder: Recorder
) -> None:
    message_id = send_evil_with_attachments(api, recorder.origin)
    visit_every_tab(browser, sandbox.url, message_id)
    assert "PWNED" not in browser.js("return document.title")
    assert browser.js("return document.body.getAttribute('data-pwned')") is None
    # The previews are there, as inert things: escaped text, a broken image.
    browser.click("#tab-attachments")
    assert "document.title = &quot;PWNED&quot;" not in browser.source()
    assert 'document.title = "PWNED"' in browser.text("#panel-attachments pre.preview")
    assert len(browser.all("#panel-attachments img.preview")) == 1  # the png; never the svg
    assert recorder.remote_hits() == []


def test_the_tab_check_fails_when_the_source_tab_renders_markup(
    browser: Browser,
    sandbox: Sandbox,
    api: Api,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the page CSP relaxed and the source tab not escaping, the same visit leaks."""
    monkeypatch.setattr(layout, "PAGE_CSP", "default-src * 'unsafe-inline'")
    monkeypatch.setattr(message_parts, "highlight_html", lambda source: source)
    message_id = send_evil_with_attachments(api, recorder.origin)
    visit_every_tab(browser, sandbox.url, message_id)
    assert {"/pixel.png", "/beacon-fetch"} <= set(recorder.remote_hits()), recorder.remote_hits()
