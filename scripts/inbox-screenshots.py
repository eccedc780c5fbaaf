#!/usr/bin/env python
"""Screenshots of the sandbox's web inbox for docs/sandbox.md, made from scratch.

Starts a Sandbox, sends a few realistic messages (an order with attachments,
a newsletter on the broadcast stream, a bounce, an opened and clicked
message with a webhook that answers, a webhook that refuses bounces and
complaints), then drives headless Chromium (the
browser tests' own setup: Debian's chromium and chromium-driver through
Selenium, ``tests/sandbox/browser.py``) through :data:`SHOTS` and writes
one PNG per entry into ``docs/images/sandbox/``::

    .venv/bin/python scripts/inbox-screenshots.py [--out DIR] [--only NAME ...]

To add a view, append a :class:`Shot` to :data:`SHOTS`: a file name, the
page (a path, or a function of the :class:`Scene` giving one) and
optionally an ``action`` run on the loaded page before the picture (click a
tab, open a dialog...); ``seed`` is where the messages come from.
"""

from __future__ import annotations

import argparse
import base64
import json
import struct
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "sandbox")]

import requests  # noqa: E402
from browser import Browser, require_browser  # noqa: E402

from postmark.sandbox import Sandbox  # noqa: E402

OUT = ROOT / "docs" / "images" / "sandbox"
SIZE = (1200, 820)  # the picture's size in CSS pixels


@dataclass
class Scene:
    """The running sandbox and the MessageIDs ``seed`` made, by name."""

    sandbox: Sandbox
    ids: dict[str, str] = field(default_factory=dict)

    def message(self, name: str, tab: str) -> str:
        return f"/inbox/messages/{self.ids[name]}?tab={tab}"


@dataclass
class Shot:
    """One picture: ``name``.png of ``page`` after ``action``."""

    name: str
    page: str | Callable[[Scene], str]
    action: Callable[[Browser, Scene], None] | None = None


def tab(name: str, which: str = "order") -> Callable[[Scene], str]:
    return lambda scene: scene.message(which, name)


SHOTS: list[Shot] = [
    Shot("list", "/"),
    Shot("search", "/?q=tag%3Aorder", lambda b, s: b.click("details.syntax summary")),
    Shot("message-html", tab("html")),
    Shot("message-html-phone", lambda s: s.message("order", "html") + "&width=phone"),
    Shot("message-source", tab("source")),
    Shot("message-text", tab("text")),
    Shot("message-headers", tab("headers")),
    Shot("message-raw", tab("raw")),
    Shot("message-attachments", tab("attachments")),
    Shot("message-events", tab("events", "welcome")),
    Shot("message-webhooks", tab("webhooks", "welcome")),
    Shot("bounces", "/inbox/bounces"),
    Shot("bounce", lambda s: f"/inbox/bounces/{s.ids['bounce-id']}"),
    Shot("suppressions", "/inbox/suppressions"),
    Shot("templates", "/inbox/templates"),
    Shot("template-preview", lambda s: f"/inbox/templates/{s.ids['template']}?model={MODEL}"),
    Shot("stats", "/inbox/stats"),
    Shot("webhooks", "/inbox/webhooks"),
    Shot("webhooks-failed", "/inbox/webhooks?status=failed"),
]

ORDER_HTML = """<!DOCTYPE html><html><body style="margin:0;font-family:Helvetica,Arial,sans-serif;
background:#f3f4f6"><table width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table width="560" style="background:#fff;margin:24px 0;border-radius:8px" cellpadding="24">
<tr><td><img src="cid:logo" alt="Acme" width="48" height="48">
<h1 style="color:#111827;font-size:22px">Thanks for your order, Ann!</h1>
<p style="color:#374151">Order <strong>#1042</strong> is confirmed and will ship tomorrow.</p>
<table width="100%" style="border-top:1px solid #e5e7eb;color:#374151">
<tr><td>1 &times; Espresso grinder</td><td align="right">€129.00</td></tr>
<tr><td>2 &times; Coffee beans, 1 kg</td><td align="right">€38.00</td></tr>
<tr><td><strong>Total</strong></td><td align="right"><strong>€167.00</strong></td></tr></table>
<p><a href="https://shop.example.com/orders/1042" style="background:#2563eb;color:#fff;
padding:10px 18px;border-radius:6px;text-decoration:none">View your order</a></p>
</td></tr></table></td></tr></table></body></html>"""
ORDER_TEXT = (
    "Thanks for your order, Ann!\n\nOrder #1042 is confirmed and will ship tomorrow.\n\n"
    "1 x Espresso grinder   EUR 129.00\n2 x Coffee beans, 1 kg  EUR 38.00\n"
    "Total                  EUR 167.00\n\nView your order: https://shop.example.com/orders/1042\n"
)


