"""Requests, replies and the routing table.

A route is one function with a decorator::

    routes = Router()

    @routes.route("GET", "/bounces/{id:int}")
    def get_bounce(ctx: Context) -> Any:
        ...

Paths match without regard to case (Postmark's SDKs spell the same path
``deliverystats`` and ``deliveryStats``) and a trailing slash is ignored.
``{name}`` matches one segment, ``{name:int}`` only ASCII digits; a literal segment
beats a parameter, so ``/templates/validate`` wins over ``/templates/{idOrAlias}``.
A handler returns JSON-ready data (answered with HTTP 200), a :class:`Reply`,
or raises :class:`~postmark.sandbox.http.errors.ApiError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from .errors import ApiError

if TYPE_CHECKING:
    from ..app import App

DEFAULT_MAX_BODY = 10 * 1024 * 1024
JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class Request:
    """One HTTP request as the routes see it."""

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    oversize: bool = False

    def header(self, name: str) -> str | None:
        """A request header by name (any case)."""
        return self.headers.get(name.lower())


@dataclass
class Reply:
    """One HTTP answer; with ``stream``, a body sent piece by piece as it is made
    (Server-Sent Events): no Content-Length, the connection closes after it."""

    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: list[tuple[str, str]] = field(default_factory=list)
    stream: Iterable[bytes] | None = None

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Reply:
        """A JSON answer."""
        return cls(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def error(cls, err: ApiError) -> Reply:
        """Postmark's error body, with the ErrorCode echoed in ``X-PM-ApiErrorCode``."""
        reply = cls.json(err.body(), err.status)
        if err.error_code is not None:
            reply.headers.append(("X-PM-ApiErrorCode", str(err.error_code)))
        return reply

    @classmethod
    def html(
        cls, text: str, status: int = 200, headers: list[tuple[str, str]] | None = None
    ) -> Reply:
        """An HTML page."""
        return cls(status, text.encode("utf-8"), "text/html; charset=utf-8", headers or [])


class Drop:
    """Returned instead of a reply: close the connection without answering."""


DROP = Drop()


@dataclass
class Context:
    """What a route handler gets."""

    app: App
    request: Request
    params: dict[str, str]
    json: Any = None
    token: str = ""
    test_token: bool = False

    def arg(self, name: str) -> str | None:
        """A query parameter by name, any case (``fromEmail`` reaches ``fromemail``)."""
        return self.request.query.get(name.lower())


Handler = Callable[[Context], Any]


@dataclass(frozen=True)
class Route:
    """One method and path pattern with its handler and request rules.

    ``auth`` is ``"server"`` (X-Postmark-Server-Token), ``"account"``
    (X-Postmark-Account-Token) or ``"none"``; ``test_token`` lets
    ``POSTMARK_API_TEST`` through; bodies over ``max_body`` bytes get 413.
    """

    method: str
    pattern: str
    handler: Handler
    auth: str = "server"
    test_token: bool = False
    max_body: int = DEFAULT_MAX_BODY

    @property
    def segments(self) -> list[str]:
        """The pattern's path segments."""
        return split_path(self.pattern)


@dataclass
class Match:
    """Result of a lookup: a route and its parameters, or the methods the path allows."""

    route: Route | None
    params: dict[str, str]
    allowed: tuple[str, ...] = ()


def split_path(path: str) -> list[str]:
    """``/a/b%20c/`` -> ``["a", "b c"]``."""
    return [unquote(part) for part in path.strip("/").split("/") if part]


class Router:
    """An ordered table of routes."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, route: Route) -> None:
        """Add one route."""
        self.routes.append(route)

    def include(self, other: Router) -> None:
        """Add every route of ``other``."""
        self.routes.extend(other.routes)

    def route(
        self,
        method: str,
        pattern: str,
        *,
        auth: str = "server",
        test_token: bool = False,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> Callable[[Handler], Handler]:
        """Decorator registering a handler."""

        def register(handler: Handler) -> Handler:
            self.add(Route(method.upper(), pattern, handler, auth, test_token, max_body))
            return handler

        return register

    def match(self, method: str, path: str) -> Match | None:
        """The best route for ``method`` and ``path``; ``None`` when no route has the path."""
        parts = split_path(path)
        method = "GET" if method == "HEAD" else method
        found: list[tuple[int, Route, dict[str, str]]] = []
        for route in self.routes:
            params = _bind(route.segments, parts)
            if params is not None:
                literals = sum(1 for s in route.segments if not s.startswith("{"))
                found.append((literals, route, params))
        if not found:
            return None
        same = [f for f in found if f[1].method == method]
        if not same:
            return Match(None, {}, tuple(sorted({f[1].method for f in found})))
        _, route, params = max(same, key=lambda f: f[0])
        return Match(route, params)


def _bind(pattern: list[str], parts: list[str]) -> dict[str, str] | None:
    if len(pattern) != len(parts):
        return None
    params: dict[str, str] = {}
    for expected, actual in zip(pattern, parts, strict=True):
        if expected.startswith("{"):
            name, _, kind = expected[1:-1].partition(":")
            if kind == "int" and not (actual.isascii() and actual.isdigit()):
                return None
            params[name] = actual
        elif expected.lower() != actual.lower():
            return None
    return params
