"""The HTTP server: a ThreadingHTTPServer speaking HTTP/1.1 with keep-alive.

Every response carries ``Content-Length`` so clients can reuse connections.
Request bodies are read in full before anything else happens, so a rejected
request never desynchronises a kept-alive connection; bodies over
:data:`MAX_READ` bytes are refused with 413 and the connection is closed.

A request whose body boundaries are ambiguous (Content-Length with
Transfer-Encoding, a coding other than chunked, a malformed chunk size) gets
400 and the connection is closed, so nothing smuggled after it is answered.
Every method reaches the pipeline (so TRACE or CONNECT get JSON, not
http.server's HTML 501), http.server's own refusals are JSON too, and a TLS
client gets one log line instead of its handshake bytes, and a plain-HTTP 400
(its TLS library then reports that the server does not speak TLS).
"""

from __future__ import annotations

import contextlib
import re
import socket
import sys
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..app import App
from .pipeline import RouteTable, dispatch
from .router import Drop, Reply, Request

MAX_READ = 64 * 1024 * 1024  # larger than any Postmark limit (50 MB batches)
IDLE_TIMEOUT = 120.0  # seconds a kept-alive connection may sit idle
TLS_HANDSHAKE = b"\x16"  # first byte of a TLS ClientHello record
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")


class BadFraming(Exception):
    """The request's body boundaries cannot be trusted (answered 400, connection closed)."""


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

    def __getattr__(self, name: str) -> Any:
        # http.server answers a method without a ``do_<METHOD>`` (TRACE, CONNECT,
        # anything made up) with an HTML 501; here every method reaches the
        # pipeline, which answers Postmark-style JSON.
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def handle_one_request(self) -> None:
        if self._tls_hello():
            self.close_connection = True
            self._plain_http_refusal()
            return
        super().handle_one_request()

    def _plain_http_refusal(self) -> None:
        """Answer a TLS client in plain HTTP, so its TLS library says "wrong version
        number" (the server does not speak TLS) instead of an unexplained closed
        connection."""
        where = self.server.app.base_url or "http://"
        body = Reply.json({"Message": f"The sandbox speaks plain HTTP: use {where}."}, 400).body
        head = (
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        with contextlib.suppress(OSError):
            self.wfile.write(head.encode("ascii") + body)

    def _tls_hello(self) -> bool:
        """Whether the client opened with a TLS handshake (an ``https://`` URL)."""
        try:
            first = self.rfile.peek(1)[:1]  # type: ignore[attr-defined]
        except (TimeoutError, OSError):
            return False  # the base class sees the same condition and closes
        if first != TLS_HANDSHAKE:
            return False
        self.log_message(
            "a TLS (https://) client connected; the sandbox speaks plain HTTP: use %s",
            self.server.app.base_url or "http://",
        )
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (bad request line, oversized headers) as JSON."""
        self.close_connection = True
        # An unparsable request line leaves the version at "HTTP/0.9", which
        # would suppress the status line and headers: answer in HTTP/1.1.
        self.request_version = self.protocol_version
        text = message or self.responses.get(code, ("Bad request",))[0]
        self._write(Reply.json({"Message": f"{text}."}, code))

    def _handle(self) -> None:
        try:
            body, oversize = self._read_body()
        except BadFraming as err:
            self.close_connection = True  # the next request's start is unknown
            self._write(Reply.json({"Message": str(err)}, 400))
            return
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
        """The body and whether it was too large; :class:`BadFraming` when its end is unclear.

        Content-Length beside Transfer-Encoding, an encoding other than
        ``chunked``, or two different lengths are how requests are smuggled
        past proxies (RFC 9112, section 6.3): refused, connection closed.
        """
        encodings = self.headers.get_all("Transfer-Encoding") or []
        lengths = {v.strip() for v in self.headers.get_all("Content-Length") or []}
        if encodings and lengths:
            raise BadFraming("A request may not carry both Content-Length and Transfer-Encoding.")
        if encodings:
            if [e.strip().lower() for e in ",".join(encodings).split(",")] != ["chunked"]:
                raise BadFraming("Only 'Transfer-Encoding: chunked' is supported.")
            return self._read_chunked()
        if len(lengths) > 1:
            raise BadFraming("The request has conflicting Content-Length headers.")
        text = lengths.pop() if lengths else "0"
        if not (text.isascii() and text.isdigit()):
            raise BadFraming("Content-Length must be a number of bytes.")
        length = int(text)
        if length > MAX_READ:
            self.close_connection = True  # the body is not read, so the stream is lost
            return b"", True
        return self.rfile.read(length), False

    def _read_chunked(self) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(65537)
            size_text = line.split(b";")[0].strip()
            # int(x, 16) also takes "0x1f", "+1f" and "1_f": accept bare hex only.
            if not _HEX.fullmatch(size_text):
                raise BadFraming("A chunk size is not a hexadecimal number.")
            length = int(size_text, 16)
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
        if reply.stream is not None:
            self.close_connection = True  # a stream's end is the connection's end
        try:
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Type", reply.content_type)
            if reply.stream is None:
                self.send_header("Content-Length", str(len(reply.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command == "HEAD":
                return
            self.wfile.write(reply.body)
            if reply.stream is not None:
                self._write_stream(reply.stream)
        except OSError:  # BrokenPipe, ConnectionReset, Timeout, a socket shut at stop()
            self.close_connection = True  # the client left (e.g. it timed out during a stall)

    def _write_stream(self, stream: Iterable[bytes]) -> None:
        """Send each piece as soon as it is made; stop when the client goes away."""
        pieces = iter(stream)
        try:
            for piece in pieces:
                self.wfile.write(piece)
                self.wfile.flush()
        finally:
            close = getattr(pieces, "close", None)
            if close is not None:
                close()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.app.log_requests:
            line = (format % args).encode("ascii", "backslashreplace").decode("ascii")
            printable = "".join(c if c.isprintable() else repr(c)[1:-1] for c in line)
            sys.stderr.write(f"{self.address_string()} - {printable}\n")
