"""Suppressions of a message stream: ``client.suppressions`` (Postmark's Suppressions API).

https://postmarkapp.com/developer/api/suppressions-api
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from postmark.api.base import M, Plan, Section, endpoint, operation
from postmark.api.dates import DateArg, query_date
from postmark.api.types import SuppressionChange, SuppressionChanges, SuppressionList
from postmark.protocol import Request, path_segment

#: Postmark takes at most 50 addresses per create or delete request.
MAX_ADDRESSES = 50

Addresses = Iterable[str]


def _path(stream_id: str, suffix: str = "") -> str:
    return f"/message-streams/{path_segment(stream_id)}/suppressions{suffix}"


def _chunks(addresses: Addresses) -> Iterable[list[str]]:
    if isinstance(addresses, str):
        # A lone string would otherwise be split into one "address" per character.
        addresses = [addresses]
    chunk: list[str] = []
    for address in addresses:
        chunk.append(address)
        if len(chunk) == MAX_ADDRESSES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _change(path: str, addresses: Addresses) -> Plan[SuppressionChanges]:
    """One POST per chunk of 50 addresses; the answers merged in input order."""
    answers: list[Any] = []
    for chunk in _chunks(addresses):
        body = {"Suppressions": [{"EmailAddress": a} for a in chunk]}
        answers.append((yield Request("POST", path, json=body)))
    if len(answers) == 1 and isinstance(answers[0], dict):
        return cast(SuppressionChanges, answers[0])  # one request: Postmark's answer as is
    changes: list[SuppressionChange] = []
    for answer in answers:
        if isinstance(answer, dict):
            changes.extend(answer.get("Suppressions") or [])
    return {"Suppressions": changes}


class SuppressionsAPI(Section[M]):
    """Addresses a stream will not send to: read, add and remove them."""

    @endpoint
    def dump(
        self,
        stream_id: str,
        *,
        suppression_reason: str | None = None,
        origin: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        email_address: str | None = None,
    ) -> Request[SuppressionList]:
        """Every suppressed address of a stream (one answer, not paged).

        ``GET /message-streams/{stream_id}/suppressions/dump``

        Args:
            suppression_reason: ``HardBounce``, ``SpamComplaint`` or ``ManualSuppression``.
            origin: ``Recipient``, ``Customer`` or ``Admin``.
        """
        params = {
            "SuppressionReason": suppression_reason,
            "Origin": origin,
            "fromdate": query_date(from_date),
            "todate": query_date(to_date, upper=True),
            "EmailAddress": email_address,
        }
        return Request("GET", _path(stream_id, "/dump"), params=params)

    @operation
    def create(self, stream_id: str, email_addresses: Addresses) -> Plan[SuppressionChanges]:
        """Suppress addresses on a stream, 50 per request.

        ``POST /message-streams/{stream_id}/suppressions``

        Returns:
            ``{"Suppressions": [{"EmailAddress", "Status", "Message"}]}`` for
            every address in input order; ``Status`` is ``Suppressed`` or
            ``Failed`` (Postmark answers HTTP 200 either way). If a request
            fails, the exception is raised and the earlier requests stay
            applied; suppressing an address twice is harmless.
        """
        return _change(_path(stream_id), email_addresses)

    @operation
    def delete(self, stream_id: str, email_addresses: Addresses) -> Plan[SuppressionChanges]:
        """Remove addresses from a stream's suppression list, 50 per request.

        ``POST /message-streams/{stream_id}/suppressions/delete``

        Spam complaints cannot be removed: those addresses come back with
        ``Status: "Failed"``. Removing a hard bounce reactivates the address.
        """
        return _change(_path(stream_id, "/delete"), email_addresses)
