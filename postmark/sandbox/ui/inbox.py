"""The web inbox: HTML pages at the sandbox's root URL.

Pages: ``/`` (message list, newest first, ``?q=`` search, auto-refresh),
``/inbox/messages/{id}`` (one message), ``/inbox/messages/{id}/html`` (the
stored HTML body, shown only inside a sandboxed iframe),
``/inbox/messages/{id}/attachments/{n}`` (download) and ``/inbox/bounces``.

Safety: every value is escaped with :func:`html.escape`; the pages send a
Content-Security-Policy without any script source; the email's HTML is
served from its own route with ``default-src 'none'; img-src data:;
style-src 'unsafe-inline'; sandbox`` and framed with ``<iframe sandbox="">``,
so it can neither run scripts nor load anything remote (``cid:`` images are
inlined as ``data:`` URIs). Attachments download as
``application/octet-stream`` with a sanitised file name.
"""

from __future__ import annotations

import base64
import json
import re
from html import escape
from typing import Any
from urllib.parse import quote

from ..http.router import Context, Reply, Router
from ..json_shapes import bounce_json, message_details
from ..rules import clock
from ..store.connection import MAX_ROW_ID, row_id
from ..store.outbound import MessageRow

routes = Router()

PAGE_SIZE = 50
REFRESH_SECONDS = 10
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
BODY_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
# The iframe that shows an email's HTML: no scripts, no forms, no same-origin access.
IFRAME_SANDBOX = 'sandbox=""'
_COMMON = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
]
_CID = re.compile(r"cid:([^\"'\s)>]+)", re.IGNORECASE)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:24px;align-items:center}
header h1{font-size:16px;margin:0}header a{color:#ffde00;text-decoration:none;margin-right:14px}
main{padding:16px 20px}table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{background:#eef0f3;font-weight:600}td.subject a{font-weight:600}
pre{background:#fff;border:1px solid #e3e6ea;padding:10px;overflow:auto;white-space:pre-wrap}
iframe{width:100%;height:480px;border:1px solid #e3e6ea;background:#fff}
.muted{color:#6b7280}.tag{background:#eef0f3;border-radius:3px;padding:0 4px}
.bounce{color:#b42318;font-weight:600}form{margin:0 0 12px}input[type=search]{width:320px}
dl{display:grid;grid-template-columns:max-content auto;gap:4px 14px;background:#fff;padding:10px}
dt{font-weight:600}dd{margin:0}
"""


def _page(title: str, body: str, *, refresh: str | None = None) -> Reply:
    meta = (
        f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}; url={escape(refresh)}">'
        if refresh
        else ""
    )
    document = (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)} · Postmark sandbox</title>{meta}"
        f"<style>{_STYLE}</style></head><body><header><h1>Postmark sandbox</h1><nav>"
        '<a href="/">Messages</a><a href="/inbox/bounces">Bounces</a></nav></header>'
        f"<main>{body}</main></body></html>"
    )
    return Reply.html(
        document,
        headers=[("Content-Security-Policy", PAGE_CSP), ("X-Frame-Options", "DENY"), *_COMMON],
    )


def _not_found(what: str) -> Reply:
    reply = _page("Not found", f"<p>{escape(what)} was not found.</p><p><a href='/'>Back</a></p>")
    reply.status = 404
    return reply


def not_found_page() -> Reply:
    """The inbox's answer for a page it does not have."""
    return _not_found("This page")


def _names(people: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{p['Name']} <{p['Email']}>" if p.get("Name") else str(p["Email"]) for p in people
    )


def _status(ctx: Context, row: MessageRow) -> str:
    bounces = ctx.app.store.bounces_for_message(row.message_id)
    if not bounces:
        return escape(row.status)
    kinds = ", ".join(sorted({b.type for b in bounces}))
    return f'<span class="bounce">Bounced: {escape(kinds)}</span>'


@routes.route("GET", "/", auth="none")
@routes.route("GET", "/inbox", auth="none")
def message_list(ctx: Context) -> Reply:
    """The message list with search and paging, newest first."""
    query = (ctx.arg("q") or "").strip()
    page_text = ctx.arg("page") or "1"
    page = min(max(row_id(page_text) or 1, 1), MAX_ROW_ID // PAGE_SIZE)
    auto = ctx.arg("auto") != "0"
    total, rows = ctx.app.store.inbox_messages(query, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    base = f"/?q={quote(query)}" if query else "/?"
    rows_html = "".join(_list_row(ctx, row) for row in rows) or (
        '<tr><td colspan=7 class="muted">No messages yet.</td></tr>'
    )
    toggle = (
        f'auto-refresh every {REFRESH_SECONDS} s · <a href="{escape(base)}&amp;auto=0">stop</a>'
        if auto
        else f'<a href="{escape(base)}">turn auto-refresh on</a>'
    )
    body = (
        f'<form method="get" action="/"><input type="search" name="q" value="{escape(query)}" '
        'placeholder="subject, address, tag or MessageID"> <button>Search</button> '
        f'<a href="{escape(base)}{"" if auto else "&amp;auto=0"}">Refresh</a></form>'
        f'<p class="muted">{total} message(s) · {toggle}</p>'
        "<table><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th><th>Tag</th>"
        f"<th>Stream</th><th>Status</th></tr>{rows_html}</table>"
        f"{_pager(base, page, total, auto)}"
    )
    refresh = f"{base}&page={page}" if auto else None
    return _page("Messages", body, refresh=refresh)


def _list_row(ctx: Context, row: MessageRow) -> str:
    s = row.summary
    link = f"/inbox/messages/{quote(row.message_id)}"
    return (
        f"<tr><td>{escape(s['ReceivedAt'][:19].replace('T', ' '))}</td>"
        f"<td>{escape(s['From'])}</td><td>{escape(_names(s['To']))}</td>"
        f'<td class="subject"><a href="{escape(link)}">'
        f"{escape(s['Subject'] or '(no subject)')}</a></td>"
        f"<td>{escape(s['Tag'])}</td><td>{escape(row.stream)}</td><td>{_status(ctx, row)}</td></tr>"
    )


def _pager(base: str, page: int, total: int, auto: bool) -> str:
    suffix = "" if auto else "&auto=0"
    links = []
    if page > 1:
        links.append(f'<a href="{escape(f"{base}&page={page - 1}{suffix}")}">Newer</a>')
    if page * PAGE_SIZE < total:
        links.append(f'<a href="{escape(f"{base}&page={page + 1}{suffix}")}">Older</a>')
    return f"<p>{' · '.join(links)}</p>" if links else ""


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
        f'<iframe {IFRAME_SANDBOX} src="{escape(link)}/html" title="HTML body" '
        'referrerpolicy="no-referrer"></iframe>'
        if row.content.get("HtmlBody")
        else '<p class="muted">No HTML body.</p>'
    )
    text = row.content.get("TextBody")
    body = (
        f"<h2>{escape(row.summary['Subject'] or '(no subject)')}</h2>{_fields(row)}"
        f"<h3>Events</h3>{_events(details['MessageEvents'])}"
        f"<h3>HTML body</h3>{html_part}"
        "<h3>Text body</h3>"
        + (f"<pre>{escape(text)}</pre>" if text else '<p class="muted">No text body.</p>')
        + f"<h3>Headers</h3>{_headers(row)}<h3>Attachments</h3>{_attachments(row, link)}"
        f"<h3>Raw JSON</h3><pre>{escape(_raw_json(details, row.request))}</pre>"
    )
    return _page(row.summary["Subject"] or "Message", body)


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


def _request_attachments(row: MessageRow) -> list[dict[str, Any]]:
    items = row.request.get("Attachments") if isinstance(row.request, dict) else None
    return [a for a in items or [] if isinstance(a, dict)]


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


def _decode(attachment: dict[str, Any]) -> bytes:
    try:
        return base64.b64decode("".join((attachment.get("Content") or "").split()))
    except ValueError:
        return b""


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


@routes.route("GET", "/inbox/messages/{id}/html", auth="none")
def message_html(ctx: Context) -> Reply:
    """The stored HTML body, locked down for display inside the sandboxed iframe."""
    row = ctx.app.store.message(ctx.params["id"])
    if row is None:
        return _not_found("This message")
    html_body = _inline_cid_images(row.content.get("HtmlBody") or "", _request_attachments(row))
    headers = [("Content-Security-Policy", BODY_CSP), ("X-Frame-Options", "SAMEORIGIN"), *_COMMON]
    return Reply.html(html_body, headers=headers)


def _inline_cid_images(html_body: str, attachments: list[dict[str, Any]]) -> str:
    by_cid = {
        (a.get("ContentID") or "").lower().removeprefix("cid:"): a
        for a in attachments
        if a.get("ContentID")
    }

    def swap(match: re.Match[str]) -> str:
        found = by_cid.get(match.group(1).lower())
        if found is None:
            return match.group(0)
        kind = found.get("ContentType") or "application/octet-stream"
        return f"data:{kind};base64,{''.join((found.get('Content') or '').split())}"

    return _CID.sub(swap, html_body)


@routes.route("GET", "/inbox/messages/{id}/attachments/{index:int}", auth="none")
def download_attachment(ctx: Context) -> Reply:
    """One attachment, always as a download."""
    row = ctx.app.store.message(ctx.params["id"])
    items = _request_attachments(row) if row is not None else []
    index = int(ctx.params["index"])
    if row is None or index >= len(items):
        return _not_found("This attachment")
    attachment = items[index]
    name = str(attachment.get("Name") or "attachment")
    headers = [
        ("Content-Disposition", _disposition(name)),
        ("Content-Security-Policy", "default-src 'none'; sandbox"),
        *_COMMON,
    ]
    return Reply(200, _decode(attachment), "application/octet-stream", headers)


def _disposition(name: str) -> str:
    """``attachment`` with an ASCII-safe ``filename`` and the exact ``filename*``."""
    safe = _UNSAFE_NAME.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).lstrip("._")
    safe = safe[:120] or "attachment"
    return f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(name, safe='')}"


@routes.route("GET", "/inbox/bounces", auth="none")
def bounce_list(ctx: Context) -> Reply:
    """Every bounce, newest first."""
    rows = ctx.app.store.all_bounces()
    server_id = ctx.app.config.server_id
    cells = []
    for row in rows:
        b = bounce_json(row, server_id)
        link = f"/inbox/messages/{quote(row.message_id)}"
        cells.append(
            f"<tr><td>{b['ID']}</td><td>{escape(clock.postmark_timestamp(row.bounced_ts)[:19])}</td>"
            f"<td>{escape(b['Name'])} ({escape(b['Type'])})</td><td>{escape(b['Email'])}</td>"
            f"<td>{'yes' if b['Inactive'] else 'no'}</td><td>{escape(b['MessageStream'])}</td>"
            f'<td><a href="{escape(link)}">{escape(b["Subject"] or "(no subject)")}</a></td></tr>'
        )
    body = (
        f'<p class="muted">{len(rows)} bounce(s) · <a href="/inbox/bounces">Refresh</a></p>'
        "<table><tr><th>ID</th><th>Bounced</th><th>Type</th><th>Email</th><th>Inactive</th>"
        "<th>Stream</th><th>Message</th></tr>"
        + ("".join(cells) or '<tr><td colspan=7 class="muted">No bounces.</td></tr>')
        + "</table>"
    )
    return _page("Bounces", body)


@routes.route("GET", "/favicon.ico", auth="none")
def favicon(ctx: Context) -> Reply:
    """No icon; answered here so browsers never reach the API (or its faults)."""
    return Reply(404, b"", "text/plain; charset=utf-8", list(_COMMON))
