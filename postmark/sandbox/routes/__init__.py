"""The sandbox's Postmark API routes, one module per Postmark doc section.

To add an area (stats, servers, domains, ...) write a module with
``routes = Router()`` and decorated handler functions, and list it in
:data:`AREAS`; to add an endpoint to an area, add one decorated function.
"""

from __future__ import annotations

from ..http.router import Router
from . import (
    bounces,
    inbound,
    inbound_rules,
    messages,
    sending,
    server_info,
    streams,
    suppressions,
    template_push,
    templates,
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
)


def api_router() -> Router:
    """Every Postmark API route the sandbox serves."""
    router = Router()
    for area in AREAS:
        router.include(area.routes)
    return router
