"""Suppressions of every outbound stream, each with Reactivate where Postmark allows it.

Both act on the server named by ``?server=`` (a form's ``server`` field),
the default one without it.

``GET /inbox/suppressions``
    One table per outbound stream: address, reason, origin, since when.
``POST /inbox/suppressions/reactivate`` (form: ``stream``, ``email``)
    Exactly ``POST /message-streams/{stream}/suppressions/delete`` for one
    address (:func:`postmark.sandbox.rules.reactivation.delete_suppression`);
    303 back, or the refusal (spam complaints and recipients' unsubscribes
    stay).
"""

from __future__ import annotations

from ..app import App
from ..http.router import Context, Reply, Router
from ..rules.reactivation import NO_AUTHORITY, delete_suppression, removable
from ..store.outbound import SuppressionRow
from .format import esc, when
from .forms import field, notice, post_form, redirect, url_with_server
from .layout import not_found, page
from .scope import chosen_server
from .server_picker import server_field, server_picker

routes = Router()
PATH = "/inbox/suppressions"


@routes.route("GET", PATH, auth="none")
def suppression_list(ctx: Context) -> Reply:
    """Every outbound stream's suppressions, oldest first."""
    server = chosen_server(ctx)
    if server is None:
        return not_found("This server")
    store = server.store
    streams = [s for s in store.streams() if s.type != "Inbound"]
    sections = []
    for stream in streams:
        rows = store.suppressions(stream.id)
        table = (
            "<table><thead><tr><th>Email</th><th>Reason</th><th>Origin</th><th>Since</th>"
            "<th>Action</th></tr></thead><tbody>"
            + "".join(_row(ctx, server, r) for r in rows)
            + "</tbody></table>"
            if rows
            else '<p class="muted">Nobody is suppressed on this stream.</p>'
        )
        sections.append(
            f'<section class="stream" id="stream-{esc(stream.id)}"><h2>{esc(stream.name)} '
            f'<span class="muted">({esc(stream.id)}, {len(rows)})</span></h2>{table}</section>'
        )
    body = (
        f"<h1>Suppressions</h1>{server_picker(ctx, server, PATH)}"
        '<p class="muted">Sends to a suppressed address are refused '
        "(ErrorCode 406). Hard bounces and your own suppressions can be reactivated; spam "
        "complaints and recipients' unsubscribes cannot.</p>" + "".join(sections)
    )
    return page(ctx, "Suppressions", body, nav="suppressions")


def _row(ctx: Context, server: App, row: SuppressionRow) -> str:
    action = (
        post_form(
            ctx,
            f"{PATH}/reactivate",
            "Reactivate",
            {"stream": row.stream, "email": row.email, **server_field(server)},
        )
        if removable(row)
        else '<span class="muted">cannot be reactivated</span>'
    )
    return (
        f'<tr data-email="{esc(row.email.lower())}"><td>{esc(row.email)}</td>'
        f"<td>{esc(row.reason)}</td><td>{esc(row.origin)}</td><td>{when(row.created_ts)}</td>"
        f"<td>{action}</td></tr>"
    )


@routes.route("POST", f"{PATH}/reactivate", auth="none")
def reactivate(ctx: Context) -> Reply:
    """Lift one suppression, as the API's suppressions delete does."""
    server = chosen_server(ctx, field(ctx, "server"))
    if server is None:
        return not_found("This server")
    store, back = server.store, url_with_server(PATH, server)
    stream, email = field(ctx, "stream"), field(ctx, "email")
    if store.stream(stream) is None:
        reason = f"There is no stream '{stream}'."
        return notice(ctx, "Cannot reactivate", reason, back, status=404)
    if store.suppression(stream, email) is None:
        reason = f"'{email}' is not suppressed on the stream '{stream}'."
        return notice(ctx, "Cannot reactivate", reason, back, status=404)
    result = delete_suppression(store, stream, email)
    if result["Status"] != "Deleted":
        reason = str(result["Message"] or NO_AUTHORITY)
        return notice(ctx, "Cannot reactivate", reason, back, status=422)
    return redirect(f"{back}#stream-{stream}")
