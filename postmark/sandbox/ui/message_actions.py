"""The list's and a message page's actions (form POSTs, see :mod:`.forms`).

``POST /inbox/messages/bulk``
    Fields ``action`` (``delete``, ``read``, ``unread``), ``id`` (one or
    more MessageIDs), ``server``, ``next`` (where to go after). Deleting
    asks first (``confirmed=yes``).
``POST /inbox/messages/delete-all``
    Field ``server``; deletes every message of that server, after asking.

Deleting goes through :meth:`~postmark.sandbox.store.removals.RemovalTables.delete_messages`,
the same deletion the API sees: a deleted message is gone from
``/messages/outbound`` and its details, dump, events and webhook calls too.
"""

from __future__ import annotations

from ..http.router import Context, Reply, Router
from . import forms
from .layout import not_found
from .scope import chosen_server

routes = Router()

ACTIONS = ("delete", "read", "unread")


@routes.route("POST", "/inbox/messages/bulk", auth="none")
def bulk(ctx: Context) -> Reply:
    """Delete, or mark read or unread, the chosen messages."""
    server = chosen_server(ctx, forms.field(ctx, "server"))
    if server is None:
        return not_found("This server")
    action = forms.field(ctx, "action")
    ids = [i for i in forms.fields(ctx).get("id", []) if i]
    back = forms.local_path(forms.field(ctx, "next"))
    if action not in ACTIONS:
        return forms.notice(ctx, "Unknown action", f"There is no action '{action}'.", back, 400)
    if not ids:
        return forms.notice(ctx, "Nothing selected", "Select messages first.", back, 400)
    if action == "delete":
        if not forms.confirmed(ctx):
            return forms.confirm_page(ctx, f"Delete {len(ids)} message(s)?")
        server.store.delete_messages(ids)
        if back.startswith("/inbox/messages/"):
            back = forms.url_with_server("/", server)
    else:
        server.store.set_read(ids, action == "read")
    return forms.redirect(back)


@routes.route("POST", "/inbox/messages/delete-all", auth="none")
def delete_all(ctx: Context) -> Reply:
    """Delete every message of one server."""
    server = chosen_server(ctx, forms.field(ctx, "server"))
    if server is None:
        return not_found("This server")
    if not forms.confirmed(ctx):
        return forms.confirm_page(ctx, "Delete every message of this server?")
    server.store.delete_all_messages()
    return forms.redirect(forms.url_with_server("/", server))
