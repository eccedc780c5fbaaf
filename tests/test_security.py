"""Tokens never leak: not in reprs, error messages, pickles or log lines; lazy imports."""

from __future__ import annotations

import json
import logging
import os
import pickle
import socket
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
import urllib3.exceptions

from postmark import AccountClient, PMMailSendException, ServerClient
from postmark.exceptions import ConfigurationError, PostmarkError
from postmark.protocol import SERVER_TOKEN_HEADER, build_call
from postmark.transport import Transport

REPO = Path(__file__).resolve().parents[1]
TOKEN = "f00dcafe-5ec2-4e7a-b0b0-7041c3e5ec2e"
ACCOUNT_TOKEN = "acc0un7e-5ec2-4e7a-b0b0-0123456789ab"
API = "https://api.postmarkapp.com"
SECRETS = (TOKEN, ACCOUNT_TOKEN)


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def assert_clean(*texts: Any) -> None:
    for text in texts:
        rendered = text if isinstance(text, (str, bytes)) else repr(text)
        for secret in SECRETS:
            needle: Any = secret.encode() if isinstance(rendered, bytes) else secret
            assert needle not in rendered, f"token leaked in {rendered[:200]!r}"


def assert_error_clean(error: BaseException) -> None:
    """Every way an error is commonly shown or shipped must be free of the token."""
    assert_clean(
        str(error),
        repr(error),
        repr(error.args),
        "".join(traceback.format_exception(type(error), error, error.__traceback__)),
        pickle.dumps(error),
    )
    if isinstance(error, PostmarkError):
        assert_clean(repr(error.response), repr(error.api_message))
        inner = error.inner_exception
        if inner is not None:
            assert_clean(str(inner), repr(inner), pickle.dumps(inner))
            assert_clean(repr(vars(inner)))


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    sock.close()
    return port


# --------------------------------------------------------------------------
# Reprs


def test_client_and_transport_reprs(rsps: responses.RequestsMock) -> None:
    server = ServerClient(TOKEN)
    account = AccountClient(ACCOUNT_TOKEN)
    for obj in (server, account, server.transport, account.transport):
        assert_clean(repr(obj), str(obj))
    assert repr(server) == "<ServerClient https://api.postmarkapp.com>"
    assert repr(server.transport) == "<Transport https://api.postmarkapp.com>"
    assert_clean(repr(server.email), repr(server.bounces))


def test_call_repr() -> None:
    call = build_call(
        "POST",
        "/email",
        base_url=API,
        headers={SERVER_TOKEN_HEADER: TOKEN},
        json_body={"To": "a@b.c"},
    )
    assert_clean(repr(call), str(call), f"{call}", call.label)


