"""Email API: ``/email``, ``/email/batch``, ``/email/withTemplate``, ``/email/batchWithTemplates``.

A message that leaves out ``TrackOpens`` or ``TrackLinks`` gets the server's
setting (``PUT /server``), as Postmark does.

All four accept ``POSTMARK_API_TEST``: the message is validated and answered
"Test job accepted", but nothing is stored, suppressions are not consulted
and bounce-testing addresses do not bounce. Batches answer HTTP 200 with one entry per
message in request order; a bad entry carries ``{ErrorCode, Message}``
while the others go out. Whole-request errors (token, headers, JSON, a
field of the wrong type anywhere, more than 500 messages, over 50 MB) fail
the batch as a whole.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..http.errors import ApiError, invalid_email, invalid_field
from ..http.router import Context, Router
from ..rules.delivery import accept_test_job, as_item, check_active, deliver
from ..rules.events import after_send
from ..rules.templates import check_no_content_fields, render_for_send
from ..rules.validation import (
    CONTENT_FIELDS,
    MAX_BATCH_BYTES,
    MAX_BATCH_MESSAGES,
    MAX_MESSAGE_BYTES,
    MESSAGE_FIELDS,
    TEMPLATE_MESSAGE_FIELDS,
    check_fields,
    validate_message,
)

routes = Router()


@routes.route("POST", "/email", test_token=True, max_body=MAX_MESSAGE_BYTES)
def send_email(ctx: Context) -> Any:
    """``POST /email``: one message."""
    data = check_fields(ctx.json, MESSAGE_FIELDS)
    return _accept(ctx, data, ctx.json, None, batch_item=False)


@routes.route("POST", "/email/batch", test_token=True, max_body=MAX_BATCH_BYTES)
def send_batch(ctx: Context) -> Any:
    """``POST /email/batch``: a JSON array of messages."""
    items = _batch_list(ctx.json, "")
    checked = [check_fields(item, MESSAGE_FIELDS, f"[{i}].") for i, item in enumerate(items)]

    def one(data: dict[str, Any], raw: Any) -> dict[str, Any]:
        return _accept(ctx, _sized(data, raw), raw, None, batch_item=True)

    return [_entry(one, data, raw) for data, raw in zip(checked, items, strict=True)]


@routes.route("POST", "/email/withTemplate", test_token=True, max_body=MAX_MESSAGE_BYTES)
def send_with_template(ctx: Context) -> Any:
    """``POST /email/withTemplate``: one templated message."""
    data = _template_fields(ctx.json, "")
    check_no_content_fields(ctx.json)
    return _accept_templated(ctx, data, ctx.json, batch_item=False)


@routes.route("POST", "/email/batchWithTemplates", test_token=True, max_body=MAX_BATCH_BYTES)
def send_batch_with_templates(ctx: Context) -> Any:
    """``POST /email/batchWithTemplates``: ``{"Messages": [...]}``."""
    body = ctx.json
    if not isinstance(body, dict) or any(k != "Messages" for k in body):
        raise invalid_field("Messages" if isinstance(body, dict) else "body")
    items = _batch_list(body.get("Messages"), "Messages")
    checked = [_template_fields(item, f"Messages[{i}].") for i, item in enumerate(items)]

    def one(data: dict[str, Any], raw: Any) -> dict[str, Any]:
        check_no_content_fields(raw)
        return _accept_templated(ctx, _sized(data, raw), raw, batch_item=True)

    return [_entry(one, data, raw) for data, raw in zip(checked, items, strict=True)]


def _batch_list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise invalid_field(name or "body")
    if len(value) > MAX_BATCH_MESSAGES:
        raise ApiError(410, "You may only send up to 500 messages in a single batched request.")
    return value


def _template_fields(item: Any, where: str) -> dict[str, Any]:
    """Type-check a templated message; its content fields are judged later (1123)."""
    if not isinstance(item, dict):
        raise invalid_field(where.rstrip(".") or "body")
    rest = {k: v for k, v in item.items() if k not in CONTENT_FIELDS}
    return check_fields(rest, TEMPLATE_MESSAGE_FIELDS, where)


def _sized(data: dict[str, Any], raw: Any) -> dict[str, Any]:
    """One batch entry over 10 MB fails on its own (ErrorCode 300)."""
    if len(json.dumps(raw).encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise invalid_email("The message is larger than the 10 MB limit.")
    return data


def _entry(
    send: Callable[[dict[str, Any], Any], dict[str, Any]], data: dict[str, Any], raw: Any
) -> dict[str, Any]:
    try:
        return send(data, raw)
    except ApiError as err:
        return as_item(err)


def _accept_templated(
    ctx: Context, data: dict[str, Any], raw: Any, *, batch_item: bool
) -> dict[str, Any]:
    rendered, used = render_for_send(ctx.app.store, data)
    return _accept(ctx, rendered, raw, used, batch_item=batch_item, require_subject=False)


def _accept(
    ctx: Context,
    data: dict[str, Any],
    raw: Any,
    template: dict[str, Any] | None,
    *,
    batch_item: bool,
    require_subject: bool = True,
) -> dict[str, Any]:
    data = with_server_tracking(ctx, data)
    msg = validate_message(data, ctx.app.stream_type, require_subject=require_subject)
    if ctx.test_token:
        return accept_test_job(msg)
    check_active(ctx.app.store, msg, batch_item=batch_item)
    answer = deliver(ctx.app.store, msg, raw, template)
    after_send(ctx.app, answer["MessageID"])  # Delivery/Bounce events, webhooks in the background
    return answer


def with_server_tracking(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A message's own TrackOpens/TrackLinks win; left out, the server's settings apply.

    ``TrackLinks: ""`` counts as left out (PHP clients send it for "not set").
    """
    if "TrackOpens" in data and data.get("TrackLinks"):
        return data
    settings = ctx.app.settings()
    filled = dict(data)
    filled.setdefault("TrackOpens", settings["TrackOpens"])
    if not filled.get("TrackLinks"):
        filled["TrackLinks"] = settings["TrackLinks"]
    return filled
