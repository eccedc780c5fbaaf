"""From a parsed request to a reply.

Admin (``/__sandbox/...``) and inbox requests go straight to their routes
(inbox actions, non-GET requests under ``/inbox/``, after
:func:`~.guard.check_ui_write`).
An API request goes through, in order:

1. a queued fault, if one matches (see :mod:`.faults`);
2. route lookup: an unknown path, or a known path with another method,
   answers 404 with ``{"ErrorCode": 404, "Message": ...}`` (Postmark does
   not document either answer);
3. the route's size limit: HTTP 413 (body ``{"Message": ...}`` only, as
   Postmark documents no body for it);
4. the token (:mod:`.auth`), which also picks the server the request acts on:
   401 / ErrorCode 10;
5. media types: ``Accept`` must name JSON, and ``Content-Type`` too when
   there is a body; otherwise HTTP 415 with ErrorCode 409 (Postmark's older
   "JSON required" code; the 415 body is undocumented);
6. JSON parsing: 422 / 402;
7. the route handler.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..app import App
from .auth import authenticate, check_token
from .errors import ApiError, invalid_json, not_found
from .faults import fault_error
from .guard import check_admin_write, check_host, check_ui_write
from .router import DROP, Context, Drop, Reply, Request, Router

__all__ = ["RouteTable", "check_token", "dispatch", "handle_api", "parse_json"]

JSON_MEDIA_TYPES = frozenset({"application/json", "text/json", "text/x-json"})
ADMIN_PREFIX = "/__sandbox"
# Deeper bodies are refused before any handler (or json.dumps, or the template
# renderer) recurses through them; no Postmark payload nests a tenth as deep.
MAX_JSON_DEPTH = 100


@dataclass(frozen=True)
class RouteTable:
    """The routers requests are dispatched to.

    Built by :func:`postmark.sandbox.routes.route_table` and handed to the
    server; ``inbox_not_found`` answers an inbox path no inbox route has.
    """

    api: Router
    admin: Router
    inbox: Router
    inbox_not_found: Callable[[], Reply]


def dispatch(app: App, routes: RouteTable, request: Request) -> Reply | Drop:
    """Answer one request (or drop it); foreign hosts and cross-site admin writes are refused."""
    admin = request.path.lower().startswith(ADMIN_PREFIX)
    reading = request.method in ("GET", "HEAD")
    inbox = _is_inbox(routes, request.path) if reading else _is_inbox_action(request.path)
    try:
        check_host(request, app.config.allowed_hosts)
        if admin:
            check_admin_write(request)
        elif inbox:
            check_ui_write(request, app.ui_token)
    except ApiError as err:
        return Reply.error(err)
    if admin:
        return _local(app, routes, routes.admin, request)
    if inbox:
        return _local(app, routes, routes.inbox, request)
    return handle_api(app, routes.api, request)


def _is_inbox(routes: RouteTable, path: str) -> bool:
    """The inbox owns ``/``, ``/favicon.ico`` and everything under ``/inbox``."""
    lowered = path.lower()
    if lowered == "/inbox" or lowered.startswith("/inbox/"):
        return True
    match = routes.inbox.match("GET", path)
    return match is not None and match.route is not None


def _is_inbox_action(path: str) -> bool:
    """A non-GET request under ``/inbox/`` is a web-inbox action (a form POST)."""
    return path.lower().startswith("/inbox/")


def handle_api(app: App, api: Router, request: Request) -> Reply | Drop:
    """An API request, with fault injection around it."""
    fault = app.faults.take(request.path)
    if fault is not None and fault.kind == "drop":
        return DROP
    if fault is not None and fault.kind != "stall":
        return Reply.error(fault_error(fault.kind))
    reply = _guard(lambda: _call_api(app, api, request))
    if fault is not None:  # a stall: the work is done, only the answer waits
        app.pause(fault.seconds)
    return reply


def _local(app: App, routes: RouteTable, router: Router, request: Request) -> Reply:
    """Admin and inbox routes: no token, no media-type rules, no faults."""

    def call() -> Any:
        match = router.match(request.method, request.path)
        if match is None or match.route is None:
            if router is routes.inbox:
                return routes.inbox_not_found()
            raise not_found(request.method, request.path)
        # Inbox actions are form posts (read by the handler), admin bodies are JSON.
        json_body = router is routes.admin and request.method in ("POST", "PUT")
        data = parse_json(request.body) if json_body else None
        return match.route.handler(Context(app, request, match.params, data))

    return _guard(call)


def _guard(call: Callable[[], Any]) -> Reply:
    try:
        result = call()
    except ApiError as err:
        return Reply.error(err)
    except Exception as exc:  # a sandbox bug must still answer, and say so
        traceback.print_exc(file=sys.stderr)
        return Reply.error(ApiError(101, f"The Postmark sandbox failed: {exc!r}", 500))
    return result if isinstance(result, Reply) else Reply.json(result)


def _call_api(app: App, api: Router, request: Request) -> Any:
    match = api.match(request.method, request.path)
    if match is None or match.route is None:
        raise not_found(request.method, request.path, match.allowed if match else ())
    route = match.route
    if request.oversize or len(request.body) > route.max_body:
        limit = route.max_body // (1024 * 1024)
        raise ApiError(None, f"Request entity too large: the limit is {limit} MB.", 413)
    server, token, is_test = authenticate(app, route, request)
    check_media_types(request)
    data = parse_json(request.body)
    return route.handler(Context(server, request, match.params, data, token, is_test))


def _names_json(value: str | None) -> bool:
    return value is not None and any(
        part.split(";")[0].strip().lower() in JSON_MEDIA_TYPES for part in value.split(",")
    )


def check_media_types(request: Request) -> None:
    """415 unless ``Accept`` (and ``Content-Type`` when there is a body) name JSON."""
    if not _names_json(request.header("Accept")):
        raise ApiError(
            409, "Unsupported Media Type: send the header 'Accept: application/json'.", 415
        )
    if request.body.strip() and not _names_json(request.header("Content-Type")):
        raise ApiError(
            409, "Unsupported Media Type: send the header 'Content-Type: application/json'.", 415
        )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(body: bytes) -> Any:
    """The JSON body, ``None`` when empty; 422 / 402 when malformed or nested too deeply."""
    if not body.strip():
        return None
    try:
        data = json.loads(body.decode("utf-8-sig"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise invalid_json() from None
    if _depth(data) > MAX_JSON_DEPTH:
        raise ApiError(
            402, f"Received invalid JSON input: nested deeper than {MAX_JSON_DEPTH} levels."
        )
    return data


def _depth(data: Any) -> int:
    """How deeply arrays and objects nest in ``data`` (without recursion)."""
    deepest, todo = 0, [(data, 1)]
    while todo:
        value, level = todo.pop()
        children = value.values() if isinstance(value, dict) else value
        if isinstance(value, (dict, list)):
            deepest = max(deepest, level)
            todo.extend((child, level + 1) for child in children)
    return deepest
