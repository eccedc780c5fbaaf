"""Small formatting helpers for UI pages: escaping, timestamps, names, sizes."""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from ..store.connection import MAX_ROW_ID, row_id
from ..store.events import iso_datetime


def esc(value: object) -> str:
    """``value`` as text safe in HTML content and in quoted attributes."""
    return escape(str(value), quote=True)


def url(path: str, **query: str | int | None) -> str:
    """``path`` with the non-empty ``query`` values, e.g. ``url("/", q="x", page=2)``."""
    kept = {k: str(v) for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def page_number(text: str | None, size: int) -> int:
    """``?page=`` as a page of a list, 1 when absent or not a number (and never so far
    that its offset leaves SQLite's integers)."""
    return min(max(row_id(text or "1") or 1, 1), MAX_ROW_ID // size)


def pager(path: str, query: dict[str, str], page: int, total: int, size: int) -> str:
    """ "Newer" / "Older" links of a newest-first list of ``total`` rows, ``size`` a page."""
    links = []
    if page > 1:
        links.append(f'<a href="{esc(url(path, **query, page=page - 1))}">Newer</a>')
    if page * size < total:
        links.append(f'<a href="{esc(url(path, **query, page=page + 1))}">Older</a>')
    return f'<p class="pager">{" · ".join(links)}</p>' if links else ""


def message_path(message_id: str, tab: str | None = None) -> str:
    """The inbox page of one message (opened on one tab: ``?tab=webhooks``)."""
    return url(f"/inbox/messages/{quote(message_id, safe='')}", tab=tab)


def _parse(value: float | str) -> datetime | None:
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    parsed = iso_datetime(value)  # Postmark's seven fraction digits and "Z" on 3.10 too
    if parsed is None:
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
