"""Outbound messages: ``client.messages`` (Postmark's Messages API, outbound part).

Search sent messages, read one with its events, fetch its raw source, and
list opens and clicks. Inbound messages are ``client.inbound``.

https://postmarkapp.com/developer/api/messages-api
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from postmark.api.base import M, Section, Walk, endpoint, paged
from postmark.api.dates import DateArg, query_date
from postmark.api.paging import OUTBOUND_MESSAGES, iterate, iterate_by_date
from postmark.api.types import (
    ClickEvent,
    ClickList,
    Dump,
    OpenEvent,
    OpenList,
    OutboundMessage,
    OutboundMessageDetails,
    OutboundMessageList,
)
from postmark.protocol import Request, path_segment

_SEARCH = "/messages/outbound"


def outbound_filters(
    *,
    recipient: str | None = None,
    from_email: str | None = None,
    tag: str | None = None,
    status: str | None = None,
    from_date: DateArg = None,
    to_date: DateArg = None,
    subject: str | None = None,
    message_stream: str | None = None,
    metadata: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The query parameters of ``GET /messages/outbound`` from snake_case arguments.

    ``metadata={"order": "42"}`` becomes ``metadata_order=42``; Postmark
    searches one metadata key at a time.
    """
    return {
        "recipient": recipient,
        "fromemail": from_email,
        "tag": tag,
        "status": status,
        "fromdate": query_date(from_date),
        "todate": query_date(to_date, upper=True),
        "subject": subject,
        "messagestream": message_stream,
        **{f"metadata_{key}": value for key, value in (metadata or {}).items()},
    }


def tracking_filters(
    *,
    recipient: str | None = None,
    tag: str | None = None,
    client_name: str | None = None,
    client_company: str | None = None,
    client_family: str | None = None,
    os_name: str | None = None,
    os_family: str | None = None,
    os_company: str | None = None,
    platform: str | None = None,
    country: str | None = None,
    region: str | None = None,
    city: str | None = None,
    message_stream: str | None = None,
) -> dict[str, Any]:
    """The query parameters of the opens and clicks searches (they have no date filter)."""
    return {
        "recipient": recipient,
        "tag": tag,
        "client_name": client_name,
        "client_company": client_company,
        "client_family": client_family,
        "os_name": os_name,
        "os_family": os_family,
        "os_company": os_company,
        "platform": platform,
        "country": country,
        "region": region,
        "city": city,
        "messagestream": message_stream,
    }


def _message(message_id: str, suffix: str) -> str:
    return f"{_SEARCH}/{path_segment(message_id)}/{suffix}"


def _list(count: int, offset: int, filters: dict[str, Any]) -> Request[OutboundMessageList]:
    params = {"count": count, "offset": offset, **outbound_filters(**filters)}
    return Request("GET", _SEARCH, params=params)


def _opens(count: int, offset: int, filters: dict[str, Any]) -> Request[OpenList]:
    params = {"count": count, "offset": offset, **tracking_filters(**filters)}
    return Request("GET", f"{_SEARCH}/opens", params=params)


def _clicks(count: int, offset: int, filters: dict[str, Any]) -> Request[ClickList]:
    params = {"count": count, "offset": offset, **tracking_filters(**filters)}
    return Request("GET", f"{_SEARCH}/clicks", params=params)


def _message_opens(message_id: str, count: int, offset: int) -> Request[OpenList]:
    params = {"count": count, "offset": offset}
    return Request("GET", f"{_SEARCH}/opens/{path_segment(message_id)}", params=params)


def _message_clicks(message_id: str, count: int, offset: int) -> Request[ClickList]:
    params = {"count": count, "offset": offset}
    return Request("GET", f"{_SEARCH}/clicks/{path_segment(message_id)}", params=params)


