"""The sandbox's database: one :class:`Store` over every table group, one lock.

One connection serves every thread, guarded by a re-entrant lock, so a
``":memory:"`` database is shared by all request threads and every write is
one transaction (a message, its metadata and its bounces land together or
not at all). A file database uses WAL journaling and survives restarts.

:class:`Store` is assembled here from table groups that share that
connection: outbound mail (:mod:`.outbound`: messages, bounces,
suppressions), :mod:`.templates`, :mod:`.streams`, :mod:`.settings`
(server settings, webhooks), :mod:`.inbound` (received messages,
inbound rules), :mod:`.events` (outbound events, webhook deliveries),
:mod:`.bulk` (bulk requests), :mod:`.inbox_state` (the web inbox's read
marks and search), :mod:`.account` (created servers, domains,
signatures, data removals; used in the default server's store only) and
:mod:`.removals`.

The store knows tables and filters, not Postmark's rules: routes decide what
a row means and how it is shown.
"""

from __future__ import annotations

from .account import ACCOUNT_SCHEMA, ACCOUNT_TABLES, AccountTables
from .bulk import BULK_SCHEMA, BULK_TABLES, BulkTables
from .events import EVENTS_SCHEMA, EVENTS_TABLES, EventTables
from .inbound import INBOUND_SCHEMA, INBOUND_TABLES, InboundTables
from .inbox_state import INBOX_SCHEMA, INBOX_TABLES, InboxTables
from .outbound import OUTBOUND_SCHEMA, OUTBOUND_TABLES, OutboundTables
from .removals import RemovalTables
from .settings import SETTINGS_SCHEMA, SETTINGS_TABLES, SettingsTables
from .streams import STREAMS_SCHEMA, StreamTables
from .templates import TEMPLATE_TABLES, TEMPLATES_SCHEMA, TemplateTables

# 2: server settings, webhooks, inbound messages and rules (new tables only, so a
# version-1 file opens unchanged and gains them).
# 3: events and webhook deliveries, bulk requests, account tables (servers,
# domains, signatures, data removals); new tables only again.
# 4: the web inbox's read marks (inbox_read); a new table only.
SCHEMA_VERSION = 4


class Store(
    InboxTables,
    OutboundTables,
    TemplateTables,
    StreamTables,
    InboundTables,
    SettingsTables,
    EventTables,
    BulkTables,
    AccountTables,
    RemovalTables,
):
    """Thread-safe access to the sandbox database."""

    def __init__(self, path: str = ":memory:") -> None:
        super().__init__(path)
        with self._lock:
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(
                OUTBOUND_SCHEMA
                + TEMPLATES_SCHEMA
                + STREAMS_SCHEMA
                + SETTINGS_SCHEMA
                + INBOUND_SCHEMA
                + EVENTS_SCHEMA
                + BULK_SCHEMA
                + ACCOUNT_SCHEMA
                + INBOX_SCHEMA
            )
            self._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self._seed_streams()

    def clear(self) -> None:
        """Forget everything stored; the default streams and server settings come back."""
        tables = (
            *INBOX_TABLES,
            *OUTBOUND_TABLES,
            *TEMPLATE_TABLES,
            *SETTINGS_TABLES,
            *INBOUND_TABLES,
            *EVENTS_TABLES,
            *BULK_TABLES,
            *ACCOUNT_TABLES,
        )
        with self._tx() as conn:
            for table in tables:
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            conn.execute("DELETE FROM streams")
        self._seed_streams()
