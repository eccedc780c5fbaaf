"""Inbound messages: ``client.inbound`` (Postmark's Messages API, inbound part).

https://postmarkapp.com/developer/api/messages-api
"""

from __future__ import annotations

from typing import Any

from postmark.api.base import M, Section, Walk, endpoint, paged
from postmark.api.dates import DateArg, query_date
from postmark.api.paging import INBOUND_MESSAGES, iterate_by_date
from postmark.api.types import (
    Acknowledgement,
    InboundMessage,
    InboundMessageDetails,
    InboundMessageList,
)
from postmark.protocol import Request, path_segment

_SEARCH = "/messages/inbound"


def inbound_filters(
    *,
    recipient: str | None = None,
    from_email: str | None = None,
    subject: str | None = None,
    mailbox_hash: str | None = None,
    tag: str | None = None,
    status: str | None = None,
    from_date: DateArg = None,
    to_date: DateArg = None,
) -> dict[str, Any]:
    """The query parameters of ``GET /messages/inbound`` from snake_case arguments."""
    return {
        "recipient": recipient,
        "fromemail": from_email,
        "subject": subject,
        "mailboxhash": mailbox_hash,
        "tag": tag,
        "status": status,
        "fromdate": query_date(from_date),
        "todate": query_date(to_date, upper=True),
    }


def _message(message_id: str, suffix: str) -> str:
    return f"{_SEARCH}/{path_segment(message_id)}/{suffix}"


def _list(count: int, offset: int, filters: dict[str, Any]) -> Request[InboundMessageList]:
    params = {"count": count, "offset": offset, **inbound_filters(**filters)}
    return Request("GET", _SEARCH, params=params)


class InboundAPI(Section[M]):
    """Received messages: search, details, and releasing blocked or failed ones."""

    @endpoint
    def list(
        self, /, count: int = 25, offset: int = 0, **filters: Any
    ) -> Request[InboundMessageList]:
        """One page of received messages, newest first: ``{"TotalCount", "InboundMessages"}``.

        ``GET /messages/inbound?count=&offset=`` plus ``recipient``,
        ``fromemail``, ``subject``, ``mailboxhash``, ``tag``, ``status``,
        ``fromdate``, ``todate``.

        Args:
            count: page size, at most 500.
            filters: ``recipient``, ``from_email``, ``subject``, ``mailbox_hash``,
                ``tag``, ``status`` (``blocked``, ``processed`` (default),
                ``queued``, ``failed``, ``scheduled``), ``from_date``, ``to_date``.
        """
        return _list(count, offset, filters)

    @paged
    def iter(self, /, **filters: Any) -> Walk[InboundMessage]:
        """Every matching received message, newest first, lazily, even past 10,000.

        ``GET /messages/inbound``, repeated with a narrower ``todate`` (whole
        days: inbound results only carry the sender's ``Date`` header) when
        the search has more than 10,000 hits.
        """
        inbound_filters(**filters)
        to_date = query_date(filters.pop("to_date", None), upper=True)
        return iterate_by_date(
            lambda count, offset, to: _list(count, offset, {**filters, "to_date": to}),
            "InboundMessages",
            INBOUND_MESSAGES,
            to_date=to_date,
            what=f"GET {_SEARCH}",
        )

    @endpoint
    def get(self, message_id: str) -> Request[InboundMessageDetails]:
        """One received message with bodies, headers and ``BlockedReason``.

        ``GET /messages/inbound/{messageid}/details``
        """
        return Request("GET", _message(message_id, "details"))

    @endpoint
    def bypass(self, message_id: str) -> Request[Acknowledgement]:
        """Let a message blocked by an inbound rule through to the inbound webhook.

        ``PUT /messages/inbound/{messageid}/bypass``
        """
        return Request("PUT", _message(message_id, "bypass"))

    @endpoint
    def retry(self, message_id: str) -> Request[Acknowledgement]:
        """Post a message whose inbound webhook failed to the webhook again.

        ``PUT /messages/inbound/{messageid}/retry``
        """
        return Request("PUT", _message(message_id, "retry"))
