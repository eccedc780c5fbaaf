"""Which server an inbox page shows: ``?server=ID`` (or a form's ``server`` field).

Every server of the sandbox (the default one, ID 1, and those made with
``POST /servers``) keeps its own messages; the list shows one server at a
time, a message page the server that stored the message.
"""

from __future__ import annotations

from ..app import App
from ..http.router import Context
from ..servers import every, find, holding
from ..store.connection import row_id

__all__ = ["chosen_server", "every", "holding"]


def chosen_server(ctx: Context, text: str | None = None) -> App | None:
    """The server named by ``text`` (else ``?server=``); the default one when none is
    named, ``None`` for an ID no server has."""
    text = ctx.arg("server") if text is None else text
    if not text:
        return ctx.app
    server_id = row_id(text)
    return None if server_id is None else find(ctx.app, server_id)
