"""The network-free half of the transport: URLs, JSON, calls, answers, retry policy."""

from __future__ import annotations

import datetime
import json
import math
import platform
import re
import sys
import types
import uuid
from decimal import Decimal
from typing import Any

import pytest
from requests.structures import CaseInsensitiveDict

from postmark import protocol
from postmark._version import __version__
from postmark.exceptions import (
    APIError,
    ConfigurationError,
    InactiveRecipientError,
    NotFoundError,
    PayloadTooLargeError,
    PMMailInactiveRecipientException,
    PMMailServerErrorException,
    PMMailUnauthorizedException,
    PMMailUnprocessableEntityException,
    PostmarkError,
    RateLimitError,
    ServerError,
    TLSError,
    TransportError,
    UnauthorizedError,
    UnprocessableEntityError,
)
from postmark.protocol import (
    Call,
    RetryPolicy,
    build_call,
    build_url,
    decode_response,
    encode_json,
    path_segment,
    retry_after_seconds,
)

BASE = "https://api.postmarkapp.com"
HEADERS = {"X-Postmark-Server-Token": "server-token-abc", "Accept": "application/json"}


def call(method: str = "POST", path: str = "/email") -> Call:
    return build_call(method, path, base_url=BASE, headers=HEADERS, json_body={"To": "a@b.c"})


# --------------------------------------------------------------------------
# URLs


@pytest.mark.parametrize("base", [BASE, BASE + "/", BASE + "//"])
@pytest.mark.parametrize("path", ["/email", "email"])
def test_build_url_joins_base_and_path_once(base: str, path: str) -> None:
    assert build_url(base, path) == "https://api.postmarkapp.com/email"


def test_build_url_keeps_a_base_path_prefix() -> None:
    assert build_url("http://127.0.0.1:8025/pm/", "/email") == "http://127.0.0.1:8025/pm/email"


def test_build_url_encodes_the_query() -> None:
    url = build_url(
        BASE,
        "/bounces",
        {
            "count": 10,
            "offset": 0,
            "emailFilter": "a+b@example.com",
            "tag": "spring sale & more",
            "inactive": True,
            "messageID": None,
        },
    )
    assert url == (
        "https://api.postmarkapp.com/bounces?count=10&offset=0"
        "&emailFilter=a%2Bb%40example.com&tag=spring%20sale%20%26%20more&inactive=true"
    )


def test_build_url_without_query() -> None:
    assert build_url(BASE, "/server", {}) == "https://api.postmarkapp.com/server"
    assert build_url(BASE, "/server", {"x": None}) == "https://api.postmarkapp.com/server"
    assert build_url(BASE, "/x", {"flag": False}) == "https://api.postmarkapp.com/x?flag=false"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a/b", "a%2Fb"), ("my template", "my%20template"), (42, "42"), ("é?#", "%C3%A9%3F%23")],
)
def test_path_segment_encodes_everything_reserved(value: Any, expected: str) -> None:
    assert path_segment(value) == expected


# --------------------------------------------------------------------------
# JSON


class Subject(str):
    """A str subclass (e.g. markupsafe.Markup, Django SafeString)."""

    def __str__(self) -> str:  # json must use the value, not a custom __str__
        return "WRONG"


def test_encode_json_is_compact_utf8() -> None:
    body = encode_json({"Subject": "Grüße ✓", "To": ["a@b.c"]})
    assert isinstance(body, bytes)
    assert body == '{"Subject":"Grüße ✓","To":["a@b.c"]}'.encode()


def test_encode_json_str_subclass_is_a_string() -> None:
    assert encode_json({"Subject": Subject("Hello")}) == b'{"Subject":"Hello"}'


def test_encode_json_sets_become_sorted_lists() -> None:
    assert json.loads(encode_json({"Tags": {"b", "a"}, "F": frozenset({3, 1})})) == {
        "Tags": ["a", "b"],
        "F": [1, 3],
    }


