"""The page shell every web-inbox page is drawn in: document, header nav, security headers.

How a page module joins the inbox (e.g. ``postmark/sandbox/ui/stats.py``):

1. Make a module with ``routes = Router()`` (from :mod:`postmark.sandbox.http.router`)
   and decorated handlers, every one with ``auth="none"`` and a path under
   ``/inbox/`` (the pipeline sends ``/inbox/...`` to the inbox routers)::

       routes = Router()

       @routes.route("GET", "/inbox/stats", auth="none")
       def stats_page(ctx: Context) -> Reply:
           return page(ctx, "Stats", "<h1>Stats</h1>...", nav="stats")

2. List the module in :data:`postmark.sandbox.ui.PAGES` (``ui/__init__.py``).
3. Its nav entry is already in :data:`NAV` (Messages, Bounces, Suppressions,
   Templates, Stats, Webhooks); pass its key as ``nav=`` to :func:`page` so
   the entry is marked current. A new entry is one line in :data:`NAV`.

Rules for page bodies: escape every value with :func:`.format.esc` (or the
helpers in :mod:`.format`); no inline ``<script>``, ``style=`` or event
attributes (the CSP below blocks them: behaviour goes in ``static/app.js``,
looks in ``static/app.css``, both served by :mod:`.static`); timestamps
through :func:`.format.when`. A page that changes state (delete, activate,
simulate) uses a POST form built with :func:`.forms.post_form`, whose
handler is registered with ``"POST"`` and checks nothing itself: the
pipeline has already refused foreign origins and a missing CSRF token
(:func:`postmark.sandbox.http.guard.check_ui_write`). The handler answers
:func:`.forms.redirect` (303) back to a page; it reads the form with
:func:`.forms.field`, and a form made with ``confirm=`` goes ahead only if
:func:`.forms.confirmed`, else answers :func:`.forms.confirm_page`.

A page about one server's data reads ``?server=ID`` with
:func:`.scope.chosen_server` (``None``: answer :func:`not_found`); the
nav links carry no server, so such a page defaults to the default server.

Email content (HTML bodies, attachments) is never markup of a UI page:
there it is escaped text (or a ``data:`` URI of a raster image); rendered,
it is served from its own route with :data:`BODY_CSP` and framed with
``<iframe sandbox="">`` (see :mod:`.message_html`).

Tests click pages in a real Chromium with the ``browser`` fixture
(``tests/sandbox/browser.py``); pictures for the docs come from the
``SHOTS`` list of ``scripts/inbox-screenshots.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..http.router import Reply
from .format import esc

if TYPE_CHECKING:
    from ..http.router import Context

# The UI's own pages: scripts and styles only from the sandbox itself (static/app.*),
# EventSource to itself, images inline or same-origin, email HTML only in frames.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# An email's HTML body: nothing runs, nothing loads but inline images and styles.
BODY_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
COMMON_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
]


def page_headers() -> list[tuple[str, str]]:
    """The security headers of a UI page.

    UI pages send their referrer to themselves only: with ``no-referrer``
    Chromium sends ``Origin: null`` on the inbox's own form posts, which the
    guard must refuse.
    """
    return [
        ("Content-Security-Policy", PAGE_CSP),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cache-Control", "no-store"),
    ]


#: (key, label, path) of every entry in the header nav, in order.
NAV = (
    ("messages", "Messages", "/"),
    ("bounces", "Bounces", "/inbox/bounces"),
    ("suppressions", "Suppressions", "/inbox/suppressions"),
    ("templates", "Templates", "/inbox/templates"),
    ("stats", "Stats", "/inbox/stats"),
    ("webhooks", "Webhooks", "/inbox/webhooks"),
)
STATIC_VERSION = "4"  # bump when app.js / app.css change, so browsers fetch the new file


def nav_html(current: str | None) -> str:
    """The header's links, ``aria-current="page"`` on the current one."""
    links = []
    for key, label, path in NAV:
        mark = ' aria-current="page"' if key == current else ""
        links.append(f'<a href="{esc(path)}"{mark}>{esc(label)}</a>')
    return "".join(links)


def document(title: str, body: str, *, nav: str | None = None, body_attrs: str = "") -> str:
    """A full HTML document: head with the UI's static files, header nav, ``<main>``."""
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · Postmark sandbox</title>"
        f'<link rel="stylesheet" href="/inbox/static/app.css?v={STATIC_VERSION}">'
        f'<script src="/inbox/static/app.js?v={STATIC_VERSION}" defer></script>'
        f"</head><body{body_attrs}>"
        '<a class="skip" href="#main">Skip to content</a>'
        '<header><a class="brand" href="/">Postmark sandbox</a>'
        f'<nav aria-label="Sections">{nav_html(nav)}</nav></header>'
        f'<main id="main" tabindex="-1">{body}</main></body></html>'
    )


def page(
    ctx: Context | None,
    title: str,
    body: str,
    *,
    nav: str | None = None,
    status: int = 200,
    body_attrs: str = "",
) -> Reply:
    """A UI page with the UI's CSP and headers (``ctx`` is for future use by pages)."""
    del ctx
    return Reply.html(document(title, body, nav=nav, body_attrs=body_attrs), status, page_headers())


def not_found(what: str) -> Reply:
    """404 page: ``what`` was not found."""
    body = f"<h1>Not found</h1><p>{esc(what)} was not found.</p><p><a href='/'>Back</a></p>"
    return page(None, "Not found", body, status=404)


def not_found_page() -> Reply:
    """The inbox's answer for a page it does not have."""
    return not_found("This page")
