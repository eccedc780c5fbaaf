"""The HTTP server: a ThreadingHTTPServer speaking HTTP/1.1 with keep-alive.

Every response carries ``Content-Length`` so clients can reuse connections.
Request bodies are read in full before anything else happens, so a rejected
request never desynchronises a kept-alive connection; bodies over
:data:`MAX_READ` bytes are refused with 413 and the connection is closed.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..app import App
from .pipeline import RouteTable, dispatch
from .router import Drop, Reply, Request

MAX_READ = 64 * 1024 * 1024  # larger than any Postmark limit (50 MB batches)
IDLE_TIMEOUT = 120.0  # seconds a kept-alive connection may sit idle


class SandboxHTTPServer(ThreadingHTTPServer):
    """Tracks its connections and handler threads so ``stop()`` is prompt and clean."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: App, routes: RouteTable) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.app = app
        self.routes = routes
        self._lock = threading.Condition()
        self._connections: set[socket.socket] = set()
        self._active = 0
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self._connections.add(request)
            self._active += 1
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._connections.discard(request)
                self._active -= 1
                self._lock.notify_all()

    def close_connections(self, timeout: float = 5.0) -> None:
        """Shut every open connection and wait for handler threads to finish."""
        with self._lock:
            for conn in list(self._connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            self._lock.wait_for(lambda: self._active == 0, timeout)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PostmarkSandbox/1.0"
    timeout = IDLE_TIMEOUT
    # Headers and body leave in two writes; without TCP_NODELAY, Nagle plus
    # the client's delayed ACK would add ~40 ms to every kept-alive answer.
    disable_nagle_algorithm = True
    server: SandboxHTTPServer

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _handle(self) -> None:
        body, oversize = self._read_body()
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path or "/",
            query={k.lower(): v for k, v in reversed(parse_qsl(parts.query, True))},
            headers={k.lower(): v for k, v in reversed(list(self.headers.items()))},
            body=body,
            oversize=oversize,
        )
        outcome = dispatch(self.server.app, self.server.routes, request)
        if isinstance(outcome, Drop):
            self.close_connection = True
            return
        self._write(outcome)

    def _read_body(self) -> tuple[bytes, bool]:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_READ:
            self.close_connection = True  # the rest of the stream cannot be trusted
            return b"", True
        return self.rfile.read(length), False

    def _read_chunked(self) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(65537)
            try:
                length = int(line.split(b";")[0].strip() or b"0", 16)
            except ValueError:
                self.close_connection = True
                return b"", True
            if length == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks), False
            size += length
            if size > MAX_READ:
                self.close_connection = True
                return b"", True
            chunks.append(self.rfile.read(length))
            self.rfile.readline(65537)

    def _write(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the client left (e.g. it timed out during a stall)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.app.log_requests:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")
