"""Erasing one address's data: what a data removal (``POST /data-removals``) does.

Sent messages to the address (with their metadata, bounces, events and
webhook calls), its bounces and suppressions, and inbound mail from it, in
one transaction.
"""

from __future__ import annotations

from .connection import StoreBase


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
            marks = ",".join("?" * len(ids))
            conn.execute(f"DELETE FROM events WHERE lower(message_id) IN ({marks})", ids)  # noqa: S608
            conn.execute(
                f"DELETE FROM webhook_deliveries WHERE message_id IN ({marks})",  # noqa: S608
                ids,
            )
            conn.execute(f"DELETE FROM bounces WHERE message_id IN ({marks})", ids)  # noqa: S608
            conn.execute("DELETE FROM messages WHERE instr(recipients_lc, ?) > 0", (framed,))
            conn.execute("DELETE FROM bounces WHERE email_lc = ?", (address,))
            conn.execute("DELETE FROM suppressions WHERE email_lc = ?", (address,))
            conn.execute(
                "DELETE FROM inbound WHERE from_lc = ? OR instr(from_lc, ?) > 0",
                (address, f"<{address}>"),
            )
        return len(ids)