def test_token_is_not_in_the_url(rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/bounces", json={})
    ServerClient(TOKEN).request("GET", "/bounces", params={"count": 1, "offset": 0})
    request = rsps.calls[0].request
    assert_clean(request.url)
    assert request.headers[SERVER_TOKEN_HEADER] == TOKEN


# --------------------------------------------------------------------------
# Errors


def read_timeout() -> requests.ReadTimeout:
    return requests.ReadTimeout(
        urllib3.exceptions.ReadTimeoutError(None, "/email", "Read timed out.")  # type: ignore[arg-type]
    )


def dropped() -> requests.ConnectionError:
    return requests.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted."))


ANSWERS: list[tuple[str, dict[str, Any]]] = [
    ("401", {"status": 401, "json": {"ErrorCode": 10, "Message": "Bad or missing API token"}}),
    ("422", {"status": 422, "json": {"ErrorCode": 300, "Message": "Invalid 'To' address"}}),
    (
        "406",
        {
            "status": 422,
            "json": {
                "ErrorCode": 406,
                "Message": "Found inactive addresses: a@example.com. Inactive recipients are ...",
            },
        },
    ),
    ("404", {"status": 404, "body": "<html>Not Found</html>"}),
    ("413", {"status": 413, "body": "<html>413 Request Entity Too Large</html>"}),
    ("429", {"status": 429, "json": {}}),
    ("500", {"status": 500, "json": {"ErrorCode": 101, "Message": "Internal error"}}),
    ("503", {"status": 503, "json": {"ErrorCode": 100, "Message": "Maintenance"}}),
    ("200-not-json", {"status": 200, "body": '{"MessageID": "x'}),
    ("read-timeout", {"body": read_timeout()}),
    ("dropped", {"body": dropped()}),
    ("tls", {"body": requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED")}),
]


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize(("name", "answer"), ANSWERS, ids=[a[0] for a in ANSWERS])
def test_no_token_in_any_error(
    rsps: responses.RequestsMock,
    no_sleep: list[float],
    method: str,
    name: str,
    answer: dict[str, Any],
) -> None:
    rsps.add(method, f"{API}/email", **answer)
    with pytest.raises(PMMailSendException) as caught:
        ServerClient(TOKEN, retries=1).request(method, "/email", json={"To": "a@b.c"})
    assert_error_clean(caught.value)


def test_no_token_in_account_errors(rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/servers", status=401, json={"ErrorCode": 10, "Message": "Wrong token"})
    with pytest.raises(PMMailSendException) as caught:
        AccountClient(ACCOUNT_TOKEN).request("GET", "/servers")
    assert_error_clean(caught.value)


def test_no_token_in_real_connection_errors(no_sleep: list[float]) -> None:
    client = ServerClient(TOKEN, base_url=f"http://127.0.0.1:{closed_port()}", retries=1)
    with pytest.raises(PMMailSendException) as caught:
        client.request("POST", "/email", json={"To": "a@b.c"})
    assert_error_clean(caught.value)


def test_inner_exception_no_longer_carries_the_request(rsps: responses.RequestsMock) -> None:
    # The prepared request holds the token header; a pickled or inspected
    # inner exception must not carry it to a result backend or error tracker.
    rsps.post(f"{API}/email", body=dropped())
    with pytest.raises(PMMailSendException) as caught:
        ServerClient(TOKEN, retries=0).request("POST", "/email", json={})
    inner = caught.value.inner_exception
    assert isinstance(inner, requests.RequestException)
    assert inner.request is None
    assert inner.response is None


@pytest.mark.parametrize(
    "token", [f"{TOKEN[:8]}\n{TOKEN[8:]}", f"{TOKEN} extra", f"{TOKEN}\r\nX-Evil: 1", f"ü{TOKEN}"]
)
def test_unusable_token_is_refused_without_echoing_it(token: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        ServerClient(token)
    assert_error_clean(caught.value)


def test_configuration_errors_do_not_echo_the_token(tmp_path: Path) -> None:
    errors: list[BaseException] = []
    for make in (
        lambda: ServerClient(TOKEN, base_url="not a url"),
        lambda: ServerClient(TOKEN, ca_bundle=str(tmp_path / "missing.pem")),
        lambda: ServerClient(TOKEN, timeout="soon"),
        lambda: Transport(TOKEN, token_header=SERVER_TOKEN_HEADER, deadline=-1),
    ):
        with pytest.raises(ConfigurationError) as caught:
            make()
        errors.append(caught.value)
    for error in errors:
        assert_error_clean(error)


# --------------------------------------------------------------------------
# Logs


def collect_logs(caplog: pytest.LogCaptureFixture) -> str:
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        lines.append(repr(record.args))
        if record.exc_info:
            lines.append("".join(traceback.format_exception(*record.exc_info)))
    return "\n".join(lines)


def test_no_token_in_debug_logs(
    rsps: responses.RequestsMock, caplog: pytest.LogCaptureFixture, no_sleep: list[float]
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, postmark, urllib3 and requests included
    caplog.set_level(logging.DEBUG, logger="postmark")
    client = ServerClient(TOKEN, retries=2)
    account = AccountClient(ACCOUNT_TOKEN, retries=0)
    rsps.post(f"{API}/email", json={"MessageID": "m", "ErrorCode": 0})
    rsps.get(f"{API}/server", status=503, json={"ErrorCode": 100})
    rsps.get(f"{API}/server", json={})
    rsps.put(f"{API}/bounces/1/activate", body=read_timeout())
    rsps.delete(f"{API}/templates/1", status=500, json={"ErrorCode": 101})
    rsps.get(f"{API}/servers", status=401, json={"ErrorCode": 10})

    client.request("POST", "/email", json={"To": "a@b.c"})  # success
    client.request("GET", "/server")  # retry, then success
    failing_calls: list[Callable[[], Any]] = [
        lambda: client.request("PUT", "/bounces/1/activate"),  # timeouts, retried
        lambda: client.request("DELETE", "/templates/1"),  # 500s, retried
        lambda: account.request("GET", "/servers"),  # 401
    ]
    for failing in failing_calls:
        with pytest.raises(PMMailSendException):
            failing()

    postmark_lines = [r for r in caplog.records if r.name.startswith("postmark")]
    # One line per attempt plus one per retry decision: the paths really ran.
    assert len(postmark_lines) >= 1 + 3 + 5 + 5 + 1
    assert any("retrying" in r.getMessage() for r in postmark_lines)
    assert_clean(collect_logs(caplog), caplog.text)


def test_no_token_in_logs_for_real_connection_failures(
    caplog: pytest.LogCaptureFixture, no_sleep: list[float]
) -> None:
    caplog.set_level(logging.DEBUG)
    client = ServerClient(TOKEN, base_url=f"http://127.0.0.1:{closed_port()}", retries=2)
    with pytest.raises(PMMailSendException):
        client.request("POST", "/email", json={})
    assert any(r.name == "postmark" for r in caplog.records)
    assert_clean(collect_logs(caplog), caplog.text)


# --------------------------------------------------------------------------
# Lazy imports


def run_python(code: str) -> Any:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_import_postmark_imports_neither_django_nor_tornado() -> None:
    loaded = run_python(
        "import json, sys\n"
        "import postmark, postmark.core, postmark.client, postmark.transport\n"
        "from postmark import PMMail, PMBatchMail, PMBounceManager, ServerClient\n"
        "PMMail(api_key='t', sender='a@b.c', to='d@e.f', subject='s', text_body='x')\n"
        "ServerClient('t')\n"
        "print(json.dumps(sorted(m for m in sys.modules\n"
        "    if m.split('.')[0] in ('django', 'tornado'))))\n"
    )
    assert loaded == []


def test_secret_header_names_cover_both_tokens() -> None:
    from postmark.protocol import ACCOUNT_TOKEN_HEADER, SECRET_HEADERS

    assert SERVER_TOKEN_HEADER.lower() in SECRET_HEADERS
    assert ACCOUNT_TOKEN_HEADER.lower() in SECRET_HEADERS
