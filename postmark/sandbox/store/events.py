"""Event tables: outbound events (the webhook JSON of each) and webhook delivery attempts.

``events`` is shared with the statistics routes, so its shape is fixed:
``server_id`` is the server the message was sent through, ``message_id``
the lower-cased MessageID, ``record_type`` Postmark's ``RecordType``
(Delivery, Bounce, SpamComplaint, Open, Click, SubscriptionChange),
``received_at`` the event time as a UTC ISO 8601 text with a ``Z``
(``2024-05-14T13:25:02.4178640Z``: it sorts as it reads, so date filters
are plain text comparisons) and ``payload`` the webhook JSON, before any
per-webhook addition such as a bounce's ``Content``.

``webhook_deliveries`` holds one row per call to a webhook (and one per
webhook that was not called, with the reason). What the rows mean lives in
:mod:`postmark.sandbox.rules.events` and
:mod:`postmark.sandbox.rules.webhook_delivery`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
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
                    row.message_id.lower() if row.message_id else None,
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
        where: list[str] = []
        params: list[Any] = []
        if message_id is not None:
            where.append("message_id = ?")
            params.append(message_id.lower())
        if record_type is not None:
            where.append("record_type = ?")
            params.append(record_type)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._query(f"SELECT * FROM events{clause} ORDER BY id", params)  # noqa: S608
        return [_event(r) for r in rows]

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
                    row.message_id.lower() if row.message_id else None,
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
        where: list[str] = []
        params: list[Any] = []
        if message_id is not None:
            where.append("message_id = ?")
            params.append(message_id.lower())
        if webhook_id is not None:
            where.append("webhook_id = ?")
            params.append(webhook_id)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._query(
            f"SELECT * FROM webhook_deliveries{clause} ORDER BY id",  # noqa: S608
            params,
        )
        return [_delivery(r) for r in rows]


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
