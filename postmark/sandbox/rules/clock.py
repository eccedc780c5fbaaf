"""Time as Postmark writes and reads it.

Postmark answers with ISO 8601 timestamps in US Eastern time with seven fraction
digits (``2014-02-17T07:25:01.4178645-05:00``) and reads the ``fromdate`` /
``todate`` query filters as Eastern time when they carry no offset. Both rules
live here so every route formats and filters the same way.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone, tzinfo


def _eastern() -> tzinfo:
    """America/New_York, or a fixed -05:00 where no time-zone database exists."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/New_York")
    except Exception:  # Windows without the tzdata package: EST is close enough
        return timezone(timedelta(hours=-5), "EST")


EASTERN = _eastern()

_QUERY_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)


def now() -> float:
    """Seconds since the epoch; the one clock every record uses."""
    return time.time()


def _offset(dt: datetime) -> str:
    raw = dt.strftime("%z")  # "-0500"
    return f"{raw[:3]}:{raw[3:]}"


def postmark_timestamp(ts: float) -> str:
    """Format like Postmark's ``SubmittedAt``: Eastern offset, seven fraction digits."""
    dt = datetime.fromtimestamp(ts, EASTERN)
    # Python keeps microseconds (six digits); .NET prints ticks (seven).
    return f"{dt.strftime('%Y-%m-%dT%H:%M:%S')}.{dt.microsecond:06d}0{_offset(dt)}"


def seconds_timestamp(ts: float) -> str:
    """Format without fractions, as Postmark writes ``CreatedAt`` on streams and suppressions."""
    dt = datetime.fromtimestamp(ts, EASTERN)
    return f"{dt.strftime('%Y-%m-%dT%H:%M:%S')}{_offset(dt)}"


def utc_timestamp(ts: float) -> str:
    """Format in UTC with seven fraction digits and ``Z``, as webhook statistics do."""
    dt = datetime.fromtimestamp(ts, timezone.utc)
    return f"{dt.strftime('%Y-%m-%dT%H:%M:%S')}.{dt.microsecond:06d}0Z"


def parse_query_date(value: str, *, end: bool) -> float | None:
    """Read a ``fromdate``/``todate`` filter; ``None`` when it is not a date.

    A value without an offset is Eastern time, as Postmark documents. Both
    filters are inclusive, so with ``end=True`` a bare date means the end of
    that day and a time without fractions means the end of that second.
    """
    match = _QUERY_DATE.match(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        dt = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=_zone(zone),
        )
    except ValueError:
        return None
    ts = dt.timestamp()
    if end and hour is None:
        ts += 86400 - 1e-6
    elif end and fraction is None:
        ts += 1 - 1e-6
    return ts


def _zone(text: str | None) -> tzinfo:
    if text is None:
        return EASTERN
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
