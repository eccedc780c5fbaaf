"""What the web inbox keeps beside the messages: read marks, and its list search.

``inbox_read`` holds one row per message the inbox has shown (or was told
is read); deleting a message drops its mark by foreign-key cascade.
:class:`InboxQuery` is the list's search (``from:``, ``to:``, ``subject:``,
``tag:``, ``stream:``, free text and the filters), already parsed; matching
ignores case: ``from:``/``to:``/``subject:`` and free-text words are
substrings (free text of the subject, addresses, tag and MessageID),
``tag:`` and ``stream:`` are whole values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .connection import StoreBase
from .outbound import MessageRow, OutboundTables

INBOX_SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox_read (
    message_pk INTEGER PRIMARY KEY REFERENCES messages (pk) ON DELETE CASCADE
);
"""
INBOX_TABLES = ("inbox_read",)
#: ``InboxQuery.status`` values that are not a stored message status.
BOUNCED, READ, UNREAD = "bounced", "read", "unread"
_BOUNCED_SQL = "EXISTS (SELECT 1 FROM bounces b WHERE b.message_id = messages.message_id)"
_READ_SQL = "pk IN (SELECT message_pk FROM inbox_read)"


@dataclass
class InboxQuery:
    """The inbox list's search; every given part must match (values as typed)."""

    words: list[str] = field(default_factory=list)
    from_: list[str] = field(default_factory=list)
    to: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    stream: list[str] = field(default_factory=list)
    #: A stored status (``Sent``, ``Queued``...), or ``bounced``, ``read``, ``unread``.
    status: str | None = None


def _where(query: InboxQuery) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []

    def add(sql: str, values: Sequence[str], lower: bool = True) -> None:
        for value in values:
            where.append(sql)
            params.append(value.lower() if lower else value)

    add("instr(search_lc, ?) > 0", query.words)
    add("instr(from_lc, ?) > 0", query.from_)
    add("instr(recipients_lc, ?) > 0", query.to)
    # search_lc starts with the lower-cased subject.
    add("instr(substr(search_lc, 1, length(subject)), ?) > 0", query.subject)
    add("tag_lc = ?", query.tag)
    add("lower(stream) = ?", query.stream)
    status = query.status
    if status == BOUNCED:
        where.append(_BOUNCED_SQL)
    elif status == READ:
        where.append(_READ_SQL)
    elif status == UNREAD:
        where.append(f"NOT {_READ_SQL}")
    elif status:
        add("lower(status) = ?", [status])
    return where, params


class InboxTables(OutboundTables, StoreBase):
    """Read marks and the inbox's message search."""

    def inbox_messages(
        self, query: InboxQuery, count: int, offset: int
    ) -> tuple[int, list[MessageRow]]:
        """One page of matching messages of every stream, newest first, and the match count."""
        where, params = _where(query)
        return self._message_page(where, params, count, offset)

    def inbox_statuses(self) -> list[str]:
        """The stored message statuses (``Sent``, ``Queued``, ...), sorted."""
        rows = self._query("SELECT DISTINCT status FROM messages ORDER BY status")
        return [str(r[0]) for r in rows]

    def inbox_tags(self) -> list[str]:
        """Every tag a message has, as first written, sorted without regard to case."""
        rows = self._query(
            "SELECT json_extract(summary_json, '$.Tag') FROM messages"
            " WHERE tag_lc != '' GROUP BY tag_lc ORDER BY tag_lc"
        )
        return [str(r[0]) for r in rows]

    def set_read(self, message_ids: Sequence[str], read: bool) -> None:
        """Mark messages read (or unread again); unknown IDs are ignored."""
        ids = [m.lower() for m in message_ids]
        marks = ",".join("?" * len(ids))
        pks = f"SELECT pk FROM messages WHERE message_id IN ({marks})"  # noqa: S608
        with self._tx() as conn:
            if read:
                conn.execute(f"INSERT OR IGNORE INTO inbox_read (message_pk) {pks}", ids)
            else:
                conn.execute(f"DELETE FROM inbox_read WHERE message_pk IN ({pks})", ids)  # noqa: S608

    def read_pks(self, pks: Sequence[int]) -> set[int]:
        """Which of these messages (by row ``pk``) are read."""
        marks = ",".join("?" * len(pks))
        rows = self._query(
            f"SELECT message_pk FROM inbox_read WHERE message_pk IN ({marks})",  # noqa: S608
            list(pks),
        )
        return {int(r[0]) for r in rows}
