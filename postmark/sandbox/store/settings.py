"""Configuration tables: the server's edited settings and its webhooks.

Values are stored as JSON as the routes hand them over; what they mean
(defaults, validation, Postmark's shapes) lives in :mod:`postmark.sandbox.rules.server_settings`
and :mod:`postmark.sandbox.rules.webhooks`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .connection import StoreBase

SETTINGS_SCHEMA = """
CREATE TABLE IF NOT EXISTS server_settings (
    name TEXT PRIMARY KEY,
    value_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    stream TEXT NOT NULL,
    url TEXT NOT NULL,
    http_auth_json TEXT NOT NULL,
    http_headers_json TEXT NOT NULL,
    triggers_json TEXT NOT NULL,
    status TEXT NOT NULL
);
"""
SETTINGS_TABLES = ("server_settings", "webhooks")


@dataclass
class WebhookRow:
    """A configured webhook; ``id`` is 0 until inserted."""

    stream: str
    url: str
    http_auth: dict[str, str] | None
    http_headers: list[dict[str, str]]
    triggers: dict[str, dict[str, bool]]
    status: str
    id: int = 0


class SettingsTables(StoreBase):
    """Server settings (name -> JSON value) and webhooks."""

    # --- server settings --------------------------------------------------------

    def server_settings(self) -> dict[str, Any]:
        """Every setting changed with ``PUT /server``, by Postmark's field name."""
        rows = self._query("SELECT name, value_json FROM server_settings")
        return {str(r["name"]): json.loads(r["value_json"]) for r in rows}

    def save_server_settings(self, changes: Mapping[str, Any]) -> None:
        """Store changed settings (one transaction)."""
        with self._tx() as conn:
            conn.executemany(
                "INSERT INTO server_settings (name, value_json) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value_json = excluded.value_json",
                [(name, json.dumps(value)) for name, value in changes.items()],
            )

    # --- webhooks -----------------------------------------------------------------

    def add_webhook(self, row: WebhookRow) -> int:
        """Insert a webhook; return its ID."""
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO webhooks (stream, url, http_auth_json, http_headers_json,"
                " triggers_json, status) VALUES (?, ?, ?, ?, ?, ?)",
                _webhook_values(row),
            )
            return int(cursor.lastrowid or 0)

    def update_webhook(self, row: WebhookRow) -> None:
        """Write every field of an existing webhook."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE webhooks SET stream = ?, url = ?, http_auth_json = ?,"
                " http_headers_json = ?, triggers_json = ?, status = ? WHERE id = ?",
                (*_webhook_values(row), row.id),
            )

    def webhook(self, webhook_id: int) -> WebhookRow | None:
        """The webhook with this ID."""
        rows = self._query("SELECT * FROM webhooks WHERE id = ?", (webhook_id,))
        return _webhook(rows[0]) if rows else None

    def webhooks(self, stream: str | None = None) -> list[WebhookRow]:
        """Webhooks of one stream (or all), oldest first."""
        if stream is None:
            rows = self._query("SELECT * FROM webhooks ORDER BY id")
        else:
            rows = self._query("SELECT * FROM webhooks WHERE stream = ? ORDER BY id", (stream,))
        return [_webhook(r) for r in rows]

    def delete_webhook(self, webhook_id: int) -> None:
        """Remove a webhook."""
        with self._tx() as conn:
            conn.execute("DELETE FROM webhooks WHERE id = ?", (webhook_id,))


def _webhook_values(row: WebhookRow) -> tuple[Any, ...]:
    return (
        row.stream,
        row.url,
        json.dumps(row.http_auth),
        json.dumps(row.http_headers),
        json.dumps(row.triggers),
        row.status,
    )


def _webhook(r: sqlite3.Row) -> WebhookRow:
    return WebhookRow(
        id=int(r["id"]),
        stream=str(r["stream"]),
        url=str(r["url"]),
        http_auth=json.loads(r["http_auth_json"]),
        http_headers=json.loads(r["http_headers_json"]),
        triggers=json.loads(r["triggers_json"]),
        status=str(r["status"]),
    )
