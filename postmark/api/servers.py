"""Servers of the account: ``account_client.servers`` (Postmark's Servers API).

https://postmarkapp.com/developer/api/servers-api
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from postmark.api.base import Section
from postmark.api.paging import iterate
from postmark.api.server import ServerOptions, ServerSettings, server_settings
from postmark.api.types import Acknowledgement, Server, ServerList
from postmark.protocol import path_segment

if TYPE_CHECKING:
    from typing_extensions import Unpack


def _path(server_id: int | str) -> str:
    return f"/servers/{path_segment(server_id)}"


class ServersAPI(Section):
    """List, create, change and delete the account's servers (account token)."""

    def list(self, count: int = 25, offset: int = 0, *, name: str | None = None) -> ServerList:
        """One page of servers: ``{"TotalCount", "Servers": [...]}``.

        ``GET /servers?count=&offset=&name=``

        Args:
            count: page size, at most 500.
            name: only servers whose name contains this text.
        """
        params = {"count": count, "offset": offset, "name": name}
        result: ServerList = self._call("GET", "/servers", params=params)
        return result

    def iter(self, *, name: str | None = None) -> Iterator[Server]:
        """Every server, lazily, 500 per request.

        ``GET /servers``
        """
        return iterate(
            lambda count, offset: self.list(count, offset, name=name), "Servers", window=None
        )

    def get(self, server_id: int | str) -> Server:
        """One server's settings.

        ``GET /servers/{serverid}``
        """
        result: Server = self._call("GET", _path(server_id))
        return result

    def create(self, *, name: str, **settings: Unpack[ServerOptions]) -> Server:
        """Create a server.

        ``POST /servers``

        Args:
            name: the new server's name.
            settings: as for :meth:`postmark.api.server.ServerAPI.edit`, plus
                ``delivery_type`` (``Live`` or ``Sandbox``), which cannot change later.
        """
        body = server_settings({**settings, "name": name})
        result: Server = self._call("POST", "/servers", json=body)
        return result

    def edit(self, server_id: int | str, **settings: Unpack[ServerSettings]) -> Server:
        """Change a server's settings; only the ones passed are sent.

        ``PUT /servers/{serverid}``
        """
        result: Server = self._call("PUT", _path(server_id), json=server_settings(settings))
        return result

    def delete(self, server_id: int | str) -> Acknowledgement:
        """Delete a server (Postmark support must enable deletes, else ErrorCode 604).

        ``DELETE /servers/{serverid}``
        """
        result: Acknowledgement = self._call("DELETE", _path(server_id))
        return result
