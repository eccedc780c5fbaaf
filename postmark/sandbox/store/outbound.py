"""Outbound mail tables: sent messages (with their metadata), bounces and suppressions.

A message is stored with its bounces and the suppressions they cause in one
transaction. What a bounce or a suppression means lives in
:mod:`postmark.sandbox.rules.delivery` and :mod:`postmark.sandbox.rules.bounces`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .connection import StoreBase, time_range

OUTBOUND_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    pk INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    received_ts REAL NOT NULL,
    status TEXT NOT NULL,
    from_lc TEXT NOT NULL,
    subject TEXT NOT NULL,
    tag_lc TEXT NOT NULL,
    recipients_lc TEXT NOT NULL,
    search_lc TEXT NOT NULL,
    summary_json TEXT NOT NULL,
    content_json TEXT NOT NULL,
    request_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_received ON messages (received_ts);
CREATE TABLE IF NOT EXISTS message_metadata (
    message_pk INTEGER NOT NULL REFERENCES messages (pk) ON DELETE CASCADE,
    key_lc TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (message_pk, key_lc)
);
CREATE TABLE IF NOT EXISTS bounces (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    stream TEXT NOT NULL,
    type TEXT NOT NULL,
    email TEXT NOT NULL,
    email_lc TEXT NOT NULL,
    tag TEXT NOT NULL,
    from_raw TEXT NOT NULL,
    subject TEXT NOT NULL,
    bounced_ts REAL NOT NULL,
    inactive INTEGER NOT NULL,
    can_activate INTEGER NOT NULL,
    details TEXT NOT NULL,
    dump TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bounces_message ON bounces (message_id);
CREATE INDEX IF NOT EXISTS bounces_email ON bounces (stream, email_lc);
CREATE TABLE IF NOT EXISTS suppressions (
    stream TEXT NOT NULL,
    email_lc TEXT NOT NULL,
    email TEXT NOT NULL,
    reason TEXT NOT NULL,
    origin TEXT NOT NULL,
    created_ts REAL NOT NULL,
    PRIMARY KEY (stream, email_lc)
);
"""
OUTBOUND_TABLES = ("message_metadata", "messages", "bounces", "suppressions")


@dataclass
class NewMessage:
    """A message to store; ``summary`` is Postmark's search-result JSON for it."""

    message_id: str
    stream: str
    received_ts: float
    from_raw: str
    subject: str
    tag: str
    recipients: list[str]
    summary: dict[str, Any]
    content: dict[str, Any]
    request: Any
    metadata: dict[str, str] = field(default_factory=dict)
    status: str = "Sent"


@dataclass
class MessageRow:
    """A stored message."""

    pk: int
    message_id: str
    stream: str
    received_ts: float
    status: str
    summary: dict[str, Any]
    content: dict[str, Any]
    request: Any


@dataclass
class NewBounce:
    """A bounce to record with its message."""

    message_id: str
    stream: str
    type: str
    email: str
    tag: str
    from_raw: str
    subject: str
    bounced_ts: float
    inactive: bool
    can_activate: bool
    details: str
    dump: str


@dataclass
class BounceRow(NewBounce):
    """A stored bounce."""

    id: int = 0


@dataclass
class SuppressionRow:
    """One suppressed address on one stream."""

    stream: str
    email: str
    reason: str
    origin: str
    created_ts: float


@dataclass
class MessageFilter:
    """Outbound search filters (already lower-cased where matching ignores case)."""

    stream: str = "outbound"
    recipient: str | None = None
    from_email: str | None = None
    tag: str | None = None
    status: str | None = None
    subject: str | None = None
    from_ts: float | None = None
    to_ts: float | None = None
    metadata: tuple[str, str] | None = None


@dataclass
class BounceFilter:
    """Bounce search filters."""

    stream: str = "outbound"
    type: str | None = None
    inactive: bool | None = None
    email: str | None = None
    tag: str | None = None
    message_id: str | None = None
    from_ts: float | None = None
    to_ts: float | None = None


