"""Calls the sandbox makes to user endpoints: webhooks (events, verification), the inbound hook.

Postmark posts to any public URL. The sandbox is a test tool that may run
next to anything, so it only ever calls URLs on this machine: ``localhost``
or a loopback address (``127.0.0.0/8``, ``::1``) written in the URL itself.
Host names are not resolved (a name that resolves to a private address is
not called), proxies from the environment are not used and redirects are
not followed (a 3xx answer counts as a failure); the sandbox's own port is
never called. Other URLs are stored and shown but never called; the routes
document what that means for them.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

TIMEOUT = 10.0  # seconds; Postmark waits longer, but a local test endpoint answers fast
USER_AGENT = "Postmark sandbox"
EXCERPT_CHARS = 500  # of an answer's body, kept for the webhook delivery log


def is_http_url(url: str) -> bool:
    """An absolute ``http``/``https`` URL with a host and no whitespace."""
    if not url or any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def is_loopback_url(url: str) -> bool:
    """Whether the sandbox may call ``url``: http(s) to localhost or a loopback IP."""
    if not is_http_url(url):
        return False
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def may_call(url: str, own_url: str) -> bool:
    """A loopback URL that is not the sandbox itself at ``own_url``.

    A hook pointing back at the sandbox (say at ``/__sandbox/inbound``)
    would make it post to itself without end, so that one is never called.
    """
    if not is_loopback_url(url):
        return False
    target, own = urlsplit(url), urlsplit(own_url)
    return own.port is None or _port(target) != own.port


def _port(parts: Any) -> int:
    return int(parts.port or (443 if parts.scheme.lower() == "https" else 80))


@dataclass(frozen=True)
class CallResult:
    """The answer of one call: HTTP status (0 when none came) and its reason phrase.

    ``body`` is the start of the answer's body (``EXCERPT_CHARS``) and
    ``elapsed_ms`` how long the call took, for the webhook delivery log.
    """

    status: int
    message: str
    body: str = ""
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        """Postmark counts exactly HTTP 200 as success for verification and inbound posts."""
        return self.status == 200


def post_json(
    url: str,
    payload: Any,
    *,
    auth: tuple[str, str] | None = None,
    headers: Sequence[tuple[str, str]] = (),
    timeout: float = TIMEOUT,
) -> CallResult:
    """POST ``payload`` as JSON to a loopback ``url``; never raises for network trouble.

    ``auth`` (or credentials written in the URL, as Postmark allows) becomes
    an ``Authorization: Basic`` header; ``headers`` are added as given.

    Raises:
        ValueError: ``url`` is not a loopback URL (callers check first).
    """
    if not is_loopback_url(url):
        raise ValueError("the sandbox only calls URLs on this machine")
    parts = urlsplit(url)
    if auth is None and parts.username is not None:
        auth = (unquote(parts.username), unquote(parts.password or ""))
    sent = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
    }
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        sent["Authorization"] = f"Basic {token}"
    sent.update(headers)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = (
        http.client.HTTPSConnection
        if parts.scheme.lower() == "https"
        else http.client.HTTPConnection
    )
    conn = kind(parts.hostname or "", parts.port, timeout=timeout)
    started = time.monotonic()

    def elapsed() -> float:
        return round((time.monotonic() - started) * 1000, 1)

    try:
        conn.request("POST", target, body=json.dumps(payload).encode("utf-8"), headers=sent)
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")[:EXCERPT_CHARS]
        return CallResult(response.status, response.reason or "", body, elapsed())
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return CallResult(0, f"No answer from {parts.hostname}: {exc}", "", elapsed())
    finally:
        conn.close()
