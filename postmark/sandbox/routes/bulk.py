"""Bulk API: ``POST /email/bulk``, ``GET /email/bulk/{id}``, ``GET /email/bulk``.

What a request may hold and how it is sent: :mod:`postmark.sandbox.rules.bulk`.
The ``POST`` answer is the status at submission (``Accepted``, 0 %); poll
``GET /email/bulk/{id}`` to see it become ``Processing`` and ``Completed``.
Postmark's docs and JS SDK spell the answer's key ``Id``, the official
Python SDK reads ``ID`` on the ``POST`` answer, so that answer has both.
An unknown ID answers HTTP 404 with ErrorCode 12.

The list is newest first, ``count`` (1-500, default 100) per page; a
``PaginationKey`` (opaque) comes with every page that has a next one and is
``null`` on the last; a bad count or key answers 422 / 13.
``POSTMARK_API_TEST`` validates and stores nothing, as on the other sends.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..rules import bulk, clock
from ..rules.validation import MAX_BATCH_BYTES
from ..store.bulk import BulkRow
from .sending import with_server_tracking

routes = Router()

DEFAULT_COUNT = 100
MAX_COUNT = 500


@routes.route("POST", "/email/bulk", test_token=True, max_body=MAX_BATCH_BYTES)
def send_bulk(ctx: Context) -> Any:
    """``POST /email/bulk``: accept, then send in the background."""
    body = ctx.json
    if isinstance(body, dict):
        shared = {k: v for k, v in body.items() if k != "Messages"}
        body = {**with_server_tracking(ctx, shared), "Messages": body.get("Messages")}
    composed = bulk.checked_request(ctx.app, body)
    row = BulkRow(
        id=str(uuid.uuid4()),
        submitted_ts=clock.now(),
        status="Accepted",
        total=len(composed),
        # the shared Subject as sent; a template's, rendered for the first recipient
        subject=str(body.get("Subject") or composed[0][0].get("Subject") or ""),
        request=body,
    )
    if not ctx.test_token:
        ctx.app.store.add_bulk(row)
        ctx.app.in_background(lambda: bulk.send_all(ctx.app, row.id, composed), f"bulk-{row.id}")
    status = bulk.status_json(row)
    return {"ID": row.id, **status}


@routes.route("GET", "/email/bulk/{id}")
def get_bulk(ctx: Context) -> Any:
    """``GET /email/bulk/{bulkRequestId}``."""
    row = ctx.app.store.bulk(ctx.params["id"])
    if row is None:
        raise ApiError(12, f"The bulk request '{ctx.params['id']}' was not found.", 404)
    return bulk.status_json(row)


@routes.route("GET", "/email/bulk")
def list_bulk(ctx: Context) -> Any:
    """``GET /email/bulk?count=&paginationKey=``: newest first."""
    count = _count(ctx.arg("count"))
    before = _key(ctx.arg("paginationkey"))
    rows = ctx.app.store.bulks_before(before, count + 1)
    page, more = rows[:count], len(rows) > count
    key = _encode(page[-1].pk) if more else None
    return {"Requests": [bulk.status_json(r) for r in page], "PaginationKey": key}


def _count(text: str | None) -> int:
    if not text:
        return DEFAULT_COUNT
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_COUNT:
        raise ApiError(13, f"The 'count' parameter must be between 1 and {MAX_COUNT}.")
    return int(text)


def _encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"bulk:{pk}".encode()).decode().rstrip("=")


def _key(text: str | None) -> int | None:
    """The position a ``PaginationKey`` stands for (422 / 13 when it is not one of ours)."""
    if not text:
        return None
    try:
        decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    prefix, _, digits = decoded.partition(":")
    if prefix != "bulk" or not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        raise ApiError(13, "The 'PaginationKey' is not valid.")
    return int(digits)
