"""Outbound statistics computed from what the sandbox stored.

Sources: sent messages (``Sent``, ``Tracked``, tracked links), bounces
(``HardBounce``, ``SoftBounce``, ``Transient``, ``SMTPApiError``), and the
outbound events (:mod:`postmark.sandbox.store.events`): ``Open`` and
``Click`` events with their client, OS, platform, read time and click
location, and ``SpamComplaint`` events (a spam complaint recorded as a
bounce row counts once).

Every filter is optional: ``tag`` (exact, any case), ``messagestream`` (all
streams when left out), and inclusive ``fromdate``/``todate`` in Eastern time.
Per-day answers are totals plus ``Days: [{"Date": "YYYY-MM-DD", ...}]``
with the days that have data only, and inside a day only the non-zero keys,
as Postmark documents. Where Postmark leaves the arithmetic open, the
sandbox chooses:

* ``Sent`` counts messages (not recipients); rates are percentages of
  ``Sent`` with three decimals;
* ``Bounced`` counts bounces other than spam complaints and SMTP API errors;
* ``Unique`` opens count each message and recipient once (on the day of the
  first open); unique clicks count each message, recipient and link once;
* read times are bucketed ``"0s"`` to ``"20s"`` by whole seconds, and
  ``"20s+"`` beyond; a missing client, browser or platform is ``Unknown``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..store.database import Store
from ..store.events import EventRow
from ..store.outbound import BounceRow, MessageRow
from .clock import EASTERN

BOUNCE_KEYS = ("HardBounce", "SoftBounce", "SMTPApiError", "Transient")
# Bounce types the overview's ``Bounced`` leaves out (they have counts of their own).
NOT_BOUNCED = ("SpamComplaint", "SMTPApiError")
OPEN_PLATFORMS = ("Desktop", "Mobile", "WebMail", "Unknown")
CLICK_PLATFORMS = ("Desktop", "Mobile", "Unknown")
CLICK_LOCATIONS = ("HTML", "Text")
MAX_READ_BUCKET = 20
_LINK = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)


@dataclass(frozen=True)
class StatsFilter:
    """The stats query: every field optional."""

    tag: str | None = None
    stream: str | None = None
    from_ts: float | None = None
    to_ts: float | None = None

    def keeps(self, ts: float, tag: str | None, stream: str | None) -> bool:
        """Whether a record of this time, tag and stream is counted."""
        if self.from_ts is not None and ts < self.from_ts:
            return False
        if self.to_ts is not None and ts > self.to_ts:
            return False
        if self.tag is not None and (tag or "").lower() != self.tag.lower():
            return False
        return self.stream is None or (stream or "").lower() == self.stream.lower()


def day(ts: float) -> str:
    """The Eastern calendar day of a timestamp, as stats ``Date`` values."""
    return datetime.fromtimestamp(ts, EASTERN).strftime("%Y-%m-%d")


def per_day(entries: Iterable[tuple[float, str]], keys: Sequence[str] | None) -> dict[str, Any]:
    """Totals and ``Days`` from ``(timestamp, key)`` pairs, one per counted thing.

    ``keys`` are always present in the totals (0 when nothing counted);
    ``None`` means the keys are whatever was seen (clients, browsers...).
    """
    days: dict[str, Counter[str]] = {}
    for ts, key in entries:
        days.setdefault(day(ts), Counter())[key] += 1
    totals: Counter[str] = Counter()
    for counts in days.values():
        totals.update(counts)
    answer: dict[str, Any] = {
        "Days": [{"Date": date, **dict(sorted(days[date].items()))} for date in sorted(days)]
    }
    names = sorted(totals) if keys is None else keys
    answer.update({name: totals.get(name, 0) for name in names})
    return answer


# --- the records, filtered ------------------------------------------------------------


def messages(store: Store, flt: StatsFilter) -> list[MessageRow]:
    """Sent messages the filter keeps."""
    return [
        m for m in store.all_messages() if flt.keeps(m.received_ts, m.summary.get("Tag"), m.stream)
    ]


def bounces(store: Store, flt: StatsFilter) -> list[BounceRow]:
    """Bounces the filter keeps, oldest first."""
    rows = [b for b in store.all_bounces() if flt.keeps(b.bounced_ts, b.tag, b.stream)]
    return sorted(rows, key=lambda b: (b.bounced_ts, b.id))


def events(store: Store, flt: StatsFilter, record_type: str) -> list[EventRow]:
    """Events of one record type the filter keeps, oldest first."""
    rows = [
        e
        for e in store.events(record_type=record_type)
        if flt.keeps(e.received_ts, e.payload.get("Tag"), e.payload.get("MessageStream"))
    ]
    return sorted(rows, key=lambda e: (e.received_ts, e.id))


# --- what is counted ------------------------------------------------------------------


def is_tracked(message: MessageRow) -> bool:
    """Sent with open or link tracking."""
    return opens_tracked(message) or links_tracked(message)


def opens_tracked(message: MessageRow) -> bool:
    """Sent with open tracking."""
    return bool(message.summary.get("TrackOpens"))


def links_tracked(message: MessageRow) -> bool:
    """Sent with link tracking."""
    return (message.summary.get("TrackLinks") or "None") != "None"


def tracked_links(message: MessageRow) -> int:
    """Distinct http(s) links in the parts whose links are tracked."""
    mode = message.summary.get("TrackLinks") or "None"
    parts = {
        "HtmlAndText": ("HtmlBody", "TextBody"),
        "HtmlOnly": ("HtmlBody",),
        "TextOnly": ("TextBody",),
    }.get(mode, ())
    found = {link for part in parts for link in _LINK.findall(message.content.get(part) or "")}
    return len(found)


def spam_complaints(store: Store, flt: StatsFilter) -> list[float]:
    """Times of spam complaints: bounce rows and events, each message and address once."""
    seen: dict[tuple[str, str], float] = {}
    for b in bounces(store, flt):
        if b.type == "SpamComplaint":
            seen.setdefault((b.message_id.lower(), b.email.lower()), b.bounced_ts)
    for e in events(store, flt, "SpamComplaint"):
        email = str(e.payload.get("Email") or e.payload.get("Recipient") or "")
        seen.setdefault((e.message_id or "", email.lower()), e.received_ts)
    return sorted(seen.values())


def open_entries(opens: Sequence[EventRow]) -> Iterator[tuple[float, str]]:
    """``Opens`` for every open, ``Unique`` for the first of each message and recipient."""
    seen: set[tuple[str, str]] = set()
    for e in opens:
        yield e.received_ts, "Opens"
        who = (e.message_id or "", str(e.payload.get("Recipient") or "").lower())
        if who not in seen:
            seen.add(who)
            yield e.received_ts, "Unique"


def click_entries(clicks: Sequence[EventRow]) -> Iterator[tuple[float, str]]:
    """``Clicks`` for every click, ``Unique`` for the first of each message, recipient and link."""
    seen: set[tuple[str, str, str]] = set()
    for e in clicks:
        yield e.received_ts, "Clicks"
        key = (
            e.message_id or "",
            str(e.payload.get("Recipient") or "").lower(),
            str(e.payload.get("OriginalLink") or ""),
        )
        if key not in seen:
            seen.add(key)
            yield e.received_ts, "Unique"


def platform(event: EventRow, known: Sequence[str]) -> str:
    """The event's ``Platform`` if it is one of ``known``, else ``Unknown``."""
    value = str(event.payload.get("Platform") or "")
    return next((k for k in known if k.lower() == value.lower()), "Unknown")


