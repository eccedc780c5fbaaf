"""Fixtures for the fault tests: the in-process sandbox, raw servers, a TLS certificate."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import raw_http
from raw_http import Reply, SocketServer

from postmark.sandbox import Sandbox


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    # Servers on 127.0.0.1 must be reached directly, whatever the shell says.
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """An in-process sandbox on a free port; the legacy classes are pointed at it."""
    with Sandbox() as server:
        monkeypatch.setenv("POSTMARK_API_URL", server.url)
        monkeypatch.setenv("POSTMARK_SERVER_TOKEN", "fault-token")
        yield server


@pytest.fixture
def raw_server() -> Iterator[Callable[..., SocketServer]]:
    """``start(reply, tls=None)``: a server answering each request with ``reply(n, line, body)``."""
    with raw_http.started_servers() as start:

        def start_replying(
            reply: Callable[[int, str, bytes], Reply], tls: ssl.SSLContext | None = None
        ) -> SocketServer:
            return start(raw_http.replying(reply), tls, timeout=10)

        yield start_replying


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (openssl)."""
    return raw_http.self_signed_certificate(
        tmp_path_factory.mktemp("fault-tls"), "127.0.0.1", "IP:127.0.0.1"
    )


@pytest.fixture
def tls_context(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_files)
    return context
