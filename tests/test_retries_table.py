"""docs/retries.md's failure table is what the code does (checked both ways)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from postmark.exceptions import InvalidMessageError, PostmarkError
from postmark.payloads import build_message
from postmark.protocol import build_call, decode_response, no_answer_error
from postmark.sending import accepted

TABLE = Path(__file__).parent.parent / "docs" / "retries.md"
CALL = build_call("POST", "/email", base_url="https://api.postmarkapp.com", headers={})


def answer(status: int, body: object = None, **headers: str) -> Callable[[], object]:
    raw = body if isinstance(body, bytes) else json.dumps(body or {"ErrorCode": 0}).encode()
    return lambda: accepted(decode_response(CALL, status, raw, headers))


def no_answer(kind: str, *, nothing_sent: bool) -> Callable[[], object]:
    def fail() -> object:
        raise no_answer_error(CALL, OSError("cause"), nothing_sent=nothing_sent, kind=kind)

    return fail


def refused_locally() -> object:
    return build_message(sender="me@example.com", to="a@example.com\r\nBcc: b@example.com")


#: Each row of the table, as the code produces it.
PRODUCERS: dict[str, Callable[[], object]] = {
    "refused locally by a check": refused_locally,
    "could not connect (refused, DNS)": no_answer("connection", nothing_sent=True),
    "connect timeout": no_answer("timeout", nothing_sent=True),
    "TLS handshake or certificate": no_answer("tls", nothing_sent=True),
    "read timeout": no_answer("timeout", nothing_sent=False),
    "connection dropped after sending": no_answer("connection", nothing_sent=False),
    "answer cut short of its `Content-Length`": lambda: decode_response(
        CALL, 200, b'{"MessageID": "ab', {"Content-Length": "100"}
    ),
    "HTTP 200 whose body is not JSON": answer(200, b"<html>"),
    "HTTP 200 with a non-zero `ErrorCode`": answer(200, {"ErrorCode": 300, "Message": "x"}),
    "HTTP 200 with `ErrorCode` 406": answer(200, {"ErrorCode": 406, "Message": "x"}),
    "HTTP 401": answer(401, {"ErrorCode": 10, "Message": "x"}),
    "HTTP 404": answer(404),
    "HTTP 413": answer(413, b"Request Entity Too Large"),
    "HTTP 415": answer(415),
    "HTTP 422": answer(422, {"ErrorCode": 300, "Message": "x"}),
    "HTTP 422 with `ErrorCode` 406": answer(422, {"ErrorCode": 406, "Message": "x"}),
    "HTTP 429": answer(429),
    "HTTP 500": answer(500),
    "HTTP 502": answer(502),
    "HTTP 503": answer(503),
    "HTTP 504": answer(504),
}


def rows() -> dict[str, tuple[str, bool, bool]]:
    found = {}
    for line in TABLE.read_text().splitlines():
        match = re.fullmatch(r"\| (.+?) \| `(\w+)` \| (yes|no) \| (yes|no) \|", line)
        if match:
            what, name, retryable, sent = match.groups()
            found[what] = (name, retryable == "yes", sent == "yes")
    return found


def test_the_table_lists_every_failure_mode_and_nothing_else() -> None:
    assert set(rows()) == set(PRODUCERS)


@pytest.mark.parametrize("what", sorted(PRODUCERS))
def test_each_row_is_what_the_code_raises(what: str) -> None:
    name, retryable, may_have_been_sent = rows()[what]
    with pytest.raises(PostmarkError) as caught:
        PRODUCERS[what]()
    error = caught.value
    assert type(error).__name__ == name
    assert error.retryable is retryable
    assert error.may_have_been_sent is may_have_been_sent
    if isinstance(error, InvalidMessageError):
        assert error.field == "To"
