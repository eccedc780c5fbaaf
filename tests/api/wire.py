"""What reached the wire under ``responses``, and a table-driven endpoint check."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import responses

API = "https://api.postmarkapp.com"
SERVER_TOKEN = "server-token-123"
ACCOUNT_TOKEN = "account-token-456"
TOKEN_HEADERS = {
    "server": ("X-Postmark-Server-Token", SERVER_TOKEN),
    "account": ("X-Postmark-Account-Token", ACCOUNT_TOKEN),
}


@dataclass
class Sent:
    """One request as the fake server saw it."""

    method: str
    path: str  # still percent-encoded
    query: dict[str, str]
    headers: Any
    body: Any  # decoded JSON, or None when there was no body


def sent(index: int = -1) -> Sent:
    request = responses.calls[index].request
    parts = urlsplit(str(request.url))
    raw = request.body
    body = json.loads(raw) if raw else None
    return Sent(
        method=request.method or "",
        path=parts.path,
        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
        headers=request.headers,
        body=body,
    )


def assert_token(request: Sent, kind: str) -> None:
    """The right token in the right header, and the other header absent."""
    header, token = TOKEN_HEADERS[kind]
    assert request.headers[header] == token
    other = next(h for k, (h, _) in TOKEN_HEADERS.items() if k != kind)
    assert other not in request.headers


@dataclass(frozen=True)
class Case:
    """One endpoint: the call, and everything that must reach the wire."""

    id: str
    call: Callable[[Any], Any]
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None
    answer: Any = field(default_factory=lambda: {"ErrorCode": 0, "Message": "OK"})


def check(case: Case, client: Any, kind: str) -> None:
    """Run ``case`` against a fake Postmark and assert the request and the result."""
    responses.add(case.method, API + case.path, json=case.answer)
    result = case.call(client)
    assert len(responses.calls) == 1
    request = sent()
    assert (request.method, request.path) == (case.method, case.path)
    assert request.query == case.query
    assert request.body == case.body
    assert_token(request, kind)
    assert result == case.answer


def ids(cases: list[Case]) -> list[str]:
    return [case.id for case in cases]