@pytest.mark.parametrize(
    "value",
    [
        Decimal("1.10"),
        uuid.UUID(int=5),
        datetime.datetime(2024, 1, 2, 3, 4, 5, 678901),
        datetime.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.timezone.utc),
        datetime.datetime(2024, 1, 2, 3, 4, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
        datetime.date(2024, 1, 2),
        datetime.time(3, 4, 5, 123456),
        datetime.timedelta(days=-1, seconds=5, microseconds=7),
        datetime.timedelta(days=4, hours=1, minutes=2, seconds=3),
        {"total": Decimal("9.99"), "when": [datetime.date(2024, 5, 6)]},
    ],
)
def test_encode_json_converts_like_djangos_encoder(value: Any) -> None:
    from django.core.serializers.json import DjangoJSONEncoder

    expected = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    assert encode_json(value) == expected.encode()


@pytest.mark.parametrize("value", [object(), b"bytes", types.SimpleNamespace()])
def test_encode_json_unknown_objects_say_what_to_do(value: Any) -> None:
    with pytest.raises(TypeError) as caught:
        encode_json({"Metadata": {"x": value}})
    message = str(caught.value)
    assert type(value).__name__ in message
    assert "convert it to str" in message


def test_encode_json_knows_django_promises_only_when_django_is_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Promise:
        def __str__(self) -> str:
            return "translated"

    fake = types.ModuleType("django.utils.functional")
    fake.Promise = Promise  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        encode_json({"Subject": Promise()})
    monkeypatch.setitem(sys.modules, "django.utils.functional", fake)
    assert encode_json({"Subject": Promise()}) == b'{"Subject":"translated"}'


# --------------------------------------------------------------------------
# User-Agent


def test_user_agent_names_library_and_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "django", raising=False)
    agent = protocol.user_agent()
    assert agent == f"python-postmark/{__version__} (Python {platform.python_version()})"
    assert "Django" not in agent


def test_user_agent_names_django_only_when_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("django")
    fake.get_version = lambda: "4.2.99"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "django", fake)
    assert protocol.user_agent() == (
        f"python-postmark/{__version__} (Python {platform.python_version()}; Django 4.2.99)"
    )


# --------------------------------------------------------------------------
# Calls


def test_build_call_describes_the_request() -> None:
    c = build_call(
        "post", "/email", base_url=BASE + "/", headers=HEADERS, json_body={"Subject": "Hi"}
    )
    assert c.method == "POST"
    assert c.url == "https://api.postmarkapp.com/email"
    assert c.body == b'{"Subject":"Hi"}'
    assert c.headers is HEADERS
    assert c.label == "POST /email"


def test_build_call_keeps_prepared_bytes_and_no_body() -> None:
    assert build_call("POST", "/x", base_url=BASE, headers={}, body=b"raw").body == b"raw"
    assert build_call("GET", "/x", base_url=BASE, headers={}).body is None
    # An empty JSON object is still a body.
    assert build_call("PUT", "/x", base_url=BASE, headers={}, json_body={}).body == b"{}"


def test_call_label_hides_the_query() -> None:
    c = build_call(
        "get", "bounces?emailFilter=x", base_url=BASE, headers=HEADERS, params={"count": 1}
    )
    assert c.label == "GET /bounces"
    assert "count=1" in c.url


@pytest.mark.parametrize(
    ("method", "idempotent"),
    [
        ("GET", True),
        ("PUT", True),
        ("DELETE", True),
        ("HEAD", True),
        ("POST", False),
        ("PATCH", False),
    ],
)
def test_call_idempotency(method: str, idempotent: bool) -> None:
    assert call(method).idempotent is idempotent


def test_call_repr_shows_neither_headers_nor_body() -> None:
    c = call()
    assert repr(c) == "<Call POST /email>"
    assert str(c) == "<Call POST /email>"
    assert "server-token-abc" not in repr(c)


# --------------------------------------------------------------------------
# Answers


def j(data: Any) -> bytes:
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "data",
    [
        {"To": "a@b.c", "MessageID": "id-1", "ErrorCode": 0, "Message": "OK"},
        [{"ErrorCode": 0, "MessageID": "1"}, {"ErrorCode": 406, "Message": "inactive"}],
        {"ID": 1, "Name": "server without ErrorCode"},
        [],
    ],
)
def test_200_returns_the_json_unchanged(data: Any) -> None:
    assert decode_response(call(), 200, j(data)) == data


