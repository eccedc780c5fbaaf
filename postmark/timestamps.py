"""Postmark's timestamps, read in one place for every caller.

Postmark writes ISO 8601 with up to seven fraction digits and an offset
(``2014-08-01T13:28:10.2735393-04:00``, ``2024-05-14T13:25:02.4178645Z``);
Python 3.10's ``fromisoformat`` reads neither. Inbound mail carries only
the sender's RFC 2822 ``Date`` header. Both readers return None for
anything they cannot read and never raise.

Foundation level: the standard library only, so the API sections
(``postmark.api.dates``) and the webhook parser (``postmark.webhooks``)
share it without importing each other.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

# Lenient on purpose: ``T``, ``t`` or a space; seconds optional; ``.`` or
# ``,`` before the fraction; blanks before the offset. ASCII digits only.
_ISO_8601 = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[Tt ]"
    r"(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:[.,](?P<fraction>\d+))?"
    r"\s*(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)


def parse_iso8601(text: object, *, round_up: bool = False) -> datetime | None:
    """A datetime from ISO 8601 text, or None when unreadable (or not a string).

    Aware when the text has an offset, naive when it has none (the caller
    knows which zone that means). Fraction digits beyond microseconds are
    cut, or with ``round_up`` rounded up, so that a bound computed from the
    result never excludes the item it came from.
    """
    match = _ISO_8601.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    fraction = match["fraction"] or ""
    extra = round_up and fraction[6:].strip("0") != ""
    try:
        value = datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"] or 0),
            int(fraction[:6].ljust(6, "0")),
            tzinfo=_zone(match["zone"]),
        )
        return value + timedelta(microseconds=1) if extra else value
    except (ValueError, OverflowError):  # no such day or offset; past year 9999
        return None


def _zone(text: str | None) -> tzinfo | None:
    """``Z``, ``+02:00``, ``-0400``; ValueError beyond 59 minutes or 24 hours."""
    if text is None:
        return None
    if text in ("Z", "z"):
        return timezone.utc
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if minutes > 59:
        raise ValueError(text)
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_rfc2822(text: object) -> datetime | None:
    """A datetime from an RFC 2822 date (an email's ``Date`` header), or None.

    Naive when the header says ``-0000`` or has no zone.
    """
    if not isinstance(text, str) or not text:
        return None
    # Postmark's own inbound example writes the zone as "-04:00", which the
    # email parser does not read (it would drop the offset): make it "-0400".
    text = _COLON_ZONE.sub(r"\1\2\3", text)
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


_COLON_ZONE = re.compile(r"([+-])(\d\d):(\d\d)\s*$")


__all__ = ["parse_iso8601", "parse_rfc2822"]
