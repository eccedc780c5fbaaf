"""Helpers for the fault tests: a raw server that misbehaves, sandbox counters.

The sandbox's fault injection covers what Postmark's edge can do (429, 500,
503, a stalled answer, a connection closed before any answer). What it
cannot do, a server that breaks off half-way through an answer or answers
with garbage, is done by :class:`RawServer`: a socket server on 127.0.0.1
that reads each request and then runs a script of replies.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
import urllib.request
from collections.abc import Callable

import raw_http

import postmark.core
from postmark.protocol import RetryPolicy
from postmark.sandbox import Sandbox

#: Short waits between retries so that retry storms finish in well under a second.
FAST_RETRIES = RetryPolicy(retries=3, backoff=0.02, max_backoff=0.05, deadline=10.0)

OK_ENTRY = {
    "ErrorCode": 0,
    "Message": "OK",
    "To": "a@example.com",
    "SubmittedAt": "2024-05-14T09:21:37.5512864-04:00",
}


def fast_retries(token: str = "fault-token") -> None:
    """Give the legacy layer's shared client for ``token`` short retry waits."""
    postmark.core.shared_client(token).transport.retry_policy = FAST_RETRIES


def pending_faults(sandbox: Sandbox) -> list[int]:
    """How many requests each still-queued fault will hit (the admin route's view)."""
    with urllib.request.urlopen(f"{sandbox.url}/__sandbox/faults", timeout=10) as answer:
        return [fault["count"] for fault in json.loads(answer.read())["Faults"]]


def stored_subjects(sandbox: Sandbox) -> dict[str, int]:
    """How many times the sandbox stored each subject."""
    counts: dict[str, int] = {}
    for message in sandbox.messages():
        counts[message["Subject"]] = counts.get(message["Subject"], 0) + 1
    return counts


# --------------------------------------------------------------------------
# A raw server


def read_request(conn: socket.socket) -> tuple[str, bytes] | None:
    """(request line, body) of one HTTP/1.1 request, or None when the client closed."""
    request = raw_http.read_request(conn)
    if request is None:
        return None
    head, body = request
    return head.split(b"\r\n", 1)[0].decode(), body


def http_response(status: int, body: bytes, *, length: int | None = None) -> bytes:
    """A response head and body; ``length`` may promise more bytes than ``body`` has."""
    return (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n\r\n"
    ).encode() + body


def batch_answer(body: bytes) -> bytes:
    """Postmark's answer to a batch request: one accepted entry per message."""
    items = json.loads(body)
    entries = [{**OK_ENTRY, "MessageID": f"id-{item['Subject']}"} for item in items]
    return http_response(200, json.dumps(entries).encode())


#: A reply: bytes to send, then whether to close the connection afterwards.
Reply = tuple[bytes, bool]


class RawServer:
    """Serves ``reply(request_number, request_line, body)`` on 127.0.0.1, recording requests.

    Connections are kept alive until a reply says to close. ``tls``: wrap
    connections with that server context.
    """

    def __init__(
        self,
        reply: Callable[[int, str, bytes], Reply],
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.reply = reply
        self.tls = tls
        self.requests: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._connections: list[socket.socket] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._connections.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
            while not self._stop.is_set():
                request = read_request(conn)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                    number = len(self.requests)
                data, close = self.reply(number, *request)
                conn.sendall(data)
                if close:
                    return
        except (OSError, ssl.SSLError):
            pass
        finally:
            # Close the TCP connection abruptly (no TLS close_notify): as a crash would.
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def paths(self) -> list[str]:
        with self._lock:
            return [line.split()[1] for line, _ in self.requests]

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        self._acceptor.join(2)
        for conn in self._connections:  # wake handlers blocked on kept-alive connections
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(2)
