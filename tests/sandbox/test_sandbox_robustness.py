"""Inputs that used to crash the sandbox (500 with a traceback) or confuse its HTTP framing.

Every answer here must be a Postmark-style 4xx: ids of any form are "not
found" (or a validation error), bad JSON is 422 / 402, unknown methods get
JSON, and a request whose body boundaries are ambiguous is refused with the
connection closed.
"""

from __future__ import annotations

import json
import socket
import ssl
import time

import pytest
import raw_http
from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox

UNICODE_DIGIT = "%C2%B2"  # "²": str.isdigit() is true, int() refuses it
HUGE = "99999999999999999999999"  # beyond SQLite's 64-bit integers


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", f"/templates/{UNICODE_DIGIT}", 1101),
        ("GET", f"/templates/{HUGE}", 1101),
        ("PUT", f"/templates/{HUGE}", 1101),
        ("DELETE", f"/templates/{UNICODE_DIGIT}", 1101),
        ("GET", f"/bounces/{HUGE}", 1001),
        ("GET", f"/bounces/{HUGE}/dump", 1001),
        ("PUT", f"/bounces/{HUGE}/activate", 1001),
        ("GET", f"/webhooks/{HUGE}", 1352),
        ("GET", f"/webhooks/{UNICODE_DIGIT}", 1352),
        ("DELETE", f"/webhooks/{HUGE}", 1352),
        ("DELETE", f"/triggers/inboundrules/{HUGE}", 812),
        ("DELETE", f"/triggers/inboundrules/{UNICODE_DIGIT}", 812),
    ],
)
def test_odd_ids_are_not_found(api: Api, method: str, path: str, code: int) -> None:
    body = {"Name": "x", "Subject": "s", "TextBody": "t"} if method == "PUT" else None
    result = api.request(method, path, body) if body else api.request(method, path)
    assert_error(result, 422, code)


def test_unicode_digits_in_an_int_route_are_no_route(api: Api) -> None:
    assert_error(api.get(f"/bounces/{UNICODE_DIGIT}"), 404, 404, "no API route")


@pytest.mark.parametrize(
    "query",
    [f"count={HUGE}&offset=0", f"count=10&offset={HUGE}", "count=%D9%A1&offset=0", "count=1_0"],
)
def test_paging_numbers_beyond_sqlite_or_ascii_are_validation_errors(api: Api, query: str) -> None:
    assert_error(api.get(f"/triggers/inboundrules?{query}&offset=0"), 422, 800)
    assert_error(api.get(f"/bounces?{query}&offset=0"), 422, 1000)


def test_inbox_paging_with_odd_page_numbers(api: Api) -> None:
    for page in (UNICODE_DIGIT, HUGE, "-1", "abc"):
        result = api.get(f"/?page={page}", headers={"Accept": "text/html"})
        assert result.status == 200, (page, result.body[:200])


def test_deeply_nested_json_is_invalid_json(api: Api) -> None:
    for depth in (101, 5000, 200_000):
        raw = b'{"From": ' + b"[" * depth + b"]" * depth + b"}"
        assert_error(api.post("/email", raw=raw), 422, 402, "JSON")


def test_json_nested_within_the_limit_is_judged_on_its_fields(api: Api) -> None:
    model: object = "leaf"
    for _ in range(90):
        model = {"a": model}
    result = api.post("/templates/validate", {"Subject": "{{a}}", "TestRenderModel": model})
    assert result.status == 200, result.body[:300]


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PATCH", "BREW"])
def test_unknown_methods_get_json(sandbox: Sandbox, method: str) -> None:
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as conn:
        target = "127.0.0.1:443" if method == "CONNECT" else "/email"
        conn.sendall(f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head, body = _read_response(conn)
    assert head.startswith(b"HTTP/1.1 404"), head
    assert b"application/json" in head
    assert json.loads(body)["ErrorCode"] == 404


def test_bad_request_line_is_answered_in_json(sandbox: Sandbox) -> None:
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as conn:
        conn.sendall(b"GET / HTTP/9.9\r\n\r\n")
        head, body = _read_response(conn)
    assert b" 505 " in head.split(b"\r\n")[0] or b" 400 " in head.split(b"\r\n")[0], head
    assert b"application/json" in head
    assert json.loads(body)["Message"]


SMUGGLED = b"GET /__sandbox/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        b"Transfer-Encoding: gzip, chunked\r\n",
        b"Content-Length: 5\r\nContent-Length: 6\r\n",
        b"Content-Length: +5\r\n",
    ],
)
def test_ambiguous_framing_is_400_and_closes(sandbox: Sandbox, framing: bytes) -> None:
    request = (
        b"POST /email HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
        b"Content-Type: application/json\r\nX-Postmark-Server-Token: t\r\n" + framing + b"\r\n"
    )
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as conn:
        conn.sendall(request + b"0\r\n\r\n" + SMUGGLED)
        received = _read_all(conn)
    assert received.startswith(b"HTTP/1.1 400"), received[:200]
    assert b"Connection: close" in received
    assert received.count(b"HTTP/1.1 ") == 1, "the smuggled request was answered"


def test_chunk_size_must_be_plain_hex(sandbox: Sandbox) -> None:
    request = (
        b"POST /email HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0x2\r\n{}\r\n0\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as conn:
        conn.sendall(request + SMUGGLED)
        received = _read_all(conn)
    assert received.startswith(b"HTTP/1.1 400"), received[:200]
    assert received.count(b"HTTP/1.1 ") == 1


def test_plain_chunked_bodies_still_work(sandbox: Sandbox) -> None:
    body = json.dumps({"From": "a@example.com"}).encode()
    request = (
        b"POST /email HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
        b"Accept: application/json\r\nContent-Type: application/json\r\n"
        b"X-Postmark-Server-Token: t\r\n\r\n"
        + f"{len(body):x}\r\n".encode()
        + body
        + b"\r\n0\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as conn:
        conn.sendall(request)
        head, answer = _read_response(conn)
    assert head.startswith(b"HTTP/1.1 422"), head
    assert json.loads(answer)["ErrorCode"] == 300


def test_a_tls_client_gets_one_clear_log_line(capfd: pytest.CaptureFixture[str]) -> None:
    with Sandbox(log_requests=True) as sandbox:
        url = sandbox.url
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with (
            socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as raw,
            pytest.raises((ssl.SSLError, OSError)),
        ):
            context.wrap_socket(raw, server_hostname="localhost")
        deadline = time.monotonic() + 5
        err = ""
        while "TLS" not in err and time.monotonic() < deadline:
            time.sleep(0.05)
            err += capfd.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "plain HTTP" in lines[0] and url in lines[0]
    assert "\\x16" not in lines[0] and "\x16" not in lines[0]


def test_log_lines_escape_control_bytes(capfd: pytest.CaptureFixture[str]) -> None:
    with (
        Sandbox(log_requests=True) as sandbox,
        socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as conn,
    ):
        conn.sendall(b"\x01\x02GARBAGE\r\n\r\n")
        _read_all(conn)
    err = capfd.readouterr().err
    assert "\x01" not in err and "\\x01" in err


def _read_all(conn: socket.socket) -> bytes:
    data = b""
    while True:
        try:
            chunk = conn.recv(65536)
        except (TimeoutError, ConnectionResetError):
            return data
        if not chunk:
            return data
        data += chunk


def _read_response(conn: socket.socket) -> tuple[bytes, bytes]:
    received = raw_http.read_request(conn)  # any HTTP/1.1 message with a Content-Length
    assert received is not None, "the connection closed without an answer"
    return received
