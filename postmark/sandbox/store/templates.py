"""The templates table: stored templates, by ID or alias.

What a template may hold and how it renders lives in
:mod:`postmark.sandbox.rules.templates`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from .connection import StoreBase, row_id

TEMPLATES_SCHEMA = """
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
"""
TEMPLATE_TABLES = ("templates",)


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


class TemplateTables(StoreBase):
    """Templates; a deleted one stays, inactive."""

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
        if id_or_alias.isascii() and id_or_alias.isdigit():
            template_id = row_id(id_or_alias)
            if template_id is None:
                return None
            rows = self._query("SELECT * FROM templates WHERE id = ?", (template_id,))
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
