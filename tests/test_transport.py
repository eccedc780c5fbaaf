"""The transport: session reuse, base URL, timeouts, TLS, headers, JSON, retries, answers.

Unit tests fake HTTP with ``responses`` at requests' adapter boundary, so the
transport's own code (request preparation, retry loop, response mapping)
runs for real. Connection failures, timeouts, dropped connections, TLS and
keep-alive are also checked against tiny servers on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import socket
import ssl
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import certifi
import pytest
import raw_http
import requests
import responses
import urllib3.exceptions
from raw_http import SocketServer
from requests.adapters import HTTPAdapter

from postmark import AccountClient, ServerClient
from postmark._version import __version__
from postmark.exceptions import (
    APIError,
    ConfigurationError,
    InactiveRecipientError,
    NotFoundError,
    PayloadTooLargeError,
    PMMailInactiveRecipientException,
    PMMailSendException,
    PMMailServerErrorException,
    PMMailUnauthorizedException,
    PMMailUnprocessableEntityException,
    PMMailURLException,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    TLSError,
    TransportError,
    UnauthorizedError,
    UnprocessableEntityError,
)
from postmark.protocol import ACCOUNT_TOKEN_HEADER, SERVER_TOKEN_HEADER
from postmark.transport import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, Transport

REPO = Path(__file__).resolve().parents[1]
TOKEN = "server-token-123"
API = "https://api.postmarkapp.com"
OK = {"To": "you@example.com", "MessageID": "m-1", "ErrorCode": 0, "Message": "OK"}


@pytest.fixture(autouse=True)
def _no_proxies_no_django(monkeypatch: pytest.MonkeyPatch) -> None:
    # Local servers must be reached directly, whatever the developer's shell says.
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def make(**options: Any) -> Transport:
    options.setdefault("token_header", SERVER_TOKEN_HEADER)
    return Transport(TOKEN, **options)


def sent_kwargs(rsps: responses.RequestsMock, index: int = 0) -> dict[str, Any]:
    """The keyword arguments the transport passed to the adapter's send()."""
    kwargs: dict[str, Any] = rsps.calls[index].request.req_kwargs  # type: ignore[attr-defined]
    return kwargs


# -- requests errors as requests/urllib3 really raise them ----------------------


def refused() -> requests.ConnectionError:
    reason = urllib3.exceptions.NewConnectionError(
        None,  # type: ignore[arg-type]
        "Failed to establish a new connection: [Errno 111] Connection refused",
    )
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/email", reason))  # type: ignore[arg-type]


def dropped() -> requests.ConnectionError:
    reason = http.client.RemoteDisconnected("Remote end closed connection without response")
    return requests.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted.", reason))


def read_timeout() -> requests.ReadTimeout:
    return requests.ReadTimeout(
        urllib3.exceptions.ReadTimeoutError(None, "/email", "Read timed out. (read timeout=60)")  # type: ignore[arg-type]
    )


def connect_timeout() -> requests.ConnectTimeout:
    reason = urllib3.exceptions.ConnectTimeoutError(None, "Connection to host timed out.")
    return requests.ConnectTimeout(urllib3.exceptions.MaxRetryError(None, "/email", reason))  # type: ignore[arg-type]


def tls_failure() -> requests.exceptions.SSLError:
    reason = urllib3.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] self-signed")
    return requests.exceptions.SSLError(urllib3.exceptions.MaxRetryError(None, "/email", reason))  # type: ignore[arg-type]


