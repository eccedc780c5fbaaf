"""What every API section class shares: the transport it calls through."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from postmark.transport import Transport


def compact(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A request body without the keys the caller left at ``None``.

    Postmark treats a missing key as "leave unchanged" on edits, while an
    explicit ``null`` may clear a value, so unset arguments are never sent.
    ``False``, ``0`` and ``""`` are kept: they are deliberate values (an empty
    ``LayoutTemplate`` removes a template's layout).
    """
    return {key: value for key, value in fields.items() if value is not None}


class Section:
    """Base of ``client.<section>`` objects; holds the client's transport.

    Sections keep no state of their own besides the transport, so one client
    can be shared between threads.
    """

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
