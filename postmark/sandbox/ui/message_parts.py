"""The panels of a message page that show its content: HTML, source, text, headers, raw,
attachments. Each takes ``(server, row, ctx)`` and returns panel HTML.

Email content never becomes markup of the page: the HTML body only ever
appears inside the sandboxed iframe (:mod:`.message_html`), everywhere
else it is escaped text; attachment previews are ``<img src="data:...">``
for raster image types (which cannot run script) and escaped text.
"""

from __future__ import annotations

import base64
import json
from email.header import decode_header, make_header
from email.parser import HeaderParser
from typing import Any

from ..app import App
from ..http.router import Context
from ..rules.mime import build_mime
from ..store.outbound import MessageRow
from .format import esc, message_path, size, url
from .highlight import highlight_html
from .message_html import decode, iframe, request_attachments

#: Frame widths for the HTML tab: (``width=`` value, label).
WIDTHS = (("phone", "Phone 375 px"), ("tablet", "Tablet 768 px"), ("desktop", "Desktop"))
#: Attachment types previewed as images: raster formats only (an SVG can carry script).
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})
TEXT_TYPES = frozenset({"application/json", "application/xml", "application/csv"})
TEXT_PREVIEW = 20_000  # characters of a text attachment shown inline
IMAGE_PREVIEW = 5 * 1024 * 1024  # bytes of an image previewed inline (larger: download only)
RAW_SHOWN = 1_000_000  # characters of the MIME source shown in the page (the .eml has all)


def mime_source(row: MessageRow) -> str:
    """The MIME message, exactly as ``GET /messages/outbound/{id}/dump`` gives it."""
    return build_mime(row.summary, row.content, row.request, row.received_ts)


def _none(what: str) -> str:
    return f'<p class="muted">{esc(what)}</p>'


def html_panel(server: App, row: MessageRow, ctx: Context) -> str:
    """The HTML body in a sandboxed frame, with the width switch."""
    if not row.content.get("HtmlBody"):
        return _none("No HTML body.")
    chosen = ctx.arg("width") if ctx.arg("width") in dict(WIDTHS) else "desktop"
    base = message_path(row.message_id)
    current = ' aria-current="true"'
    links = "".join(
        f'<a href="{esc(url(base, tab="html", width=name))}" data-width="{name}"'
        f"{current if name == chosen else ''}>{esc(label)}</a>"
        for name, label in WIDTHS
    )
    frame = iframe(f"{esc(base)}/html", "HTML body")
    return (
        f'<nav class="widths" aria-label="Preview width">{links}</nav>'
        f'<div class="frame-wrap width-{chosen}" id="html-frame">{frame}</div>'
    )


def source_panel(server: App, row: MessageRow, ctx: Context) -> str:
    """The HTML body's source, highlighted."""
    html = row.content.get("HtmlBody") or ""
    if not html:
        return _none("No HTML body.")
    return f'<pre class="code source">{highlight_html(html)}</pre>'


def text_panel(server: App, row: MessageRow, ctx: Context) -> str:
    """The text body."""
    text = row.content.get("TextBody") or ""
    return f'<pre class="code text">{esc(text)}</pre>' if text else _none("No text body.")


def _decoded(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError):
        return value


def headers_panel(server: App, row: MessageRow, ctx: Context) -> str:
    """Every header of the MIME message, in order, as sent and (if encoded) decoded."""
    message = HeaderParser().parsestr(mime_source(row), headersonly=True)
    rows = []
    for name, value in message.items():
        shown = _decoded(value)
        decoded = f'<div class="muted">{esc(shown)}</div>' if shown != value else ""
        rows.append(
            f"<tr><th scope=row>{esc(name)}</th><td><code>{esc(value)}</code>{decoded}</td></tr>"
        )
    return f'<table class="headers"><tbody>{"".join(rows)}</tbody></table>'


def raw_panel(server: App, row: MessageRow, ctx: Context) -> str:
    """The whole MIME source and its ``.eml`` download."""
    link = f"{message_path(row.message_id)}/eml"
    source = mime_source(row)
    cut = (
        f'<p class="muted">The first {RAW_SHOWN:,} of {len(source):,} characters; '
        "the .eml has all of them.</p>"
        if len(source) > RAW_SHOWN
        else ""
    )
    return (
        f'<p><a class="button" href="{esc(link)}" download>Download .eml</a></p>{cut}'
        f'<pre class="code raw">{esc(source[:RAW_SHOWN])}</pre>'
    )


def attachments_panel(server: App, row: MessageRow, ctx: Context) -> str:
    """Each attachment: name, type, size, download link and, for images and text, a preview."""
    items = request_attachments(row)
    if not items:
        return _none("No attachments.")
    base = message_path(row.message_id)
    return "".join(_attachment(base, i, a) for i, a in enumerate(items))


def _attachment(base: str, index: int, item: dict[str, Any]) -> str:
    name = str(item.get("Name") or "attachment")
    kind = str(item.get("ContentType") or "application/octet-stream").lower()
    data = decode(item)
    cid = f" · ContentID <code>{esc(item['ContentID'])}</code>" if item.get("ContentID") else ""
    head = (
        f'<h2><a href="{esc(base)}/attachments/{index}">{esc(name)}</a></h2>'
        f'<p class="muted">{esc(kind)} · {size(len(data))}{cid}</p>'
    )
    return f'<article class="attachment">{head}{_preview(name, kind, data)}</article>'


def _preview(name: str, kind: str, data: bytes) -> str:
    base_kind = kind.split(";")[0].strip()
    if base_kind in IMAGE_TYPES and len(data) <= IMAGE_PREVIEW:
        uri = f"data:{base_kind};base64,{base64.b64encode(data).decode('ascii')}"
        return f'<img class="preview" src="{esc(uri)}" alt="{esc(name)}">'
    if base_kind.startswith("text/") or base_kind in TEXT_TYPES:
        text = data.decode("utf-8", "replace")
        cut = len(text) > TEXT_PREVIEW
        more = '<p class="muted">(preview cut; download for the rest)</p>' if cut else ""
        return f'<pre class="code preview">{esc(text[:TEXT_PREVIEW])}</pre>{more}'
    return ""


def pretty(data: Any) -> str:
    """JSON, indented, escaped for a ``<pre>``."""
    return esc(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False))
