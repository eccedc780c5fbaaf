"""``GET /inbox/messages/{id}``: one message."""

from __future__ import annotations

import json
from html import escape
from typing import Any
from urllib.parse import quote

from ..http.router import Context, Reply, Router
from ..json_shapes import message_details
from ..store.outbound import MessageRow
from . import message_actions, message_html
from .format import names as _names
from .layout import not_found as _not_found
from .layout import page
from .message_html import (
    decode as _decode,
)
from .message_html import (
    request_attachments as _request_attachments,
)

routes = Router()


@routes.route("GET", "/inbox/messages/{id}", auth="none")
def message_page(ctx: Context) -> Reply:
    """One message: fields, events, HTML (sandboxed iframe), text, headers, attachments, JSON."""
    row = ctx.app.store.message(ctx.params["id"])
    if row is None:
        return _not_found("This message")
    store = ctx.app.store
    details = message_details(
        row, store.bounces_for_message(row.message_id), store.events(row.message_id)
    )
    link = f"/inbox/messages/{quote(row.message_id)}"
    html_part = (
        f'<iframe {message_html.IFRAME_SANDBOX} src="{escape(link)}/html" title="HTML body" '
        'referrerpolicy="no-referrer"></iframe>'
        if row.content.get("HtmlBody")
        else '<p class="muted">No HTML body.</p>'
    )
    text = row.content.get("TextBody")
    body = (
        f"<h2>{escape(row.summary['Subject'] or '(no subject)')}</h2>{_fields(row)}"
        f"{message_actions.actions_bar(ctx, row)}"
        f"<h3>Events</h3>{_events(details['MessageEvents'])}"
        f"<h3>HTML body</h3>{html_part}"
        "<h3>Text body</h3>"
        + (f"<pre>{escape(text)}</pre>" if text else '<p class="muted">No text body.</p>')
        + f"<h3>Headers</h3>{_headers(row)}<h3>Attachments</h3>{_attachments(row, link)}"
        f"<h3>Raw JSON</h3><pre>{escape(_raw_json(details, row.request))}</pre>"
    )
    return page(ctx, row.summary["Subject"] or "Message", body, nav="messages")


def _fields(row: MessageRow) -> str:
    s = row.summary
    items = [
        ("MessageID", s["MessageID"]),
        ("Received", s["ReceivedAt"]),
        ("From", s["From"]),
        ("To", _names(s["To"])),
        ("Cc", _names(s["Cc"])),
        ("Bcc", _names(s["Bcc"])),
        ("Reply-To", row.content.get("ReplyTo") or ""),
        ("Tag", s["Tag"]),
        ("Stream", s["MessageStream"]),
        ("Tracking", f"opens: {'on' if s['TrackOpens'] else 'off'}, links: {s['TrackLinks']}"),
        ("Metadata", ", ".join(f"{k}={v}" for k, v in s["Metadata"].items())),
    ]
    template = row.content.get("Template")
    if template:
        items.append(
            ("Template", f"{template.get('TemplateId')} ({template.get('TemplateAlias')})")
        )
    return (
        "<dl>"
        + "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in items if v)
        + "</dl>"
    )


def _events(events: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{escape(e['ReceivedAt'])}</td><td>{escape(e['Type'])}</td>"
        f"<td>{escape(e['Recipient'])}</td><td>{escape(json.dumps(e['Details']))}</td></tr>"
        for e in events
    )
    head = "<tr><th>When</th><th>Type</th><th>Recipient</th><th>Details</th></tr>"
    return f"<table>{head}{rows}</table>"


def _headers(row: MessageRow) -> str:
    headers = row.content.get("Headers") or []
    if not headers:
        return '<p class="muted">No custom headers.</p>'
    rows = "".join(f"<tr><td>{escape(n)}</td><td>{escape(v)}</td></tr>" for n, v in headers)
    return f"<table><tr><th>Name</th><th>Value</th></tr>{rows}</table>"


def _attachments(row: MessageRow, link: str) -> str:
    items = _request_attachments(row)
    if not items:
        return '<p class="muted">No attachments.</p>'
    rows = "".join(
        f'<tr><td><a href="{escape(link)}/attachments/{i}">{escape(a.get("Name") or "")}</a></td>'
        f"<td>{escape(a.get('ContentType') or 'application/octet-stream')}</td>"
        f"<td>{len(_decode(a))} bytes</td><td>{escape(a.get('ContentID') or '')}</td></tr>"
        for i, a in enumerate(items)
    )
    return (
        f"<table><tr><th>Name</th><th>Type</th><th>Size</th><th>ContentID</th></tr>{rows}</table>"
    )


def _raw_json(details: dict[str, Any], request: Any) -> str:
    """Details (without the MIME dump) and the request, attachment bytes elided."""
    shown = {k: v for k, v in details.items() if k != "Body"}
    if isinstance(request, dict):
        request = dict(request)
        request["Attachments"] = [
            {**a, "Content": f"<{len(a.get('Content') or '')} base64 characters>"}
            for a in request.get("Attachments") or []
            if isinstance(a, dict)
        ] or request.get("Attachments")
    return json.dumps({"Details": shown, "Request": request}, indent=2, ensure_ascii=False)
