"""The shared pieces both executors use: failure wording, retry decisions, TLS trust.

The synchronous transport classifies ``requests`` errors and the Tornado
executor classifies Tornado's; these tests pin that, once classified, both
end in the same exception with the same flags, and that both give up at the
same attempt.
"""

from __future__ import annotations

import pickle
import socket
import ssl
from typing import Any

import pytest
import requests
import urllib3.exceptions
from tornado.httpclient import HTTPClientError
from tornado.iostream import StreamClosedError
from tornado.simple_httpclient import HTTPStreamClosedError, HTTPTimeoutError

from postmark import protocol, transport
from postmark.exceptions import (
    ConfigurationError,
    RateLimitError,
)
from postmark.protocol import RetryPolicy, build_call, no_answer_error
from postmark.tornado import classify_failure

BASE = "https://api.postmarkapp.com"


def make_call(method: str) -> protocol.Call:
    return build_call(method, "/email", base_url=BASE, headers={"X-Postmark-Server-Token": "t"})


# --------------------------------------------------------------------------
# Classifying Tornado's errors


class CurlError(HTTPClientError):
    """Stands in for tornado.curl_httpclient.CurlError (pycurl is not installed here)."""

    def __init__(self, errno: int, message: str) -> None:
        super().__init__(599, message)
        self.errno = errno


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ConnectionRefusedError(111, "Connection refused"), ("connection", True)),
        (socket.gaierror(-2, "Name or service not known"), ("connection", True)),
        (HTTPTimeoutError("Timeout while connecting"), ("timeout", True)),
        (HTTPTimeoutError("Timeout while connecting to 1.2.3.4"), ("timeout", True)),
        (HTTPTimeoutError("Timeout while resolving api.postmarkapp.com"), ("timeout", True)),
        (HTTPTimeoutError("Timeout during TLS handshake with 1.2.3.4"), ("timeout", True)),
        (HTTPTimeoutError("Timeout in request queue"), ("timeout", True)),
        (HTTPTimeoutError("Timeout during request"), ("timeout", False)),
        (HTTPTimeoutError("Timeout"), ("timeout", False)),  # unknown phase: assume sent
        (HTTPStreamClosedError("Stream closed"), ("connection", False)),
        (StreamClosedError(), ("connection", False)),
        (ConnectionResetError(104, "Connection reset by peer"), ("connection", False)),
        (BrokenPipeError(32, "Broken pipe"), ("connection", False)),
        (ssl.SSLCertVerificationError(1, "certificate verify failed"), ("tls", True)),
        (ssl.SSLError(1, "wrong version number"), ("tls", True)),
        (CurlError(7, "Failed to connect to host"), ("connection", True)),
        (CurlError(6, "Could not resolve host"), ("connection", True)),
        (CurlError(60, "SSL certificate problem"), ("tls", True)),
        (CurlError(28, "Connection timed out after 10001 milliseconds"), ("timeout", True)),
        (CurlError(28, "Operation timed out after 60000 milliseconds"), ("timeout", False)),
        (CurlError(52, "Empty reply from server"), ("connection", False)),
    ],
)
def test_classify_failure(error: BaseException, expected: tuple[str, bool]) -> None:
    assert classify_failure(error) == expected


@pytest.mark.parametrize(
    "error", [ValueError("bad argument"), KeyError("x"), HTTPClientError(404, "Not Found")]
)
def test_errors_that_are_not_about_the_connection_are_left_alone(error: BaseException) -> None:
    assert classify_failure(error) is None


# --------------------------------------------------------------------------
# Same classification -> same exception as the sync transport


def _connect_failure() -> requests.ConnectionError:
    reason = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/email", reason))  # type: ignore[arg-type]


def _broken_connection() -> requests.ConnectionError:
    reason = urllib3.exceptions.ProtocolError("Connection aborted.")
    return requests.ConnectionError(reason)


# (the requests error the sync transport sees, the kind and nothing_sent the
# Tornado executor derives from the matching Tornado error)
EQUIVALENT = [
    (requests.ConnectTimeout("connect timed out"), "timeout", True),
    (requests.ReadTimeout("read timed out"), "timeout", False),
    (_connect_failure(), "connection", True),
    (_broken_connection(), "connection", False),
    (requests.exceptions.SSLError("certificate verify failed"), "tls", True),
]


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize(("sync_error", "kind", "nothing_sent"), EQUIVALENT)
def test_no_answer_error_matches_the_sync_transport(
    method: str, sync_error: requests.RequestException, kind: str, nothing_sent: bool
) -> None:
    call = make_call(method)
    expected = transport._describe_failure(call, sync_error)
    got = no_answer_error(
        call,
        sync_error,
        nothing_sent=nothing_sent,
        kind=kind,
        reason=transport._root_cause(sync_error),
    )
    assert type(got) is type(expected)
    assert str(got) == str(expected)
    assert got.may_have_been_sent == expected.may_have_been_sent
    assert got.retryable == expected.retryable


def test_a_post_that_may_have_gone_out_is_never_retryable() -> None:
    error = no_answer_error(make_call("POST"), OSError(), nothing_sent=False, kind="timeout")
    assert error.may_have_been_sent
    assert not error.retryable
    assert "check Postmark's activity log" in str(error)


def test_decide_respects_the_deadline() -> None:
    policy = RetryPolicy(deadline=1.0)
    error = RateLimitError("429", http_status=429, retry_after=0.5)
    assert policy.decide(make_call("POST"), error, 1, 0.0) == 0.5
    assert policy.decide(make_call("POST"), error, 1, 0.6) is None


# --------------------------------------------------------------------------
# User agent and TLS trust


def test_user_agent_extra_parts() -> None:
    assert protocol.user_agent("Tornado 6.4").endswith("; Tornado 6.4)")
    assert "Tornado" not in protocol.user_agent()


def test_resolve_ca_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    other = tmp_path / "other.pem"
    other.write_text("y")
    assert protocol.resolve_ca_bundle() is None
    monkeypatch.setenv("CURL_CA_BUNDLE", str(other))
    assert protocol.resolve_ca_bundle() == str(other)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    assert protocol.resolve_ca_bundle() == str(bundle)
    assert protocol.resolve_ca_bundle(str(other)) == str(other)
    assert protocol.resolve_ca_bundle(trust_env=False) is None
    with pytest.raises(ConfigurationError, match="does not exist"):
        protocol.resolve_ca_bundle(str(tmp_path / "missing.pem"))


# --------------------------------------------------------------------------
# Every exception the async client raises crosses a process boundary


@pytest.mark.parametrize(
    "cause",
    [
        HTTPTimeoutError("Timeout during request"),
        HTTPStreamClosedError("Stream closed"),
        HTTPClientError(599, "Connection closed"),
        ConnectionRefusedError(111, "Connection refused"),
        ssl.SSLCertVerificationError("certificate verify failed"),
    ],
    ids=lambda cause: type(cause).__name__,
)
@pytest.mark.parametrize("kind", ["connection", "timeout", "tls"])
def test_async_transport_errors_pickle_and_unpickle(cause: BaseException, kind: str) -> None:
    error = no_answer_error(make_call("POST"), cause, nothing_sent=False, kind=kind)
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is type(error)
    assert str(clone) == str(error)
    assert (clone.may_have_been_sent, clone.retryable) == (
        error.may_have_been_sent,
        error.retryable,
    )
    # The cause survives as itself, or as a stand-in naming it.
    assert type(cause).__name__ in f"{type(clone.inner_exception).__name__} {clone.inner_exception}"
