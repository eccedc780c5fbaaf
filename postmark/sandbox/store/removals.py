"""Deleting sent messages: a data removal (``POST /data-removals``) and the web inbox.

A deleted message goes with everything about it, in one transaction: its
metadata and inbox read mark (foreign-key cascade), its bounces, events and
webhook calls (:meth:`RemovalTables.delete_messages`, the one place that
knows what belongs to a message). Suppressions stay: they are about an
address, not a message. Erasing an address (:meth:`RemovalTables.erase_address`)
also drops its bounces and suppressions, and inbound mail from it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from .connection import StoreBase

# IDs per statement, well under SQLite's limit on bound parameters.
_CHUNK = 500


def _drop_messages(conn: sqlite3.Connection, ids: Sequence[str]) -> int:
    """Delete these (lower-cased) MessageIDs and what belongs to them; return how many."""
    deleted = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ",".join("?" * len(chunk))
        for sql in (
            f"DELETE FROM events WHERE lower(message_id) IN ({marks})",  # noqa: S608
            f"DELETE FROM webhook_deliveries WHERE message_id IN ({marks})",  # noqa: S608
            f"DELETE FROM bounces WHERE message_id IN ({marks})",  # noqa: S608
        ):
            conn.execute(sql, chunk)
        cursor = conn.execute(f"DELETE FROM messages WHERE message_id IN ({marks})", chunk)  # noqa: S608
        deleted += int(cursor.rowcount)
    return deleted


class RemovalTables(StoreBase):
    """Deletes across the outbound, inbound and event tables."""

    def erase_address(self, email: str) -> int:
        """Delete everything about ``email`` (any case); return how many messages went."""
        address = email.lower()
        framed = f"\n{address}\n"  # recipients_lc holds one address per line
        with self._tx() as conn:
            ids = [
                str(r[0])
                for r in conn.execute(
                    "SELECT message_id FROM messages WHERE instr(recipients_lc, ?) > 0", (framed,)
                )
            ]
            _drop_messages(conn, ids)
            conn.execute("DELETE FROM bounces WHERE email_lc = ?", (address,))
            conn.execute("DELETE FROM suppressions WHERE email_lc = ?", (address,))
            conn.execute(
                "DELETE FROM inbound WHERE from_lc = ? OR instr(from_lc, ?) > 0",
                (address, f"<{address}>"),
            )
        return len(ids)

    def delete_messages(self, message_ids: Sequence[str]) -> int:
        """Delete sent messages by MessageID (any case); return how many there were."""
        with self._tx() as conn:
            return _drop_messages(conn, [m.lower() for m in message_ids])

    def delete_all_messages(self) -> int:
        """Delete every sent message (and what belongs to each); return how many."""
        with self._tx() as conn:
            ids = [str(r[0]) for r in conn.execute("SELECT message_id FROM messages")]
            return _drop_messages(conn, ids)
