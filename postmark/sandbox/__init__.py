"""A local, Postmark-compatible API server with a web inbox.

Start one in-process (for tests and scripts)::

    from postmark.sandbox import Sandbox

    with Sandbox() as sandbox:          # free port on 127.0.0.1, in-memory SQLite
        base_url = sandbox.url          # e.g. "http://127.0.0.1:54321"
        ...                             # send with any non-empty server token
        sent = sandbox.messages()       # what was sent, oldest first

or in the foreground: ``python -m postmark.sandbox --port 8025 --db sandbox.sqlite3``.

It is an independent reading of Postmark's documentation (it imports nothing
from the client library), standard library only, threaded, and keeps its
data in SQLite.

Postmark API served (paths ignore case and a trailing slash):

* Email: ``POST /email``, ``/email/batch``, ``/email/withTemplate``,
  ``/email/batchWithTemplates``.
* Bounces: ``GET /deliverystats``, ``/bounces``, ``/bounces/{id}``,
  ``/bounces/{id}/dump``, ``PUT /bounces/{id}/activate``.
* Templates: ``/templates`` (list, create, get, edit, delete by ID or
  alias), ``POST /templates/validate``, ``PUT /templates/push`` (account
  token; see :mod:`.routes.template_push` for the one-server model).
* Server: ``GET /server``, ``PUT /server`` (see :mod:`.rules.server_settings`).
* Outbound messages: ``GET /messages/outbound``,
  ``/messages/outbound/{id}/details`` and ``/dump``.
* Inbound messages: ``GET /messages/inbound``,
  ``/messages/inbound/{id}/details``, ``PUT /messages/inbound/{id}/bypass``
  and ``/retry`` (see :mod:`.rules.inbound`).
* Message streams: ``GET|POST /message-streams``, ``GET|PATCH
  /message-streams/{id}``, ``POST /message-streams/{id}/archive`` and
  ``/unarchive`` (see :mod:`.rules.streams`).
* Suppressions: ``GET /message-streams/{id}/suppressions/dump``, ``POST
  .../suppressions``, ``POST .../suppressions/delete``.
* Webhooks: ``GET|POST /webhooks``, ``GET|PUT|DELETE /webhooks/{id}``,
  ``POST /webhooks/{id}/verify``, ``GET /webhooks/{id}/statistics`` (see
  :mod:`.rules.webhooks`).
* Inbound rule triggers: ``GET|POST /triggers/inboundrules``, ``DELETE
  /triggers/inboundrules/{id}``.
* Bulk: ``POST /email/bulk``, ``GET /email/bulk/{id}``, ``GET /email/bulk``
  (see :mod:`.rules.bulk`).
* Stats: ``GET /stats/outbound`` and ``/sends``, ``/bounces``, ``/spam``,
  ``/tracked``, ``/opens`` (``/platforms``, ``/emailclients``,
  ``/readtimes``), ``/clicks`` (``/browserfamilies``, ``/platforms``,
  ``/location``), computed from stored mail and the ``events`` table (see
  :mod:`.rules.stats`); opens and clicks: ``GET /messages/outbound/opens``,
  ``/opens/{id}``, ``/clicks``, ``/clicks/{id}``.
* Account (``X-Postmark-Account-Token``): ``/servers`` (see
  :mod:`.servers`), ``/domains`` with ``verifyDkim``, ``verifyReturnPath``,
  ``verifyspf``, ``rotatedkim`` and ``/senders`` with ``resend``,
  ``verifyspf``, ``requestnewdkim`` (see :mod:`.rules.domains`),
  ``/data-removals``, ``PUT /templates/push``.

Tokens: by default any non-empty ``X-Postmark-Server-Token`` reaches the
default server (``Sandbox(tokens=[...])`` restricts them), a created
server's token reaches that server only, and any non-empty
``X-Postmark-Account-Token`` opens the account routes
(``account_tokens=[...]``); a token of the wrong kind is told which header
the route needs. ``POSTMARK_API_TEST`` works on the send endpoints only and
stores nothing, like Postmark's test token.

Bounce testing: mail to ``<type>@bounce-testing.postmarkapp.com`` (any case,
``Hard_Bounce`` works; the ``X-PM-Bounce-Type`` header picks the type for
that domain) records a bounce; a hard bounce (also asked for as
SpamComplaint) suppresses the address on that stream, so the next send to it
answers 406 until ``PUT /bounces/{id}/activate`` or a suppression delete.

Where Postmark's documentation is silent, the sandbox chooses (and tests):

* unknown path, or a known path with another method (TRACE, CONNECT and
  made-up methods included): HTTP 404, ``{"ErrorCode": 404, "Message":
  ...}`` (no 405: ErrorCode 405 once meant "not allowed to send");
* an ID no row can have (Unicode digits, beyond 64 bits) is "not found";
  JSON nested deeper than 100 levels is 422 / 402; Content-Length with
  Transfer-Encoding is 400 and closes the connection;
* a ``Host`` that is not this machine gets 403 (DNS rebinding; see
  :mod:`.http.guard`), and so does a state-changing admin request from
  another ``Origin`` or without a JSON ``Content-Type``;
* HTTP 413 (over 10 MB on single sends, 50 MB on batches; a batch entry over
  10 MB fails alone with 300): body ``{"Message": ...}`` without ErrorCode;
* HTTP 415 when ``Accept`` does not name JSON (``*/*`` does not count) or a
  body comes without a JSON ``Content-Type``: ErrorCode 409, Postmark's
  former "JSON required" code;
* request field names are matched exactly: an unknown or misspelt field is
  422 / 403, like an ill-typed one; ``null`` means "not given";
* ``/email`` needs a non-empty ``Subject`` (Postmark's 422 troubleshooting
  article lists it as required); template sends take it from the template;
* a send with any suppressed recipient answers 406 and stores nothing;
* ``POSTMARK_API_TEST`` on a non-send route answers 401; on a send route it
  ignores suppressions and bounce-testing addresses;
* ``X-PM-Bounce-Type`` only affects recipients at the black-hole domain, as
  Postmark documents; only hard bounces deactivate an address;
* ``InlineCss`` is accepted but CSS is not inlined; a deleted template stays
  readable with ``Active: false``;
* fault 429: ErrorCode 429; fault 500: ErrorCode 101; fault 503: ErrorCode 100;
* a send to an archived stream: 422 / 1236 (the stream exists, but cannot send);
* the sandbox calls user endpoints (webhook verification, the inbound hook)
  only on this machine: ``localhost`` or a loopback IP in the URL, no
  proxies, no redirects (:mod:`.http.callouts`); other URLs are stored, never
  called: such webhooks stay ``unverified`` and inbound mail counts as
  processed.

Events and webhooks (see :mod:`.rules.events` and
:mod:`.rules.webhook_delivery`): a send records a Delivery per recipient (a
Bounce, and SubscriptionChange for a hard bounce, at the bounce-testing
domain); ``Sandbox.event("open"|"click"|"spam"|"subscription"|"bounce",
message_id)`` or ``POST /__sandbox/events`` records the others, refusing an
open without TrackOpens or a click without TrackLinks. Each event is posted,
from a background thread, to the verified local webhooks of the message's
stream whose trigger is on, with HttpAuth, HttpHeaders and Postmark's retry
schedule (``webhook_retry_scale`` compresses it); every call is listed by
``Sandbox.webhook_deliveries()``.

Receiving mail: ``Sandbox.receive_inbound({"From": ..., "To": ...})`` or
``POST /__sandbox/inbound`` with Postmark's inbound webhook JSON (missing
fields are filled in); inbound rules and ``InboundSpamThreshold`` block,
otherwise the message is posted to a local ``InboundHookUrl``;
``status="failed"`` (or ``?status=failed``) and the other statuses can be
asked for directly.

Admin routes (not Postmark's; no token; never faulted), see
:mod:`postmark.sandbox.routes.admin`: ``GET /__sandbox/health``, ``GET|DELETE
/__sandbox/messages`` (paged: ``count``, ``offset``), ``GET /__sandbox/bounces``, ``GET|POST
/__sandbox/inbound``, ``GET|POST|DELETE /__sandbox/faults`` with
``{"kind": "429"|"500"|"503"|"stall"|"drop", "count": 1, "seconds": 0.0,
"path": "/email"}``; and, in :mod:`postmark.sandbox.routes.events`,
``GET|POST /__sandbox/events``, ``GET /__sandbox/webhook-deliveries``,
``POST /__sandbox/inbound/raw``.

Fault injection (:meth:`Sandbox.inject_fault` or the admin route): status
faults answer without processing the request; ``stall`` processes the
request at once (a send is stored) and holds the answer ``seconds``;
``drop`` reads the request and closes the connection without answering or
processing it.

Web inbox at the root URL (:mod:`postmark.sandbox.ui`): a live message list
with search, filters, read marks and delete, one tabbed page per message
(HTML body in a sandboxed iframe under a script-free CSP), bounces.
"""

from __future__ import annotations

from .http.faults import FAULT_KINDS
from .sandbox import Sandbox, serve

__all__ = ["FAULT_KINDS", "Sandbox", "serve"]
