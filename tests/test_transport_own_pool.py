"""A transport without a session: its own urllib3 pool, until something needs requests.

When ``requests`` is not loaded yet (``from postmark import PMMail`` in a
script), the transport sends through a pool of its own set up as requests'
adapter would set it up (postmark/direct.py). The test process has requests
loaded, so the tests here pretend it is not (``_requests_loaded``), or run a
fresh interpreter. Everything a caller can see must match a transport with
a session: the bytes on the wire, TLS verification, errors, mocking.
"""

# ruff: noqa: F811  (the fixtures are imported from test_transport and named as parameters)
from __future__ import annotations

import http.client
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from raw_http import SocketServer
from test_transport import (  # noqa: F401  (fixtures)
    OK,
    TOKEN,
    closed_port,
    keep_alive,
    make,
    run_python,
    self_signed,
    serve,
    tls_server,
)

import postmark.direct
import postmark.transport
from postmark import ServerClient
from postmark.direct import DirectPath
from postmark.exceptions import TLSError, TransportError
from postmark.sandbox import Sandbox
from postmark.sending import BatchPlan

# With urllib3 1.26 (the lowest requests CI runs) every transport has a
# session, as the test below checks; the others are about the own pool.
needs_urllib3_2 = pytest.mark.skipif(
    not postmark.direct._URLLIB3_2, reason="the own pool needs urllib3 2"
)


@pytest.fixture
def no_requests_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Transports made in the test behave as in a process that has not imported requests."""
    if not postmark.direct._URLLIB3_2:
        pytest.skip("the own pool needs urllib3 2")
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setattr(postmark.transport, "_requests_loaded", lambda: False)


def heads_on_the_wire(server: SocketServer) -> list[list[bytes]]:
    """Each recorded request's head lines (request line and headers, in order)."""
    return [head.split(b"\r\n") for head, _ in server.requests]


def test_without_requests_the_transport_has_no_session_and_sends(
    no_requests_yet: None, serve: Callable[..., SocketServer]
) -> None:
    server = serve(keep_alive)
    transport = make(base_url=server.url())
    assert transport._session is None
    for _ in range(5):
        assert transport.call("POST", "/email", json={"To": "a@b.c"}) == OK
    assert transport._session is None  # still none: nothing needed it
    assert server.paths() == ["/email"] * 5
    assert server.connections == 1  # keep-alive in its own pool too


