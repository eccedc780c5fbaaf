"""Event tables: outbound events (the webhook JSON of each) and webhook delivery attempts.

``events`` is shared with the statistics routes, so its shape is fixed:
``server_id`` is the server the message was sent through, ``message_id``
the lower-cased MessageID, ``record_type`` Postmark's ``RecordType``
(Delivery, Bounce, SpamComplaint, Open, Click, SubscriptionChange),
``received_at`` the event time as a UTC ISO 8601 text with a ``Z``
(``2024-05-14T13:25:02.4178640Z``: it sorts as it reads, so date filters
are plain text comparisons) and ``payload`` the webhook JSON, before any
per-webhook addition such as a bounce's ``Content``. The statistics and
the opens/clicks lists read it through :meth:`EventTables.events` and
:attr:`EventRow.received_ts` (which also reads epoch seconds or any ISO 8601
offset, should a row be written by hand).

``webhook_deliveries`` holds one row per call to a webhook (and one per
webhook that was not called, with the reason). What the rows mean lives in
:mod:`postmark.sandbox.rules.events` and
:mod:`postmark.sandbox.rules.webhook_delivery`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .connection import StoreBase
from .outbound import NewBounce, OutboundTables, SuppressionRow

EVENTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    server_id INTEGER,
    message_id TEXT,
    record_type TEXT,
    received_at TEXT,
    payload TEXT
);
CREATE INDEX IF NOT EXISTS events_message ON events (message_id);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL,
    webhook_id INTEGER NOT NULL,
    message_id TEXT,
    record_type TEXT NOT NULL,
    url TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    response TEXT NOT NULL,
    duration_ms REAL NOT NULL,
    attempted_ts REAL NOT NULL,
    next_attempt_ts REAL,
    trace_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_message ON webhook_deliveries (message_id);
"""
EVENTS_TABLES = ("webhook_deliveries", "events")


@dataclass(frozen=True)
class EventRow:
    """One stored event; ``id`` is 0 until inserted."""

    server_id: int
    message_id: str | None
    record_type: str
    received_at: str
    payload: dict[str, Any]
    id: int = 0

    @property
    def received_ts(self) -> float:
        """``received_at`` as epoch seconds."""
        return received_ts(self.received_at)


@dataclass(frozen=True)
class DeliveryRow:
    """One webhook call (or a webhook not called); ``id`` is 0 until inserted."""

    event_id: int
    webhook_id: int
    message_id: str | None
    record_type: str
    url: str
    attempt: int
    status: int
    outcome: str
    response: str
    duration_ms: float
    attempted_ts: float
    next_attempt_ts: float | None
    trace_id: str
    id: int = 0


