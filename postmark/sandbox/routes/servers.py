"""Servers API (account token): ``/servers`` list, create, get, edit, delete.

Each server is isolated (see :mod:`postmark.sandbox.servers`): a created
server answers only to its own ``ApiTokens`` and starts empty, with the
three default streams and default settings. ErrorCodes: 600 bad paging,
601 unknown server, 603 a name already used, 605 the default server (ID 1)
cannot be deleted, 608 no or blank ``Name``, 609 no body; field rules are
those of ``PUT /server`` (:mod:`postmark.sandbox.rules.server_settings`).

Postmark lets an account delete servers only once support enables it (604);
the sandbox always allows it for the servers it created.
"""

from __future__ import annotations

from typing import Any

from .. import servers
from ..app import App
from ..http.errors import ApiError
from ..http.router import Context, Router
from ..rules.server_settings import checked_edit
from ..store.connection import row_id
from .paging import paging
from .server_info import server_json

routes = Router()


def _server(ctx: Context) -> App:
    server_id = row_id(ctx.params["id"])
    server = servers.find(ctx.app, server_id) if server_id is not None else None
    if server is None:
        raise ApiError(601, f"The server '{ctx.params['id']}' was not found.")
    return server


def _check_name_free(ctx: Context, name: str, keep: App | None = None) -> None:
    for server in servers.every(ctx.app):
        if server is not keep and server.settings()["Name"].lower() == name.strip().lower():
            raise ApiError(603, f"A server named '{name}' already exists.")


@routes.route("GET", "/servers", auth="account")
def list_servers(ctx: Context) -> Any:
    """``GET /servers?count=&offset=&name=``: by ID; ``name`` matches part of the name."""
    count, offset = paging(ctx, 600, window=None)
    part = (ctx.arg("name") or "").lower()
    found = [s for s in servers.every(ctx.app) if part in s.settings()["Name"].lower()]
    page = found[offset : offset + (count or 0)]
    return {"TotalCount": len(found), "Servers": [server_json(s) for s in page]}


@routes.route("GET", "/servers/{id}", auth="account")
def get_server(ctx: Context) -> Any:
    """``GET /servers/{serverid}``."""
    return server_json(_server(ctx))


@routes.route("POST", "/servers", auth="account")
def create_server(ctx: Context) -> Any:
    """``POST /servers``: ``Name`` plus any ``PUT /server`` field, and ``DeliveryType``."""
    changes = checked_edit(ctx.json, delivery_type=None)
    name = changes.get("Name")
    if not name:
        raise ApiError(608, "The server 'Name' is missing or invalid.")
    _check_name_free(ctx, name)
    server = servers.create(ctx.app, name)
    server.store.save_server_settings(changes)
    return server_json(server)


@routes.route("PUT", "/servers/{id}", auth="account")
def edit_server(ctx: Context) -> Any:
    """``PUT /servers/{serverid}``: only the fields given change."""
    server = _server(ctx)
    changes = checked_edit(ctx.json, delivery_type=server_json(server)["DeliveryType"])
    if "Name" in changes:
        _check_name_free(ctx, changes["Name"], keep=server)
    if changes:
        server.store.save_server_settings(changes)
    return server_json(server)


@routes.route("DELETE", "/servers/{id}", auth="account")
def delete_server(ctx: Context) -> Any:
    """``DELETE /servers/{serverid}``: the server and everything it stored."""
    server = _server(ctx)
    if server is ctx.app:
        raise ApiError(605, "The sandbox's default server (ID 1) cannot be deleted.")
    servers.delete(ctx.app, server.config.server_id)
    return {"ErrorCode": 0, "Message": f"Server {server.config.server_id} removed."}
