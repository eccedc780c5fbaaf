"""``GET /`` (and ``/inbox``): the message list, newest first."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from ..http.router import Context, Reply, Router
from ..store.connection import MAX_ROW_ID, row_id
from ..store.outbound import MessageRow
from . import layout
from .format import names as _names

routes = Router()

PAGE_SIZE = 50
REFRESH_SECONDS = 10


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
    del refresh
    return layout.page(ctx, "Messages", body, nav="messages")


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