class MessagesAPI(Section[M]):
    """Sent messages: search, details, raw source, opens and clicks."""

    # -- messages ------------------------------------------------------------------

    @endpoint
    def list(
        self, /, count: int = 25, offset: int = 0, **filters: Any
    ) -> Request[OutboundMessageList]:
        """One page of sent messages, newest first: ``{"TotalCount", "Messages"}``.

        ``GET /messages/outbound?count=&offset=`` plus ``recipient``,
        ``fromemail``, ``tag``, ``status``, ``fromdate``, ``todate``,
        ``subject``, ``messagestream``, ``metadata_<key>``.

        Args:
            count: page size, at most 500 (``count + offset`` at most 10,000).
            filters: ``recipient``, ``from_email``, ``tag``, ``status``
                (``queued``, ``sent``, ``processed``), ``from_date``,
                ``to_date`` (inclusive, Eastern time; a date, a
                ``YYYY-MM-DDTHH:MM:SS`` string or a ``datetime``), ``subject``,
                ``message_stream`` (default ``outbound``), ``metadata`` (one key).
        """
        return _list(count, offset, filters)

    @paged
    def iter(self, /, **filters: Any) -> Walk[OutboundMessage]:
        """Every matching message, newest first, lazily, even past 10,000.

        ``GET /messages/outbound``, repeated with a narrower ``todate`` when
        the search has more than 10,000 hits
        (see :func:`postmark.api.paging.iterate_by_date`).
        """
        outbound_filters(**filters)  # a misspelt filter fails here, not at the first page
        to_date = query_date(filters.pop("to_date", None), upper=True)
        return iterate_by_date(
            lambda count, offset, to: _list(count, offset, {**filters, "to_date": to}),
            "Messages",
            OUTBOUND_MESSAGES,
            to_date=to_date,
            what=f"GET {_SEARCH}",
        )

    @endpoint
    def get(self, message_id: str) -> Request[OutboundMessageDetails]:
        """One sent message with its bodies and delivery events (``MessageEvents``).

        ``GET /messages/outbound/{messageid}/details``
        """
        return Request("GET", _message(message_id, "details"))

    @endpoint
    def dump(self, message_id: str) -> Request[Dump]:
        """The raw MIME source of a sent message: ``{"Body": ...}`` (empty once expired).

        ``GET /messages/outbound/{messageid}/dump``
        """
        return Request("GET", _message(message_id, "dump"))

    # -- opens and clicks of all messages ------------------------------------------------

    @endpoint
    def list_opens(self, /, count: int = 25, offset: int = 0, **filters: Any) -> Request[OpenList]:
        """One page of opens of all messages: ``{"TotalCount", "Opens"}``.

        ``GET /messages/outbound/opens?count=&offset=`` plus ``recipient``, ``tag``,
        ``client_name``, ``client_company``, ``client_family``, ``os_name``,
        ``os_family``, ``os_company``, ``platform``, ``country``, ``region``,
        ``city``, ``messagestream`` (pass them in snake_case, e.g. ``message_stream``).
        """
        return _opens(count, offset, filters)

    @paged
    def iter_opens(self, /, **filters: Any) -> Walk[OpenEvent]:
        """Every matching open, lazily; at most the first 10,000 (no date filter exists).

        ``GET /messages/outbound/opens``; warns with
        :class:`~postmark.api.paging.TruncatedResultsWarning` when more exist.
        """
        tracking_filters(**filters)
        return iterate(
            lambda count, offset: _opens(count, offset, filters),
            "Opens",
            what=f"GET {_SEARCH}/opens",
        )

    @endpoint
    def list_clicks(
        self, /, count: int = 25, offset: int = 0, **filters: Any
    ) -> Request[ClickList]:
        """One page of link clicks of all messages: ``{"TotalCount", "Clicks"}``.

        ``GET /messages/outbound/clicks?count=&offset=`` with the same filters
        as :meth:`list_opens`.
        """
        return _clicks(count, offset, filters)

    @paged
    def iter_clicks(self, /, **filters: Any) -> Walk[ClickEvent]:
        """Every matching click, lazily; at most the first 10,000 (no date filter exists).

        ``GET /messages/outbound/clicks``
        """
        tracking_filters(**filters)
        return iterate(
            lambda count, offset: _clicks(count, offset, filters),
            "Clicks",
            what=f"GET {_SEARCH}/clicks",
        )

    # -- opens and clicks of one message -----------------------------------------------

    @endpoint
    def message_opens(self, message_id: str, count: int = 25, offset: int = 0) -> Request[OpenList]:
        """Opens of one message (Postmark keeps the first open per recipient).

        ``GET /messages/outbound/opens/{messageid}?count=&offset=``
        """
        return _message_opens(message_id, count, offset)

    @paged
    def iter_message_opens(self, message_id: str) -> Walk[OpenEvent]:
        """Every open of one message, lazily.

        ``GET /messages/outbound/opens/{messageid}``
        """
        return iterate(
            lambda count, offset: _message_opens(message_id, count, offset),
            "Opens",
            what=f"GET {_SEARCH}/opens/{{messageid}}",
        )

    @endpoint
    def message_clicks(
        self, message_id: str, count: int = 25, offset: int = 0
    ) -> Request[ClickList]:
        """Link clicks of one message.

        ``GET /messages/outbound/clicks/{messageid}?count=&offset=``
        """
        return _message_clicks(message_id, count, offset)

    @paged
    def iter_message_clicks(self, message_id: str) -> Walk[ClickEvent]:
        """Every click of one message, lazily.

        ``GET /messages/outbound/clicks/{messageid}``
        """
        return iterate(
            lambda count, offset: _message_clicks(message_id, count, offset),
            "Clicks",
            what=f"GET {_SEARCH}/clicks/{{messageid}}",
        )
