"""Statistics: ``client.stats`` (Postmark's Stats API).

Every method takes the same optional filters: ``tag``, ``from_date`` and
``to_date`` (inclusive dates, Eastern time; a ``datetime`` is reduced to its
Eastern date) and ``message_stream`` (all streams when left out). Without
dates Postmark answers with all-time numbers. Per-day endpoints answer
totals plus ``Days: [{"Date", ...}]``; days without data, and zero counts
inside a day, are left out by Postmark.

https://postmarkapp.com/developer/api/stats-api
"""

from __future__ import annotations

from typing import Any

from postmark.api.base import M, Section, endpoint
from postmark.api.dates import DateArg, query_day
from postmark.api.types import OutboundOverview
from postmark.protocol import Request

DailyStats = dict[str, Any]


def _stats(
    path: str,
    tag: str | None,
    from_date: DateArg,
    to_date: DateArg,
    message_stream: str | None,
) -> Request[Any]:
    params = {
        "tag": tag,
        "fromdate": query_day(from_date),
        "todate": query_day(to_date),
        "messagestream": message_stream,
    }
    return Request("GET", path, params=params)


class StatsAPI(Section[M]):
    """Outbound statistics: sends, bounces, spam, tracking, opens and clicks."""

    @endpoint
    def outbound(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[OutboundOverview]:
        """Totals of sends, bounces, spam complaints, opens and clicks (no ``Days``).

        ``GET /stats/outbound``
        """
        return _stats("/stats/outbound", tag, from_date, to_date, message_stream)

    @endpoint
    def sends(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[DailyStats]:
        """Sent counts per day: ``Sent``.

        ``GET /stats/outbound/sends``
        """
        return _stats("/stats/outbound/sends", tag, from_date, to_date, message_stream)

    @endpoint
    def bounces(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[DailyStats]:
        """Bounce counts per day: ``HardBounce``, ``SoftBounce``, ``SMTPApiError``, ``Transient``.

        ``GET /stats/outbound/bounces``
        """
        return _stats("/stats/outbound/bounces", tag, from_date, to_date, message_stream)

    @endpoint
    def spam(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[DailyStats]:
        """Spam complaints per day: ``SpamComplaint``.

        ``GET /stats/outbound/spam``
        """
        return _stats("/stats/outbound/spam", tag, from_date, to_date, message_stream)

    @endpoint
    def tracked(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[DailyStats]:
        """Messages sent with open or link tracking, per day: ``Tracked``.

        ``GET /stats/outbound/tracked``
        """
        return _stats("/stats/outbound/tracked", tag, from_date, to_date, message_stream)

    @endpoint
    def opens(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[DailyStats]:
        """Opens per day: ``Opens``, ``Unique``.

        ``GET /stats/outbound/opens``
        """
        return _stats("/stats/outbound/opens", tag, from_date, to_date, message_stream)

    @endpoint
    def open_platforms(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[DailyStats]:
        """Opens by platform per day: ``Desktop``, ``Mobile``, ``WebMail``, ``Unknown``.

        ``GET /stats/outbound/opens/platforms``
        """
        return _stats("/stats/outbound/opens/platforms", tag, from_date, to_date, message_stream)

    @endpoint
    def email_clients(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[DailyStats]:
        """Opens by email client per day: one key per client name.

        ``GET /stats/outbound/opens/emailclients``
        """
        return _stats("/stats/outbound/opens/emailclients", tag, from_date, to_date, message_stream)

    @endpoint
    def read_times(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[DailyStats]:
        """How long messages were read, per day: one key per read-time bucket.

        ``GET /stats/outbound/opens/readtimes``
        """
        return _stats("/stats/outbound/opens/readtimes", tag, from_date, to_date, message_stream)

    @endpoint
    def clicks(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[DailyStats]:
        """Link clicks per day: ``Clicks``, ``Unique``.

        ``GET /stats/outbound/clicks``
        """
        return _stats("/stats/outbound/clicks", tag, from_date, to_date, message_stream)

    @endpoint
    def browser_families(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[DailyStats]:
        """Clicks by browser family per day: one key per family.

        ``GET /stats/outbound/clicks/browserfamilies``
        """
        return _stats(
            "/stats/outbound/clicks/browserfamilies", tag, from_date, to_date, message_stream
        )

    @endpoint
    def click_platforms(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[DailyStats]:
        """Clicks by platform per day: ``Desktop``, ``Mobile``, ``Unknown``.

        ``GET /stats/outbound/clicks/platforms``
        """
        return _stats("/stats/outbound/clicks/platforms", tag, from_date, to_date, message_stream)

    @endpoint
    def click_location(
        self,
        *,
        tag: str | None = None,
        from_date: DateArg = None,
        to_date: DateArg = None,
        message_stream: str | None = None,
    ) -> Request[DailyStats]:
        """Clicks by where the link was, per day: ``HTML``, ``Text``.

        ``GET /stats/outbound/clicks/location``
        """
        return _stats("/stats/outbound/clicks/location", tag, from_date, to_date, message_stream)
