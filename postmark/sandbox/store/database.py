"""SQLite storage for the sandbox: schema, queries, one lock.

One connection serves every thread, guarded by a re-entrant lock, so a
``":memory:"`` database is shared by all request threads and every write is
one transaction (a message, its metadata and its bounces land together or
not at all). A file database uses WAL journaling and survives restarts.

This module holds outbound mail (messages, bounces, suppressions), templates
and streams; :mod:`.settings` (server settings, webhooks) and
:mod:`.inbound` (received messages, inbound rules) add their tables to
the same :class:`Store`.

The store knows tables and filters, not Postmark's rules: routes decide what
a row means and how it is shown.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..rules import clock
from .connection import time_range
from .inbound import INBOUND_SCHEMA, INBOUND_TABLES, InboundTables
from .settings import SETTINGS_SCHEMA, SETTINGS_TABLES, SettingsTables

# 2: server settings, webhooks, inbound messages and rules (new tables only, so a
# version-1 file opens unchanged and gains them).
SCHEMA_VERSION = 2

_SCHEMA = """
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
CREATE TABLE IF NOT EXISTS templates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    alias TEXT,
    subject TEXT,
    html_body TEXT,
    text_body TEXT,
    template_type TEXT NOT NULL,
    layout_template TEXT,
    active INTEGER NOT NULL
);
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
class TemplateRow:
    """A stored template; ``id`` is 0 until inserted."""

    name: str
    alias: str | None
    subject: str | None
    html_body: str | None
    text_body: str | None
    template_type: str
    layout_template: str | None
    active: bool = True
    id: int = 0


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


class Store(InboundTables, SettingsTables):
    """Thread-safe access to the sandbox database."""

    def __init__(self, path: str = ":memory:") -> None:
        super().__init__(path)
        with self._lock:
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(_SCHEMA + SETTINGS_SCHEMA + INBOUND_SCHEMA)
            self._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self._seed_streams()

    def _seed_streams(self) -> None:
        with self._tx() as conn:
            for stream_id, name, kind, unsubscribe in DEFAULT_STREAMS:
                conn.execute(
                    "INSERT OR IGNORE INTO streams (id, name, description, type, unsubscribe,"
                    " created_ts) VALUES (?, ?, NULL, ?, ?, ?)",
                    (stream_id, name, kind, unsubscribe, clock.now()),
                )

    def clear(self) -> None:
        """Forget everything stored; the default streams and server settings come back."""
        tables = (
            *("message_metadata", "messages", "bounces", "suppressions", "templates"),
            *SETTINGS_TABLES,
            *INBOUND_TABLES,
        )
        with self._tx() as conn:
            for table in tables:
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            conn.execute("DELETE FROM streams")
        self._seed_streams()

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

    def search_messages(
        self, flt: MessageFilter, count: int, offset: int
    ) -> tuple[int, list[MessageRow]]:
        """One page of matching messages, newest first, and the total match count."""
        where, params = _message_where(flt)
        return self._message_page(where, params, count, offset)

    def inbox_messages(self, query: str, count: int, offset: int) -> tuple[int, list[MessageRow]]:
        """Messages of every stream whose text contains ``query``, newest first."""
        where, params = (["instr(search_lc, ?) > 0"], [query.lower()]) if query else ([], [])
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

    def delete_suppression(self, stream: str, email: str) -> None:
        """Remove a suppression without touching bounces."""
        with self._tx() as conn:
            conn.execute(
                "DELETE FROM suppressions WHERE stream = ? AND email_lc = ?",
                (stream, email.lower()),
            )

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

    # --- templates ------------------------------------------------------------

    def add_template(self, row: TemplateRow) -> int:
        """Insert a template; return its ID."""
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO templates (name, alias, subject, html_body, text_body, template_type,"
                " layout_template, active) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                _template_values(row),
            )
            return int(cursor.lastrowid or 0)

    def update_template(self, row: TemplateRow) -> None:
        """Write every field of an existing template."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE templates SET name = ?, alias = ?, subject = ?, html_body = ?,"
                " text_body = ?, template_type = ?, layout_template = ?, active = ? WHERE id = ?",
                (*_template_values(row), int(row.active), row.id),
            )

    def template(self, id_or_alias: str) -> TemplateRow | None:
        """A template by numeric ID, or by alias (any case; active ones first)."""
        if id_or_alias.isdigit():
            rows = self._query("SELECT * FROM templates WHERE id = ?", (int(id_or_alias),))
        else:
            rows = self._query(
                "SELECT * FROM templates WHERE lower(alias) = ? ORDER BY active DESC, id DESC",
                (id_or_alias.lower(),),
            )
        return _template(rows[0]) if rows else None

    def templates(self) -> list[TemplateRow]:
        """Active templates, by ID."""
        rows = self._query("SELECT * FROM templates WHERE active = 1 ORDER BY id")
        return [_template(r) for r in rows]

    # --- streams --------------------------------------------------------------

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


def _template_values(row: TemplateRow) -> tuple[Any, ...]:
    return (
        row.name,
        row.alias,
        row.subject,
        row.html_body,
        row.text_body,
        row.template_type,
        row.layout_template,
    )


def _template(r: sqlite3.Row) -> TemplateRow:
    return TemplateRow(
        id=int(r["id"]),
        name=str(r["name"]),
        alias=r["alias"],
        subject=r["subject"],
        html_body=r["html_body"],
        text_body=r["text_body"],
        template_type=str(r["template_type"]),
        layout_template=r["layout_template"],
        active=bool(r["active"]),
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
