"""Tokens: which server a request acts on, and 401 / ErrorCode 10 otherwise.

Postmark treats token values case-insensitively; a missing, wrong or
wrong-kind token is HTTP 401 with ErrorCode 10. The sandbox's answer names
the header a route needs when the request carried the other one, or a token
known to be of the other kind (a created server's token in
``X-Postmark-Account-Token``, a configured account token in
``X-Postmark-Server-Token``).

A server route acts on the created server whose token it carries (see
:mod:`postmark.sandbox.servers`), otherwise on the default server, which
takes any non-empty token unless ``Sandbox(tokens=[...])`` restricts them.
Account routes act on the default server's App, which holds the account.
"""

from __future__ import annotations

from .. import servers
from ..app import TEST_TOKEN, App, Config
from .errors import AUTH_BAD_ACCOUNT, AUTH_BAD_SERVER, AUTH_MISSING, ApiError
from .router import Request, Route

SERVER_HEADER = "X-Postmark-Server-Token"
ACCOUNT_HEADER = "X-Postmark-Account-Token"


def authenticate(app: App, route: Route, request: Request) -> tuple[App, str, bool]:
    """The server App the request acts on, its token, and whether it is ``POSTMARK_API_TEST``."""
    if route.auth == "none":
        return app, "", False
    _check_kind(app, route, request)
    token, is_test = check_token(app.config, route, request, known=_created(app, route, request))
    server = servers.for_token(app, token) if route.auth == "server" and not is_test else None
    return server or app, token, is_test


def _created(app: App, route: Route, request: Request) -> bool:
    token = (request.header(SERVER_HEADER) or "").strip()
    return route.auth == "server" and bool(token) and servers.for_token(app, token) is not None


def check_token(
    config: Config, route: Route, request: Request, *, known: bool = False
) -> tuple[str, bool]:
    """The token of a request and whether it is ``POSTMARK_API_TEST``; 401 otherwise.

    ``known`` says the server token belongs to a created server (always valid).
    ``POSTMARK_API_TEST`` is accepted only by the send routes: Postmark
    documents it for sending only.
    """
    if route.auth == "none":
        return "", False
    server = route.auth == "server"
    token = (request.header(SERVER_HEADER if server else ACCOUNT_HEADER) or "").strip()
    if not token:
        raise ApiError(10, AUTH_MISSING, 401)
    invalid = ApiError(10, AUTH_BAD_SERVER if server else AUTH_BAD_ACCOUNT, 401)
    if server and token.upper() == TEST_TOKEN:
        if route.test_token:
            return token, True
        raise invalid
    allowed = config.tokens if server else config.account_tokens
    if not known and allowed is not None and token.lower() not in {t.lower() for t in allowed}:
        raise invalid
    return token, False


def _check_kind(app: App, route: Route, request: Request) -> None:
    """401 naming the header a route needs, when the request used the other kind."""
    wants_server = route.auth == "server"
    needed, other = (
        (SERVER_HEADER, ACCOUNT_HEADER) if wants_server else (ACCOUNT_HEADER, SERVER_HEADER)
    )
    given = (request.header(needed) or "").strip()
    if not given and (request.header(other) or "").strip():
        raise _wrong_kind(wants_server, f"the request sent only {other}")
    if given and wants_server and _is_account_token(app.config, given):
        raise _wrong_kind(wants_server, "the token given is an account token")
    if given and not wants_server and _is_server_token(app, given):
        raise _wrong_kind(wants_server, "the token given is a server token")


def _is_account_token(config: Config, token: str) -> bool:
    known = config.account_tokens or ()
    return token.lower() in {t.lower() for t in known}


def _is_server_token(app: App, token: str) -> bool:
    configured = {t.lower() for t in app.config.tokens or ()}
    return token.lower() in configured or servers.for_token(app, token) is not None


def _wrong_kind(wants_server: bool, why: str) -> ApiError:
    if wants_server:
        need = f"a server token in {SERVER_HEADER} (from the server's API Tokens tab)"
    else:
        need = f"an account token in {ACCOUNT_HEADER} (from the account's API Tokens tab)"
    return ApiError(10, f"This endpoint needs {need}; {why}.", 401)
