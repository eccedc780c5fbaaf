"""The "Server" choice of the Postmark pages (bounces, suppressions, templates, stats).

Each page shows one server's data: ``?server=ID`` (:func:`.scope.chosen_server`),
the default server without it. With more than one server the page offers a
choice; its links and forms carry the server on
(:func:`.forms.url_with_server`, a hidden ``server`` field).
"""

from __future__ import annotations

from ..app import App
from ..http.router import Context
from .format import esc
from .scope import every


def server_select(ctx: Context, server: App) -> str:
    """A labelled ``server`` select with ``server`` chosen ("" when there is only one)."""
    servers = every(ctx.app)
    if len(servers) < 2:
        return ""
    chosen = server.config.server_id
    options = "".join(
        f'<option value="{s.config.server_id}"'
        f"{' selected' if s.config.server_id == chosen else ''}>"
        f"{esc(s.config.server_name)} (ID {s.config.server_id})</option>"
        for s in servers
    )
    return (
        f'<label for="server">Server</label> <select id="server" name="server">{options}</select> '
    )


def server_picker(ctx: Context, server: App, action: str) -> str:
    """A GET form switching the server ``action`` shows ("" when there is only one)."""
    select = server_select(ctx, server)
    if not select:
        return ""
    return (
        f'<form method="get" action="{esc(action)}" class="filters">{select}'
        '<button type="submit">Show</button></form>'
    )


def server_field(server: App) -> dict[str, str]:
    """The hidden field a POST form of a page needs to act on ``server``."""
    return {"server": str(server.config.server_id)}