@pytest.mark.parametrize("body", [b"", b"<html>oops</html>", b'{"MessageID": "abc", "Err'])
def test_200_without_json_is_an_error_that_says_it_may_have_been_sent(body: bytes) -> None:
    with pytest.raises(APIError) as caught:
        decode_response(call("POST"), 200, body)
    error = caught.value
    assert type(error) is APIError
    assert error.http_status == 200
    assert "not JSON" in str(error)
    assert "may have been processed" in str(error)
    assert "activity log" in str(error)
    assert error.may_have_been_sent is True
    assert error.retryable is False


def test_200_without_json_on_a_get_says_it_is_safe_to_repeat() -> None:
    with pytest.raises(APIError) as caught:
        decode_response(call("GET", "/server"), 200, b"<html>")
    assert "safe to repeat" in str(caught.value)
    assert "may have been processed" not in str(caught.value)


MAPPING = [
    # status, body, class, legacy class, error_code, retryable for POST, for GET
    (
        401,
        {"ErrorCode": 10, "Message": "Bad or missing API token"},
        UnauthorizedError,
        PMMailUnauthorizedException,
        10,
        False,
        False,
    ),
    (404, {"ErrorCode": 12, "Message": "Not found"}, NotFoundError, APIError, 12, False, False),
    (413, {"Message": "too big"}, PayloadTooLargeError, APIError, None, False, False),
    (415, {"Message": "Unsupported Media Type"}, APIError, APIError, None, False, False),
    (
        422,
        {"ErrorCode": 300, "Message": "Invalid 'To' address: 'x'."},
        UnprocessableEntityError,
        PMMailUnprocessableEntityException,
        300,
        False,
        False,
    ),
    (
        422,
        {"ErrorCode": 402, "Message": "Invalid JSON"},
        UnprocessableEntityError,
        PMMailUnprocessableEntityException,
        402,
        False,
        False,
    ),
    (
        422,
        {"ErrorCode": 403, "Message": "Invalid request field(s): Foo"},
        UnprocessableEntityError,
        PMMailUnprocessableEntityException,
        403,
        False,
        False,
    ),
    (
        422,
        {"ErrorCode": 1101, "Message": "Template not found"},
        UnprocessableEntityError,
        PMMailUnprocessableEntityException,
        1101,
        False,
        False,
    ),
    (
        422,
        {"ErrorCode": 406, "Message": "Found inactive addresses: a@x.com."},
        InactiveRecipientError,
        PMMailInactiveRecipientException,
        406,
        False,
        False,
    ),
    (429, {"Message": "Rate limit"}, RateLimitError, APIError, None, True, True),
    (
        500,
        {"ErrorCode": 101, "Message": "Internal error id 12"},
        ServerError,
        PMMailServerErrorException,
        101,
        False,
        True,
    ),
    (502, {}, ServerError, PMMailServerErrorException, None, False, True),
    (
        503,
        {"ErrorCode": 100, "Message": "Maintenance"},
        ServerError,
        PMMailServerErrorException,
        100,
        True,
        True,
    ),
    (504, {}, ServerError, PMMailServerErrorException, None, False, True),
    (
        400,
        {"ErrorCode": 1002, "Message": "Bounce ID missing"},
        APIError,
        APIError,
        1002,
        False,
        False,
    ),
]


@pytest.mark.parametrize(
    ("status", "data", "cls", "legacy", "code", "retry_post", "retry_get"), MAPPING
)
def test_error_mapping(
    status: int,
    data: dict[str, Any],
    cls: type[APIError],
    legacy: type[Exception],
    code: int | None,
    retry_post: bool,
    retry_get: bool,
) -> None:
    for method, retryable in (("POST", retry_post), ("GET", retry_get)):
        with pytest.raises(APIError) as caught:
            decode_response(call(method), status, j(data))
        error = caught.value
        assert type(error) is cls
        assert isinstance(error, legacy)
        assert error.http_status == status
        assert error.error_code == code
        assert error.api_message == data.get("Message")
        assert error.response == data
        assert error.retryable is retryable
        # Postmark may have acted on the request only when it failed while handling it.
        assert error.may_have_been_sent is (status in (500, 502, 504))
        text = str(error)
        assert text.startswith(f"{method} /email failed with HTTP {status}")
        if code is not None:
            assert f"ErrorCode {code}" in text
        if data.get("Message"):
            assert data["Message"] in text


