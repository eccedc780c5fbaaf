"""``GET /`` (and ``/inbox``): the message list of one server, newest first.

Query parameters: ``q`` (search, see :mod:`.search`), ``server``, ``stream``,
``tag``, ``status`` (a stored status, ``bounced``, ``read`` or ``unread``)
and ``page``. Rows show read state, attachment and bounce markers and a
preview snippet; checkboxes feed the bulk form (:mod:`.message_actions`).
The page listens to ``/inbox/live`` (:mod:`.live`); app.js swaps in the
new ``#message-list`` when mail changes, without reloading the page.
"""

from __future__ import annotations

from ..app import App
from ..http.router import Context, Reply, Router
from ..store.inbox_state import BOUNCED, READ, UNREAD
from ..store.outbound import MessageRow
from . import layout
from .format import esc, message_path, names, page_number, pager, url, when
from .forms import csrf_input, hidden, post_form
from .message_html import request_attachments
from .scope import chosen_server, every
from .search import SYNTAX, parse
from .snippet import preview

routes = Router()

PAGE_SIZE = 50
FILTERS = ("q", "server", "stream", "tag", "status")
PLACEHOLDER = 'from:anna@ subject:"your order" tag:welcome'


@routes.route("GET", "/", auth="none")
@routes.route("GET", "/inbox", auth="none")
def message_list(ctx: Context) -> Reply:
    """The message list with search, filters, bulk actions and paging."""
    server = chosen_server(ctx)
    if server is None:
        return layout.not_found("This server")
    chosen = {name: (ctx.arg(name) or "").strip() for name in FILTERS}
    page = page_number(ctx.arg("page"), PAGE_SIZE)
    here = url("/", **chosen, page=page if page > 1 else None)
    body = (
        "<h1>Messages</h1>"
        + _filters(ctx, server, chosen)
        + _actions(ctx, server, here)
        + _listing(ctx, server, chosen, page, here)
    )
    live = url("/inbox/live", server=chosen["server"])
    return layout.page(
        ctx, "Messages", body, nav="messages", body_attrs=f' data-live="{esc(live)}"'
    )


def _select(name: str, label: str, options: list[tuple[str, str]], chosen: str) -> str:
    items = "".join(
        f'<option value="{esc(value)}"{" selected" if value == chosen else ""}>{esc(text)}</option>'
        for value, text in options
    )
    return f'<label>{esc(label)} <select name="{name}">{items}</select></label>'


def _filters(ctx: Context, server: App, chosen: dict[str, str]) -> str:
    store = server.store
    servers = [(str(s.config.server_id), s.config.server_name) for s in every(ctx.app)]
    streams = [("", "any")] + [(s.id, s.id) for s in store.streams()]
    tags = [("", "any")] + [(t, t) for t in store.inbox_tags()]
    statuses = [("", "any"), (UNREAD, "unread"), (READ, "read"), (BOUNCED, "bounced")]
    statuses += [(s, s) for s in store.inbox_statuses()]
    syntax = "".join(f"<dt><code>{esc(k)}</code></dt><dd>{esc(v)}</dd>" for k, v in SYNTAX)
    server_value = chosen["server"] or str(ctx.app.config.server_id)
    return (
        '<form method="get" action="/" class="filters" role="search">'
        '<label>Search <input type="search" name="q" id="q" '
        f'value="{esc(chosen["q"])}" placeholder="{esc(PLACEHOLDER)}" '
        'aria-describedby="search-syntax"></label> '
        + (_select("server", "Server", servers, server_value) if len(servers) > 1 else "")
        + _select("stream", "Stream", streams, chosen["stream"])
        + _select("tag", "Tag", tags, chosen["tag"])
        + _select("status", "Status", statuses, chosen["status"])
        + ' <button type="submit">Search</button> <a href="/">Reset</a></form>'
        '<details class="syntax" id="search-syntax"><summary>Search syntax</summary>'
        f'<dl class="fields">{syntax}</dl><p class="muted">Quote values with spaces: '
        '<code>subject:"order shipped"</code>. Every part must match; case is ignored.</p>'
        "</details>"
    )


