"""The tiny raw-socket HTTP servers some tests run on 127.0.0.1, and their pieces.

:class:`SocketServer` accepts connections and runs a handler on each one; the
transport tests write handlers that read and answer as they please, the
fault tests write a per-request ``reply`` and wrap it with :func:`replying`.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

#: One request as read off the wire: its head (request line and headers) and its body.
Request = tuple[bytes, bytes]


def read_request(conn: socket.socket) -> Request | None:
    """(head, body) of one HTTP/1.1 request (Content-Length body), or None at end of stream."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head, body


def self_signed_certificate(folder: Path, common_name: str, alt_names: str) -> tuple[Path, Path]:
    """A throw-away EC certificate and key made with openssl (skips the test without it)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            f"/CN={common_name}",
            "-addext",
            f"subjectAltName={alt_names}",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


# --------------------------------------------------------------------------
# The server

#: What serves one accepted connection: ``handler(conn, server)``.
Handler = Callable[[socket.socket, "SocketServer"], None]


class SocketServer:
    """A TCP server on 127.0.0.1 that runs ``handler(conn, server)`` on each connection.

    Each connection gets its own thread; ``tls`` wraps it with that server
    context first. The server counts connections and keeps the requests the
    handlers :meth:`record`. When the handler returns (or fails with an
    ``OSError``), the TCP connection is shut down abruptly, without a TLS
    close_notify, as a crash would. :meth:`close` stops accepting, sets
    :attr:`stopping` and wakes handlers blocked on kept-alive connections.
    """

    def __init__(
        self,
        handler: Handler,
        tls: ssl.SSLContext | None = None,
        *,
        timeout: float = 5.0,
    ) -> None:
        self.handler = handler
        self.tls = tls
        self.timeout = timeout
        self.connections = 0
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._open: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.02)
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(self.timeout)
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
            with self._lock:
                self._open.append(conn)
            self.handler(conn, self)
        except OSError:  # ssl.SSLError included
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def record(self, request: Request) -> int:
        """Keep ``request``; returns its number (the first is 1)."""
        with self._lock:
            self.requests.append(request)
            return len(self.requests)

    def paths(self) -> list[str]:
        """The path of each recorded request, in order."""
        with self._lock:
            return [head.split(b"\r\n", 1)[0].split()[1].decode() for head, _ in self.requests]

    def settled_connections(self, at_least: int = 1) -> int:
        """Connection count once ``at_least`` arrived and no more came for a moment."""
        deadline = time.monotonic() + 2
        while self.connections < at_least and time.monotonic() < deadline:
            self.stopping.wait(0.005)
        self.stopping.wait(0.05)
        return self.connections

    def close(self) -> None:
        self.stopping.set()
        self._listener.close()
        self._acceptor.join(2)
        with self._lock:
            still_open = list(self._open)
        for conn in still_open:  # wake handlers blocked on kept-alive connections
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(2)


#: A reply to one request: the bytes to send, then whether to close the connection.
Reply = tuple[bytes, bool]


def replying(
    reply: Callable[[int, str, bytes], Reply],
) -> Handler:
    """A connection handler that answers each request with ``reply(number, request_line, body)``.

    The connection is kept alive until a reply says to close it (or the
    client does, or the server stops).
    """

    def handler(conn: socket.socket, server: SocketServer) -> None:
        while not server.stopping.is_set():
            request = read_request(conn)
            if request is None:
                return
            number = server.record(request)
            head, body = request
            data, close = reply(number, head.split(b"\r\n", 1)[0].decode(), body)
            conn.sendall(data)
            if close:
                return

    return handler


@contextlib.contextmanager
def started_servers() -> Iterator[Callable[..., SocketServer]]:
    """A ``start(handler, tls=None, **options)`` that makes servers; all are closed on exit.

    The body of the ``serve``-style fixtures: ``with started_servers() as start: yield start``.
    """
    servers: list[SocketServer] = []

    def start(
        handler: Handler,
        tls: ssl.SSLContext | None = None,
        **options: float,
    ) -> SocketServer:
        server = SocketServer(handler, tls, **options)
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.close()
