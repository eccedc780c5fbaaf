"""The ``events`` table, read for statistics and the opens/clicks lists.

The table is the one the sandbox's outbound-event recording writes (one row
per Delivery, Bounce, SpamComplaint, Open, Click or SubscriptionChange, its
``payload`` being Postmark's webhook JSON for that event). It is created
here too, with that exact shape, so these readers work whichever part of the
sandbox creates it first. :meth:`TrackingTables.events` is the one place
that reads it.

``received_at`` is read liberally: epoch seconds or an ISO 8601 timestamp.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .connection import StoreBase

EVENTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    server_id INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    record_type TEXT NOT NULL,
    received_at TEXT NOT NULL,
    payload JSON NOT NULL
);
CREATE INDEX IF NOT EXISTS events_message ON events (message_id);
"""
EVENT_TABLES = ("events",)


@dataclass
class EventRow:
    """One outbound event; ``payload`` is Postmark's webhook JSON for it."""

    message_id: str
    record_type: str
    received_ts: float
    payload: dict[str, Any]
    server_id: int = 1
    id: int = 0


class TrackingTables(StoreBase):
    """Outbound events (opens, clicks, ...)."""

    def events(self, record_types: Iterable[str], message_id: str | None = None) -> list[EventRow]:
        """Events of these record types (one message's only, if given), oldest first."""
        kinds = sorted(set(record_types))
        where = f"record_type IN ({','.join('?' * len(kinds))})"
        params: list[Any] = list(kinds)
        if message_id is not None:
            where += " AND lower(message_id) = ?"
            params.append(message_id.lower())
        rows = self._query(f"SELECT * FROM events WHERE {where} ORDER BY id", params)  # noqa: S608
        return [_event(r) for r in rows]

    def add_event(self, row: EventRow) -> int:
        """Record one event (what a sandbox open or click leaves behind)."""
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO events (server_id, message_id, record_type, received_at, payload)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    row.server_id,
                    row.message_id,
                    row.record_type,
                    _iso(row.received_ts),
                    json.dumps(row.payload),
                ),
            )
            return int(cursor.lastrowid or 0)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts).astimezone().isoformat()


def received_ts(value: Any) -> float:
    """``received_at`` as epoch seconds, from a number or an ISO 8601 text (0 if unreadable)."""
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    # fromisoformat before 3.11 takes neither "Z" nor seven fraction digits.
    text = text.replace("Z", "+00:00")
    head, dot, tail = text.partition(".")
    if dot:
        digits = len(tail) - len(tail.lstrip("0123456789"))
        text = f"{head}.{tail[:digits][:6].ljust(6, '0')}{tail[digits:]}"
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return 0.0


def _event(r: sqlite3.Row) -> EventRow:
    try:
        payload = json.loads(r["payload"])
    except (TypeError, ValueError):
        payload = {}
    return EventRow(
        id=int(r["id"]),
        server_id=int(r["server_id"]),
        message_id=str(r["message_id"]),
        record_type=str(r["record_type"]),
        received_ts=received_ts(r["received_at"]),
        payload=payload if isinstance(payload, dict) else {},
    )
