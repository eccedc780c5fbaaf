"""``GET /inbox/bounces``: every bounce of one server (``?server=``), newest first."""

from __future__ import annotations

from ..http.router import Context, Reply, Router
from ..json_shapes import bounce_json
from .bounce_detail import bounce_path
from .format import esc, message_path, when
from .layout import not_found, page
from .scope import chosen_server
from .server_picker import server_picker

routes = Router()


@routes.route("GET", "/inbox/bounces", auth="none")
def bounce_list(ctx: Context) -> Reply:
    """Every bounce, newest first."""
    server = chosen_server(ctx)
    if server is None:
        return not_found("This server")
    rows = server.store.all_bounces()
    server_id = server.config.server_id
    cells = []
    for row in rows:
        b = bounce_json(row, server_id)
        cells.append(
            f'<tr><td><a href="{esc(bounce_path(row.id, server))}">{b["ID"]}</a></td>'
            f"<td>{when(row.bounced_ts)}</td>"
            f"<td>{esc(b['Name'])} ({esc(b['Type'])})</td><td>{esc(b['Email'])}</td>"
            f"<td>{'yes' if b['Inactive'] else 'no'}</td><td>{esc(b['MessageStream'])}</td>"
            f'<td><a href="{esc(message_path(row.message_id))}">'
            f"{esc(b['Subject'] or '(no subject)')}</a></td></tr>"
        )
    body = (
        f"<h1>Bounces</h1>{server_picker(ctx, server, '/inbox/bounces')}"
        f'<p class="muted">{len(rows)} bounce(s)</p>'
        "<table><thead><tr><th>ID</th><th>Bounced</th><th>Type</th><th>Email</th>"
        "<th>Inactive</th><th>Stream</th><th>Message</th></tr></thead><tbody>"
        + ("".join(cells) or '<tr><td colspan=7 class="muted">No bounces.</td></tr>')
        + "</tbody></table>"
    )
    return page(ctx, "Bounces", body, nav="bounces")
