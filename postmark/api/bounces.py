"""Bounces: ``client.bounces`` (Postmark's Bounce API).

https://postmarkapp.com/developer/api/bounce-api
"""

from __future__ import annotations

from typing import Any

from postmark.api.base import M, Plan, Section, Walk, endpoint, operation, paged
from postmark.api.dates import DateArg, query_date
from postmark.api.paging import BOUNCES, iterate_by_date
from postmark.exceptions import NotFoundError
from postmark.protocol import Request, path_segment

Json = dict[str, Any]


def bounce_filters(
    *,
    type: str | None = None,
    inactive: bool | None = None,
    email_filter: str | None = None,
    tag: str | None = None,
    message_id: str | None = None,
    from_date: DateArg = None,
    to_date: DateArg = None,
    message_stream: str | None = None,
) -> dict[str, Any]:
    """The query parameters of ``GET /bounces`` from snake_case arguments."""
    return {
        "type": type,
        "inactive": inactive,
        "emailFilter": email_filter,
        "tag": tag,
        "messageID": message_id,
        "fromdate": query_date(from_date),
        "todate": query_date(to_date, upper=True),
        "messagestream": message_stream,
    }


def _list(count: int, offset: int, filters: dict[str, Any]) -> Request[Json]:
    params = {"count": count, "offset": offset, **bounce_filters(**filters)}
    return Request("GET", "/bounces", params=params)


class BouncesAPI(Section[M]):
    """Bounce records, their dumps, reactivation and delivery statistics."""

    @endpoint
    def delivery_stats(self) -> Request[Json]:
        """Counts of inactive addresses and of bounces by type.

        ``GET /deliverystats``
        """
        return Request("GET", "/deliverystats")

    @endpoint
    def list(self, /, count: int = 25, offset: int = 0, **filters: Any) -> Request[Json]:
        """One page of bounces, newest first: ``{"TotalCount", "Bounces": [...]}``.

        ``GET /bounces?count=&offset=`` plus ``type``, ``inactive``, ``emailFilter``,
        ``tag``, ``messageID``, ``fromdate``, ``todate``, ``messagestream``.

        Args:
            count: page size, at most 500 (``count + offset`` at most 10,000).
            filters: ``type``, ``inactive``, ``email_filter``, ``tag``,
                ``message_id``, ``from_date``, ``to_date``, ``message_stream``.
        """
        return _list(count, offset, filters)

    @paged
    def iter(self, /, **filters: Any) -> Walk[Json]:
        """Every bounce matching ``filters``, newest first, lazily, even past 10,000.

        ``GET /bounces``, 500 per request, repeated with a narrower ``todate``
        when the search has more than 10,000 hits
        (see :func:`postmark.api.paging.iterate_by_date`).
        """
        bounce_filters(**filters)  # a misspelt filter fails here, not at the first page
        to_date = query_date(filters.pop("to_date", None), upper=True)
        return iterate_by_date(
            lambda count, offset, to: _list(count, offset, {**filters, "to_date": to}),
            "Bounces",
            BOUNCES,
            to_date=to_date,
            what="GET /bounces",
        )

    @endpoint
    def get(self, bounce_id: int | str) -> Request[Json]:
        """One bounce, with its ``Content``.

        ``GET /bounces/{bounceid}``
        """
        return Request("GET", f"/bounces/{path_segment(bounce_id)}")

    @endpoint
    def dump(self, bounce_id: int | str) -> Request[Json]:
        """The raw SMTP source of a bounce: ``{"Body": ...}`` (empty after 30 days).

        ``GET /bounces/{bounceid}/dump``
        """
        return Request("GET", f"/bounces/{path_segment(bounce_id)}/dump")

    @endpoint
    def activate(self, bounce_id: int | str) -> Request[Json]:
        """Reactivate the bounced address so it can be sent to again.

        ``PUT /bounces/{bounceid}/activate``; answers ``{"Message", "Bounce"}``.
        """
        return Request("PUT", f"/bounces/{path_segment(bounce_id)}/activate")

    @operation
    def tags(self) -> Plan[Any]:
        """Tags used on the server's bounces (legacy endpoint).

        ``GET /bounces/tags``. Postmark dropped this endpoint from its current
        API; when it answers 404 the error says so.
        """
        try:
            return (yield Request("GET", "/bounces/tags"))
        except NotFoundError as error:
            error.message = error.parameter = (
                "GET /bounces/tags answered 404: Postmark no longer serves this legacy "
                "endpoint. Use client.bounces.list(tag=...) or the Messages API instead."
            )
            error.args = (error.message,)
            raise
