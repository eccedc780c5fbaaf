"""An email's own content, served apart from the UI pages and locked down.

``GET /inbox/messages/{id}/html``
    The stored HTML body with :data:`~.layout.BODY_CSP` (no script, nothing
    remote; ``cid:`` images inlined as ``data:`` URIs), shown only inside
    ``<iframe sandbox="">`` (:data:`IFRAME_SANDBOX`).
``GET /inbox/messages/{id}/attachments/{n}``
    One attachment as a download (``application/octet-stream``, sanitised
    file name).
``GET /inbox/messages/{id}/eml``
    The MIME source as a ``.eml`` download: the bytes of
    ``GET /messages/outbound/{id}/dump``'s ``Body`` (UTF-8).
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import quote

from ..http.router import Context, Reply, Router
from ..rules.mime import build_mime
from ..store.outbound import MessageRow
from . import layout
from .layout import COMMON_HEADERS, not_found
from .scope import holding

routes = Router()

# The iframe that shows an email's HTML: no scripts, no forms, no same-origin access.
IFRAME_SANDBOX = 'sandbox=""'
_CID = re.compile(r"cid:([^\"'\s)>]+)", re.IGNORECASE)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def stored_message(ctx: Context) -> MessageRow | None:
    """The message named by the path's ``{id}``, on whichever server stored it."""
    return holding(ctx.app, ctx.params["id"]).store.message(ctx.params["id"])


def request_attachments(row: MessageRow) -> list[dict[str, Any]]:
    """The attachments of the send request, as sent (``Name``, ``Content``, ...)."""
    items = row.request.get("Attachments") if isinstance(row.request, dict) else None
    return [a for a in items or [] if isinstance(a, dict)]


def decode(attachment: dict[str, Any]) -> bytes:
    """An attachment's bytes (``b""`` when its base64 is broken)."""
    try:
        return base64.b64decode("".join((attachment.get("Content") or "").split()))
    except ValueError:
        return b""


def iframe(src: str, title: str, extra: str = "") -> str:
    """A sandboxed frame for email content served by this module."""
    return (
        f'<iframe {IFRAME_SANDBOX} src="{src}" title="{title}" '
        f'referrerpolicy="no-referrer"{extra}></iframe>'
    )


@routes.route("GET", "/inbox/messages/{id}/html", auth="none")
def message_html(ctx: Context) -> Reply:
    """The stored HTML body, locked down for display inside the sandboxed iframe."""
    row = stored_message(ctx)
    if row is None:
        return not_found("This message")
    html_body = _inline_cid_images(row.content.get("HtmlBody") or "", request_attachments(row))
    headers = [
        ("Content-Security-Policy", layout.BODY_CSP),
        ("X-Frame-Options", "SAMEORIGIN"),
        *COMMON_HEADERS,
    ]
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
    row = stored_message(ctx)
    items = request_attachments(row) if row is not None else []
    index = int(ctx.params["index"])
    if row is None or index >= len(items):
        return not_found("This attachment")
    attachment = items[index]
    name = str(attachment.get("Name") or "attachment")
    headers = [
        ("Content-Disposition", disposition(name)),
        ("Content-Security-Policy", "default-src 'none'; sandbox"),
        *COMMON_HEADERS,
    ]
    return Reply(200, decode(attachment), "application/octet-stream", headers)


def disposition(name: str) -> str:
    """``attachment`` with an ASCII-safe ``filename`` and the exact ``filename*``."""
    safe = _UNSAFE_NAME.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).lstrip("._")
    safe = safe[:120] or "attachment"
    return f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(name, safe='')}"


@routes.route("GET", "/inbox/messages/{id}/eml", auth="none")
def download_eml(ctx: Context) -> Reply:
    """The MIME source as ``<MessageID>.eml``, byte for byte what the API's dump holds."""
    row = stored_message(ctx)
    if row is None:
        return not_found("This message")
    source = build_mime(row.summary, row.content, row.request, row.received_ts)
    headers = [
        ("Content-Disposition", disposition(f"{row.summary['MessageID']}.eml")),
        ("Content-Security-Policy", "default-src 'none'; sandbox"),
        *COMMON_HEADERS,
    ]
    return Reply(200, source.encode("utf-8"), "message/rfc822", headers)
