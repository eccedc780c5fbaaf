"""``GET /inbox/live?server=ID``: Server-Sent Events telling an open list that mail changed.

The stream sends ``event: change`` (``data``: the store's write counter)
after any write to that server's store (a message sent, an event, a
delete, a read mark), at most one per :data:`COALESCE` seconds, and a
comment line every :data:`KEEPALIVE` seconds so a vanished client is
noticed. app.js then fetches the list again and swaps its rows in; the
page itself never reloads.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..app import App
from ..http.router import Context, Reply, Router
from .layout import COMMON_HEADERS, not_found
from .scope import chosen_server

routes = Router()

KEEPALIVE = 5.0  # seconds between comment lines
COALESCE = 0.1  # a burst of writes (a send and its events) becomes one event
_TICK = 0.5  # how often the stream looks at app.stopping


@routes.route("GET", "/inbox/live", auth="none")
def live(ctx: Context) -> Reply:
    """An endless ``text/event-stream`` of changes to one server's mail."""
    server = chosen_server(ctx)
    if server is None:
        return not_found("This server")
    headers = [*COMMON_HEADERS, ("Content-Security-Policy", "default-src 'none'")]
    return Reply(
        200, b"retry: 1000\n\n", "text/event-stream", headers, stream=changes(ctx.app, server)
    )


def changes(root: App, server: App) -> Iterator[bytes]:
    """The event stream's pieces, until the sandbox stops or the server is deleted."""
    store = server.store
    seen = store.version
    quiet = 0.0
    while not root.stopping.is_set() and not store.closed:
        now = store.wait_for_change(seen, _TICK)
        if now == seen:
            quiet += _TICK
            if quiet >= KEEPALIVE:
                quiet = 0.0
                yield b": keepalive\n\n"
            continue
        root.stopping.wait(COALESCE)
        seen, quiet = store.version, 0.0
        yield f"event: change\ndata: {seen}\n\n".encode()
