"""Helpers for the sandbox tests: a tiny JSON client and message builders.

The client is ``http.client`` on purpose: these tests check the sandbox
against Postmark's documented behaviour, independently of the postmark client
library.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

TOKEN = "server-token-for-tests"
_DEFAULT = object()


@dataclass
class Result:
    """One HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Api:
    """JSON over one kept-alive HTTP/1.1 connection, with Postmark's headers by default."""

    def __init__(self, url: str, token: str | None = TOKEN, timeout: float = 15.0) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.token = token
        self.timeout = timeout
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        body: Any = _DEFAULT,
        *,
        token: Any = _DEFAULT,
        headers: dict[str, Any] | None = None,
        raw: bytes | None = None,
    ) -> Result:
        sent: dict[str, Any] = {"Accept": "application/json"}
        token = self.token if token is _DEFAULT else token
        if token is not None:
            sent["X-Postmark-Server-Token"] = token
        data = raw
        if data is None and body is not _DEFAULT:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if data is not None:
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        for name in [k for k, v in sent.items() if v is None]:
            del sent[name]
        self.conn.request(method, path, body=data, headers=sent)
        response = self.conn.getresponse()
        payload = response.read()
        return Result(response.status, {k.lower(): v for k, v in response.getheaders()}, payload)

    def get(self, path: str, **kw: Any) -> Result:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = _DEFAULT, **kw: Any) -> Result:
        return self.request("POST", path, body, **kw)

    def put(self, path: str, body: Any = _DEFAULT, **kw: Any) -> Result:
        return self.request("PUT", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Result:
        return self.request("DELETE", path, **kw)

    def send(
        self, *, token: Any = _DEFAULT, headers: dict[str, Any] | None = None, **fields: Any
    ) -> Result:
        """POST /email with a valid message, ``fields`` overriding it."""
        return self.post("/email", message(**fields), token=token, headers=headers)

    def close(self) -> None:
        self.conn.close()


def message(**fields: Any) -> dict[str, Any]:
    """A valid single-send body; ``None`` values remove the field."""
    base: dict[str, Any] = {
        "From": "sender@example.com",
        "To": "receiver@example.com",
        "Subject": "Hello",
        "TextBody": "Hello there",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def assert_error(result: Result, status: int, code: int | None, contains: str = "") -> None:
    """Status, ErrorCode (and its header) and part of the message."""
    assert result.status == status, (result.status, result.body[:300])
    body = result.json
    if code is not None:
        assert body["ErrorCode"] == code, body
        assert result.headers.get("x-pm-apierrorcode") == str(code)
    assert contains in body["Message"], body
