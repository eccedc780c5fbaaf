"""A tiny HTTP server that answers Postmark's batch endpoints with canned success entries.

It accepts every message (one answer entry per message, in order, as
Postmark does) and counts how many times each ``To`` address reached it, so
a test can tell a message sent once from one sent twice. ``hold_at=N``
makes the N-th request wait, after its messages were counted (they reached
"Postmark"), until :meth:`CannedBatchServer.let_go`: a test can kill the
client while that request is in flight.

Run as a script it serves until interrupted and only counts (for measuring
the client's memory on large files): ``python tests/integration/canned_batch_server.py``.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class CannedBatchServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *, hold_at: int | None = None, remember: bool = True, port: int = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.hold_at = hold_at
        self.remember = remember
        self.lock = threading.Lock()
        self.requests = 0
        self.messages = 0
        self.received: Counter[str] = Counter()  # To -> how many times it arrived
        self.batches: list[list[str]] = []  # each request's To addresses, in arrival order
        self.held = threading.Event()  # the held request has arrived
        self.held_batch: list[str] = []  # its To addresses
        self._released = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def let_go(self) -> None:
        self.hold_at = None
        self._released.set()

    def take(self, messages: list[dict[str, Any]]) -> int:
        """Count a request's messages; returns the request's number (1-based)."""
        with self.lock:
            self.requests += 1
            self.messages += len(messages)
            if self.remember:
                addresses = [str(m.get("To")) for m in messages]
                self.received.update(addresses)
                self.batches.append(addresses)
            return self.requests

    def hold(self, number: int) -> None:
        if number == self.hold_at:
            self.held_batch = self.batches[-1] if self.remember else []
            self.held.set()
            self._released.wait(120)


class _Handler(BaseHTTPRequestHandler):
    server: CannedBatchServer
    protocol_version = "HTTP/1.1"  # keep-alive, as Postmark

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        messages = body["Messages"] if isinstance(body, dict) else body
        number = self.server.take(messages)
        self.server.hold(number)
        answer = json.dumps(
            [
                {
                    "ErrorCode": 0,
                    "Message": "OK",
                    "MessageID": f"{number}-{position}",
                    "SubmittedAt": "2024-05-14T09:21:37Z",
                    "To": message.get("To"),
                }
                for position, message in enumerate(messages)
            ]
        ).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:  # the client was killed while this request was held
            self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(**options: Any) -> Iterator[CannedBatchServer]:
    server = CannedBatchServer(**options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.let_go()
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    with serving(remember=False, port=port) as running:
        print(running.url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print(f"{running.requests} requests, {running.messages} messages", flush=True)
