"""One bounce, and its Activate button.

Both act on the server named by ``?server=`` (a form's ``server`` field),
the default one without it: bounce IDs are per server.

``GET /inbox/bounces/{id}``
    Type, address, inactive flag, whether it can be activated, details, the
    raw bounce (``GET /bounces/{id}/dump``) and a link to the message.
``POST /inbox/bounces/{id}/activate``
    Exactly ``PUT /bounces/{id}/activate``
    (:func:`postmark.sandbox.rules.reactivation.activate`): the address'
    suppression goes, so the next send to it is accepted; 303 back to the
    bounce, or the refusal (a spam complaint cannot be activated).
"""

from __future__ import annotations

from ..app import App
from ..http.errors import ApiError
from ..http.router import Context, Reply, Router
from ..json_shapes import bounce_json
from ..rules.reactivation import CANNOT_ACTIVATE, activate, can_activate
from ..store.outbound import BounceRow
from .format import esc, message_path, when
from .forms import field, notice, post_form, redirect, url_with_server
from .layout import not_found, page
from .scope import chosen_server
from .server_picker import server_field

routes = Router()


def bounce_path(bounce_id: int, server: App) -> str:
    """The inbox page of one bounce of ``server``."""
    return url_with_server(f"/inbox/bounces/{bounce_id}", server)


def _bounce(server: App | None, ctx: Context) -> BounceRow | None:
    return None if server is None else server.store.bounce(int(ctx.params["id"]))


@routes.route("GET", "/inbox/bounces/{id:int}", auth="none")
def bounce_page(ctx: Context) -> Reply:
    """A bounce's fields and dump, with Activate when the address can be reactivated."""
    server = chosen_server(ctx)
    row = _bounce(server, ctx)
    if server is None or row is None:
        return not_found("This bounce")
    b = bounce_json(row, server.config.server_id, content=True)
    fields = [
        ("Type", f"{esc(b['Name'])} ({esc(b['Type'])}, code {esc(b['TypeCode'])})"),
        ("Email", esc(b["Email"])),
        ("Bounced", when(row.bounced_ts)),
        ("Stream", esc(b["MessageStream"])),
        ("Tag", esc(b["Tag"])),
        ("Inactive", _inactive(row)),
        ("Can activate", "yes" if can_activate(server.store, row) else "no"),
        ("Details", esc(b["Details"])),
        (
            "Message",
            f'<a href="{esc(message_path(row.message_id))}">'
            f"{esc(b['Subject'] or '(no subject)')}</a>",
        ),
    ]
    items = "".join(f'<dt>{esc(k)}</dt><dd data-field="{esc(k)}">{v}</dd>' for k, v in fields if v)
    dump = row.dump or "(Postmark keeps no raw message for this bounce.)"
    body = (
        f"<h1>Bounce {row.id}</h1>"
        f'<p><a href="{esc(url_with_server("/inbox/bounces", server))}">All bounces</a></p>'
        f'<dl class="fields">{items}</dl>'
        f"{_activate(ctx, server, row)}<h2>Dump</h2><pre>{esc(dump)}</pre>"
    )
    return page(ctx, f"Bounce {row.id}", body, nav="bounces")


def _inactive(row: BounceRow) -> str:
    if not row.inactive:
        return "no"
    return "yes: sends to this address are refused (ErrorCode 406) until it is activated"


def _activate(ctx: Context, server: App, row: BounceRow) -> str:
    if not can_activate(server.store, row):
        return f'<p class="muted">{esc(CANNOT_ACTIVATE)}</p>'
    label = "Activate" if row.inactive else "Activate again"
    action = f"/inbox/bounces/{row.id}/activate"
    fields = server_field(server)
    return post_form(ctx, action, label, fields, form_id="activate", button_class="primary")


@routes.route("POST", "/inbox/bounces/{id:int}/activate", auth="none")
def activate_bounce(ctx: Context) -> Reply:
    """``PUT /bounces/{id}/activate`` from the bounce page."""
    server = chosen_server(ctx, field(ctx, "server"))
    row = _bounce(server, ctx)
    if server is None or row is None:
        return not_found("This bounce")
    back = bounce_path(row.id, server)
    try:
        activate(server.store, row)
    except ApiError as err:
        return notice(ctx, "Cannot activate", err.message, back, status=422)
    return redirect(back)
