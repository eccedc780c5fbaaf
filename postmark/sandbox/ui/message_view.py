"""``GET /inbox/messages/{id}?tab=NAME``: one message, its parts in tabs.

Tabs (:data:`TABS`): ``html`` (the body in a sandboxed iframe, ``&width=``
phone, tablet or desktop), ``source`` (the HTML, highlighted), ``text``,
``headers`` (every header of the MIME message), ``raw`` (the MIME source,
``.eml`` download), ``attachments``, ``events`` and ``webhooks``. Every
panel is in the page; the chosen one is shown, the others are ``hidden``.
Tabs are links, so they work without JavaScript; app.js switches panels
in place and moves between tabs with the arrow keys.

Opening the page from the inbox itself (or a typed URL: ``Sec-Fetch-Site``
``same-origin`` or ``none``) marks the message read; a link from another
site does not (:func:`~postmark.sandbox.http.guard.is_own_navigation`).
"""

from __future__ import annotations

from collections.abc import Callable

from ..app import App
from ..http.guard import is_own_navigation
from ..http.router import Context, Reply, Router
from ..store.outbound import MessageRow
from . import message_activity, message_parts, message_simulate
from .format import esc, message_path, names, url, when
from .forms import post_form, url_with_server
from .layout import not_found, page
from .scope import holding

routes = Router()

Panel = Callable[[App, MessageRow, Context], str]
#: (tab name, label, panel renderer) of every tab, in order.
TABS: tuple[tuple[str, str, Panel], ...] = (
    ("html", "HTML", message_parts.html_panel),
    ("source", "HTML source", message_parts.source_panel),
    ("text", "Text", message_parts.text_panel),
    ("headers", "Headers", message_parts.headers_panel),
    ("raw", "Raw", message_parts.raw_panel),
    ("attachments", "Attachments", message_parts.attachments_panel),
    ("events", "Events", message_activity.events_panel),
    ("webhooks", "Webhooks", message_activity.webhooks_panel),
)
TAB_NAMES = tuple(name for name, _, _ in TABS)


@routes.route("GET", "/inbox/messages/{id}", auth="none")
def message_page(ctx: Context) -> Reply:
    """One message with its tabs."""
    server = holding(ctx.app, ctx.params["id"])
    row = server.store.message(ctx.params["id"])
    if row is None:
        return not_found("This message")
    if is_own_navigation(ctx.request):
        server.store.set_read([row.message_id], True)
    tab = ctx.arg("tab") or ("html" if row.content.get("HtmlBody") else "text")
    if tab not in TAB_NAMES:
        tab = "html"
    subject = row.summary["Subject"] or "(no subject)"
    body = (
        f'<p><a href="{esc(url_with_server("/", server))}">← Messages</a></p>'
        f"<h1>{esc(subject)}</h1>{_actions(ctx, server, row)}{_fields(server, row)}"
        f"{message_simulate.simulate_bar(ctx, row)}{_tabs(ctx, server, row, tab)}"
    )
    return page(ctx, subject, body, nav="messages")


def _actions(ctx: Context, server: App, row: MessageRow) -> str:
    sid = str(server.config.server_id)
    read = bool(server.store.read_pks([row.pk]))
    here = message_path(row.message_id)
    toggle = post_form(
        ctx,
        "/inbox/messages/bulk",
        "Mark unread" if read else "Mark read",
        {"action": "unread" if read else "read", "id": row.message_id, "server": sid, "next": "/"},
        form_id="toggle-read",
    )
    delete = post_form(
        ctx,
        "/inbox/messages/bulk",
        "Delete",
        {"action": "delete", "id": row.message_id, "server": sid, "next": here},
        confirm="Delete this message?",
        button_class="danger",
        form_id="delete-message",
    )
    return f'<div class="actions">{toggle} {delete}</div>'


def _fields(server: App, row: MessageRow) -> str:
    s = row.summary
    items = [
        ("From", esc(s["From"])),
        ("To", esc(names(s["To"]))),
        ("Cc", esc(names(s["Cc"]))),
        ("Bcc", esc(names(s["Bcc"]))),
        ("Reply-To", esc(row.content.get("ReplyTo") or "")),
        ("Received", when(s["ReceivedAt"])),
        ("Status", esc(row.status)),
        ("Tag", esc(s["Tag"])),
        ("Stream", esc(s["MessageStream"])),
        ("Server", esc(f"{server.config.server_name} (ID {server.config.server_id})")),
        ("MessageID", f"<code>{esc(s['MessageID'])}</code>"),
        ("Tracking", esc(f"opens {'on' if s['TrackOpens'] else 'off'}, links {s['TrackLinks']}")),
        ("Metadata", esc(", ".join(f"{k}={v}" for k, v in s["Metadata"].items()))),
    ]
    template = row.content.get("Template")
    if template:
        items.append(
            ("Template", esc(f"{template.get('TemplateId')} ({template.get('TemplateAlias')})"))
        )
    cells = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items if v)
    return f'<dl class="fields">{cells}</dl>'


def _tabs(ctx: Context, server: App, row: MessageRow, chosen: str) -> str:
    base = message_path(row.message_id)
    width = ctx.arg("width")
    links, panels = [], []
    for name, label, render in TABS:
        selected = name == chosen
        href = url(base, tab=name, width=width if name == "html" else None)
        links.append(
            f'<a role="tab" id="tab-{name}" href="{esc(href)}" aria-controls="panel-{name}" '
            f'aria-selected="{"true" if selected else "false"}">{esc(label)}</a>'
        )
        panels.append(
            f'<section role="tabpanel" id="panel-{name}" aria-labelledby="tab-{name}" '
            f'tabindex="0" class="panel"{"" if selected else " hidden"}>'
            f"{render(server, row, ctx)}</section>"
        )
    return (
        f'<div role="tablist" aria-label="Message parts" class="tabs">{"".join(links)}</div>'
        + "".join(panels)
    )
