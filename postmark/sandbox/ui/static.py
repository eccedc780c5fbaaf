"""``GET /inbox/static/{name}``: the UI's own script and style sheet, from ``ui/static/``.

Only the files named in :data:`FILES` are served (no path from the URL
reaches the file system); they ship as package data (``setup.py``).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from ..http.router import Context, Reply, Router
from .layout import COMMON_HEADERS, not_found

routes = Router()

FILES = {
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}


@lru_cache(maxsize=len(FILES))
def read(name: str) -> bytes:
    """The bytes of one static file of the package."""
    return resources.files(__package__).joinpath("static").joinpath(name).read_bytes()


@routes.route("GET", "/inbox/static/{name}", auth="none")
def static_file(ctx: Context) -> Reply:
    """One of the UI's static files."""
    name = ctx.params["name"]
    kind = FILES.get(name)
    if kind is None:
        return not_found("This file")
    headers = [*COMMON_HEADERS, ("Content-Security-Policy", "default-src 'none'")]
    return Reply(200, read(name), kind, headers)


@routes.route("GET", "/favicon.ico", auth="none")
def favicon(ctx: Context) -> Reply:
    """No icon; answered here so browsers never reach the API (or its faults)."""
    return Reply(404, b"", "text/plain; charset=utf-8", list(COMMON_HEADERS))
