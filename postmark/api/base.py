"""What every API section class shares: the transport it calls through."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from postmark.transport import Transport


class Section:
    """Base of ``client.<section>`` objects; holds the client's transport."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        return self._transport.call(method, path, params=params, json=json)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._transport.base_url}>"
