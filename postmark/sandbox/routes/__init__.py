"""The sandbox's routes: Postmark's API, one module per Postmark doc section, and admin.

:func:`route_table` is the one place that puts the API, admin
(:mod:`.admin`) and web inbox routers together for the request pipeline.

To add an area write a module with
``routes = Router()`` and decorated handler functions, and list it in
:data:`AREAS`; to add an endpoint to an area, add one decorated function.
"""

from __future__ import annotations

from .. import ui
from ..http.pipeline import RouteTable
from ..http.router import Router
from . import (
    admin,
    bounces,
    bulk,
    data_removals,
    domains,
    events,
    inbound,
    inbound_rules,
    messages,
    senders,
    sending,
    server_info,
    servers,
    stats,
    streams,
    suppressions,
    template_push,
    templates,
    tracking,
    webhooks,
)

AREAS = (
    sending,
    bounces,
    messages,
    inbound,
    templates,
    template_push,
    streams,
    suppressions,
    webhooks,
    inbound_rules,
    server_info,
    bulk,
    stats,
    tracking,
    servers,
    domains,
    senders,
    data_removals,
)


def api_router() -> Router:
    """Every Postmark API route the sandbox serves."""
    router = Router()
    for area in AREAS:
        router.include(area.routes)
    return router


def admin_router() -> Router:
    """Every ``/__sandbox/`` route: :mod:`.admin`, and :mod:`.events` (events, webhook calls)."""
    router = Router()
    for area in (admin, events):
        router.include(area.routes)
    return router


def route_table() -> RouteTable:
    """The API, admin (``/__sandbox/...``) and web inbox routers, for the pipeline."""
    return RouteTable(
        api=api_router(),
        admin=admin_router(),
        inbox=ui.router(),
        inbox_not_found=ui.not_found_page,
    )