def test_422_inactive_recipients_are_parsed() -> None:
    message = (
        "You tried to send to recipient(s) that have been marked as inactive. Found inactive "
        "addresses: a@example.com, b@example.com. Inactive recipients are ones that have "
        "generated a hard bounce, a spam complaint, or a manual suppression."
    )
    with pytest.raises(InactiveRecipientError) as caught:
        decode_response(call(), 422, j({"ErrorCode": 406, "Message": message}))
    assert caught.value.inactive_recipients == ["a@example.com", "b@example.com"]
    assert not isinstance(caught.value, PMMailUnprocessableEntityException)


def test_error_code_10_is_unauthorized_whatever_the_status() -> None:
    with pytest.raises(UnauthorizedError):
        decode_response(call(), 422, j({"ErrorCode": 10, "Message": "wrong token type"}))


def test_413_html_body() -> None:
    html = b"<html><head><title>413 Request Entity Too Large</title></head></html>"
    with pytest.raises(PayloadTooLargeError) as caught:
        decode_response(call(), 413, html)
    error = caught.value
    assert error.http_status == 413
    assert error.error_code is None
    assert error.api_message is None
    assert "413 Request Entity Too Large" in error.response
    assert "10 MB" in str(error)
    assert "Request Entity Too Large" in str(error)


@pytest.mark.parametrize("status", [401, 422, 500, 503])
@pytest.mark.parametrize("body", [b"", b"Service Unavailable", b"{truncated", b"[1, 2]", b'"x"'])
def test_non_json_or_odd_error_bodies(status: int, body: bytes) -> None:
    with pytest.raises(APIError) as caught:
        decode_response(call(), status, body)
    error = caught.value
    assert error.http_status == status
    assert error.error_code is None
    assert error.api_message is None


def test_long_non_json_body_is_snipped() -> None:
    with pytest.raises(ServerError) as caught:
        decode_response(call(), 502, b"x" * 5000)
    assert len(str(caught.value)) < 600
    assert caught.value.response.endswith("...")


def test_error_code_that_is_not_an_int_is_ignored() -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        decode_response(call(), 422, j({"ErrorCode": "300", "Message": 5}))
    assert caught.value.error_code is None
    assert caught.value.api_message is None


def test_500_on_post_says_it_was_not_repeated() -> None:
    with pytest.raises(ServerError) as caught:
        decode_response(call("POST"), 500, j({"ErrorCode": 101, "Message": "x"}))
    assert "not repeated" in str(caught.value)
    with pytest.raises(ServerError) as caught:
        decode_response(call("GET"), 500, j({"ErrorCode": 101, "Message": "x"}))
    assert "safe to repeat" in str(caught.value)


@pytest.mark.parametrize(
    ("status", "advice"),
    [
        (401, "X-Postmark-Server-Token"),
        (415, "application/json"),
        (429, "rate limit"),
        (503, "maintenance"),
        (404, "base URL"),
    ],
)
def test_error_text_says_what_to_do(status: int, advice: str) -> None:
    with pytest.raises(APIError) as caught:
        decode_response(call(), status, b"{}")
    assert advice in str(caught.value)


def test_retry_after_is_carried_on_the_error() -> None:
    with pytest.raises(RateLimitError) as caught:
        decode_response(call(), 429, b"{}", {"Retry-After": "7"})
    assert caught.value.retry_after == 7.0


def test_policy_decides_retryable() -> None:
    never = RetryPolicy(
        retry_statuses_any_method=frozenset(), retry_statuses_idempotent=frozenset()
    )
    with pytest.raises(RateLimitError) as caught:
        decode_response(call("GET"), 429, b"{}", policy=never)
    assert caught.value.retryable is False


# --------------------------------------------------------------------------
# Retry-After


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        (CaseInsensitiveDict({"RETRY-AFTER": "4"}), 4.0),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, None),
        ({}, None),
    ],
)
def test_retry_after_seconds(headers: Any, expected: float | None) -> None:
    assert retry_after_seconds(headers) == expected


# --------------------------------------------------------------------------
# Retry policy


def answered(status: int) -> PostmarkError:
    return PostmarkError("x", http_status=status)


