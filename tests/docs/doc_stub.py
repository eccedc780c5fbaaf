"""Answers for the Postmark endpoints the sandbox does not model (yet).

The docs' examples run against the in-process sandbox, which serves the
whole API, the account API included; only the legacy ``GET /bounces/tags``
(gone from Postmark's API) has no route (``test_readme.py`` pins that). For
endpoints without a route, a ``responses`` callback answers with the example
answer of Postmark's API reference (fields the request sent are echoed
back). Which endpoints are stubbed is decided at run time by asking the
sandbox's own router, so an endpoint the sandbox learns to serve is from
then on exercised for real.

Every other request to a local address passes through to the real server;
a request anywhere else (such as api.postmarkapp.com) fails, so no example
can reach the internet.
"""

from __future__ import annotations

import json
import re
from typing import Any

import responses

from postmark.api.inventory import ENDPOINTS, Endpoint
from postmark.sandbox.routes import api_router

LOCAL = r"http://127\.0\.0\.1:\d+"
ACK = {"ErrorCode": 0, "Message": "OK"}

#: operation -> Postmark's example answer, for the endpoints the sandbox does not serve.
ANSWERS: dict[str, Any] = {
    # Removed from Postmark's API (the sandbox answers 404 like Postmark would).
    "bounces.tags": ["welcome", "receipt"],
}


def served(endpoint: Endpoint) -> bool:
    """Whether the sandbox has a route for this endpoint (with the same kind of token)."""
    concrete = re.sub(r"\{[^}]+\}", "1", endpoint.path)
    match = api_router().match(endpoint.method, concrete)
    return match is not None and match.route is not None and match.route.auth == endpoint.token


def stubbed() -> list[Endpoint]:
    """The endpoints answered by this stub."""
    return [endpoint for endpoint in ENDPOINTS if not served(endpoint)]


def _url(endpoint: Endpoint) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", endpoint.path)
    path = "".join("[^/?]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(rf"{LOCAL}{path}(\?.*)?$")


def _answer(endpoint: Endpoint, request: Any) -> tuple[int, dict[str, str], str]:
    answer = ANSWERS.get(endpoint.operation, ACK)
    sent = json.loads(request.body) if request.body else None
    if isinstance(answer, dict) and isinstance(sent, dict):
        answer = {**answer, **sent}  # created/edited fields come back as sent
    return 200, {"Content-Type": "application/json"}, json.dumps(answer)


def mock(*, stub: bool = True) -> responses.RequestsMock:
    """A ``responses`` mock: the stub for unmodelled endpoints, local servers otherwise.

    With ``stub=False`` nothing is stubbed: every request goes to the local
    server (so an endpoint the sandbox lacks fails), and still none leaves
    the machine.
    """
    requests_mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    for endpoint in stubbed() if stub else []:
        requests_mock.add_callback(
            endpoint.method,
            _url(endpoint),
            callback=lambda request, endpoint=endpoint: _answer(endpoint, request),
        )
    requests_mock.add_passthru(re.compile(LOCAL))
    return requests_mock
