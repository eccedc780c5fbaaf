"""The endpoint inventory: every listed endpoint has a method that puts it on the wire.

For each row of :data:`postmark.api.inventory.ENDPOINTS` the method is
called with dummy arguments (ids with a space and a slash, to prove they are
encoded into one path segment) and the test asserts the exact HTTP method,
path and token header that reached the fake Postmark. A second test fails
when a public method is missing from the inventory.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
import responses

import postmark
from postmark.api.base import Section
from postmark.api.inventory import ENDPOINTS, Endpoint

from .wire import ACCOUNT_TOKEN, SERVER_TOKEN, assert_token, sent

MESSAGE = {"From": "me@example.com", "To": "you@example.com", "Subject": "s", "TextBody": "t"}
TEMPLATED = {
    "From": "me@example.com",
    "To": "you@example.com",
    "TemplateId": 1,
    "TemplateModel": {},
}

#: Calls whose arguments are not path segments.
SPECIAL: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "email.send": ((MESSAGE,), {}),
    "email.send_batch": (([MESSAGE],), {}),
    "email.send_with_template": ((TEMPLATED,), {}),
    "email.send_batch_with_templates": (([TEMPLATED],), {}),
    "email.send_bulk": (
        (),
        {
            "sender": "me@example.com",
            "subject": "s",
            "text_body": "t",
            "messages": [{"to": "you@example.com"}],
        },
    ),
}

#: Values for required keyword-only arguments, by name.
KEYWORDS: dict[str, Any] = {
    "name": "Dummy",
    "url": "https://example.com/hook",
    "rule": "spam@example.com",
    "stream_id": "news",
    "message_stream_type": "Broadcasts",
    "source_server_id": 1,
    "destination_server_id": 2,
    "from_email": "me@example.com",
    "requested_by": "dpo@example.com",
    "requested_for": "user@example.com",
    "return_path_domain": "pm-bounces.example.com",
}

#: Positional arguments that are not path segments, by name.
POSITIONAL: dict[str, Any] = {"email_addresses": ["user@example.com"]}


def resolve(client: Any, operation: str) -> Callable[..., Any]:
    section, name = operation.split(".")
    method: Callable[..., Any] = getattr(getattr(client, section), name)
    return method


def arguments(
    method: Callable[..., Any], endpoint: Endpoint
) -> tuple[list[Any], dict[str, Any], str]:
    """Dummy arguments for ``method`` and the path they must produce."""
    if endpoint.operation in SPECIAL:
        fixed_args, fixed_kwargs = SPECIAL[endpoint.operation]
        return list(fixed_args), dict(fixed_kwargs), endpoint.path
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for parameter in inspect.signature(method).parameters.values():
        if parameter.default is not parameter.empty or parameter.kind in (
            parameter.VAR_POSITIONAL,
            parameter.VAR_KEYWORD,
        ):
            continue
        if parameter.kind is parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = KEYWORDS[parameter.name]
        elif parameter.name in POSITIONAL:
            args.append(POSITIONAL[parameter.name])
        else:
            args.append(f"id {len(args) + 1}/x")
    path = endpoint.path
    placeholders = re.findall(r"\{[^}]+\}", path)
    segments = [a for a in args if isinstance(a, str) and a.startswith("id ")]
    assert len(placeholders) == len(segments), f"{endpoint.operation}: {args} for {path}"
    for placeholder, value in zip(placeholders, segments, strict=True):
        path = path.replace(placeholder, quote(value, safe=""), 1)
    return args, kwargs, path


@pytest.fixture
def clients() -> dict[str, Any]:
    return {
        "server": postmark.ServerClient(SERVER_TOKEN, retries=0),
        "account": postmark.AccountClient(ACCOUNT_TOKEN, retries=0),
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[f"{e.method} {e.path}" for e in ENDPOINTS])
def test_every_endpoint_has_a_method_that_calls_it(
    endpoint: Endpoint, clients: dict[str, Any]
) -> None:
    method = resolve(clients[endpoint.token], endpoint.operation)
    args, kwargs, path = arguments(method, endpoint)
    answer: Any = [] if "batch" in endpoint.path.lower() else {}
    responses.add(endpoint.method, re.compile(r"https://api\.postmarkapp\.com/.*"), json=answer)
    method(*args, **kwargs)
    assert len(responses.calls) == 1
    request = sent()
    assert (request.method, request.path) == (endpoint.method, path)
    assert_token(request, endpoint.token)


def public_methods(client: Any) -> set[str]:
    names = set()
    for attribute in dir(client):
        section = getattr(client, attribute)
        if attribute.startswith("_") or not isinstance(section, Section):
            continue
        for name, _ in inspect.getmembers(type(section), inspect.isfunction):
            # iter* walk a listed endpoint; they are not endpoints of their own.
            if not name.startswith(("_", "iter")):
                names.add(f"{attribute}.{name}")
    return names


@pytest.mark.parametrize("kind", ["server", "account"])
def test_every_public_method_is_in_the_inventory(kind: str, clients: dict[str, Any]) -> None:
    listed = {e.operation for e in ENDPOINTS if e.token == kind}
    assert public_methods(clients[kind]) == listed


def test_inventory_has_no_duplicates() -> None:
    assert len({(e.method, e.path) for e in ENDPOINTS}) == len(ENDPOINTS)
    assert len({(e.token, e.operation) for e in ENDPOINTS}) == len(ENDPOINTS)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[f"{e.method} {e.path}" for e in ENDPOINTS])
def test_every_docstring_names_its_http_call(endpoint: Endpoint, clients: dict[str, Any]) -> None:
    method = resolve(clients[endpoint.token], endpoint.operation)
    assert f"``{endpoint.method} {endpoint.path}" in (method.__doc__ or "")
