"""The numbers behind the inbox's stats page, from the Stats API's own counting.

Every count comes from :mod:`postmark.sandbox.rules.stats`, the code that
answers ``GET /stats/outbound/...``, so the page and the API never disagree:
``Sent`` (sends), ``Bounced`` (the overview's bounces: no spam complaints
or SMTP API errors), ``Spam complaints``, ``Opens`` and ``Clicks`` (every
open and click, not only unique ones). Days are Eastern calendar days, as
Postmark's stats; the days between the first and the last one with data are
filled with zeros so that a chart's x axis is real time, and a chart covers
at least the :data:`MIN_DAYS` days up to the last one with data (a single
day of data shows as a rise from zero, not as a lone dot).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..rules import stats
from ..rules.bounces import BOUNCE_TYPES
from ..rules.stats import StatsFilter
from ..store.database import Store

MIN_DAYS = 7
PerDay = Callable[[Store, StatsFilter], dict[str, Any]]

# Series name -> (the Stats API's per-day answer, its key).
ACTIVITY: tuple[tuple[str, PerDay, str], ...] = (
    ("Sent", stats.sends_per_day, "Sent"),
    ("Bounced", stats.bounced_per_day, "Bounced"),
    ("Spam complaints", stats.spam_per_day, "SpamComplaint"),
    ("Opens", stats.opens_per_day, "Opens"),
    ("Clicks", stats.clicks_per_day, "Clicks"),
)


@dataclass(frozen=True)
class Activity:
    """Counts per day: ``days`` (``YYYY-MM-DD``), one list of counts per series name,
    and each series' total."""

    days: list[str]
    counts: dict[str, list[int]]
    totals: dict[str, int]


def activity(store: Store, flt: StatsFilter) -> Activity:
    """Sends, bounces, spam complaints, opens and clicks per day, as the Stats API counts."""
    answers = {name: (per_day(store, flt), key) for name, per_day, key in ACTIVITY}
    seen = {d["Date"] for answer, _ in answers.values() for d in answer["Days"]}
    days = _every_day(min(seen), max(seen)) if seen else []
    counts: dict[str, list[int]] = {}
    totals: dict[str, int] = {}
    for name, (answer, key) in answers.items():
        by_day = {d["Date"]: int(d.get(key, 0)) for d in answer["Days"]}
        counts[name] = [by_day.get(d, 0) for d in days]
        totals[name] = int(answer[key])
    return Activity(days, counts, totals)


def _every_day(first: str, last: str) -> list[str]:
    end = date.fromisoformat(last)
    start = min(date.fromisoformat(first), end - timedelta(days=MIN_DAYS - 1))
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def bounce_types(store: Store, flt: StatsFilter) -> list[tuple[str, int]]:
    """``(type, count)`` of every bounce type that occurred, in Postmark's table order."""
    counts: dict[str, int] = {}
    for row in stats.bounces(store, flt):
        counts[row.type] = counts.get(row.type, 0) + 1
    return [(t.type, counts[t.type]) for t in BOUNCE_TYPES if t.type in counts]


def sent_by_stream(store: Store, flt: StatsFilter) -> list[tuple[str, int]]:
    """``(stream, sends)`` for the streams with sends, busiest first."""
    return _tally(m.stream for m in stats.messages(store, flt))


def sent_by_tag(store: Store, flt: StatsFilter) -> list[tuple[str, int]]:
    """``(tag, sends)`` for the tags with sends (``(no tag)`` for untagged), busiest first."""
    return _tally(str(m.summary.get("Tag") or "(no tag)") for m in stats.messages(store, flt))


def _tally(keys: Iterable[str]) -> list[tuple[str, int]]:
    return sorted(Counter(keys).items(), key=lambda item: (-item[1], item[0]))


def filter_choices(store: Store) -> tuple[list[str], list[str]]:
    """The outbound stream IDs and the tags (of sent messages) a stats page can filter by."""
    streams = sorted({s.id for s in store.streams() if s.type != "Inbound"})
    tags = sorted({str(m.summary.get("Tag")) for m in store.all_messages() if m.summary.get("Tag")})
    return streams, tags