class OutboundTables(StoreBase):
    """Messages, bounces and suppressions."""

    # --- messages -------------------------------------------------------------

    def add_message(
        self,
        message: NewMessage,
        bounces: Sequence[NewBounce] = (),
        suppressions: Sequence[SuppressionRow] = (),
    ) -> list[int]:
        """Store a message with its bounces and suppressions; return the bounce IDs."""
        recipients = "\n" + "\n".join(r.lower() for r in message.recipients) + "\n"
        search = "\n".join(
            [message.subject, message.from_raw, recipients, message.tag, message.message_id]
        ).lower()
        with self._tx() as conn:
            pk = conn.execute(
                "INSERT INTO messages (message_id, stream, received_ts, status, from_lc, subject,"
                " tag_lc, recipients_lc, search_lc, summary_json, content_json, request_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    message.message_id.lower(),
                    message.stream,
                    message.received_ts,
                    message.status,
                    message.from_raw.lower(),
                    message.subject,
                    message.tag.lower(),
                    recipients,
                    search,
                    json.dumps(message.summary),
                    json.dumps(message.content),
                    json.dumps(message.request),
                ),
            ).lastrowid
            conn.executemany(
                "INSERT INTO message_metadata (message_pk, key_lc, value) VALUES (?, ?, ?)",
                [(pk, key.lower(), value) for key, value in message.metadata.items()],
            )
            ids = [self._insert_bounce(conn, bounce) for bounce in bounces]
            for row in suppressions:
                self._insert_suppression(conn, row)
        return ids

    def message(self, message_id: str) -> MessageRow | None:
        """The message with this ``MessageID`` (any case)."""
        rows = self._query("SELECT * FROM messages WHERE message_id = ?", (message_id.lower(),))
        return _message(rows[0]) if rows else None

    def all_messages(self) -> list[MessageRow]:
        """Every stored message, oldest first."""
        return [_message(r) for r in self._query("SELECT * FROM messages ORDER BY pk")]

    def messages_page(self, count: int, offset: int) -> tuple[int, list[MessageRow]]:
        """One page of every stream's messages, oldest first, and how many there are."""
        total, rows = self._page("messages", [], [], "pk", count, offset)
        return total, [_message(r) for r in rows]

    def search_messages(
        self, flt: MessageFilter, count: int, offset: int
    ) -> tuple[int, list[MessageRow]]:
        """One page of matching messages, newest first, and the total match count."""
        where, params = _message_where(flt)
        return self._message_page(where, params, count, offset)

    def _message_page(
        self, where: list[str], params: list[Any], count: int, offset: int
    ) -> tuple[int, list[MessageRow]]:
        total, rows = self._page(
            "messages", where, params, "received_ts DESC, pk DESC", count, offset
        )
        return total, [_message(r) for r in rows]

    # --- bounces --------------------------------------------------------------

    @staticmethod
    def _insert_bounce(conn: sqlite3.Connection, b: NewBounce) -> int:
        cursor = conn.execute(
            "INSERT INTO bounces (message_id, stream, type, email, email_lc, tag, from_raw,"
            " subject, bounced_ts, inactive, can_activate, details, dump)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                b.message_id.lower(),
                b.stream,
                b.type,
                b.email,
                b.email.lower(),
                b.tag,
                b.from_raw,
                b.subject,
                b.bounced_ts,
                int(b.inactive),
                int(b.can_activate),
                b.details,
                b.dump,
            ),
        )
        return int(cursor.lastrowid or 0)

    def bounce(self, bounce_id: int) -> BounceRow | None:
        """The bounce with this ID."""
        rows = self._query("SELECT * FROM bounces WHERE id = ?", (bounce_id,))
        return _bounce(rows[0]) if rows else None

    def bounces_for_message(self, message_id: str) -> list[BounceRow]:
        """Bounces of one message, oldest first."""
        rows = self._query(
            "SELECT * FROM bounces WHERE message_id = ? ORDER BY id", (message_id.lower(),)
        )
        return [_bounce(r) for r in rows]

    def all_bounces(self) -> list[BounceRow]:
        """Every bounce, newest first."""
        return [_bounce(r) for r in self._query("SELECT * FROM bounces ORDER BY id DESC")]

    def search_bounces(
        self, flt: BounceFilter, count: int | None, offset: int
    ) -> tuple[int, list[BounceRow]]:
        """One page of matching bounces, newest first, and the total match count."""
        where, params = _bounce_where(flt)
        total, rows = self._page(
            "bounces", where, params, "bounced_ts DESC, id DESC", count, offset
        )
        return total, [_bounce(r) for r in rows]

    def bounce_counts(self) -> dict[str, int]:
        """Number of bounces per type, every stream."""
        rows = self._query("SELECT type, COUNT(*) AS n FROM bounces GROUP BY type")
        return {str(r["type"]): int(r["n"]) for r in rows}

    def reactivate(self, stream: str, email: str) -> None:
        """Drop the address's suppression on ``stream`` and mark its bounces active."""
        with self._tx() as conn:
            conn.execute(
                "DELETE FROM suppressions WHERE stream = ? AND email_lc = ?",
                (stream, email.lower()),
            )
            conn.execute(
                "UPDATE bounces SET inactive = 0 WHERE stream = ? AND email_lc = ?",
                (stream, email.lower()),
            )

    # --- suppressions ---------------------------------------------------------

    @staticmethod
    def _insert_suppression(conn: sqlite3.Connection, row: SuppressionRow) -> bool:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO suppressions (stream, email_lc, email, reason, origin,"
            " created_ts) VALUES (?, ?, ?, ?, ?, ?)",
            (row.stream, row.email.lower(), row.email, row.reason, row.origin, row.created_ts),
        )
        return cursor.rowcount > 0

    def add_suppression(self, row: SuppressionRow) -> bool:
        """Suppress an address; ``False`` when it already was (the old row is kept)."""
        with self._tx() as conn:
            return self._insert_suppression(conn, row)

    def suppression(self, stream: str, email: str) -> SuppressionRow | None:
        """The suppression of ``email`` on ``stream``, if any."""
        rows = self._query(
            "SELECT * FROM suppressions WHERE stream = ? AND email_lc = ?", (stream, email.lower())
        )
        return _suppression(rows[0]) if rows else None

    def suppressed_among(self, stream: str, emails: Sequence[str]) -> set[str]:
        """The lower-cased addresses of ``emails`` suppressed on ``stream``."""
        wanted = sorted({e.lower() for e in emails})
        if not wanted:
            return set()
        marks = ",".join("?" * len(wanted))
        rows = self._query(
            f"SELECT email_lc FROM suppressions WHERE stream = ? AND email_lc IN ({marks})",  # noqa: S608
            [stream, *wanted],
        )
        return {str(r["email_lc"]) for r in rows}

    def suppressions(self, stream: str | None = None) -> list[SuppressionRow]:
        """Suppressions of one stream (or all), oldest first."""
        if stream is None:
            rows = self._query("SELECT * FROM suppressions ORDER BY created_ts")
        else:
            rows = self._query(
                "SELECT * FROM suppressions WHERE stream = ? ORDER BY created_ts", (stream,)
            )
        return [_suppression(r) for r in rows]


