"""Suppressions of a message stream: dump, create, delete.

Per-address outcomes of create/delete come back inside HTTP 200, as
Postmark does: ``Suppressed``/``Deleted``, or ``Failed`` with a message.
Deleting a HardBounce suppression reactivates the address's bounces;
SpamComplaint suppressions and recipient unsubscribes cannot be removed.
"""

from __future__ import annotations

from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..json_shapes import suppression_json
from ..rules import clock
from ..rules.reactivation import INVALID_ADDRESS, NO_AUTHORITY, delete_suppression, outcome
from ..rules.validation import is_valid_email
from ..store.outbound import SuppressionRow
from .paging import date_range
from .streams import stream_for

routes = Router()

_REASONS = ("HardBounce", "SpamComplaint", "ManualSuppression")
_ORIGINS = ("Recipient", "Customer", "Admin")
MAX_SUPPRESSIONS = 50


@routes.route("GET", "/message-streams/{stream}/suppressions/dump")
def dump_suppressions(ctx: Context) -> Any:
    """``GET .../suppressions/dump``: every suppression (no paging), optionally filtered."""
    stream = stream_for(ctx)
    reason = _choice(ctx.arg("suppressionreason"), _REASONS, 1404, "SuppressionReason")
    origin = _choice(ctx.arg("origin"), _ORIGINS, 1405, "Origin")
    start, end = date_range(ctx, 900)
    email = (ctx.arg("emailaddress") or "").lower()
    rows = [
        s
        for s in ctx.app.store.suppressions(stream.id)
        if (reason is None or s.reason == reason)
        and (origin is None or s.origin == origin)
        and (start is None or s.created_ts >= start)
        and (end is None or s.created_ts <= end)
        and (not email or s.email.lower() == email)
    ]
    return {"Suppressions": [suppression_json(s) for s in rows]}


def _choice(value: str | None, options: tuple[str, ...], code: int, name: str) -> str | None:
    if not value:
        return None
    for option in options:
        if option.lower() == value.lower():
            return option
    raise ApiError(code, f"Parameter '{name}' is invalid.")


def _addresses(ctx: Context) -> list[str]:
    body = ctx.json
    items = body.get("Suppressions") if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("EmailAddress"), str) for i in items
    ):
        raise ApiError(1409, "A proper request body must be provided.")
    if len(items) > MAX_SUPPRESSIONS:
        raise ApiError(
            1410,
            "You cannot provide more than the maximum number of suppressions for this request.",
        )
    return [str(i["EmailAddress"]).strip() for i in items]


@routes.route("POST", "/message-streams/{stream}/suppressions")
def create_suppressions(ctx: Context) -> Any:
    """``POST .../suppressions``: suppress up to 50 addresses (ManualSuppression, Customer)."""
    stream = stream_for(ctx)
    results = []
    for email in _addresses(ctx):
        existing = ctx.app.store.suppression(stream.id, email)
        if not is_valid_email(email):
            results.append(outcome(email, "Failed", INVALID_ADDRESS))
        elif existing is not None and existing.reason == "SpamComplaint":
            results.append(outcome(email, "Failed", NO_AUTHORITY))
        else:
            row = SuppressionRow(stream.id, email, "ManualSuppression", "Customer", clock.now())
            ctx.app.store.add_suppression(row)
            results.append(outcome(email, "Suppressed", None))
    return {"Suppressions": results}


@routes.route("POST", "/message-streams/{stream}/suppressions/delete")
def delete_suppressions(ctx: Context) -> Any:
    """``POST .../suppressions/delete``: reactivate up to 50 addresses."""
    stream = stream_for(ctx)
    results = [delete_suppression(ctx.app.store, stream.id, email) for email in _addresses(ctx)]
    return {"Suppressions": results}
