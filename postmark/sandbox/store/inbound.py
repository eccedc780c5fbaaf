"""Inbound tables: received messages and the inbound rules that block senders.

A received message is kept as the full inbound webhook JSON (attachment
content included, so a retry can post it again) plus lower-cased columns
for the search filters. What a status means and how a message is processed
lives in :mod:`postmark.sandbox.rules.inbound`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from .connection import StoreBase, time_range

INBOUND_SCHEMA = """
CREATE TABLE IF NOT EXISTS inbound (
    pk INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    received_ts REAL NOT NULL,
    status TEXT NOT NULL,
    blocked_reason TEXT,
    from_lc TEXT NOT NULL,
    subject_lc TEXT NOT NULL,
    tag_lc TEXT NOT NULL,
    recipients_lc TEXT NOT NULL,
    mailbox_hash_lc TEXT NOT NULL,
    message_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inbound_received ON inbound (received_ts);
CREATE TABLE IF NOT EXISTS inbound_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule TEXT NOT NULL,
    rule_lc TEXT NOT NULL UNIQUE
);
"""
INBOUND_TABLES = ("inbound", "inbound_rules")


@dataclass
class InboundRow:
    """A received message; ``message`` is its inbound webhook JSON."""

    message_id: str
    stream: str
    received_ts: float
    status: str
    blocked_reason: str | None
    message: dict[str, Any]
    pk: int = 0


@dataclass
class InboundFilter:
    """Inbound search filters; ``status`` is Postmark's capitalised status."""

    status: str
    recipient: str | None = None
    from_email: str | None = None
    subject: str | None = None
    mailbox_hash: str | None = None
    tag: str | None = None
    from_ts: float | None = None
    to_ts: float | None = None


@dataclass
class RuleRow:
    """An inbound rule: an email address or a domain to block."""

    id: int
    rule: str


def _recipients(message: dict[str, Any]) -> str:
    """Every recipient address, one per line (so a search can match whole lines or parts)."""
    emails = [
        str(entry.get("Email") or "")
        for key in ("ToFull", "CcFull", "BccFull")
        for entry in message.get(key) or []
        if isinstance(entry, dict)
    ]
    emails.append(str(message.get("OriginalRecipient") or ""))
    return "\n" + "\n".join(e.lower() for e in emails if e) + "\n"


class InboundTables(StoreBase):
    """Received messages and inbound rules."""

    # --- messages -------------------------------------------------------------------

    def add_inbound(self, row: InboundRow) -> None:
        """Store a received message."""
        message = row.message
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO inbound (message_id, stream, received_ts, status, blocked_reason,"
                " from_lc, subject_lc, tag_lc, recipients_lc, mailbox_hash_lc, message_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.message_id.lower(),
                    row.stream,
                    row.received_ts,
                    row.status,
                    row.blocked_reason,
                    str(message.get("From") or "").lower(),
                    str(message.get("Subject") or "").lower(),
                    str(message.get("Tag") or "").lower(),
                    _recipients(message),
                    str(message.get("MailboxHash") or "").lower(),
                    json.dumps(message),
                ),
            )

    def inbound(self, message_id: str) -> InboundRow | None:
        """The received message with this ``MessageID`` (any case)."""
        rows = self._query("SELECT * FROM inbound WHERE message_id = ?", (message_id.lower(),))
        return _inbound(rows[0]) if rows else None

    def all_inbound(self) -> list[InboundRow]:
        """Every received message, oldest first."""
        return [_inbound(r) for r in self._query("SELECT * FROM inbound ORDER BY pk")]

    def set_inbound_status(self, message_id: str, status: str, blocked_reason: str | None) -> None:
        """Record the outcome of a bypass or a retry."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE inbound SET status = ?, blocked_reason = ? WHERE message_id = ?",
                (status, blocked_reason, message_id.lower()),
            )

    def search_inbound(
        self, flt: InboundFilter, count: int, offset: int
    ) -> tuple[int, list[InboundRow]]:
        """One page of matching messages, newest first, and the total match count."""
        where: list[str] = ["status = ?"]
        params: list[Any] = [flt.status]
        for column, value in (
            ("recipients_lc", flt.recipient),
            ("from_lc", flt.from_email),
            ("subject_lc", flt.subject),
        ):
            if value:
                where.append(f"instr({column}, ?) > 0")
                params.append(value.lower())
        for column, value in (("mailbox_hash_lc", flt.mailbox_hash), ("tag_lc", flt.tag)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value.lower())
        time_range(where, params, "received_ts", flt.from_ts, flt.to_ts)
        total, rows = self._page(
            "inbound", where, params, "received_ts DESC, pk DESC", count, offset
        )
        return total, [_inbound(r) for r in rows]

    # --- rules ----------------------------------------------------------------------

    def add_rule(self, rule: str) -> int | None:
        """Add a rule; ``None`` when the same rule (any case) exists already."""
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO inbound_rules (rule, rule_lc) VALUES (?, ?)",
                (rule, rule.lower()),
            )
            return int(cursor.lastrowid or 0) if cursor.rowcount else None

    def rule(self, rule_id: int) -> RuleRow | None:
        """The rule with this ID."""
        rows = self._query("SELECT id, rule FROM inbound_rules WHERE id = ?", (rule_id,))
        return RuleRow(int(rows[0]["id"]), str(rows[0]["rule"])) if rows else None

    def rules(self, count: int | None = None, offset: int = 0) -> tuple[int, list[RuleRow]]:
        """One page of rules, oldest first, and how many there are."""
        total, rows = self._page("inbound_rules", [], [], "id", count, offset)
        return total, [RuleRow(int(r["id"]), str(r["rule"])) for r in rows]

    def delete_rule(self, rule_id: int) -> None:
        """Remove a rule."""
        with self._tx() as conn:
            conn.execute("DELETE FROM inbound_rules WHERE id = ?", (rule_id,))


def _inbound(r: sqlite3.Row) -> InboundRow:
    return InboundRow(
        pk=int(r["pk"]),
        message_id=str(r["message_id"]),
        stream=str(r["stream"]),
        received_ts=float(r["received_ts"]),
        status=str(r["status"]),
        blocked_reason=r["blocked_reason"],
        message=json.loads(r["message_json"]),
    )
