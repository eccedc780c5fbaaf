"""Tolerant field readers: a wrong type becomes None, never an exception."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _metadata(value: Any) -> dict[str, str]:
    """Postmark's metadata values are strings; anything else is shown as text."""
    return {
        str(key): item if isinstance(item, str) else json.dumps(item)
        for key, item in _dict(value).items()
        if item is not None
    }


_ISO_8601 = re.compile(
    r"^(?P<base>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)"
    r"(?:\.(?P<fraction>\d+))?"
    r"(?P<zone>Z|z|[+-]\d{2}:?\d{2})?$"
)


def parse_datetime(value: Any) -> datetime | None:
    """A datetime from Postmark's ISO 8601 times, or None.

    Postmark writes ``2024-05-14T13:25:02.4178645Z`` (seven fraction digits)
    and ``2024-05-14T09:21:37.5512864-04:00``; Python 3.10's
    ``fromisoformat`` reads neither, so the fraction is cut to microseconds
    and ``Z`` spelled as an offset first.
    """
    text = _str(value)
    match = _ISO_8601.match(text.strip()) if text else None
    if match is None:
        return None
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    zone = match["zone"] or ""
    if zone in ("Z", "z"):
        zone = "+00:00"
    elif zone and ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    try:
        return datetime.fromisoformat(f"{match['base'].replace(' ', 'T')}.{fraction}{zone}")
    except ValueError:
        return None


def _rfc2822(value: Any) -> datetime | None:
    text = _str(value)
    if not text:
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
