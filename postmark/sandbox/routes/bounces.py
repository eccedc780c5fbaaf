"""Bounce API: ``/deliverystats``, ``/bounces``, ``/bounces/{id}``, ``/dump``, ``/activate``.

``GET /bounces/tags`` is not served (Postmark removed it), so it answers like
any unknown path; ``{id}`` only matches digits for the same reason.
"""

from __future__ import annotations

from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..json_shapes import bounce_json
from ..rules.bounces import BOUNCE_TYPES, find_type
from ..rules.reactivation import activate
from ..store.connection import row_id
from ..store.outbound import BounceFilter, BounceRow
from .paging import boolean, date_range, paging

routes = Router()


@routes.route("GET", "/deliverystats")
def delivery_stats(ctx: Context) -> Any:
    """``GET /deliverystats``: inactive addresses and bounce counts by type."""
    counts = ctx.app.store.bounce_counts()
    bounces: list[dict[str, Any]] = [{"Name": "All", "Count": sum(counts.values())}]
    bounces += [
        {"Type": bt.type, "Name": bt.name, "Count": counts[bt.type]}
        for bt in BOUNCE_TYPES
        if counts.get(bt.type)
    ]
    return {"InactiveMails": len(ctx.app.store.suppressions()), "Bounces": bounces}


@routes.route("GET", "/bounces")
def list_bounces(ctx: Context) -> Any:
    """``GET /bounces``: one page of bounces, newest first (ErrorCode 1000 for bad queries).

    ``count``/``offset`` are optional only with ``messageID``, as Postmark's
    docs say.
    """
    count, offset = paging(ctx, 1000, required=ctx.arg("messageid") is None)
    flt = BounceFilter(
        stream=(ctx.arg("messagestream") or "outbound").lower(),
        type=_type_filter(ctx.arg("type")),
        inactive=boolean(ctx, "inactive", 1000),
        email=ctx.arg("emailfilter") or None,
        tag=ctx.arg("tag") or None,
        message_id=ctx.arg("messageid") or None,
    )
    flt.from_ts, flt.to_ts = date_range(ctx, 1000)
    total, rows = ctx.app.store.search_bounces(flt, count, offset)
    server_id = ctx.app.config.server_id
    return {"TotalCount": total, "Bounces": [bounce_json(r, server_id) for r in rows]}


def _type_filter(name: str | None) -> str | None:
    if not name:
        return None
    kind = find_type(name)
    if kind is None:
        raise ApiError(1000, f"'{name}' is not a bounce type.")
    return kind.type


def _bounce(ctx: Context) -> BounceRow:
    bounce_id = row_id(ctx.params["id"])
    row = ctx.app.store.bounce(bounce_id) if bounce_id is not None else None
    if row is None:
        raise ApiError(1001, "This bounce was not found.")
    return row


@routes.route("GET", "/bounces/{id:int}")
def get_bounce(ctx: Context) -> Any:
    """``GET /bounces/{id}``: one bounce, with ``Content``."""
    return bounce_json(_bounce(ctx), ctx.app.config.server_id, content=True)


@routes.route("GET", "/bounces/{id:int}/dump")
def bounce_dump(ctx: Context) -> Any:
    """``GET /bounces/{id}/dump``: the raw bounce, ``""`` when none is kept."""
    return {"Body": _bounce(ctx).dump}


@routes.route("PUT", "/bounces/{id:int}/activate")
def activate_bounce(ctx: Context) -> Any:
    """``PUT /bounces/{id}/activate``: reactivate the address (removes its suppression)."""
    updated = activate(ctx.app.store, _bounce(ctx))
    return {"Message": "OK", "Bounce": bounce_json(updated, ctx.app.config.server_id, content=True)}
