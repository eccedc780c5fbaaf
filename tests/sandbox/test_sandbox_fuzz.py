"""Bounded fuzzing: every operation of Postmark's own spec files, with generated inputs.

The spec files (Postmark's stale Swagger / OpenAPI documents) are read from
``../shared/postmark-api/spec`` beside the repository, where CI puts them;
they are not copied into the repository (their licence is unclear, see
SOURCE.md there). Each operation gets generated path IDs (ASCII and Unicode
digits, huge numbers, text), query values of the declared types (and
junk), JSON bodies shaped like the declared schema (and odd JSON), with the
right, the wrong or no token. The sandbox must answer every request with a
JSON 2xx-4xx and print no traceback. A second test does the same for every
route the sandbox serves, spec or not.

Hypothesis is derandomized and bounded so this runs in a few seconds.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postmark.sandbox import Sandbox
from postmark.sandbox.routes import api_router

REPO = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO.parent / "shared" / "postmark-api" / "spec"
SPEC_FILES = ("postmark-server-api.swagger2.yml", "postmark-account-api.openapi3.yml")
EXAMPLES = 8  # per operation (a 150-example run found nothing more)
SERVER, ACCOUNT = "X-Postmark-Server-Token", "X-Postmark-Account-Token"


def _load(name: str) -> dict[str, Any]:
    path = SPEC_DIR / name
    if not path.is_file():
        pytest.fail(
            f"Postmark's spec file {name} is not at {SPEC_DIR}: the fuzz test reads "
            "shared/postmark-api/spec beside the repository (as CI lays it out).",
            pytrace=False,
        )
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def _resolve(doc: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """Inline ``$ref``s (bounded, the schemas are not recursive but be safe)."""
    if depth > 8 or not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target.get(part, {})
        return _resolve(doc, target, depth + 1)
    return {k: _resolve(doc, v, depth + 1) for k, v in node.items()}


def operations() -> list[tuple[str, str, str, list[dict[str, Any]], dict[str, Any] | None]]:
    """(token header, method, path, parameters, body schema) for every spec operation."""
    found = []
    for name in SPEC_FILES:
        doc = _load(name)
        header = ACCOUNT if "account" in name else SERVER
        for path, methods in doc.get("paths", {}).items():
            for method, op in methods.items():
                if method.lower() not in ("get", "post", "put", "delete", "patch"):
                    continue
                params = [_resolve(doc, p) for p in op.get("parameters", [])]
                body = next((p.get("schema") for p in params if p.get("in") == "body"), None)
                content = (op.get("requestBody") or {}).get("content", {})
                body = body or (content.get("application/json") or {}).get("schema")
                found.append((header, method.upper(), path, params, _resolve(doc, body)))
    return found


# --- generated values ------------------------------------------------------------------

ODD_IDS = ["²", "١٢", "0", "-1", "1.5", "%", " ", "99999999999999999999999", "9" * 400, "null"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
)
any_json = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
path_ids = st.one_of(
    st.sampled_from(ODD_IDS),
    st.integers(0, 2**80).map(str),
    st.text(min_size=1, max_size=10),
)


def of_schema(schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values shaped like a (resolved) schema, with some junk mixed in."""
    if not isinstance(schema, dict) or depth > 4:
        return any_json
    kind = schema.get("type")
    if "enum" in schema:
        shaped: st.SearchStrategy[Any] = st.sampled_from(schema["enum"])
    elif kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        shaped = st.fixed_dictionaries(
            {}, optional={k: of_schema(v, depth + 1) for k, v in props.items()}
        )
    elif kind == "array":
        shaped = st.lists(of_schema(schema.get("items"), depth + 1), max_size=3)
    elif kind == "integer":
        shaped = st.integers(-5, 2**65)
    elif kind == "boolean":
        shaped = st.booleans()
    elif kind == "string":
        shaped = st.one_of(
            st.text(max_size=20), st.emails(), st.sampled_from(["", "None", "2024-01-01"])
        )
    else:
        shaped = any_json
    return st.one_of(shaped, shaped, any_json)


def query_value(param: dict[str, Any]) -> st.SearchStrategy[str]:
    schema = param.get("schema", param)
    kind = schema.get("type")
    typed = {
        "integer": st.integers(-3, 2**70).map(str),
        "boolean": st.sampled_from(["true", "false", "TRUE", "yes"]),
    }.get(kind, st.text(max_size=12))
    return st.one_of(typed, st.sampled_from(["", "²", "-0", "1e9", "2024-13-45"]))


