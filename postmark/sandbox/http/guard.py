"""Refusals that protect a developer's sandbox from the web pages they visit.

The sandbox has no login: the admin routes need no token and the API takes
any token. Two browser tricks could otherwise reach it:

* **DNS rebinding**: a page at ``evil.example`` re-points its own name at
  127.0.0.1 and reads the inbox or ``/__sandbox/messages`` as same-origin.
  Every request whose ``Host`` is not this machine is refused: accepted are
  ``localhost`` (and ``*.localhost``), any IP address literal (a rebinding
  attack always uses the attacker's domain name), the machine's own host
  name, and the names given with ``Sandbox(allowed_hosts=...)`` /
  ``--allow-host`` (say ``sandbox`` for a docker compose service).
* **Cross-site requests**: a page may POST ``text/plain`` or form bodies to
  any URL without a preflight. State-changing admin requests (every method
  but GET and HEAD) must come without an ``Origin`` or with this sandbox's
  own, and POST/PUT/PATCH must say ``Content-Type: application/json``
  (which a cross-site page cannot send without a CORS preflight, which the
  sandbox never grants).

* **Cross-site web-inbox actions** (delete, mark read, activate, ...): they
  are HTML form POSTs, so the JSON rule cannot apply; instead
  :func:`check_ui_write` wants POST with a form body, no foreign ``Origin``,
  no ``Sec-Fetch-Site`` other than ``same-origin`` (or ``none``: typed by
  the user), and the sandbox's CSRF token (``App.ui_token``, made at start,
  readable only by pages of this origin) in the ``csrf`` field.

Refusals are HTTP 403 with ``{"Message": ...}``: Postmark has no such answer,
so no ErrorCode is made up.
"""

from __future__ import annotations

import hmac
import ipaddress
import socket
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from .errors import ApiError
from .router import Request

JSON_TYPES = frozenset({"application/json", "text/json", "text/x-json"})
_SAFE_METHODS = frozenset({"GET", "HEAD"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
FORM_TYPE = "application/x-www-form-urlencoded"
_SAME_SITE_FETCHES = frozenset({"same-origin", "none"})


def host_name(value: str) -> str:
    """``"Example.COM:8025"`` -> ``"example.com"``; ``"[::1]:80"`` -> ``"::1"``."""
    value = value.strip()
    if value.startswith("["):
        return value[1:].partition("]")[0].lower()
    if value.count(":") == 1:
        value = value.partition(":")[0]
    return value.rstrip(".").lower()


@lru_cache(maxsize=1)
def _machine_names() -> frozenset[str]:
    # gethostname() only: getfqdn() asks DNS, which can hang where there is none.
    name = socket.gethostname().lower().rstrip(".")
    return frozenset({name, name.partition(".")[0]} - {""})


def is_local_host(name: str, extra: Iterable[str] = ()) -> bool:
    """Whether a ``Host`` name (port stripped) may address this sandbox."""
    if name == "localhost" or name.endswith(".localhost") or name in _machine_names():
        return True
    if name in {host_name(e) for e in extra}:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def check_host(request: Request, extra: Iterable[str] = ()) -> None:
    """403 unless the request's ``Host`` names this machine (absent is fine: not a browser)."""
    value = request.header("Host")
    if value is None or is_local_host(host_name(value), extra):
        return
    raise ApiError(
        None,
        f"Host '{host_name(value)}' is not this sandbox's address. Use localhost or an IP "
        "address, or start the sandbox with --allow-host (Sandbox(allowed_hosts=[...])).",
        403,
    )


def check_admin_write(request: Request) -> None:
    """403 for a state-changing admin request a foreign web page could have sent."""
    if request.method in _SAFE_METHODS:
        return
    origin = request.header("Origin")
    if origin is not None and not _same_origin(origin, request.header("Host")):
        raise ApiError(403, f"Cross-origin admin request refused (Origin: {origin}).", status=403)
    if request.method in _BODY_METHODS and not _is_json(request.header("Content-Type")):
        raise ApiError(
            403, "Admin requests that change state need 'Content-Type: application/json'.", 403
        )


def check_ui_write(request: Request, token: str) -> None:
    """403 for a state-changing web-inbox request that did not come from its own page."""
    if request.method in _SAFE_METHODS:
        return
    origin = request.header("Origin")
    if origin is not None and not _same_origin(origin, request.header("Host")):
        raise ApiError(403, f"Cross-origin inbox request refused (Origin: {origin}).", status=403)
    site = (request.header("Sec-Fetch-Site") or "none").lower()
    if site not in _SAME_SITE_FETCHES:
        raise ApiError(403, f"Cross-site inbox request refused (Sec-Fetch-Site: {site}).", 403)
    kind = (request.header("Content-Type") or "").split(";")[0].strip().lower()
    if request.method != "POST" or kind != FORM_TYPE:
        raise ApiError(403, f"Inbox actions are POST forms ({FORM_TYPE}).", status=403)
    sent = parse_qs(request.body.decode("utf-8", "replace")).get("csrf") or [""]
    if not hmac.compare_digest(sent[0].encode(), token.encode()):
        raise ApiError(403, "Inbox action without this sandbox's CSRF token refused.", 403)


def is_own_navigation(request: Request) -> bool:
    """Whether a GET came from this sandbox's own pages or a typed URL, so that a side
    effect as small as marking a message read may follow (never from another site)."""
    site = request.header("Sec-Fetch-Site")
    return site is not None and site.lower() in _SAME_SITE_FETCHES


def _same_origin(origin: str, host: str | None) -> bool:
    parts = urlsplit(origin)
    return host is not None and parts.scheme == "http" and parts.netloc.lower() == host.lower()


def _is_json(value: str | None) -> bool:
    return value is not None and value.split(";")[0].strip().lower() in JSON_TYPES