class Recorder(HTTPAdapter):
    """An adapter that remembers what it was asked to send (then sends it normally)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[requests.PreparedRequest, dict[str, Any]]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent.append((request, kwargs))
        return super().send(request, **kwargs)


# -- tiny local servers ---------------------------------------------------------


def respond(conn: socket.socket, status: int = 200, body: bytes = b"") -> None:
    body = body or json.dumps(OK).encode()
    conn.sendall(
        b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
        % (status, len(body))
        + body
    )


def keep_alive(conn: socket.socket, server: SocketServer) -> None:
    while True:
        request = raw_http.read_request(conn)
        if request is None:
            return
        server.record(request)
        failing = b" /fail " in request[0].split(b"\r\n", 1)[0]
        if failing:
            respond(conn, 422, b'{"ErrorCode":300,"Message":"Invalid"}')
        else:
            respond(conn)


def stall(conn: socket.socket, server: SocketServer) -> None:
    request = raw_http.read_request(conn)
    if request is not None:
        server.record(request)
    server.stopping.wait(5)


def drop_after_request(conn: socket.socket, server: SocketServer) -> None:
    request = raw_http.read_request(conn)
    if request is not None:
        server.record(request)


def truncate_body(conn: socket.socket, server: SocketServer) -> None:
    request = raw_http.read_request(conn)
    if request is not None:
        server.record(request)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        b'{"MessageID":"ab'
    )


@pytest.fixture
def serve() -> Iterator[Callable[..., SocketServer]]:
    with raw_http.started_servers() as start:
        yield start


@pytest.fixture
def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return raw_http.self_signed_certificate(
        tmp_path_factory.mktemp("tls"), "localhost", "IP:127.0.0.1,DNS:localhost"
    )


@pytest.fixture
def tls_server(serve: Callable[..., SocketServer], self_signed: tuple[Path, Path]) -> SocketServer:
    cert, key = self_signed
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return serve(keep_alive, tls=context)


def run_python(code: str, env: dict[str, str] | None = None) -> Any:
    """Run ``code`` in a fresh interpreter (no Django state leaks) and return its JSON."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("POSTMARK_") and k != "DJANGO_SETTINGS_MODULE"
    }
    clean.update(env or {})
    clean["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=clean,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# ==============================================================================
# Keep-alive: one session, one connection


def test_one_session_per_client_reused_for_every_call(
    monkeypatch: pytest.MonkeyPatch, rsps: responses.RequestsMock
) -> None:
    created: list[requests.Session] = []
    adapters: list[Recorder] = []

    class CountingSession(requests.Session):
        def __init__(self) -> None:
            super().__init__()
            created.append(self)
            adapter = Recorder()
            adapters.append(adapter)
            self.mount("https://", adapter)

    monkeypatch.setattr(requests, "Session", CountingSession)
    rsps.get(f"{API}/server", json={"ID": 1})
    rsps.post(f"{API}/email", json=OK)
    client = ServerClient(TOKEN)
    for _ in range(10):
        client.request("GET", "/server")
        client.request("POST", "/email", json={"To": "a@b.c"})
    assert len(created) == 1
    assert client.transport.session is created[0]
    assert len(adapters[0].sent) == 20
    ServerClient(TOKEN)
    assert len(created) == 2  # one per client, not one per process


def test_twenty_calls_use_one_tcp_connection(serve: Callable[..., SocketServer]) -> None:
    server = serve(keep_alive)
    client = ServerClient(TOKEN, base_url=server.url(), retries=0)
    for i in range(20):
        if i % 5 == 4:
            # An error answer must not cost the connection either.
            with pytest.raises(UnprocessableEntityError):
                client.request("POST", "/fail", json={"i": i})
        elif i % 2:
            assert client.request("POST", "/email", json={"i": i}) == OK
        else:
            assert client.request("GET", "/server") == OK
    assert len(server.requests) == 20
    assert server.connections == 1
    client.close()


def test_close_releases_only_an_owned_session() -> None:
    own = make()
    shared_session = requests.Session()
    borrowed = make(session=shared_session)
    closed: list[str] = []
    own.session.close = lambda: closed.append("own")  # type: ignore[method-assign]
    shared_session.close = lambda: closed.append("borrowed")  # type: ignore[method-assign]
    with own, borrowed:
        pass
    assert closed == ["own"]


# ==============================================================================
# Base URL


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        (None, "https://api.postmarkapp.com/email"),
        ("https://api.example.test", "https://api.example.test/email"),
        ("https://api.example.test/", "https://api.example.test/email"),
        ("http://127.0.0.1:8025", "http://127.0.0.1:8025/email"),
        ("http://127.0.0.1:8025/prefix/", "http://127.0.0.1:8025/prefix/email"),
        ("  https://api.example.test/  ", "https://api.example.test/email"),
    ],
)
def test_base_url_argument(
    rsps: responses.RequestsMock, base_url: str | None, expected: str
) -> None:
    rsps.post(expected, json=OK)
    transport = make(base_url=base_url)
    assert transport.call("POST", "/email", json={}) == OK
    assert rsps.calls[0].request.url == expected
    assert not transport.base_url.endswith("/")


@pytest.mark.parametrize("env", ["https://env.example.test", "https://env.example.test/"])
def test_base_url_from_environment(
    monkeypatch: pytest.MonkeyPatch, rsps: responses.RequestsMock, env: str
) -> None:
    monkeypatch.setenv("POSTMARK_API_URL", env)
    rsps.get("https://env.example.test/server", json={})
    make().call("GET", "/server")
    assert rsps.calls[0].request.url == "https://env.example.test/server"
    assert make(base_url="https://arg.example.test").base_url == "https://arg.example.test"


def test_default_base_url_is_https() -> None:
    assert make().base_url == "https://api.postmarkapp.com"
    assert ServerClient(TOKEN).transport.base_url == "https://api.postmarkapp.com"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "api.postmarkapp.com",
        "//api.postmarkapp.com",
        "ftp://api.postmarkapp.com",
        "https://",
        "http://",
        "https:///email",
        "https://exa mple.com",
        "https://api.postmarkapp.com:port",
        "https://api.postmarkapp.com/?x=1",
        "https://api.postmarkapp.com/#top",
        "javascript:alert(1)",
    ],
)
def test_garbage_base_url_is_a_configuration_error(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        make(base_url=bad)


def test_garbage_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTMARK_API_URL", "api.postmarkapp.com")
    with pytest.raises(ConfigurationError, match="POSTMARK_API_URL"):
        ServerClient(TOKEN)


# ==============================================================================
# Timeouts and the overall deadline


def test_default_timeouts_reach_the_adapter(rsps: responses.RequestsMock) -> None:
    rsps.post(f"{API}/email", json=OK)
    transport = make()
    assert transport.timeout == (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT) == (10.0, 60.0)
    transport.call("POST", "/email", json={})
    connect, read = sent_kwargs(rsps)["timeout"]
    assert connect == 10.0
    assert read == pytest.approx(60.0, abs=0.5)


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [(5, (5.0, 5.0)), (2.5, (2.5, 2.5)), (30, (10.0, 30.0)), ((3, 20), (3.0, 20.0))],
)
def test_timeout_argument(
    rsps: responses.RequestsMock, timeout: Any, expected: tuple[float, float]
) -> None:
    rsps.get(f"{API}/server", json={})
    transport = make(timeout=timeout)
    assert transport.timeout == expected
    transport.call("GET", "/server")
    assert sent_kwargs(rsps)["timeout"] == pytest.approx(expected)


