"""The bulk-request table: one row per ``POST /email/bulk``, with its progress.

A request is stored ``Accepted`` with its whole body; the background sender
(:mod:`postmark.sandbox.rules.bulk`) then moves it to ``Processing`` and
``Completed`` as its recipients' messages are stored.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from .connection import StoreBase

BULK_SCHEMA = """
CREATE TABLE IF NOT EXISTS bulk_requests (
    pk INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    submitted_ts REAL NOT NULL,
    status TEXT NOT NULL,
    total INTEGER NOT NULL,
    released INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    subject TEXT NOT NULL,
    request_json TEXT NOT NULL
);
"""
BULK_TABLES = ("bulk_requests",)


@dataclass
class BulkRow:
    """One bulk request and its counts so far."""

    id: str
    submitted_ts: float
    status: str
    total: int
    subject: str
    request: dict[str, Any]
    released: int = 0
    failed: int = 0
    pk: int = 0


class BulkTables(StoreBase):
    """Bulk requests, newest first."""

    def add_bulk(self, row: BulkRow) -> None:
        """Store a new request."""
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO bulk_requests (id, submitted_ts, status, total, subject,"
                " request_json) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    row.id,
                    row.submitted_ts,
                    row.status,
                    row.total,
                    row.subject,
                    json.dumps(row.request),
                ),
            )

    def bulk_progress(self, bulk_id: str, status: str, released: int, failed: int) -> None:
        """Record how far a request has got."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE bulk_requests SET status = ?, released = ?, failed = ? WHERE id = ?",
                (status, released, failed, bulk_id),
            )

    def bulk(self, bulk_id: str) -> BulkRow | None:
        """One request by ID (any case)."""
        rows = self._query("SELECT * FROM bulk_requests WHERE id = ?", (bulk_id.lower(),))
        return _bulk(rows[0]) if rows else None

    def bulks_before(self, before_pk: int | None, count: int) -> list[BulkRow]:
        """Up to ``count`` requests older than ``before_pk`` (all when None), newest first."""
        rows = self._query(
            "SELECT * FROM bulk_requests WHERE pk < ? ORDER BY pk DESC LIMIT ?",
            (before_pk if before_pk is not None else 2**63 - 1, count),
        )
        return [_bulk(r) for r in rows]


def _bulk(r: sqlite3.Row) -> BulkRow:
    return BulkRow(
        pk=int(r["pk"]),
        id=str(r["id"]),
        submitted_ts=float(r["submitted_ts"]),
        status=str(r["status"]),
        total=int(r["total"]),
        released=int(r["released"]),
        failed=int(r["failed"]),
        subject=str(r["subject"]),
        request=json.loads(r["request_json"]),
    )
