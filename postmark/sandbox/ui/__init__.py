"""The web inbox: HTML pages at the sandbox's root URL and under ``/inbox/``.

One module per page (or group of pages), each with its own ``routes``
:class:`~postmark.sandbox.http.router.Router`, put together in
:data:`PAGES`; :mod:`.layout` draws the page shell and explains how a page
module joins (routes, nav entry, forms). Shared pieces: :mod:`.format`
(escaping, times), :mod:`.forms` (CSRF-safe POST forms), :mod:`.static`
(``app.js`` and ``app.css``).
"""

from __future__ import annotations

from ..http.router import Router
from . import (
    bounce_detail,
    bounces,
    live,
    message_actions,
    message_html,
    message_list,
    message_simulate,
    message_view,
    static,
    stats,
    suppressions,
    templates,
    webhooks,
)
from .layout import not_found_page

__all__ = ["PAGES", "not_found_page", "router"]

#: Every page module of the inbox; a new page is one more entry.
PAGES = (
    message_list,
    message_view,
    message_html,
    message_actions,
    message_simulate,
    live,
    bounces,
    bounce_detail,
    suppressions,
    templates,
    stats,
    webhooks,
    static,
)


def router() -> Router:
    """Every inbox route, for :func:`postmark.sandbox.routes.route_table`."""
    routes = Router()
    for module in PAGES:
        routes.include(module.routes)
    return routes