def test_timeout_from_environment(
    monkeypatch: pytest.MonkeyPatch, rsps: responses.RequestsMock
) -> None:
    monkeypatch.setenv("POSTMARK_TIMEOUT", "4")
    rsps.get(f"{API}/server", json={})
    make().call("GET", "/server")
    assert sent_kwargs(rsps)["timeout"] == pytest.approx((4.0, 4.0))
    assert make(timeout=7).timeout == (7.0, 7.0)  # the argument wins


@pytest.mark.parametrize("bad", [0, -1, "soon", (1, 0), (None, 5)])
def test_bad_timeout_is_a_configuration_error(bad: Any) -> None:
    with pytest.raises(ConfigurationError):
        make(timeout=bad)


def test_bad_timeout_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTMARK_TIMEOUT", "ten")
    with pytest.raises(ConfigurationError, match="POSTMARK_TIMEOUT"):
        make()


@pytest.mark.parametrize("bad", [0, -5, "never"])
def test_bad_deadline_is_a_configuration_error(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="deadline"):
        make(deadline=bad)


def test_deadline_caps_each_attempts_timeouts(rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/server", json={})
    make(deadline=2.0).call("GET", "/server")
    connect, read = sent_kwargs(rsps)["timeout"]
    assert 0 < connect <= 2.0
    assert 0 < read <= 2.0


def test_deadline_stops_retries_before_waiting_past_it(
    rsps: responses.RequestsMock, no_sleep: list[float]
) -> None:
    rsps.post(f"{API}/email", status=429, headers={"Retry-After": "3"}, json={})
    with pytest.raises(RateLimitError):
        make(retries=5, deadline=2.0).call("POST", "/email", json={})
    assert len(rsps.calls) == 1
    assert no_sleep == []


def test_deadline_stops_retries_in_real_time(serve: Callable[..., SocketServer]) -> None:
    server = serve(stall)
    transport = make(base_url=server.url(), timeout=0.3, retries=10, deadline=1.0)
    started = time.monotonic()
    with pytest.raises(RequestTimeoutError):
        transport.call("GET", "/server")
    elapsed = time.monotonic() - started
    assert elapsed < 1.6
    assert 2 <= server.settled_connections(2) <= 3  # far fewer than 11 attempts


# ==============================================================================
# TLS: verification always on, CA bundle honoured the right way round


@pytest.fixture
def bundles(tmp_path: Path) -> tuple[str, str]:
    arg = tmp_path / "argument-ca.pem"
    env = tmp_path / "environment-ca.pem"
    arg.write_text("not parsed by the transport")
    env.write_text("not parsed by the transport")
    return str(arg), str(env)


def verify_sent(transport: Transport, rsps: responses.RequestsMock) -> Any:
    rsps.get(f"{API}/server", json={})
    transport.call("GET", "/server")
    return sent_kwargs(rsps, len(rsps.calls) - 1)["verify"]


def test_verification_is_on_by_default(rsps: responses.RequestsMock) -> None:
    assert verify_sent(make(), rsps) is True


def test_ca_bundle_argument_reaches_the_adapter(
    rsps: responses.RequestsMock, bundles: tuple[str, str]
) -> None:
    assert verify_sent(make(ca_bundle=bundles[0]), rsps) == bundles[0]


def test_ca_bundle_argument_beats_requests_ca_bundle(
    monkeypatch: pytest.MonkeyPatch, rsps: responses.RequestsMock, bundles: tuple[str, str]
) -> None:
    arg, env = bundles
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", env)
    monkeypatch.setenv("CURL_CA_BUNDLE", env)
    assert verify_sent(make(ca_bundle=arg), rsps) == arg


def test_session_bundle_beats_requests_ca_bundle(
    monkeypatch: pytest.MonkeyPatch, rsps: responses.RequestsMock, bundles: tuple[str, str]
) -> None:
    # Plain requests would let the environment win over Session.verify here.
    arg, env = bundles
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", env)
    session = requests.Session()
    session.verify = arg
    assert verify_sent(make(session=session), rsps) == arg


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_environment_bundle_is_honoured_without_an_argument(
    monkeypatch: pytest.MonkeyPatch,
    rsps: responses.RequestsMock,
    bundles: tuple[str, str],
    variable: str,
) -> None:
    monkeypatch.setenv(variable, bundles[1])
    assert verify_sent(make(), rsps) == bundles[1]


def test_environment_bundle_ignored_when_session_does_not_trust_env(
    monkeypatch: pytest.MonkeyPatch, rsps: responses.RequestsMock, bundles: tuple[str, str]
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", bundles[1])
    session = requests.Session()
    session.trust_env = False
    assert verify_sent(make(session=session), rsps) is True


def test_turning_verification_off_is_refused() -> None:
    session = requests.Session()
    session.verify = False
    with pytest.raises(ConfigurationError, match="cannot be turned off"):
        make(session=session)
    with pytest.raises(ConfigurationError):
        ServerClient(TOKEN, session=session)


def test_turning_verification_off_later_changes_nothing(rsps: responses.RequestsMock) -> None:
    transport = make()
    transport.session.verify = False
    assert verify_sent(transport, rsps) is True


def test_missing_bundle_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = str(tmp_path / "nope.pem")
    with pytest.raises(ConfigurationError, match=r"nope\.pem"):
        make(ca_bundle=missing)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", missing)
    with pytest.raises(ConfigurationError, match=r"nope\.pem"):
        make()


def test_the_callers_session_and_its_adapter_are_used(
    rsps: responses.RequestsMock, bundles: tuple[str, str]
) -> None:
    session = requests.Session()
    recorder = Recorder()
    session.mount("https://", recorder)
    rsps.post(f"{API}/email", json=OK)
    transport = make(session=session, ca_bundle=bundles[0], timeout=(2, 9))
    transport.call("POST", "/email", json={"a": 1})
    transport.call("POST", "/email", json={"a": 2})
    assert len(recorder.sent) == 2
    request, kwargs = recorder.sent[0]
    assert kwargs["verify"] == bundles[0]
    assert kwargs["timeout"] == pytest.approx((2.0, 9.0))
    assert request.headers[SERVER_TOKEN_HEADER] == TOKEN


def test_untrusted_certificate_is_a_tls_error_not_retried(
    tls_server: SocketServer, no_sleep: list[float]
) -> None:
    transport = make(base_url=tls_server.url("https"), retries=3)
    for method in ("POST", "GET"):
        with pytest.raises(TLSError) as caught:
            transport.call(method, "/email", json={})
        error = caught.value
        assert isinstance(error, TransportError)
        assert isinstance(error, PMMailURLException)
        assert isinstance(error.inner_exception, requests.exceptions.SSLError)
        assert error.may_have_been_sent is False
        assert error.retryable is False
        assert "ca_bundle" in str(error)
    assert no_sleep == []
    assert tls_server.settled_connections(2) == 2  # one per call: never retried
    assert tls_server.requests == []  # nothing was sent in the clear


def test_ca_bundle_argument_trusts_a_private_ca(
    tls_server: SocketServer,
    self_signed: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cert = str(self_signed[0])
    # The argument wins even though the environment names another bundle.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    transport = make(base_url=tls_server.url("https"), ca_bundle=cert)
    assert transport.call("POST", "/email", json={}) == OK
    # So does a bundle set on the caller's session (requests' own bug).
    session = requests.Session()
    session.verify = cert
    assert make(base_url=tls_server.url("https"), session=session).call("GET", "/x") == OK


def test_requests_ca_bundle_is_honoured_for_real(
    tls_server: SocketServer, self_signed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(self_signed[0]))
    assert make(base_url=tls_server.url("https")).call("GET", "/server") == OK


def test_tls_error_from_the_adapter_is_never_retried(
    rsps: responses.RequestsMock, no_sleep: list[float]
) -> None:
    rsps.get(f"{API}/server", body=tls_failure())
    with pytest.raises(TLSError) as caught:
        make(retries=3).call("GET", "/server")
    assert len(rsps.calls) == 1
    assert no_sleep == []
    assert "TLS verification failed" in str(caught.value)
    assert caught.value.may_have_been_sent is False


# ==============================================================================
# Headers


UA = re.compile(
    r"^python-postmark/(?P<version>\S+) "
    r"\(Python (?P<python>[\d.]+\w*)(; Django (?P<django>\S+))?\)$"
)


def test_server_token_and_json_headers(rsps: responses.RequestsMock) -> None:
    rsps.post(f"{API}/email", json=OK)
    make().call("POST", "/email", json={"To": "a@b.c"})
    request = rsps.calls[0].request
    headers = request.headers
    assert headers["Accept"] == "application/json"
    assert headers["Content-Type"] == "application/json"
    assert headers[SERVER_TOKEN_HEADER] == TOKEN
    assert ACCOUNT_TOKEN_HEADER not in headers
    assert headers["Content-Length"] == str(len(request.body or b""))
    match = UA.match(headers["User-Agent"])
    assert match, headers["User-Agent"]
    assert match["version"] == __version__
    assert match["python"] == platform.python_version()


def test_account_client_sends_the_account_token(rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/servers", json={"TotalCount": 0, "Servers": []})
    AccountClient("account-token-9").request("GET", "/servers", params={"count": 1, "offset": 0})
    headers = rsps.calls[0].request.headers
    assert headers[ACCOUNT_TOKEN_HEADER] == "account-token-9"
    assert SERVER_TOKEN_HEADER not in headers
    assert headers["Accept"] == "application/json"


def test_bodiless_put_and_get(rsps: responses.RequestsMock) -> None:
    rsps.put(f"{API}/bounces/12/activate", json={})
    rsps.get(f"{API}/bounces/12", json={})
    transport = make()
    transport.call("PUT", "/bounces/12/activate")
    transport.call("GET", "/bounces/12")
    put, get = rsps.calls[0].request, rsps.calls[1].request
    assert put.body is None
    assert put.headers["Content-Length"] == "0"
    assert put.headers["Content-Type"] == "application/json"
    assert get.body is None
    assert "Content-Length" not in get.headers
    assert get.headers["Accept"] == "application/json"


def test_session_headers_are_kept_but_cannot_override_ours(
    rsps: responses.RequestsMock,
) -> None:
    session = requests.Session()
    session.headers.update(
        {"X-Trace": "t-1", "accept": "text/html", SERVER_TOKEN_HEADER: "someone-else"}
    )
    rsps.get(f"{API}/server", json={})
    make(session=session).call("GET", "/server")
    headers = rsps.calls[0].request.headers
    assert headers["X-Trace"] == "t-1"
    assert headers["Accept"] == "application/json"
    assert headers[SERVER_TOKEN_HEADER] == TOKEN


def test_token_whitespace_is_stripped(rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/server", json={})
    Transport(f"  {TOKEN}\n", token_header=SERVER_TOKEN_HEADER).call("GET", "/server")
    assert rsps.calls[0].request.headers[SERVER_TOKEN_HEADER] == TOKEN


@pytest.mark.parametrize("bad", ["", "   ", "abc\ndef", "abc def", "tök-en", "a\x00b"])
def test_unusable_token_is_a_configuration_error(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="token"):
        Transport(bad, token_header=SERVER_TOKEN_HEADER)


def test_user_agent_names_django_only_when_it_is_imported() -> None:
    code = """
        import json, sys
        {prelude}
        import responses
        from postmark.protocol import SERVER_TOKEN_HEADER
        from postmark.transport import Transport
        with responses.RequestsMock() as rsps:
            rsps.get("https://api.postmarkapp.com/server", json={{}})
            Transport("t", token_header=SERVER_TOKEN_HEADER).call("GET", "/server")
            agent = rsps.calls[0].request.headers["User-Agent"]
        django = sys.modules.get("django")
        print(json.dumps([agent, django.get_version() if django else None]))
    """
    plain, no_django = run_python(code.format(prelude="pass"))
    assert no_django is None  # the transport did not import Django itself
    assert "Django" not in plain
    assert UA.match(plain)
    with_django, version = run_python(code.format(prelude="import django"))
    match = UA.match(with_django)
    assert match
    assert match["django"] == version
    assert with_django == plain[:-1] + f"; Django {version})"


# ==============================================================================
# JSON encoding


def test_str_subclasses_and_unicode_serialise(rsps: responses.RequestsMock) -> None:
    class Safe(str):
        pass

    rsps.post(f"{API}/email", json=OK)
    make().call("POST", "/email", json={"Subject": Safe("Grüße"), "Tag": Safe("t")})
    assert json.loads(rsps.calls[0].request.body or b"") == {"Subject": "Grüße", "Tag": "t"}


def test_unknown_object_fails_before_anything_is_sent(rsps: responses.RequestsMock) -> None:
    rsps.post(f"{API}/email", json=OK)
    with pytest.raises(TypeError, match=r"Object of type Widget .*convert it to str"):
        make().call("POST", "/email", json={"Metadata": {"w": type("Widget", (), {})()}})
    assert len(rsps.calls) == 0


def test_django_lazy_strings_serialise() -> None:
    body = run_python(
        """
        import json
        import django
        from django.conf import settings
        settings.configure(USE_I18N=True, LANGUAGE_CODE="en-us")
        django.setup()
        from django.utils.functional import lazy
        from django.utils.translation import gettext_lazy
        import responses
        from postmark import ServerClient
        with responses.RequestsMock() as rsps:
            rsps.post("https://api.postmarkapp.com/email", json={"ErrorCode": 0})
            ServerClient("t").request("POST", "/email", json={
                "Subject": gettext_lazy("Welcome"),
                "TextBody": lazy(lambda: "Hello lazy", str)(),
                "Metadata": {"k": gettext_lazy("value")},
            })
            print(rsps.calls[0].request.body.decode())
        """
    )
    assert body == {"Subject": "Welcome", "TextBody": "Hello lazy", "Metadata": {"k": "value"}}


# ==============================================================================
# Retry policy: never send twice


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (read_timeout, RequestTimeoutError),
        (dropped, TransportError),
        (lambda: requests.exceptions.ChunkedEncodingError("truncated"), TransportError),
    ],
    ids=["read-timeout", "dropped-after-send", "truncated-body"],
)
def test_post_is_not_replayed_once_it_may_have_been_sent(
    rsps: responses.RequestsMock,
    no_sleep: list[float],
    failure: Callable[[], Exception],
    expected: type[TransportError],
) -> None:
    rsps.post(f"{API}/email", body=failure())
    with pytest.raises(expected) as caught:
        make(retries=3).call("POST", "/email", json={})
    error = caught.value
    assert type(error) is expected
    assert len(rsps.calls) == 1
    assert no_sleep == []
    assert error.may_have_been_sent is True
    assert error.retryable is False
    assert "may have reached Postmark" in str(error)
    assert "activity log" in str(error)


@pytest.mark.parametrize("status", [500, 502, 504])
def test_post_is_not_replayed_after_a_server_error(
    rsps: responses.RequestsMock, no_sleep: list[float], status: int
) -> None:
    rsps.post(f"{API}/email", status=status, json={"ErrorCode": 101, "Message": "Boom"})
    with pytest.raises(ServerError) as caught:
        make(retries=3).call("POST", "/email", json={})
    assert len(rsps.calls) == 1
    assert no_sleep == []
    assert caught.value.retryable is False
    assert "not repeated" in str(caught.value)


@pytest.mark.parametrize(("status", "expected"), [(429, RateLimitError), (503, ServerError)])
@pytest.mark.parametrize("retries", [0, 1, 3])
def test_post_is_retried_after_429_and_503_with_bounded_attempts(
    rsps: responses.RequestsMock,
    no_sleep: list[float],
    status: int,
    expected: type[APIError],
    retries: int,
) -> None:
    rsps.post(f"{API}/email", status=status, json={"ErrorCode": 100, "Message": "Later"})
    with pytest.raises(expected) as caught:
        make(retries=retries).call("POST", "/email", json={})
    assert len(rsps.calls) == retries + 1
    assert len(no_sleep) == retries
    assert caught.value.http_status == status
    assert caught.value.retryable is True


@pytest.mark.parametrize(
    ("failure", "expected"),
    [(refused, TransportError), (connect_timeout, RequestTimeoutError)],
    ids=["refused", "connect-timeout"],
)
def test_post_is_retried_when_nothing_was_sent(
    rsps: responses.RequestsMock,
    no_sleep: list[float],
    failure: Callable[[], Exception],
    expected: type[TransportError],
) -> None:
    rsps.post(f"{API}/email", body=failure())
    with pytest.raises(expected) as caught:
        make(retries=2).call("POST", "/email", json={})
    assert type(caught.value) is expected
    assert len(rsps.calls) == 3
    assert len(no_sleep) == 2
    assert caught.value.may_have_been_sent is False
    assert "may have reached" not in str(caught.value)


def test_retry_succeeds_after_transient_answers(
    rsps: responses.RequestsMock, no_sleep: list[float]
) -> None:
    rsps.post(f"{API}/email", status=503, json={"ErrorCode": 100})
    rsps.post(f"{API}/email", body=refused())
    rsps.post(f"{API}/email", status=429, json={})
    rsps.post(f"{API}/email", json=OK)
    assert make(retries=3).call("POST", "/email", json={"To": "a@b.c"}) == OK
    assert len(rsps.calls) == 4
    assert len(no_sleep) == 3
    bodies = {rsps.calls[i].request.body for i in range(4)}
    assert bodies == {b'{"To":"a@b.c"}'}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("answer", ["500", "502", "504", "read-timeout", "dropped"])
def test_idempotent_methods_are_retried(
    rsps: responses.RequestsMock, no_sleep: list[float], method: str, answer: str
) -> None:
    url = f"{API}/bounces/1"
    if answer.isdigit():
        rsps.add(method, url, status=int(answer), json={"ErrorCode": 101, "Message": "x"})
    else:
        rsps.add(method, url, body=read_timeout() if answer == "read-timeout" else dropped())
    with pytest.raises(PMMailSendException) as caught:
        make(retries=2).call(method, "/bounces/1")
    assert len(rsps.calls) == 3
    assert len(no_sleep) == 2
    assert caught.value.retryable is True  # type: ignore[attr-defined]


def test_retry_waits_use_jittered_growing_backoff(
    rsps: responses.RequestsMock, no_sleep: list[float]
) -> None:
    rsps.get(f"{API}/server", status=503, json={})
    with pytest.raises(ServerError):
        make(retries=4).call("GET", "/server")
    assert len(no_sleep) == 4
    for attempt, wait in enumerate(no_sleep, start=1):
        ceiling = min(8.0, 0.5 * 2 ** (attempt - 1))
        assert ceiling / 2 <= wait <= ceiling


@pytest.mark.parametrize(
    ("header", "wait"), [("2", 2.0), ("0.1", 0.1), ("30", 30.0), ("120", 60.0)]
)
def test_retry_after_is_honoured_and_capped(
    rsps: responses.RequestsMock, no_sleep: list[float], header: str, wait: float
) -> None:
    rsps.post(f"{API}/email", status=429, headers={"Retry-After": header}, json={})
    rsps.post(f"{API}/email", json=OK)
    assert make(retries=1).call("POST", "/email", json={}) == OK
    assert no_sleep == [wait]


def test_retries_zero_means_one_attempt(
    rsps: responses.RequestsMock, no_sleep: list[float]
) -> None:
    rsps.get(f"{API}/server", status=503, json={})
    with pytest.raises(ServerError):
        make(retries=0).call("GET", "/server")
    assert len(rsps.calls) == 1
    assert no_sleep == []


def test_default_retries_are_bounded(rsps: responses.RequestsMock, no_sleep: list[float]) -> None:
    rsps.post(f"{API}/email", status=429, json={})
    with pytest.raises(RateLimitError):
        ServerClient(TOKEN).request("POST", "/email", json={})
    assert 2 <= len(rsps.calls) <= 6
    assert len(no_sleep) == len(rsps.calls) - 1


def test_client_errors_are_never_retried(
    rsps: responses.RequestsMock, no_sleep: list[float]
) -> None:
    for status in (400, 401, 404, 413, 415, 422):
        rsps.get(f"{API}/s{status}", status=status, json={"ErrorCode": 1, "Message": "no"})
        with pytest.raises(APIError):
            make(retries=3).call("GET", f"/s{status}")
    assert len(rsps.calls) == 6
    assert no_sleep == []


# ==============================================================================
# Response mapping through the transport

MAPPING = [
    # status, body, class, legacy, error_code, api_message
    (
        401,
        b'{"ErrorCode":10,"Message":"Bad or missing API token"}',
        UnauthorizedError,
        PMMailUnauthorizedException,
        10,
        "Bad or missing API token",
    ),
    (
        404,
        b'{"ErrorCode":12,"Message":"Not found"}',
        NotFoundError,
        PMMailSendException,
        12,
        "Not found",
    ),
    (404, b"<html>Not Found</html>", NotFoundError, PMMailSendException, None, None),
    (
        413,
        b"<html><body><h1>413 Request Entity Too Large</h1></body></html>",
        PayloadTooLargeError,
        PMMailSendException,
        None,
        None,
    ),
    (415, b"", APIError, PMMailSendException, None, None),
    (
        422,
        b'{"ErrorCode":300,"Message":"Invalid \'To\' address: \'x\'."}',
        UnprocessableEntityError,
        PMMailUnprocessableEntityException,
        300,
        "Invalid 'To' address: 'x'.",
    ),
    (
        422,
        b'{"ErrorCode":402,"Message":"Received invalid JSON input."}',
        UnprocessableEntityError,
        PMMailUnprocessableEntityException,
        402,
        "Received invalid JSON input.",
    ),
    (
        422,
        b'{"ErrorCode":403,"Message":"Invalid request field(s): Foo."}',
        UnprocessableEntityError,
        PMMailUnprocessableEntityException,
        403,
        "Invalid request field(s): Foo.",
    ),
    (
        422,
        b'{"ErrorCode":1101,"Message":"The Template\'s \'Subject\' is missing."}',
        UnprocessableEntityError,
        PMMailUnprocessableEntityException,
        1101,
        "The Template's 'Subject' is missing.",
    ),
    (429, b"Too Many Requests", RateLimitError, PMMailSendException, None, None),
    (
        500,
        b'{"ErrorCode":101,"Message":"Internal error, id 42."}',
        ServerError,
        PMMailServerErrorException,
        101,
        "Internal error, id 42.",
    ),
    (502, b"<html>Bad Gateway</html>", ServerError, PMMailServerErrorException, None, None),
    (
        503,
        b'{"ErrorCode":100,"Message":"Maintenance"}',
        ServerError,
        PMMailServerErrorException,
        100,
        "Maintenance",
    ),
    (504, b"", ServerError, PMMailServerErrorException, None, None),
]


@pytest.mark.parametrize(("status", "body", "cls", "legacy", "code", "message"), MAPPING)
def test_error_answers_become_typed_exceptions(
    rsps: responses.RequestsMock,
    status: int,
    body: bytes,
    cls: type[APIError],
    legacy: type[Exception],
    code: int | None,
    message: str | None,
) -> None:
    rsps.post(f"{API}/email", status=status, body=body, content_type="application/json")
    with pytest.raises(cls) as caught:
        make(retries=0).call("POST", "/email", json={})
    error = caught.value
    assert type(error) is cls
    assert isinstance(error, legacy)
    assert error.http_status == status
    assert error.error_code == code
    assert error.api_message == message
    if body.startswith(b"{"):
        assert error.response == json.loads(body)
    else:
        assert error.response == body.decode()
    assert str(error).startswith(f"POST /email failed with HTTP {status}")
    assert error.inner_exception is None


def test_503_is_retryable_and_500_post_is_not(rsps: responses.RequestsMock) -> None:
    rsps.post(f"{API}/a", status=503, json={"ErrorCode": 100})
    rsps.post(f"{API}/b", status=500, json={"ErrorCode": 101})
    with pytest.raises(ServerError) as maintenance:
        make(retries=0).call("POST", "/a")
    with pytest.raises(ServerError) as internal:
        make(retries=0).call("POST", "/b")
    assert maintenance.value.retryable is True
    assert "maintenance" in str(maintenance.value)
    assert internal.value.retryable is False


def test_422_inactive_recipients(rsps: responses.RequestsMock) -> None:
    message = (
        "You tried to send to recipient(s) that have been marked as inactive. Found inactive "
        "addresses: a@example.com, b@example.com. Inactive recipients are ones that have "
        "generated a hard bounce, a spam complaint, or a manual suppression."
    )
    rsps.post(f"{API}/email", status=422, json={"ErrorCode": 406, "Message": message})
    with pytest.raises(PMMailInactiveRecipientException) as caught:
        make().call("POST", "/email", json={})
    error = caught.value
    assert isinstance(error, InactiveRecipientError)
    assert not isinstance(error, PMMailUnprocessableEntityException)
    assert error.inactive_recipients == ["a@example.com", "b@example.com"]
    assert (error.http_status, error.error_code, error.api_message) == (422, 406, message)


@pytest.mark.parametrize(
    "data",
    [
        OK,
        {"ID": 1, "Name": "My server"},  # 200 without ErrorCode
        [{"ErrorCode": 0, "MessageID": "a"}, {"ErrorCode": 406, "Message": "inactive"}],
        {
            "MessageID": "m",
            "ErrorCode": 0,
            "Message": "Message OK, but will not deliver to these inactive addresses: "
            "x@example.com.",
        },
    ],
)
def test_200_answers_are_returned_unchanged(rsps: responses.RequestsMock, data: Any) -> None:
    rsps.post(f"{API}/email", json=data)
    assert make().call("POST", "/email", json={}) == data


def test_partially_inactive_200_is_a_result_with_the_addresses(
    rsps: responses.RequestsMock,
) -> None:
    rsps.post(
        f"{API}/email",
        json={
            "MessageID": "m",
            "ErrorCode": 0,
            "Message": "Message OK, but will not deliver to these inactive addresses: "
            "x@example.com, y@example.com. Inactive recipients are ones that have generated "
            "a hard bounce or a spam complaint.",
        },
    )
    result = ServerClient(TOKEN).email.send(
        sender="me@example.com", to="a@example.com", subject="Hi", text_body="Hello"
    )
    assert result.message_id == "m"
    assert result.inactive_recipients == ["x@example.com", "y@example.com"]


@pytest.mark.parametrize("body", [b"", b"<html>ok</html>", b'{"MessageID": "abc", "Error'])
def test_200_with_unusable_body_may_have_been_processed(
    rsps: responses.RequestsMock, no_sleep: list[float], body: bytes
) -> None:
    rsps.post(f"{API}/email", body=body, status=200)
    with pytest.raises(APIError) as caught:
        make(retries=3).call("POST", "/email", json={})
    assert type(caught.value) is APIError
    assert caught.value.http_status == 200
    assert "may have been processed" in str(caught.value)
    assert len(rsps.calls) == 1
    assert no_sleep == []


# ==============================================================================
# No answer at all: real sockets


def test_connection_refused(closed_port: int, no_sleep: list[float]) -> None:
    transport = make(base_url=f"http://127.0.0.1:{closed_port}", retries=2)
    started = time.monotonic()
    with pytest.raises(PMMailURLException) as caught:
        transport.call("POST", "/email", json={})
    error = caught.value
    assert type(error) is TransportError
    assert isinstance(error.inner_exception, requests.ConnectionError)
    assert error.may_have_been_sent is False
    assert error.retryable is True
    assert "could not connect" in str(error)
    assert len(no_sleep) == 2  # nothing was sent, so even a POST was retried
    assert time.monotonic() - started < 1.5


def test_dns_failure_is_fast_offline_and_typed(
    monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]
) -> None:
    real = socket.getaddrinfo

    def resolver(host: Any, *args: Any, **kwargs: Any) -> Any:
        # RFC 6761: .invalid never resolves. Answer that without asking the network.
        if isinstance(host, str) and host.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    transport = make(base_url="https://nonexistent.invalid", retries=1)
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        transport.call("POST", "/email", json={})
    assert time.monotonic() - started < 1.0
    error = caught.value
    assert type(error) is TransportError
    # urllib3 2 names the cause NameResolutionError, urllib3 1.26 NewConnectionError.
    assert "NameResolutionError" in str(error) or "NewConnectionError" in str(error)
    assert error.may_have_been_sent is False
    assert len(no_sleep) == 1


def test_read_timeout_on_post_is_not_replayed(
    serve: Callable[..., SocketServer], no_sleep: list[float]
) -> None:
    server = serve(stall)
    transport = make(base_url=server.url(), timeout=0.3, retries=3)
    started = time.monotonic()
    with pytest.raises(RequestTimeoutError) as caught:
        transport.call("POST", "/email", json={"To": "a@b.c"})
    assert 0.25 < time.monotonic() - started < 1.5
    error = caught.value
    assert isinstance(error, PMMailURLException)
    assert isinstance(error.inner_exception, requests.ReadTimeout)
    assert error.may_have_been_sent is True
    assert "did not answer in time" in str(error)
    assert no_sleep == []
    assert server.settled_connections(1) == 1
    assert len(server.requests) == 1


def test_read_timeout_on_get_is_retried(
    serve: Callable[..., SocketServer], no_sleep: list[float]
) -> None:
    server = serve(stall)
    with pytest.raises(RequestTimeoutError) as caught:
        make(base_url=server.url(), timeout=0.3, retries=1).call("GET", "/server")
    assert caught.value.retryable is True
    assert len(no_sleep) == 1
    assert server.settled_connections(2) == 2


def test_connection_dropped_after_the_request(
    serve: Callable[..., SocketServer], no_sleep: list[float]
) -> None:
    server = serve(drop_after_request)
    transport = make(base_url=server.url(), retries=3)
    with pytest.raises(TransportError) as caught:
        transport.call("POST", "/email", json={})
    error = caught.value
    assert type(error) is TransportError
    assert error.may_have_been_sent is True
    assert "may have reached Postmark" in str(error)
    assert no_sleep == []
    assert server.settled_connections(1) == 1
    with pytest.raises(TransportError):
        transport.call("GET", "/server")
    assert len(no_sleep) == 3
    assert server.settled_connections(5) == 5


def test_truncated_body_after_headers(
    serve: Callable[..., SocketServer], no_sleep: list[float]
) -> None:
    server = serve(truncate_body)
    with pytest.raises(TransportError) as caught:
        make(base_url=server.url(), retries=3).call("POST", "/email", json={})
    assert caught.value.may_have_been_sent is True
    assert "may have reached Postmark" in str(caught.value)
    assert no_sleep == []
    assert server.settled_connections(1) == 1


# ==============================================================================
# Logging: one DEBUG line per attempt, on the "postmark" logger


def test_one_debug_line_per_call(
    rsps: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    rsps.post(f"{API}/email", json=OK)
    caplog.set_level("DEBUG", logger="postmark")
    make().call("POST", "/email", json={})
    records = [r for r in caplog.records if r.name == "postmark"]
    assert len(records) == 1
    assert re.fullmatch(r"POST /email -> 200 in [\d.]+ ms \(attempt 1\)", records[0].getMessage())