def test_the_wire_is_the_same_with_and_without_a_session(
    no_requests_yet: None, serve: Callable[..., SocketServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    own = serve(keep_alive)
    make(base_url=own.url()).call("POST", "/email", json={"To": "a@b.c"})
    monkeypatch.setattr(postmark.transport, "_requests_loaded", lambda: True)
    with_session = serve(keep_alive)
    transport = make(base_url=with_session.url())
    assert transport._session is not None
    transport.call("POST", "/email", json={"To": "a@b.c"})

    def normalised(server: SocketServer) -> list[list[bytes]]:
        port = str(server.url().rsplit(":", 1)[1]).encode()
        return [
            [line.replace(port, b"PORT") for line in head] for head in heads_on_the_wire(server)
        ]

    assert normalised(own) == normalised(with_session)
    assert own.requests[0][1] == with_session.requests[0][1] == b'{"To":"a@b.c"}'
    # requests' session headers, computed without importing requests:
    assert (
        b"Accept-Encoding: " + requests.utils.DEFAULT_ACCEPT_ENCODING.encode() in own.requests[0][0]
    )
    assert b"Connection: keep-alive" in own.requests[0][0]


def test_own_pool_verifies_tls_against_certifi_by_default(
    no_requests_yet: None, tls_server: SocketServer, no_sleep: list[float]
) -> None:
    transport = make(base_url=tls_server.url("https"), retries=3)
    assert transport._session is None
    with pytest.raises(TLSError) as caught:
        transport.call("POST", "/email", json={})
    # The same exception, cause and wording as through a session.
    assert isinstance(caught.value.inner_exception, requests.exceptions.SSLError)
    assert caught.value.may_have_been_sent is False
    assert "ca_bundle" in str(caught.value)
    assert no_sleep == []
    assert tls_server.requests == []  # nothing sent in the clear


def test_own_pool_trusts_the_configured_bundle(
    no_requests_yet: None,
    tls_server: SocketServer,
    self_signed: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert (
        make(base_url=tls_server.url("https"), ca_bundle=str(self_signed[0])).call("GET", "/server")
        == OK
    )
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(self_signed[0]))
    transport = make(base_url=tls_server.url("https"))
    assert transport._session is None
    assert transport.call("GET", "/server") == OK


def test_failures_read_the_same_with_and_without_a_session(
    no_requests_yet: None, closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failure() -> tuple[str, type, str, bool]:
        transport = make(base_url=f"http://127.0.0.1:{closed_port}", retries=0)
        with pytest.raises(TransportError) as caught:
            transport.call("POST", "/email", json={})
        error = caught.value
        # urllib3's own text too: it names the connection class and the pool.
        inner = re.sub(r" at 0x[0-9a-f]+", "", str(error.inner_exception))
        return str(error), type(error.inner_exception), inner, error.may_have_been_sent

    own = failure()
    monkeypatch.setattr(postmark.transport, "_requests_loaded", lambda: True)
    assert own == failure()
    assert own[1] is requests.ConnectionError
    assert "could not connect (NewConnectionError)" in own[0]


def test_reading_the_session_hands_every_later_call_to_it(
    no_requests_yet: None, serve: Callable[..., SocketServer]
) -> None:
    server = serve(keep_alive)
    transport = make(base_url=server.url())
    assert transport.call("GET", "/server") == OK
    sent: list[str] = []

    class Counting(requests.adapters.HTTPAdapter):
        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
            sent.append(str(request.path_url))
            return super().send(request, **kwargs)

    transport.session.mount("http://", Counting())
    assert transport.call("GET", "/again") == OK
    assert sent == ["/again"]
    assert server.paths() == ["/server", "/again"]


def test_a_mock_started_after_the_transport_still_sees_every_call(
    no_requests_yet: None,
) -> None:
    transport = make(base_url="https://api.postmarkapp.com")
    assert transport._session is None
    with responses.RequestsMock() as mock:
        mock.post("https://api.postmarkapp.com/email", json=OK)
        assert transport.call("POST", "/email", json={}) == OK
        assert len(mock.calls) == 1


def test_a_proxy_setting_means_a_session(
    no_requests_yet: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # requests decides what a proxy variable means; the own pool never guesses.
    monkeypatch.setenv("no_proxy", "example.com")
    assert make()._session is not None


def test_close_closes_the_own_pool(
    no_requests_yet: None, serve: Callable[..., SocketServer]
) -> None:
    server = serve(keep_alive)
    transport = make(base_url=server.url())
    transport.call("GET", "/server")
    transport.close()
    assert transport.call("GET", "/server") == OK  # a new connection, as after session.close()
    assert server.settled_connections(2) == 2
    assert transport._session is None


@needs_urllib3_2
def test_pmmail_imports_and_sends_without_requests(tmp_path: Path) -> None:
    # A fresh interpreter: the sandbox and PMMail, and requests never loaded.
    loaded = run_python(
        """
        import json, os, sys
        from postmark.sandbox import Sandbox
        with Sandbox() as sandbox:
            os.environ["POSTMARK_API_URL"] = sandbox.url
            from postmark import PMMail
            imported = "requests" in sys.modules
            answer = PMMail(api_key="t", sender="a@example.com", to="b@example.com",
                            subject="once", text_body="x").send(return_json=True)
            stored = [(m["Subject"], m["MessageID"]) for m in sandbox.messages()]
            print(json.dumps([imported, "requests" in sys.modules, stored, answer["MessageID"]]))
        """
    )
    imported, after_send, stored, message_id = loaded
    assert imported is False and after_send is False
    assert stored == [["once", message_id]]


def test_own_pool_writes_headers_and_body_at_once(
    no_requests_yet: None, serve: Callable[..., SocketServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[bytes] = []
    real_send = http.client.HTTPConnection.send

    def counting(self: http.client.HTTPConnection, data: Any) -> None:
        writes.append(bytes(data))
        real_send(self, data)

    monkeypatch.setattr(http.client.HTTPConnection, "send", counting)
    server = serve(keep_alive)
    transport = make(base_url=server.url())
    assert transport.call("POST", "/email", json={"To": "a@b.c"}) == OK
    assert len(writes) == 1  # one write: the header block and the body
    assert writes[0].startswith(b"POST /email HTTP/1.1\r\n")
    assert writes[0].endswith(b'\r\n\r\n{"To":"a@b.c"}')
    assert transport.call("GET", "/server") == OK  # no body: the headers alone
    assert len(writes) == 2 and writes[1].endswith(b"\r\n\r\n")
    assert server.paths() == ["/email", "/server"]
    writes.clear()
    big = "x" * postmark.direct.ONE_WRITE_MAX  # with its JSON quoting, over the limit
    assert transport.call("POST", "/email", json={"To": big}) == OK
    # A large body is not joined to the headers (a copy of a 10 MB attachment).
    assert len(writes) == 2 and writes[0].endswith(b"\r\n\r\n")
    assert writes[1] == b'{"To":"' + big.encode() + b'"}'


def test_with_urllib3_1_every_transport_has_a_session(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setattr(postmark.transport, "_requests_loaded", lambda: False)
    assert DirectPath.own_pool_available() is postmark.direct._URLLIB3_2
    monkeypatch.setattr(postmark.direct, "_URLLIB3_2", False)
    assert make()._session is not None


def test_more_workers_than_the_own_pool_holds_send_each_message_once(
    no_requests_yet: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # concurrency above 10 grows the pool on a session: the transport takes
    # one mid-run, while other workers are sending through the own pool.
    monkeypatch.setattr(BatchPlan, "max_count", 5)
    messages = [
        {"From": "a@example.com", "To": f"u{i}@example.com", "Subject": f"m{i}", "TextBody": "x"}
        for i in range(120)
    ]
    with Sandbox() as sandbox, ServerClient("t", base_url=sandbox.url) as client:
        assert client.transport._session is None
        result = client.email.send_batch(messages, concurrency=12)
        assert client.transport._session is not None
        assert all(outcome.ok for outcome in result)
        stored = sorted(m["Subject"] for m in sandbox.messages())
    assert stored == sorted(f"m{i}" for i in range(120))


def test_a_session_assigned_later_carries_the_calls(
    no_requests_yet: None, serve: Callable[..., SocketServer]
) -> None:
    server = serve(keep_alive)
    transport = make(base_url=server.url())
    sent: list[str] = []

    class Counting(requests.adapters.HTTPAdapter):
        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
            sent.append(str(request.path_url))
            return super().send(request, **kwargs)

    session = requests.Session()
    session.mount("http://", Counting())
    transport.session = session
    assert transport.session is session
    assert transport.call("GET", "/server") == OK
    assert sent == ["/server"]
