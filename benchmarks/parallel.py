"""The parallel scenario: one large batch through a slow link at concurrency 1, 4 and 8.

    python benchmarks/parallel.py                     # 100,000 messages, 3 runs
    python benchmarks/parallel.py --messages 10000 --runs 1   # quick

A Postmark stand-in that takes 50 ms per batch request (``--serve``, its own
process: threaded, HTTP/1.1 keep-alive, TCP_NODELAY) sits behind
``latency_proxy.py`` (20 ms each way), so each request of 500 messages takes
about 95 ms. ``client.email.send_batch(dicts, concurrency=N)`` is timed from
the list of Postmark-form dicts to the result (checks and encoding
included); after each run the stand-in says how many messages it stored and
whether any arrived twice, and every returned MessageID is compared with
the one it gave. Prints wall times, msg/s and the ratio of each
concurrency to concurrency 1 of the same run (medians over the runs).
Target (issue 17): concurrency 8 at least 6x concurrency 1.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from servers import LatencyProxy, free_port, python_env, stop, wait_for_port  # noqa: E402

SERVER_SECONDS = 0.05  # per batch request
DELAY = 0.020  # each way, in the proxy


# --------------------------------------------------------------------------
# The Postmark stand-in (run with --serve PORT in its own process)


class _Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[str, str] = {}  # To -> MessageID
        self.twice = 0
        self.requests = 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    store = _Store()

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        started = time.monotonic()
        items = json.loads(body)
        entries = []
        with self.store.lock:
            self.store.requests += 1
            for item in items:
                to = item["To"]
                if to in self.store.seen:
                    self.store.twice += 1
                message_id = f"id-{len(self.store.seen)}-{to}"
                self.store.seen[to] = message_id
                entries.append({"To": to, "ErrorCode": 0, "Message": "OK", "MessageID": message_id})
        time.sleep(max(0.0, SERVER_SECONDS - (time.monotonic() - started)))
        self._reply(200, entries)

    def do_GET(self) -> None:
        with self.store.lock:
            self._reply(
                200,
                {
                    "ids": self.store.seen,
                    "twice": self.store.twice,
                    "requests": self.store.requests,
                },
            )

    def do_DELETE(self) -> None:
        with self.store.lock:
            self.store.seen.clear()
            self.store.twice = self.store.requests = 0
        self._reply(200, {})


def serve(port: int) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.daemon_threads = True
    server.serve_forever()


# --------------------------------------------------------------------------
# The client side


def _admin(url: str, method: str) -> Any:
    import urllib.request

    request = urllib.request.Request(f"{url}/__stats", method=method)
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def one_run(server_url: str, proxy_url: str, count: int, concurrency: int, run: int) -> float:
    import postmark

    _admin(server_url, "DELETE")
    with postmark.ServerClient("bench-token", base_url=proxy_url, retries=0) as client:
        client.email.send_batch(  # warm the connections and the code
            [{"From": "a@example.com", "To": "warm@example.com", "TextBody": "x"}],
            concurrency=concurrency,
        )
        _admin(server_url, "DELETE")
        started = time.perf_counter()
        messages = [
            {
                "From": "sender@example.com",
                "To": f"r{run}-{concurrency}-{i}@example.com",
                "Subject": f"Message {i}",
                "TextBody": "Hello, this is the text of a benchmark message.",
                "Tag": "bench",
            }
            for i in range(count)
        ]
        result = client.email.send_batch(messages, concurrency=concurrency)
        elapsed = time.perf_counter() - started
    stats = _admin(server_url, "GET")
    ids = stats["ids"]
    returned = {m["To"]: o.message_id for m, o in zip(messages, result, strict=True)}
    if stats["twice"] or len(ids) != count or returned != ids:
        raise SystemExit(
            f"concurrency {concurrency}: stored {len(ids)} of {count}, {stats['twice']} twice, "
            f"{sum(returned.get(k) != v for k, v in ids.items())} MessageIDs differ"
        )
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", default="1,4,8")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0
    levels = [int(n) for n in args.concurrency.split(",")]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port)], env=python_env(), stdin=subprocess.DEVNULL
    )
    proxy = None
    try:
        wait_for_port(port, server)
        proxy = LatencyProxy(port, DELAY)
        proxy.start()
        server_url = f"http://127.0.0.1:{port}"
        times: dict[int, list[float]] = {n: [] for n in levels}
        ratios: dict[int, list[float]] = {n: [] for n in levels}
        for run in range(args.runs):
            measured = {n: one_run(server_url, proxy.url, args.messages, n, run) for n in levels}
            for n in levels:
                times[n].append(measured[n])
                ratios[n].append(measured[levels[0]] / measured[n])
            print(f"run {run + 1}: " + ", ".join(f"c{n} {measured[n]:.2f}s" for n in levels))
        print(
            f"\n{args.messages:,} messages, {SERVER_SECONDS * 1000:.0f} ms per request + "
            f"{DELAY * 1000:.0f} ms each way; every message stored once, ids checked"
        )
        print(f"{'concurrency':>12} {'seconds':>8} {'msg/s':>9} {'x c' + str(levels[0]):>6}")
        for n in levels:
            seconds = statistics.median(times[n])
            print(
                f"{n:>12} {seconds:>8.2f} {args.messages / seconds:>9,.0f} "
                f"{statistics.median(ratios[n]):>6.2f}"
            )
    finally:
        if proxy is not None:
            proxy.stop()
        stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