def _message_where(flt: MessageFilter) -> tuple[list[str], list[Any]]:
    where: list[str] = ["stream = ?"]
    params: list[Any] = [flt.stream]
    for column, value in (
        ("recipients_lc", flt.recipient),
        ("from_lc", flt.from_email),
        ("lower(subject)", flt.subject),
    ):
        if value:
            where.append(f"instr({column}, ?) > 0")
            params.append(value.lower())
    if flt.tag is not None:
        where.append("tag_lc = ?")
        params.append(flt.tag.lower())
    if flt.status is not None:
        where.append("status = ?")
        params.append(flt.status)
    time_range(where, params, "received_ts", flt.from_ts, flt.to_ts)
    if flt.metadata is not None:
        where.append(
            "EXISTS (SELECT 1 FROM message_metadata mm WHERE mm.message_pk = messages.pk"
            " AND mm.key_lc = ? AND mm.value = ?)"
        )
        params.extend([flt.metadata[0].lower(), flt.metadata[1]])
    return where, params


def _bounce_where(flt: BounceFilter) -> tuple[list[str], list[Any]]:
    where: list[str] = ["stream = ?"]
    params: list[Any] = [flt.stream]
    if flt.type is not None:
        where.append("type = ?")
        params.append(flt.type)
    if flt.inactive is not None:
        where.append("inactive = ?")
        params.append(int(flt.inactive))
    if flt.email:
        where.append("instr(email_lc, ?) > 0")
        params.append(flt.email.lower())
    if flt.tag is not None:
        where.append("lower(tag) = ?")
        params.append(flt.tag.lower())
    if flt.message_id is not None:
        where.append("message_id = ?")
        params.append(flt.message_id.lower())
    time_range(where, params, "bounced_ts", flt.from_ts, flt.to_ts)
    return where, params


def _message(r: sqlite3.Row) -> MessageRow:
    return MessageRow(
        pk=int(r["pk"]),
        message_id=str(r["message_id"]),
        stream=str(r["stream"]),
        received_ts=float(r["received_ts"]),
        status=str(r["status"]),
        summary=json.loads(r["summary_json"]),
        content=json.loads(r["content_json"]),
        request=json.loads(r["request_json"]),
    )


def _bounce(r: sqlite3.Row) -> BounceRow:
    return BounceRow(
        id=int(r["id"]),
        message_id=str(r["message_id"]),
        stream=str(r["stream"]),
        type=str(r["type"]),
        email=str(r["email"]),
        tag=str(r["tag"]),
        from_raw=str(r["from_raw"]),
        subject=str(r["subject"]),
        bounced_ts=float(r["bounced_ts"]),
        inactive=bool(r["inactive"]),
        can_activate=bool(r["can_activate"]),
        details=str(r["details"]),
        dump=str(r["dump"]),
    )


def _suppression(r: sqlite3.Row) -> SuppressionRow:
    return SuppressionRow(
        stream=str(r["stream"]),
        email=str(r["email"]),
        reason=str(r["reason"]),
        origin=str(r["origin"]),
        created_ts=float(r["created_ts"]),
    )