class EventTables(StoreBase):
    """Events and webhook delivery attempts."""

    # --- events -----------------------------------------------------------------

    def add_event(self, row: EventRow) -> int:
        """Store one event; return its ID."""
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO events (server_id, message_id, record_type, received_at, payload)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    row.server_id,
                    _lower(row.message_id),
                    row.record_type,
                    row.received_at,
                    json.dumps(row.payload),
                ),
            )
            return int(cursor.lastrowid or 0)

    def event(self, event_id: int) -> EventRow | None:
        """The event with this ID."""
        rows = self._query("SELECT * FROM events WHERE id = ?", (event_id,))
        return _event(rows[0]) if rows else None

    def events(
        self, message_id: str | None = None, record_type: str | None = None
    ) -> list[EventRow]:
        """Events, oldest first, of one message and/or one record type."""
        filters = {"message_id": _lower(message_id), "record_type": record_type}
        return [_event(r) for r in self._oldest_first("events", filters)]

    def add_bounce(self, bounce: NewBounce, suppression: SuppressionRow | None) -> tuple[int, bool]:
        """Record a bounce after its message was stored (an on-demand event), and its
        suppression; return the bounce ID and whether the address was newly suppressed."""
        with self._tx() as conn:
            # The outbound table group's own inserts, so a bounce row is written one way.
            bounce_id = OutboundTables._insert_bounce(conn, bounce)
            added = suppression is not None and OutboundTables._insert_suppression(
                conn, suppression
            )
        return bounce_id, added

    # --- webhook deliveries -------------------------------------------------------

    def add_delivery(self, row: DeliveryRow) -> int:
        """Record one webhook call; return its ID."""
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO webhook_deliveries (event_id, webhook_id, message_id, record_type,"
                " url, attempt, status, outcome, response, duration_ms, attempted_ts,"
                " next_attempt_ts, trace_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.event_id,
                    row.webhook_id,
                    _lower(row.message_id),
                    row.record_type,
                    row.url,
                    row.attempt,
                    row.status,
                    row.outcome,
                    row.response,
                    row.duration_ms,
                    row.attempted_ts,
                    row.next_attempt_ts,
                    row.trace_id,
                ),
            )
            return int(cursor.lastrowid or 0)

    def deliveries(
        self, message_id: str | None = None, webhook_id: int | None = None
    ) -> list[DeliveryRow]:
        """Webhook calls, oldest first, for one message and/or one webhook."""
        filters = {"message_id": _lower(message_id), "webhook_id": webhook_id}
        return [_delivery(r) for r in self._oldest_first("webhook_deliveries", filters)]

    def _oldest_first(self, table: str, filters: dict[str, Any]) -> list[sqlite3.Row]:
        """Rows of ``table`` whose columns equal the filters that are not ``None``.

        ``table`` and the filter names are the callers' fixed SQL names.
        """
        given = {column: value for column, value in filters.items() if value is not None}
        clause = " AND ".join(f"{column} = ?" for column in given)
        where = f" WHERE {clause}" if clause else ""
        sql = f"SELECT * FROM {table}{where} ORDER BY id"  # noqa: S608 - fixed names only
        return self._query(sql, list(given.values()))


def received_ts(value: Any) -> float:
    """``received_at`` as epoch seconds, from a number or an ISO 8601 text (0 if unreadable)."""
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    moment = iso_datetime(text)
    return moment.timestamp() if moment is not None else 0.0


def iso_datetime(text: str) -> datetime | None:
    """An ISO 8601 text as a datetime (naive if it has no offset), or None if unreadable."""
    # fromisoformat before 3.11 takes neither "Z" nor seven fraction digits.
    text = text.strip().replace("Z", "+00:00")
    head, dot, tail = text.partition(".")
    if dot:
        digits = len(tail) - len(tail.lstrip("0123456789"))
        text = f"{head}.{tail[:digits][:6].ljust(6, '0')}{tail[digits:]}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _lower(message_id: str | None) -> str | None:
    """MessageIDs are stored lower-cased, as the outbound tables store them."""
    return message_id.lower() if message_id else None


def _event(r: sqlite3.Row) -> EventRow:
    return EventRow(
        id=int(r["id"]),
        server_id=int(r["server_id"]),
        message_id=r["message_id"],
        record_type=str(r["record_type"]),
        received_at=str(r["received_at"]),
        payload=json.loads(r["payload"]),
    )


def _delivery(r: sqlite3.Row) -> DeliveryRow:
    return DeliveryRow(
        id=int(r["id"]),
        event_id=int(r["event_id"]),
        webhook_id=int(r["webhook_id"]),
        message_id=r["message_id"],
        record_type=str(r["record_type"]),
        url=str(r["url"]),
        attempt=int(r["attempt"]),
        status=int(r["status"]),
        outcome=str(r["outcome"]),
        response=str(r["response"]),
        duration_ms=float(r["duration_ms"]),
        attempted_ts=float(r["attempted_ts"]),
        next_attempt_ts=None if r["next_attempt_ts"] is None else float(r["next_attempt_ts"]),
        trace_id=str(r["trace_id"]),
    )
