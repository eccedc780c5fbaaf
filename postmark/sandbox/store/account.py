"""Account tables: the created servers, domains, sender signatures and data removals.

They live in the default server's database only (the account is one per
sandbox). Domains, signatures and removals are kept as Postmark's JSON
objects (``data_json``) beside the columns they are looked up by; what the
fields mean lives in :mod:`postmark.sandbox.rules.domains`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from .connection import StoreBase, row_id

ACCOUNT_SCHEMA = """
CREATE TABLE IF NOT EXISTS servers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    tokens_json TEXT NOT NULL,
    created_ts REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS domains (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name_lc TEXT NOT NULL UNIQUE,
    data_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sender_signatures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email_lc TEXT NOT NULL UNIQUE,
    data_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS data_removals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    data_json TEXT NOT NULL
);
"""
ACCOUNT_TABLES = ("servers", "domains", "sender_signatures", "data_removals")
# The default server is ID 1; created servers count on from 2.
_FIRST_CREATED_SERVER = 2


@dataclass
class ServerRow:
    """A server made with ``POST /servers``; ``id`` is 0 until inserted."""

    id: int
    name: str
    tokens: list[str]
    created_ts: float


@dataclass
class Record:
    """A domain, sender signature or data removal: its ID and Postmark JSON."""

    id: int
    data: dict[str, Any]


class AccountTables(StoreBase):
    """Created servers and the account-level records."""

    # --- servers ------------------------------------------------------------------

    def add_server(self, row: ServerRow) -> ServerRow:
        """Insert a server (IDs start at 2 and are never reused); return it with its ID."""
        with self._tx() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO sqlite_sequence (name, seq) SELECT 'servers', ?"
                " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'servers')",
                (_FIRST_CREATED_SERVER - 1,),
            )
            cursor = conn.execute(
                "INSERT INTO servers (name, tokens_json, created_ts) VALUES (?, ?, ?)",
                (row.name, json.dumps(row.tokens), row.created_ts),
            )
        return ServerRow(int(cursor.lastrowid or 0), row.name, row.tokens, row.created_ts)

    def server_rows(self) -> list[ServerRow]:
        """Every created server, by ID."""
        return [
            ServerRow(int(r["id"]), str(r["name"]), json.loads(r["tokens_json"]), r["created_ts"])
            for r in self._query("SELECT * FROM servers ORDER BY id")
        ]

    def restart_server_ids(self) -> None:
        """After everything is forgotten, the next created server is ID 2 again."""
        with self._tx() as conn:
            conn.execute("DELETE FROM servers")
            conn.execute("DELETE FROM sqlite_sequence WHERE name = 'servers'")

    def delete_server(self, server_id: int) -> None:
        """Forget a created server."""
        with self._tx() as conn:
            conn.execute("DELETE FROM servers WHERE id = ?", (server_id,))

    # --- domains, signatures, removals --------------------------------------------

    def add_record(self, table: str, key: str | None, data: dict[str, Any]) -> int:
        """Insert into ``domains``/``sender_signatures`` (``key``: lower-cased name) or
        ``data_removals`` (``key`` None); return the new ID."""
        with self._tx() as conn:
            if key is None:
                cursor = conn.execute(
                    f"INSERT INTO {_table(table)} (data_json) VALUES (?)",  # noqa: S608
                    (json.dumps(data),),
                )
            else:
                cursor = conn.execute(
                    f"INSERT INTO {_table(table)} ({_KEYS[table]}, data_json) VALUES (?, ?)",  # noqa: S608
                    (key, json.dumps(data)),
                )
            return int(cursor.lastrowid or 0)

    def save_record(self, table: str, record: Record) -> None:
        """Write a record's JSON back."""
        with self._tx() as conn:
            conn.execute(
                f"UPDATE {_table(table)} SET data_json = ? WHERE id = ?",  # noqa: S608
                (json.dumps(record.data), record.id),
            )

    def record(self, table: str, record_id: int | str) -> Record | None:
        """One record by ID (a path's text too: ``None`` for one no row can have)."""
        found = row_id(record_id) if isinstance(record_id, str) else record_id
        if found is None:
            return None
        rows = self._query(f"SELECT * FROM {_table(table)} WHERE id = ?", (found,))  # noqa: S608
        return _record(rows[0]) if rows else None

    def record_by_key(self, table: str, key: str) -> Record | None:
        """A domain by lower-cased name, a signature by lower-cased address."""
        rows = self._query(
            f"SELECT * FROM {_table(table)} WHERE {_KEYS[table]} = ?",  # noqa: S608
            (key.lower(),),
        )
        return _record(rows[0]) if rows else None

    def records(self, table: str, count: int, offset: int) -> tuple[int, list[Record]]:
        """One page of records by ID, and how many there are."""
        total, rows = self._page(_table(table), [], [], "id", count, offset)
        return total, [_record(r) for r in rows]

    def delete_record(self, table: str, record_id: int) -> None:
        """Remove a domain or signature."""
        with self._tx() as conn:
            conn.execute(f"DELETE FROM {_table(table)} WHERE id = ?", (record_id,))  # noqa: S608


_KEYS = {"domains": "name_lc", "sender_signatures": "email_lc"}


def _table(name: str) -> str:
    if name not in ACCOUNT_TABLES:
        raise ValueError(f"not an account table: {name}")
    return name


def _record(r: sqlite3.Row) -> Record:
    return Record(int(r["id"]), json.loads(r["data_json"]))
