"""Webhooks configuration: list, get, create, edit, delete, verify, statistics.

Rules and sandbox choices are in :mod:`postmark.sandbox.rules.webhooks`.
A ``{id}`` that is not a known webhook (digits or not) answers 422 / 1352.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..rules.validation import Kind, check_fields
from ..rules.webhooks import (
    MAX_PER_STREAM,
    UNVERIFIED,
    VERIFIED,
    check_url,
    default_triggers,
    http_auth,
    http_headers,
    merge_triggers,
    statistics,
    verified_status,
    verify_answer,
    webhook_json,
)
from ..store.connection import row_id
from ..store.settings import WebhookRow
from ..store.streams import StreamRow

routes = Router()

EDIT_FIELDS = {
    "Url": Kind.STR,
    "HttpAuth": Kind.OBJECT,
    "HttpHeaders": Kind.HEADERS,
    "Triggers": Kind.OBJECT,
    "Verify": Kind.BOOL,
}
CREATE_FIELDS = {**EDIT_FIELDS, "MessageStream": Kind.STR}
_STATUSES = (VERIFIED, UNVERIFIED)


def _webhook(ctx: Context) -> WebhookRow:
    text = ctx.params["id"]
    found = row_id(text)
    row = ctx.app.store.webhook(found) if found is not None else None
    if row is None:
        raise ApiError(1352, f"Webhook with ID '{text}' was not found.")
    return row


def _existing_stream(ctx: Context, name: str) -> StreamRow:
    row = ctx.app.store.stream(name)
    if row is None:
        raise ApiError(1226, f"The message stream '{name}' was not found.")
    return row


def _body(ctx: Context) -> dict[str, Any]:
    body = ctx.json
    if not isinstance(body, dict) or not body:
        raise ApiError(1355, "A request body is required.")
    if "Status" in body:
        raise ApiError(1363, "'Status' is read-only: it cannot be set on create or edit.")
    return body


@routes.route("GET", "/webhooks")
def list_webhooks(ctx: Context) -> Any:
    """``GET /webhooks``: every webhook, or one stream's (unknown stream: 1226)."""
    stream = ctx.arg("messagestream")
    stream_id = _existing_stream(ctx, stream).id if stream else None
    status = (ctx.arg("status") or "").lower()
    if status and status not in _STATUSES:
        raise ApiError(1362, "Invalid 'Status' filter: use verified or unverified.")
    rows = [w for w in ctx.app.store.webhooks(stream_id) if not status or w.status == status]
    return {"Webhooks": [webhook_json(w) for w in rows]}


@routes.route("GET", "/webhooks/{id}")
def get_webhook(ctx: Context) -> Any:
    """``GET /webhooks/{id}``."""
    return webhook_json(_webhook(ctx))


@routes.route("POST", "/webhooks")
def create_webhook(ctx: Context) -> Any:
    """``POST /webhooks``: verified first unless ``Verify: false`` (see rules.webhooks)."""
    body = _body(ctx)
    if "ID" in body:
        raise ApiError(1356, "Do not send an 'ID' when creating a webhook.")
    data = check_fields(body, CREATE_FIELDS)
    url = check_url(data.get("Url"))
    stream = _existing_stream(ctx, data.get("MessageStream") or "outbound")
    if stream.archived_ts is not None:
        raise ApiError(1350, f"Webhooks cannot be created on the archived stream '{stream.id}'.")
    if stream.type == "Inbound":
        raise ApiError(
            1351,
            "Webhooks cannot be created on an inbound stream; set the server's InboundHookUrl.",
        )
    if len(ctx.app.store.webhooks(stream.id)) >= MAX_PER_STREAM:
        raise ApiError(1359, f"The stream '{stream.id}' already has {MAX_PER_STREAM} webhooks.")
    row = WebhookRow(
        stream=stream.id,
        url=url,
        http_auth=http_auth(data.get("HttpAuth")),
        http_headers=http_headers(data.get("HttpHeaders")),
        triggers=merge_triggers(default_triggers(), data.get("Triggers")),
        status=UNVERIFIED,
    )
    row.status = verified_status(row, data.get("Verify", True), ctx.app)
    row.id = ctx.app.store.add_webhook(row)
    return webhook_json(row)


@routes.route("PUT", "/webhooks/{id}")
def edit_webhook(ctx: Context) -> Any:
    """``PUT /webhooks/{id}``: only the fields (and triggers) given change.

    ``ID`` and ``MessageStream`` may be sent only with their current values
    (1357 otherwise). A failed verification leaves the webhook unchanged.
    """
    row = _webhook(ctx)
    body = _body(ctx)
    if (
        body.get("ID", row.id) != row.id
        or str(body.get("MessageStream", row.stream)).lower() != row.stream
    ):
        raise ApiError(1357, "A webhook's 'ID' and 'MessageStream' cannot be changed.")
    data = check_fields(
        {k: v for k, v in body.items() if k not in ("ID", "MessageStream")}, EDIT_FIELDS
    )
    updated = replace(
        row,
        url=check_url(data["Url"]) if "Url" in data else row.url,
        http_auth=http_auth(data["HttpAuth"]) if "HttpAuth" in data else row.http_auth,
        http_headers=http_headers(data["HttpHeaders"])
        if "HttpHeaders" in data
        else row.http_headers,
        triggers=merge_triggers(row.triggers, data.get("Triggers")),
    )
    updated.status = verified_status(updated, data.get("Verify", True), ctx.app)
    ctx.app.store.update_webhook(updated)
    return webhook_json(updated)


@routes.route("DELETE", "/webhooks/{id}")
def delete_webhook(ctx: Context) -> Any:
    """``DELETE /webhooks/{id}``."""
    row = _webhook(ctx)
    ctx.app.store.delete_webhook(row.id)
    return {"ErrorCode": 0, "Message": f"Webhook {row.id} removed."}


@routes.route("POST", "/webhooks/{id}/verify")
def verify_webhook(ctx: Context) -> Any:
    """``POST /webhooks/{id}/verify``: HTTP 200 even when verification fails."""
    row = _webhook(ctx)
    answer, status = verify_answer(row, ctx.app)
    if status != row.status:
        row.status = status
        ctx.app.store.update_webhook(row)
    return answer


@routes.route("GET", "/webhooks/{id}/statistics")
def webhook_statistics(ctx: Context) -> Any:
    """``GET /webhooks/{id}/statistics``: rolling 24 hours, all zero (not modelled)."""
    return statistics(_webhook(ctx))
