"""Servers of the account: ``account_client.servers`` (Postmark's Servers API).

https://postmarkapp.com/developer/api/servers-api
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from postmark.api.base import M, Section, Walk, endpoint, paged
from postmark.api.paging import iterate
from postmark.api.server import ServerOptions, ServerSettings, server_settings
from postmark.api.types import Acknowledgement, Server, ServerList
from postmark.protocol import Request, path_segment

if TYPE_CHECKING:
    from typing_extensions import Unpack


def _path(server_id: int | str) -> str:
    return f"/servers/{path_segment(server_id)}"


def _list(count: int, offset: int, name: str | None) -> Request[ServerList]:
    params = {"count": count, "offset": offset, "name": name}
    return Request("GET", "/servers", params=params)


class ServersAPI(Section[M]):
    """List, create, change and delete the account's servers (account token)."""

    @endpoint
    def list(
        self, count: int = 25, offset: int = 0, *, name: str | None = None
    ) -> Request[ServerList]:
        """One page of servers: ``{"TotalCount", "Servers": [...]}``.

        ``GET /servers?count=&offset=&name=``

        Args:
            count: page size, at most 500.
            name: only servers whose name contains this text.
        """
        return _list(count, offset, name)

    @paged
    def iter(self, *, name: str | None = None) -> Walk[Server]:
        """Every server, lazily, 500 per request.

        ``GET /servers``
        """
        return iterate(lambda count, offset: _list(count, offset, name), "Servers", window=None)

    @endpoint
    def get(self, server_id: int | str) -> Request[Server]:
        """One server's settings.

        ``GET /servers/{serverid}``
        """
        return Request("GET", _path(server_id))

    @endpoint
    def create(self, *, name: str, **settings: Unpack[ServerOptions]) -> Request[Server]:
        """Create a server.

        ``POST /servers``

        Args:
            name: the new server's name.
            settings: as for :meth:`postmark.api.server.ServerAPI.edit`, plus
                ``delivery_type`` (``Live`` or ``Sandbox``), which cannot change later.
        """
        body = server_settings({**settings, "name": name})
        return Request("POST", "/servers", json=body)

    @endpoint
    def edit(self, server_id: int | str, **settings: Unpack[ServerSettings]) -> Request[Server]:
        """Change a server's settings; only the ones passed are sent.

        ``PUT /servers/{serverid}``
        """
        return Request("PUT", _path(server_id), json=server_settings(settings))

    @endpoint
    def delete(self, server_id: int | str) -> Request[Acknowledgement]:
        """Delete a server (Postmark support must enable deletes, else ErrorCode 604).

        ``DELETE /servers/{serverid}``
        """
        return Request("DELETE", _path(server_id))
