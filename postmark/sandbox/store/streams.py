"""The streams table: message streams, with the three every server starts with.

Stream rules (IDs, types, archiving) live in :mod:`postmark.sandbox.rules.streams`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ..rules import clock
from .connection import StoreBase

STREAMS_SCHEMA = """
CREATE TABLE IF NOT EXISTS streams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    type TEXT NOT NULL,
    unsubscribe TEXT NOT NULL,
    created_ts REAL NOT NULL,
    updated_ts REAL,
    archived_ts REAL
);
"""

# A new Postmark server has these three streams (SDK live tests name the
# broadcast one ``broadcast``).
DEFAULT_STREAMS = (
    ("outbound", "Default Transactional Stream", "Transactional", "None"),
    ("inbound", "Default Inbound Stream", "Inbound", "None"),
    ("broadcast", "Default Broadcast Stream", "Broadcasts", "Postmark"),
)


@dataclass
class StreamRow:
    """A message stream."""

    id: str
    name: str
    description: str | None
    type: str
    unsubscribe: str
    created_ts: float
    updated_ts: float | None
    archived_ts: float | None


class StreamTables(StoreBase):
    """Message streams; :meth:`_seed_streams` adds the default ones."""

    def _seed_streams(self) -> None:
        with self._tx() as conn:
            for stream_id, name, kind, unsubscribe in DEFAULT_STREAMS:
                conn.execute(
                    "INSERT OR IGNORE INTO streams (id, name, description, type, unsubscribe,"
                    " created_ts) VALUES (?, ?, NULL, ?, ?, ?)",
                    (stream_id, name, kind, unsubscribe, clock.now()),
                )

    def streams(self) -> list[StreamRow]:
        """Every stream, default ones first."""
        return [_stream(r) for r in self._query("SELECT * FROM streams ORDER BY rowid")]

    def stream(self, stream_id: str) -> StreamRow | None:
        """The stream with this ID (any case)."""
        rows = self._query("SELECT * FROM streams WHERE id = ?", (stream_id.lower(),))
        return _stream(rows[0]) if rows else None

    def add_stream(self, row: StreamRow) -> None:
        """Insert a new stream (its ID already checked to be free)."""
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO streams (id, name, description, type, unsubscribe, created_ts,"
                " updated_ts, archived_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.id,
                    row.name,
                    row.description,
                    row.type,
                    row.unsubscribe,
                    row.created_ts,
                    row.updated_ts,
                    row.archived_ts,
                ),
            )

    def update_stream(self, row: StreamRow) -> None:
        """Write the changeable fields of a stream (its ID and type never change)."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE streams SET name = ?, description = ?, unsubscribe = ?, updated_ts = ?,"
                " archived_ts = ? WHERE id = ?",
                (
                    row.name,
                    row.description,
                    row.unsubscribe,
                    row.updated_ts,
                    row.archived_ts,
                    row.id,
                ),
            )


def _stream(r: sqlite3.Row) -> StreamRow:
    return StreamRow(
        id=str(r["id"]),
        name=str(r["name"]),
        description=r["description"],
        type=str(r["type"]),
        unsubscribe=str(r["unsubscribe"]),
        created_ts=float(r["created_ts"]),
        updated_ts=r["updated_ts"],
        archived_ts=r["archived_ts"],
    )