def client_part(event: EventRow, part: str) -> str:
    """``Client.<part>`` (``Name``, ``Family``...) of an event, ``Unknown`` when missing."""
    client = event.payload.get("Client")
    value = client.get(part) if isinstance(client, dict) else None
    return str(value) if value else "Unknown"


def read_bucket(event: EventRow) -> str | None:
    """The read-time bucket of an open (``None`` when no read time was recorded)."""
    value = event.payload.get("ReadSeconds")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        return None
    seconds = int(value)
    return f"{MAX_READ_BUCKET}s+" if seconds > MAX_READ_BUCKET else f"{seconds}s"


def click_location(event: EventRow) -> str:
    """``HTML`` or ``Text`` (an unrecorded location counts as ``HTML``, where links mostly are)."""
    value = str(event.payload.get("ClickLocation") or "")
    return "Text" if value.lower() == "text" else "HTML"


def counts_as_bounced(kind: str) -> bool:
    """Whether a bounce of this type counts in ``Bounced`` (spam complaints and SMTP API
    errors do not)."""
    return kind not in NOT_BOUNCED


def rate(part: int, whole: int) -> float:
    """``part`` as a percentage of ``whole`` with three decimals (0.0 when nothing was sent)."""
    return round(100.0 * part / whole, 3) if whole else 0.0


# --- per-day answers (the Stats API and the inbox's stats page) --------------------------


def sends_per_day(store: Store, flt: StatsFilter) -> dict[str, Any]:
    """``Sent`` per day (``GET /stats/outbound/sends``)."""
    return per_day(((m.received_ts, "Sent") for m in messages(store, flt)), ["Sent"])


def bounces_per_day(store: Store, flt: StatsFilter) -> dict[str, Any]:
    """``HardBounce``, ``SoftBounce``, ``SMTPApiError``, ``Transient`` per day
    (``GET /stats/outbound/bounces``)."""
    rows = [b for b in bounces(store, flt) if b.type in BOUNCE_KEYS]
    return per_day(((b.bounced_ts, b.type) for b in rows), BOUNCE_KEYS)


def bounced_per_day(store: Store, flt: StatsFilter) -> dict[str, Any]:
    """The overview's ``Bounced`` per day (every type :func:`counts_as_bounced`)."""
    rows = [b for b in bounces(store, flt) if counts_as_bounced(b.type)]
    return per_day(((b.bounced_ts, "Bounced") for b in rows), ["Bounced"])


def spam_per_day(store: Store, flt: StatsFilter) -> dict[str, Any]:
    """``SpamComplaint`` per day (``GET /stats/outbound/spam``)."""
    return per_day(((ts, "SpamComplaint") for ts in spam_complaints(store, flt)), ["SpamComplaint"])


def opens_per_day(store: Store, flt: StatsFilter) -> dict[str, Any]:
    """``Opens`` and ``Unique`` per day (``GET /stats/outbound/opens``)."""
    return per_day(open_entries(events(store, flt, "Open")), ["Opens", "Unique"])


def clicks_per_day(store: Store, flt: StatsFilter) -> dict[str, Any]:
    """``Clicks`` and ``Unique`` per day (``GET /stats/outbound/clicks``)."""
    return per_day(click_entries(events(store, flt, "Click")), ["Clicks", "Unique"])