def test_retryable_after_an_answer() -> None:
    policy = RetryPolicy()
    for status in (429, 503):
        assert policy.retryable(call("POST"), answered(status))
        assert policy.retryable(call("GET"), answered(status))
    for status in (500, 502, 504):
        assert not policy.retryable(call("POST"), answered(status))
        for method in ("GET", "PUT", "DELETE"):
            assert policy.retryable(call(method), answered(status))
    for status in (200, 400, 401, 404, 413, 415, 422):
        for method in ("POST", "GET"):
            assert not policy.retryable(call(method), answered(status))


def test_retryable_without_an_answer() -> None:
    policy = RetryPolicy()
    unsent, sent = TransportError("x"), TransportError("x", may_have_been_sent=True)
    assert policy.retryable(call("POST"), unsent)
    assert not policy.retryable(call("POST"), sent)
    assert not policy.retryable(call("PATCH"), sent)
    for method in ("GET", "PUT", "DELETE"):
        assert policy.retryable(call(method), sent)
    assert not policy.retryable(call("GET"), TLSError("x"))
    assert not policy.retryable(call("GET"), ConfigurationError("x"))


def test_decide_applies_budget_and_deadline() -> None:
    policy = RetryPolicy(retries=2, backoff=0.1, max_backoff=0.1, deadline=1.0)
    limited = answered(429)
    assert policy.decide(call("POST"), limited, attempt=1, elapsed=0.0) is not None
    assert policy.decide(call("POST"), limited, attempt=2, elapsed=0.0) is not None
    assert policy.decide(call("POST"), limited, attempt=3, elapsed=0.0) is None
    assert policy.decide(call("POST"), limited, attempt=1, elapsed=0.95) is None
    assert policy.decide(call("POST"), answered(500), attempt=1, elapsed=0.0) is None
    limited.retry_after = 0.5
    assert policy.decide(call("POST"), limited, attempt=1, elapsed=0.0) == 0.5


def samples(policy: RetryPolicy, attempt: int, n: int = 200) -> list[float]:
    return [policy.delay(attempt) for _ in range(n)]


def test_backoff_has_jitter() -> None:
    policy = RetryPolicy(backoff=0.5, max_backoff=8.0)
    for attempt in (1, 2, 3):
        assert len(set(samples(policy, attempt))) > 50


def test_backoff_grows_within_bounds() -> None:
    policy = RetryPolicy(backoff=0.5, max_backoff=8.0)
    previous_max = 0.0
    for attempt in (1, 2, 3, 4, 5):
        ceiling = 0.5 * 2 ** (attempt - 1)
        values = samples(policy, attempt)
        assert all(ceiling / 2 <= v <= ceiling for v in values), attempt
        assert min(values) >= previous_max
        assert sum(values) / len(values) > previous_max
        previous_max = max(values)


@pytest.mark.parametrize("attempt", [6, 10, 64, 1100, 10**6])
def test_backoff_is_capped(attempt: int) -> None:
    policy = RetryPolicy(backoff=0.5, max_backoff=8.0)
    values = samples(policy, attempt, 50)
    assert all(4.0 <= v <= 8.0 for v in values)
    assert all(math.isfinite(v) for v in values)


def test_retry_after_is_honoured_and_capped() -> None:
    policy = RetryPolicy(backoff=0.5, max_backoff=8.0)
    assert policy.delay(1, retry_after=3.0) == 3.0
    assert policy.delay(4, retry_after=0.0) == 0.0
    # Postmark's own wait is honoured beyond the backoff cap, but bounded.
    assert policy.delay(1, retry_after=30.0) == 30.0
    assert policy.delay(1, retry_after=600.0) == policy.max_retry_after == 60.0
    # A negative Retry-After is nonsense: fall back to the backoff.
    assert 0.25 <= policy.delay(1, retry_after=-5.0) <= 0.5


def test_default_policy_is_bounded() -> None:
    policy = RetryPolicy()
    assert 0 < policy.retries <= 5
    assert policy.max_backoff <= 30
    # Long enough that one read timeout (60 s by default) can still be retried
    # for a GET, short enough that no call hangs for ever.
    from postmark.transport import DEFAULT_READ_TIMEOUT

    assert DEFAULT_READ_TIMEOUT < policy.deadline <= 300


def test_no_secret_header_name_escapes_the_list() -> None:
    assert {"x-postmark-server-token", "x-postmark-account-token"} == protocol.SECRET_HEADERS
    assert re.fullmatch(r"X-Postmark-(Server|Account)-Token", protocol.SERVER_TOKEN_HEADER)
