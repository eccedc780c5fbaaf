"""Small formatting helpers for UI pages: escaping, timestamps, names, sizes."""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import Any
from urllib.parse import quote, urlencode


def esc(value: object) -> str:
    """``value`` as text safe in HTML content and in quoted attributes."""
    return escape(str(value), quote=True)


def url(path: str, **query: str | int | None) -> str:
    """``path`` with the non-empty ``query`` values, e.g. ``url("/", q="x", page=2)``."""
    kept = {k: str(v) for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def message_path(message_id: str, tab: str | None = None) -> str:
    """The inbox page of one message (one tab of it)."""
    base = f"/inbox/messages/{quote(message_id, safe='')}"
    return f"{base}/{tab}" if tab else base


def _parse(value: float | str) -> datetime | None:
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def when(value: float | str) -> str:
    """A ``<time>`` element: readable UTC text, ISO ``datetime`` that app.js shows in local time.

    ``value`` is a Unix timestamp or an ISO 8601 string (Postmark's
    ``ReceivedAt``); an unparsable string is shown as it is.
    """
    moment = _parse(value)
    if moment is None:
        return esc(value)
    iso = moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    text = moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f'<time datetime="{esc(iso)}">{esc(text)}</time>'


def names(people: list[dict[str, Any]]) -> str:
    """Postmark's recipient objects as ``Name <email>, ...`` (plain text, not escaped)."""
    return ", ".join(
        f"{p['Name']} <{p['Email']}>" if p.get("Name") else str(p["Email"]) for p in people
    )


def size(count: int) -> str:
    """``1536`` -> ``"1.5 KB"``."""
    if count < 1024:
        return f"{count} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / (1024 * 1024):.1f} MB"