def _actions(ctx: Context, server: App, here: str) -> str:
    sid = str(server.config.server_id)
    bulk = (
        '<form method="post" action="/inbox/messages/bulk" id="bulk" class="inline">'
        f"{csrf_input(ctx)}{hidden('server', sid)}{hidden('next', here)}{hidden('confirmed', '')}"
        '<button type="submit" name="action" value="read">Mark selected read</button> '
        '<button type="submit" name="action" value="unread">Mark selected unread</button> '
        '<button type="submit" name="action" value="delete" class="danger" '
        'data-confirm="Delete the selected messages?">Delete selected</button></form> '
    )
    everything = post_form(
        ctx,
        "/inbox/messages/delete-all",
        "Delete all",
        {"server": sid},
        confirm="Delete every message of this server?",
        button_class="danger",
        form_id="delete-all",
    )
    return f'<div class="actions">{bulk}{everything}</div>'


def _listing(ctx: Context, server: App, chosen: dict[str, str], page: int, here: str) -> str:
    query = parse(chosen["q"], chosen["status"])
    if chosen["stream"]:
        query.stream.append(chosen["stream"])
    if chosen["tag"]:
        query.tag.append(chosen["tag"])
    total, rows = server.store.inbox_messages(query, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    read = server.store.read_pks([r.pk for r in rows])
    body = "".join(_row(ctx, server, r, r.pk in read, here) for r in rows) or (
        '<tr><td colspan=8 class="muted">No messages yet.</td></tr>'
    )
    unread = sum(1 for r in rows if r.pk not in read)
    return (
        f'<div id="message-list" aria-live="polite"><p class="muted count">{total} message(s)'
        f"{f', {unread} unread on this page' if unread else ''}</p>"
        '<table class="messages"><thead><tr>'
        '<th><input type="checkbox" id="select-all" aria-label="Select all" hidden></th>'
        "<th>Received</th><th>From</th><th>To</th><th>Subject</th><th>Tag</th><th>Stream</th>"
        f'<th><span class="sr">Actions</span></th></tr></thead><tbody>{body}</tbody></table>'
        f"{pager('/', chosen, page, total, PAGE_SIZE)}</div>"
    )


def _row(ctx: Context, server: App, row: MessageRow, read: bool, here: str) -> str:
    s = row.summary
    link = message_path(row.message_id)
    subject = s["Subject"] or "(no subject)"
    markers = [] if read else ['<span class="badge unread-dot" title="Unread">unread</span>']
    attachments = request_attachments(row)
    if attachments:
        count = len(attachments)
        label = f"{count} attachment{'s' if count > 1 else ''}"
        markers.append(f'<span class="badge attach">{label}</span>')
    bounces = server.store.bounces_for_message(row.message_id)
    if bounces:
        kinds = ", ".join(sorted({b.type for b in bounces}))
        markers.append(f'<span class="badge bounce">Bounced: {esc(kinds)}</span>')
    delete = post_form(
        ctx,
        "/inbox/messages/bulk",
        "Delete",
        {
            "action": "delete",
            "id": row.message_id,
            "server": str(server.config.server_id),
            "next": here,
        },
        confirm=f"Delete “{subject}”?",
        button_class="danger small",
    )
    return (
        f'<tr id="m-{esc(row.message_id)}" class="{"read" if read else "unread"}">'
        f'<td><input type="checkbox" name="id" value="{esc(row.message_id)}" form="bulk" '
        f'aria-label="Select {esc(subject)}"></td>'
        f'<td class="when">{when(s["ReceivedAt"])}</td><td class="who">{esc(s["From"])}</td>'
        f'<td class="who">{esc(names(s["To"]))}</td>'
        f'<td class="subject"><a href="{esc(link)}">{esc(subject)}</a> {" ".join(markers)}'
        f'<div class="snippet">{esc(preview(row.content))}</div></td>'
        f"<td>{esc(s['Tag'])}</td><td>{esc(row.stream)}</td><td>{delete}</td></tr>"
    )
