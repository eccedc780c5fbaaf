"""Stats API: ``GET /stats/outbound`` and its twelve per-day breakdowns.

All take ``tag``, ``fromdate``, ``todate`` and ``messagestream``; a date that
is not a date answers 900, ``fromdate`` after ``todate`` 1502. What is
counted, and how: :mod:`postmark.sandbox.rules.stats`. Paths ignore case,
so the Node client's ``emailClients``, ``readTimes`` and ``browserFamilies``
work.
"""

from __future__ import annotations

from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..rules import stats
from ..rules.stats import StatsFilter
from .paging import date_range

routes = Router()
_BASE = "/stats/outbound"


def _filter(ctx: Context) -> StatsFilter:
    start, end = date_range(ctx, 900)
    if start is not None and end is not None and start > end:
        raise ApiError(1502, "'fromdate' must be before 'todate'.")
    return StatsFilter(
        tag=ctx.arg("tag") or None,
        stream=ctx.arg("messagestream") or None,
        from_ts=start,
        to_ts=end,
    )


@routes.route("GET", _BASE)
def overview(ctx: Context) -> Any:
    """``GET /stats/outbound``: totals only (no ``Days``)."""
    flt = _filter(ctx)
    store = ctx.app.store
    sent = stats.messages(store, flt)
    bounce_types = [b.type for b in stats.bounces(store, flt)]
    bounced = sum(1 for t in bounce_types if stats.counts_as_bounced(t))
    spam = len(stats.spam_complaints(store, flt))
    opens = stats.events(store, flt, "Open")
    clicks = stats.events(store, flt, "Click")
    return {
        "Sent": len(sent),
        "Bounced": bounced,
        "SMTPApiErrors": bounce_types.count("SMTPApiError"),
        "BounceRate": stats.rate(bounced, len(sent)),
        "SpamComplaints": spam,
        "SpamComplaintsRate": stats.rate(spam, len(sent)),
        "Opens": len(opens),
        "UniqueOpens": sum(1 for _, key in stats.open_entries(opens) if key == "Unique"),
        "TotalClicks": len(clicks),
        "UniqueLinksClicked": len(
            {(e.message_id or "", str(e.payload.get("OriginalLink"))) for e in clicks}
        ),
        "TotalTrackedLinksSent": sum(stats.tracked_links(m) for m in sent),
        "Tracked": sum(1 for m in sent if stats.is_tracked(m)),
        "WithLinkTracking": sum(1 for m in sent if stats.links_tracked(m)),
        "WithOpenTracking": sum(1 for m in sent if stats.opens_tracked(m)),
        "WithClientRecorded": sum(1 for e in opens if stats.client_part(e, "Name") != "Unknown"),
        "WithPlatformRecorded": sum(
            1 for e in opens if stats.platform(e, stats.OPEN_PLATFORMS) != "Unknown"
        ),
        "WithReadTimeRecorded": sum(1 for e in opens if stats.read_bucket(e) is not None),
    }


@routes.route("GET", f"{_BASE}/sends")
def sends(ctx: Context) -> Any:
    """``GET /stats/outbound/sends``: ``Sent`` per day."""
    return stats.sends_per_day(ctx.app.store, _filter(ctx))


@routes.route("GET", f"{_BASE}/bounces")
def bounces(ctx: Context) -> Any:
    """``GET /stats/outbound/bounces``: ``HardBounce``, ``SoftBounce``, ``SMTPApiError``,
    ``Transient``."""
    return stats.bounces_per_day(ctx.app.store, _filter(ctx))


@routes.route("GET", f"{_BASE}/spam")
def spam(ctx: Context) -> Any:
    """``GET /stats/outbound/spam``: ``SpamComplaint`` per day."""
    return stats.spam_per_day(ctx.app.store, _filter(ctx))


@routes.route("GET", f"{_BASE}/tracked")
def tracked(ctx: Context) -> Any:
    """``GET /stats/outbound/tracked``: messages sent with open or link tracking."""
    sent = stats.messages(ctx.app.store, _filter(ctx))
    entries = ((m.received_ts, "Tracked") for m in sent if stats.is_tracked(m))
    return stats.per_day(entries, ["Tracked"])


@routes.route("GET", f"{_BASE}/opens")
def opens(ctx: Context) -> Any:
    """``GET /stats/outbound/opens``: ``Opens`` and ``Unique`` per day."""
    return stats.opens_per_day(ctx.app.store, _filter(ctx))


@routes.route("GET", f"{_BASE}/opens/platforms")
def open_platforms(ctx: Context) -> Any:
    """``GET /stats/outbound/opens/platforms``: ``Desktop``, ``Mobile``, ``WebMail``,
    ``Unknown``."""
    rows = stats.events(ctx.app.store, _filter(ctx), "Open")
    entries = ((e.received_ts, stats.platform(e, stats.OPEN_PLATFORMS)) for e in rows)
    return stats.per_day(entries, stats.OPEN_PLATFORMS)


@routes.route("GET", f"{_BASE}/opens/emailClients")
def email_clients(ctx: Context) -> Any:
    """``GET /stats/outbound/opens/emailclients``: one key per client name."""
    rows = stats.events(ctx.app.store, _filter(ctx), "Open")
    return stats.per_day(((e.received_ts, stats.client_part(e, "Name")) for e in rows), None)


@routes.route("GET", f"{_BASE}/opens/readTimes")
def read_times(ctx: Context) -> Any:
    """``GET /stats/outbound/opens/readtimes``: opens per read-time bucket."""
    rows = stats.events(ctx.app.store, _filter(ctx), "Open")
    entries = ((e.received_ts, bucket) for e in rows if (bucket := stats.read_bucket(e)))
    return stats.per_day(entries, None)


@routes.route("GET", f"{_BASE}/clicks")
def clicks(ctx: Context) -> Any:
    """``GET /stats/outbound/clicks``: ``Clicks`` and ``Unique`` per day."""
    return stats.clicks_per_day(ctx.app.store, _filter(ctx))


@routes.route("GET", f"{_BASE}/clicks/browserFamilies")
def browser_families(ctx: Context) -> Any:
    """``GET /stats/outbound/clicks/browserfamilies``: one key per browser family."""
    rows = stats.events(ctx.app.store, _filter(ctx), "Click")
    return stats.per_day(((e.received_ts, stats.client_part(e, "Family")) for e in rows), None)


@routes.route("GET", f"{_BASE}/clicks/platforms")
def click_platforms(ctx: Context) -> Any:
    """``GET /stats/outbound/clicks/platforms``: ``Desktop``, ``Mobile``, ``Unknown``."""
    rows = stats.events(ctx.app.store, _filter(ctx), "Click")
    entries = ((e.received_ts, stats.platform(e, stats.CLICK_PLATFORMS)) for e in rows)
    return stats.per_day(entries, stats.CLICK_PLATFORMS)


@routes.route("GET", f"{_BASE}/clicks/location")
def click_location(ctx: Context) -> Any:
    """``GET /stats/outbound/clicks/location``: ``HTML`` and ``Text``."""
    rows = stats.events(ctx.app.store, _filter(ctx), "Click")
    entries = ((e.received_ts, stats.click_location(e)) for e in rows)
    return stats.per_day(entries, stats.CLICK_LOCATIONS)