def square_png(side: int = 48, rgb: tuple[int, int, int] = (37, 99, 235)) -> bytes:
    """A one-colour PNG (the order mail's logo), made here so the script needs nothing else."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + bytes(rgb) * side for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Hook:
    """A local webhook endpoint for the Webhooks tab and page: answers 200 (the
    sandbox's verification calls too) until ``refuse`` sets another answer."""

    def __init__(self, path: str = "/postmark-events") -> None:
        self.status, self.body = 200, b'{"received": true}'
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = hook.body
                self.send_response(hook.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def refuse(self, status: int, body: bytes) -> None:
        """Answer every later call with ``status`` (a 4xx: Postmark does not retry it)."""
        self.status, self.body = status, body


def call(sandbox: Sandbox, path: str, body: Any) -> Any:
    headers = {"Accept": "application/json", "X-Postmark-Server-Token": "screenshots"}
    answer = requests.post(sandbox.url + path, json=body, headers=headers, timeout=10)
    answer.raise_for_status()
    return answer.json()


def send(sandbox: Sandbox, **fields: Any) -> str:
    return str(
        call(sandbox, "/email", {"From": "Acme Shop <shop@acme.example>", **fields})["MessageID"]
    )


def seed(scene: Scene, hook: Hook, crm: Hook) -> None:
    """The messages the pictures show, oldest first; ``crm`` is a webhook that fails."""
    sandbox = scene.sandbox
    triggers = {
        "Delivery": {"Enabled": True},
        "Open": {"Enabled": True, "PostFirstOpenOnly": True},
        "Click": {"Enabled": True},
    }
    call(
        sandbox,
        "/webhooks",
        {
            "Url": hook.url,
            "Triggers": triggers,
            "HttpAuth": {"Username": "acme-hooks", "Password": "not-shown-anywhere"},
            "HttpHeaders": [{"Name": "X-Acme-Env", "Value": "local"}],
        },
    )
    crm_triggers = {
        "Bounce": {"Enabled": True, "IncludeContent": True},
        "SpamComplaint": {"Enabled": True},
    }
    call(sandbox, "/webhooks", {"Url": crm.url, "Triggers": crm_triggers})
    crm.refuse(422, b'{"error": "unknown contact", "field": "Email"}')
    scene.ids["reset"] = send(
        sandbox,
        To="carl@example.com",
        Subject="Reset your password",
        Tag="password-reset",
        TextBody="Someone asked to reset your password. The link is valid for 30 minutes.",
    )
    scene.ids["newsletter"] = send(
        sandbox,
        To="readers@example.com",
        Subject="Acme news: spring collection",
        Tag="newsletter",
        MessageStream="broadcast",
        HtmlBody="<h1>Spring is here</h1><p>New grinders, new beans.</p>",
    )
    scene.ids["bounce"] = send(
        sandbox,
        To="HardBounce@bounce-testing.postmarkapp.com",
        Subject="Your invoice #88",
        Tag="invoice",
        TextBody="Please find your invoice attached.",
    )
    scene.ids["welcome"] = send(
        sandbox,
        To="Dana <dana@example.com>",
        Subject="Welcome to Acme",
        Tag="welcome",
        HtmlBody='<p>Hi Dana, <a href="https://acme.example/start">get started</a>.</p>',
        TextBody="Hi Dana, get started: https://acme.example/start",
        TrackOpens=True,
        TrackLinks="HtmlAndText",
        Metadata={"user-id": "4711"},
    )
    for kind in ("Open", "Click"):
        admin(sandbox, {"type": kind, "message_id": scene.ids["welcome"]})
    scene.ids["order"] = send(
        sandbox,
        To="Ann Reader <ann@example.com>",
        Cc="orders@acme.example",
        Subject="Your order #1042 is confirmed",
        Tag="order",
        HtmlBody=ORDER_HTML,
        TextBody=ORDER_TEXT,
        Metadata={"order-id": "1042"},
        Headers=[{"Name": "X-Order-Ref", "Value": "ORD-1042"}],
        Attachments=[
            {
                "Name": "logo.png",
                "Content": b64(square_png()),
                "ContentType": "image/png",
                "ContentID": "cid:logo",
            },
            {
                "Name": "receipt.txt",
                "ContentType": "text/plain",
                "Content": b64(ORDER_TEXT.encode()),
            },
        ],
    )
    seed_postmark(scene)
    sandbox.wait_for_webhooks(10)


def seed_postmark(scene: Scene) -> None:
    """What the Postmark pages show: more bounces, suppressions, a layout and a template."""
    sandbox = scene.sandbox
    admin(sandbox, {"type": "spam", "message_id": scene.ids["reset"]})
    admin(sandbox, {"type": "subscription", "message_id": scene.ids["newsletter"]})
    admin(
        sandbox, {"type": "bounce", "message_id": scene.ids["order"], "bounce_type": "SoftBounce"}
    )
    bounces = requests.get(
        f"{sandbox.url}/bounces?count=10&offset=0&messageID={scene.ids['bounce']}",
        headers={"Accept": "application/json", "X-Postmark-Server-Token": "screenshots"},
        timeout=10,
    ).json()["Bounces"]
    scene.ids["bounce-id"] = str(bounces[0]["ID"])
    call(
        sandbox,
        "/templates",
        {
            "Name": "Acme layout",
            "Alias": "acme-layout",
            "TemplateType": "Layout",
            "HtmlBody": LAYOUT_HTML,
            "TextBody": "{{ company }}\n\n{{{ @content }}}\n\n{{ address }}",
        },
    )
    created = call(
        sandbox,
        "/templates",
        {
            "Name": "Welcome",
            "Alias": "welcome",
            "Subject": "Welcome to {{ company }}, {{ name }}!",
            "HtmlBody": WELCOME_HTML,
            "TextBody": "Hi {{ name }}, get started: {{ action_url }}",
            "LayoutTemplate": "acme-layout",
        },
    )
    scene.ids["template"] = str(created["TemplateId"])


# The preview's test model, as typed into its form (URL-encoded JSON).
MODEL = quote(
    json.dumps(
        {
            "company": "Acme",
            "name": "Dana",
            "action_url": "https://acme.example/start",
            "trial": {"ends": "June 30"},
            "address": "Acme Ltd, 1 Market Street, Springfield",
        },
        indent=2,
    )
)
LAYOUT_HTML = """<div style="font-family:Helvetica,Arial,sans-serif;background:#f3f4f6;
padding:24px">
<div style="max-width:520px;margin:auto;background:#fff;border-radius:8px;padding:24px">
<p style="color:#2563eb;font-weight:700;margin:0 0 16px">{{ company }}</p>{{{ @content }}}
<p style="color:#6b7280;font-size:12px;margin:24px 0 0">{{ address }}</p></div></div>"""
WELCOME_HTML = """<h1 style="font-size:20px;color:#111827">Hi {{ name }}, welcome aboard!</h1>
<p style="color:#374151">Your account is ready.{{#trial}} Your trial ends on
{{ ends }}.{{/trial}}</p><p><a href="{{ action_url }}" style="background:#2563eb;color:#fff;
padding:10px 18px;border-radius:6px;text-decoration:none">Get started</a></p>"""


def admin(sandbox: Sandbox, body: Any) -> None:
    requests.post(sandbox.url + "/__sandbox/events", json=body, timeout=10).raise_for_status()


def take(browser: Browser, scene: Scene, shot: Shot, out: Path) -> Path:
    page = shot.page(scene) if callable(shot.page) else shot.page
    browser.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": SIZE[0], "height": SIZE[1], "deviceScaleFactor": 1, "mobile": False},
    )
    browser.open(scene.sandbox.url + page)
    if shot.action is not None:
        shot.action(browser, scene)
    time.sleep(0.4)  # frames and images settle
    path = out / f"{shot.name}.png"
    browser.driver.save_screenshot(str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--only", nargs="*", help="shot names to take (default: all)")
    args = parser.parse_args(argv)
    require_browser()
    args.out.mkdir(parents=True, exist_ok=True)
    hook, crm = Hook(), Hook("/crm/postmark")
    with Sandbox() as sandbox, tempfile.TemporaryDirectory() as work:
        scene = Scene(sandbox)
        seed(scene, hook, crm)
        browser = Browser(Path(work) / "profile", Path(work), size=SIZE)
        try:
            for shot in SHOTS:
                if not args.only or shot.name in args.only:
                    print(take(browser, scene, shot, args.out).relative_to(ROOT))
        finally:
            browser.close()
    hook.server.shutdown()
    crm.server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
