"""Tolerant field readers: a wrong type becomes None, never an exception."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from postmark.timestamps import parse_iso8601


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # an int past Python's 4300-digit conversion limit
            return None
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        try:
            return int(value)
        except ValueError:  # "²" is a digit to isdigit(), not to int(); or past 4300 digits
            return None
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
        str(key): item if isinstance(item, str) else json.dumps(item, default=str)
        for key, item in _dict(value).items()
        if item is not None
    }


def parse_datetime(value: Any) -> datetime | None:
    """A datetime from Postmark's ISO 8601 times, or None.

    Postmark writes ``2024-05-14T13:25:02.4178645Z`` (seven fraction digits)
    and ``2024-05-14T09:21:37.5512864-04:00``; Python 3.10's
    ``fromisoformat`` reads neither. The fraction is cut to microseconds;
    a time without an offset stays naive (``postmark.timestamps``).
    """
    return parse_iso8601(value)
