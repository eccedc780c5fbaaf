"""Templates API: list, create, get, edit, delete (by ID or alias), validate.

A deleted template stays readable with ``Active: false`` (as Postmark's own
.NET SDK tests observe) but can no longer be sent, edited or listed.
"""

from __future__ import annotations

from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..rules.templates import (
    MAX_TEMPLATES,
    check_row,
    find_active,
    merge_edit,
    not_found,
    template_type,
    validate_content,
)
from ..rules.validation import Kind, check_fields
from ..store.templates import TemplateRow
from .paging import paging

routes = Router()

TEMPLATE_FIELDS = {
    "Name": Kind.STR,
    "Alias": Kind.STR,
    "Subject": Kind.STR,
    "HtmlBody": Kind.STR,
    "TextBody": Kind.STR,
    "TemplateType": Kind.STR,
    "LayoutTemplate": Kind.STR,
}
VALIDATE_FIELDS = {
    "Subject": Kind.STR,
    "HtmlBody": Kind.STR,
    "TextBody": Kind.STR,
    "TestRenderModel": Kind.OBJECT,
    "InlineCssForHtmlTestRender": Kind.BOOL,
    "TemplateType": Kind.STR,
    "LayoutTemplate": Kind.STR,
}
_LIST_TYPES = {"all": None, "standard": "Standard", "layout": "Layout"}


def _summary(row: TemplateRow) -> dict[str, Any]:
    return {
        "TemplateId": row.id,
        "Name": row.name,
        "Active": row.active,
        "Alias": row.alias,
        "TemplateType": row.template_type,
        "LayoutTemplate": row.layout_template,
    }


def _full(row: TemplateRow, server_id: int) -> dict[str, Any]:
    return {
        "TemplateId": row.id,
        "Name": row.name,
        "Subject": row.subject,
        "HtmlBody": row.html_body,
        "TextBody": row.text_body,
        "AssociatedServerId": server_id,
        "Active": row.active,
        "Alias": row.alias,
        "TemplateType": row.template_type,
        "LayoutTemplate": row.layout_template,
    }


def _body(ctx: Context, fields: dict[str, Kind]) -> dict[str, Any]:
    if not ctx.json:
        raise ApiError(1109, "No template data was received.")
    return check_fields(ctx.json, fields)


@routes.route("GET", "/templates")
def list_templates(ctx: Context) -> Any:
    """``GET /templates``: ``Count``/``Offset`` required, ``TemplateType``, ``LayoutTemplate``."""
    count, offset = paging(ctx, 1100, window=None)
    kind_text = (ctx.arg("templatetype") or "All").lower()
    if kind_text not in _LIST_TYPES:
        raise ApiError(1100, f"Invalid 'TemplateType': '{ctx.arg('templatetype')}'.")
    kind, layout = _LIST_TYPES[kind_text], (ctx.arg("layouttemplate") or "").lower()
    rows = [
        r
        for r in ctx.app.store.templates()
        if (kind is None or r.template_type == kind)
        and (not layout or (r.layout_template or "").lower() == layout)
    ]
    page = rows[offset : offset + (count or 0)]
    return {"TotalCount": len(rows), "Templates": [_summary(r) for r in page]}


@routes.route("POST", "/templates")
def create_template(ctx: Context) -> Any:
    """``POST /templates``."""
    data = _body(ctx, TEMPLATE_FIELDS)
    row = TemplateRow(
        name=data.get("Name", ""),
        alias=data.get("Alias") or None,
        subject=data.get("Subject"),
        html_body=data.get("HtmlBody"),
        text_body=data.get("TextBody"),
        template_type=template_type(data.get("TemplateType")),
        layout_template=data.get("LayoutTemplate") or None,
    )
    check_row(ctx.app.store, row)
    if len(ctx.app.store.templates()) >= MAX_TEMPLATES:
        raise ApiError(1105, f"This server already has the maximum of {MAX_TEMPLATES} templates.")
    row.id = ctx.app.store.add_template(row)
    return _summary(row)


def _existing(ctx: Context, *, active: bool = True) -> TemplateRow:
    key = ctx.params["id_or_alias"]
    row = find_active(ctx.app.store, key) if active else ctx.app.store.template(key)
    if row is None:
        raise not_found("TemplateId" if key.isascii() and key.isdigit() else "Alias", key)
    return row


@routes.route("GET", "/templates/{id_or_alias}")
def get_template(ctx: Context) -> Any:
    """``GET /templates/{templateIdOrAlias}``."""
    return _full(_existing(ctx, active=False), ctx.app.config.server_id)


@routes.route("PUT", "/templates/{id_or_alias}")
def edit_template(ctx: Context) -> Any:
    """``PUT /templates/{templateIdOrAlias}``: only the given fields change."""
    row = check_row(ctx.app.store, merge_edit(_existing(ctx), _body(ctx, TEMPLATE_FIELDS)))
    ctx.app.store.update_template(row)
    return _summary(row)


@routes.route("DELETE", "/templates/{id_or_alias}")
def delete_template(ctx: Context) -> Any:
    """``DELETE /templates/{templateIdOrAlias}``; a layout still in use gives 1130."""
    row = _existing(ctx)
    if row.template_type == "Layout" and row.alias:
        users = [
            t
            for t in ctx.app.store.templates()
            if (t.layout_template or "").lower() == row.alias.lower()
        ]
        if users:
            raise ApiError(
                1130, f"The layout is used by {len(users)} template(s) and cannot be deleted."
            )
    row.active = False
    ctx.app.store.update_template(row)
    return {"ErrorCode": 0, "Message": f"Template {row.id} removed."}


@routes.route("POST", "/templates/validate")
def validate_template(ctx: Context) -> Any:
    """``POST /templates/validate``: parse, suggest a model, render."""
    return validate_content(ctx.app.store, _body(ctx, VALIDATE_FIELDS))