@st.composite
def requests(draw: st.DrawFn, op: tuple[Any, ...]) -> tuple[str, str, dict[str, str], bytes | None]:
    header, method, path, params, body_schema = op
    filled = path
    for name in re.findall(r"\{([^}]+)\}", path):
        filled = filled.replace(f"{{{name}}}", quote(draw(path_ids), safe=""))
    query = {
        p["name"]: draw(query_value(p))
        for p in params
        if p.get("in") == "query" and draw(st.booleans())
    }
    target = f"{filled}?{urlencode(query)}" if query else filled
    headers = {"Accept": "application/json"}
    which = draw(st.sampled_from(["right", "right", "right", "other", "none"]))
    if which != "none":
        other = ACCOUNT if header == SERVER else SERVER
        headers[header if which == "right" else other] = "fuzz-token"
    body: bytes | None = None
    if method in ("POST", "PUT", "PATCH") and draw(st.booleans()):
        value = draw(of_schema(body_schema)) if body_schema else draw(any_json)
        body = json.dumps(value).encode()
        headers["Content-Type"] = "application/json"
    elif method in ("POST", "PUT") and draw(st.integers(0, 9)) == 0:
        body, headers["Content-Type"] = b'{"unterminated": [', "application/json"
    return method, target, headers, body


# --- the sandbox under test ---------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[tuple[Sandbox, io.StringIO]]:
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), Sandbox() as sandbox:
        yield sandbox, errors


def odd_id_requests(op: tuple[Any, ...]) -> Iterator[tuple[str, str, dict[str, str], bytes | None]]:
    """Every known-odd ID in every path parameter, with the right token (no luck needed)."""
    header, method, path, _, _ = op
    if "{" not in path:
        return
    headers = {"Accept": "application/json", header: "fuzz-token"}
    body = b"{}" if method in ("POST", "PUT", "PATCH") else None
    if body is not None:
        headers["Content-Type"] = "application/json"
    for odd in ODD_IDS:
        yield method, re.sub(r"\{[^}]+\}", quote(odd, safe=""), path), headers, body


def _send(sandbox: Sandbox, request: tuple[str, str, dict[str, str], bytes | None]) -> None:
    method, target, headers, body = request
    conn = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=10)
    try:
        conn.request(method, target, body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
    finally:
        conn.close()
    assert response.status < 500, (method, target, body, payload[:300])
    assert response.getheader("Content-Type", "").startswith("application/json"), target
    json.loads(payload)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
OPERATIONS = operations()


def _fuzz(sandbox: Sandbox, errors: io.StringIO, op: tuple[Any, ...], examples: int) -> None:
    """The odd IDs, then ``examples`` generated requests; no 5xx, no traceback printed."""

    @settings(FUZZ, max_examples=examples)
    @given(requests(op))
    def check(request: tuple[str, str, dict[str, str], bytes | None]) -> None:
        _send(sandbox, request)

    for request in odd_id_requests(op):
        _send(sandbox, request)
    check()
    assert "Traceback" not in errors.getvalue(), errors.getvalue()[-3000:]


def test_the_spec_files_were_read() -> None:
    assert len(OPERATIONS) >= 45  # 38 server paths' operations plus the account ones


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op[1]} {op[2]}")
def test_spec_operation_never_fails_on_the_server_side(
    fuzzed: tuple[Sandbox, io.StringIO], op: tuple[Any, ...]
) -> None:
    _fuzz(*fuzzed, op, EXAMPLES)


def _route_operations() -> list[tuple[Any, ...]]:
    ops = []
    for route in api_router().routes:
        header = ACCOUNT if route.auth == "account" else SERVER
        pattern = re.sub(r"\{([^}:]+)(:[^}]+)?\}", r"{\1}", route.pattern)
        ops.append((header, route.method, pattern, [], None))
    return ops


@pytest.mark.parametrize("op", _route_operations(), ids=lambda op: f"{op[1]} {op[2]}")
def test_every_sandbox_route_never_fails_on_the_server_side(
    fuzzed: tuple[Sandbox, io.StringIO], op: tuple[Any, ...]
) -> None:
    _fuzz(*fuzzed, op, 4)
