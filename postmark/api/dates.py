"""Dates in Postmark queries: US Eastern wall-clock time, inclusive bounds.

Postmark reads ``fromdate``/``todate`` as Eastern time (America/New_York,
daylight saving included) and includes both ends. Searches accept a date
(``2024-05-01``) or a date-time without offset (``2024-05-01T12:00:00``);
stats take dates only. Timestamps in answers are ISO 8601 with an offset
(``-04:00``, ``-05:00`` or ``Z``) and up to 7 fraction digits; inbound
messages only carry the sender's RFC 2822 ``Date`` header.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta, timezone, tzinfo

from postmark.timestamps import parse_iso8601, parse_rfc2822

#: A date argument: Postmark's own string, a ``date``, or a ``datetime``
#: (an aware one is converted to Eastern time; a naive one is taken as Eastern).
DateArg = str | date | datetime | None

EASTERN = "America/New_York"
# Used only when no time-zone database is installed (Windows without the
# ``tzdata`` package). Eastern daylight time is the *latest* reading of an
# Eastern wall time, so an upper bound computed with it can only be too wide
# (an hour of overlap in winter), never too narrow.
_EDT = timezone(timedelta(hours=-4))

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@functools.lru_cache(maxsize=1)
def eastern_zone() -> tzinfo | None:
    """America/New_York from the time-zone database, or None when there is none."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(EASTERN)
    except (ImportError, KeyError, ValueError, OSError):
        return None


def parse_timestamp(text: object) -> datetime | None:
    """An aware datetime from Postmark's ISO 8601 or an RFC 2822 date; None if unreadable.

    Fractions beyond microseconds are rounded *up*, so a bound computed from
    the result never excludes the item it came from. A timestamp without an
    offset is read as Eastern time.
    """
    value = parse_iso8601(text, round_up=True) or parse_rfc2822(text)
    if value is None or value.tzinfo is not None:
        return value
    return _eastern_instant(value)


def _eastern_instant(wall: datetime) -> datetime:
    """The latest instant an Eastern wall time can mean (fold=1 in the repeated hour)."""
    zone = eastern_zone()
    if zone is None:
        return wall.replace(tzinfo=timezone(timedelta(hours=-5)))
    return wall.replace(tzinfo=zone, fold=1)


def eastern_wall(instant: datetime) -> datetime:
    """The naive Eastern wall-clock time of an aware instant."""
    zone = eastern_zone() or _EDT
    return instant.astimezone(zone).replace(tzinfo=None)


def readings(wall: datetime) -> list[datetime]:
    """The UTC instants Postmark could take a naive Eastern wall time for, earliest first.

    Two in the hour repeated when daylight saving ends; one otherwise (the
    fallback without a time-zone database reads every wall time as EDT).
    """
    zone = eastern_zone()
    if zone is None:
        return [wall.replace(tzinfo=_EDT).astimezone(timezone.utc)]
    found = {wall.replace(tzinfo=zone, fold=fold).astimezone(timezone.utc) for fold in (0, 1)}
    return sorted(found)


def earliest_instant(wall: datetime) -> datetime:
    return readings(wall)[0]


def latest_instant(wall: datetime) -> datetime:
    return readings(wall)[-1]


def ceil_second(instant: datetime) -> datetime:
    """``instant`` rounded up to a whole second (UTC and Eastern seconds coincide)."""
    if instant.microsecond:
        return instant.replace(microsecond=0) + timedelta(seconds=1)
    return instant


def upper_bound(instant: datetime) -> datetime:
    """The smallest whole-second Eastern wall time whose every reading is >= ``instant``.

    An inclusive ``todate`` certain to include ``instant`` whether Postmark
    reads ``12:00:00`` as "up to 12:00:00.000" or "up to 12:00:00.999", and
    whichever reading it picks for a wall time that occurs twice (then the
    answer is the end of the repeated hour).
    """
    wall = eastern_wall(ceil_second(instant))
    if earliest_instant(wall) >= instant:
        return wall
    # Only in the hour repeated in November. The earliest reading grows with
    # the wall time, so search the hour that follows for the first safe second.
    unsafe, safe = wall, wall + timedelta(hours=1)
    while safe - unsafe > timedelta(seconds=1):
        middle = unsafe + timedelta(seconds=(safe - unsafe).seconds // 2)
        if earliest_instant(middle) >= instant:
            safe = middle
        else:
            unsafe = middle
    return safe


def query_date(value: DateArg, *, upper: bool = False) -> str | None:
    """A ``fromdate``/``todate`` value: strings pass unchanged, dates are formatted.

    An aware ``datetime`` is converted to Eastern time; with ``upper`` (for
    ``todate``) a fraction of a second rounds up so the bound keeps that
    instant, otherwise it is dropped.
    """
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is not None:
        wall = upper_bound(value) if upper else eastern_wall(value)
    else:
        wall = value
        if upper and wall.microsecond:
            wall += timedelta(seconds=1)
    return wall.replace(microsecond=0).isoformat()


def query_day(value: DateArg) -> str | None:
    """A date-only query value (stats): a ``datetime`` becomes its Eastern date."""
    if isinstance(value, datetime):
        wall = eastern_wall(value) if value.tzinfo is not None else value
        return wall.date().isoformat()
    return query_date(value)


def coverage_end(query: str | None) -> datetime | None:
    """The widest exclusive end (naive Eastern) an inclusive ``todate`` can mean.

    ``2024-05-01`` covers the whole day, so its end is 2024-05-02T00:00; a
    date-time covers at most its whole second. None when unreadable.
    """
    if query is None:
        return None
    text = query.strip()
    if _DAY.fullmatch(text):
        try:
            return datetime.fromisoformat(text) + timedelta(days=1)
        except ValueError:
            return None
    match = _ISO.fullmatch(text)
    if match is None or match.group(8):
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    try:
        start = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return start + timedelta(seconds=1)


def day_end(day: date) -> datetime:
    """The exclusive end of an inclusive date-only ``todate``."""
    return datetime(day.year, day.month, day.day) + timedelta(days=1)
