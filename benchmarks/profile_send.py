"""Where one ``PMMail(...).send()`` spends its time: a per-step breakdown and a profile.

    python benchmarks/profile_send.py                 # breakdown table + top of the profile
    python benchmarks/profile_send.py --sends 3000 --top 40

Starts the benchmark's private nginx (``servers.Nginx``: HTTPS keep-alive,
canned answers, a throw-away CA) and sends as ``worker.py``'s ``send``
scenario does: settings from the environment, a fresh ``PMMail`` per send.

The breakdown times each step of one send on its own, many times over, with
the same objects the real send uses (median of 5 rounds, microseconds per
call): building the ``PMMail``, its legacy and Postmark checks, encoding,
the ``Call`` and its wire headers, the urllib3 round trip (beside the same
bytes sent over a bare ``http.client`` connection: the difference is
urllib3's own work), decoding the JSON answer and the outcome. The round
trips and the whole send are timed interleaved.
Their sum is printed beside the measured cost of a whole send: the
difference is the glue between the steps (the shared-client lookup, the
section and executor calls, the retry loop). Absolute numbers vary with the
machine's load; compare steps within one run.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from servers import Nginx  # noqa: E402
from worker import HTML, SENDER, TEXT, TO, TOKEN  # noqa: E402


def per_call_us(step: Callable[[], object], count: int, rounds: int = 5) -> float:
    """Median over ``rounds`` of the microseconds one call of ``step`` takes."""
    results = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(count):
            step()
        results.append((time.perf_counter() - started) / count * 1e6)
    return statistics.median(results)


def interleaved(
    steps: dict[str, Callable[[], object]], count: int, rounds: int = 7
) -> dict[str, float]:
    """Median µs per call of each step, the steps' rounds interleaved (load drifts alike)."""
    results: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            started = time.perf_counter()
            for _ in range(count):
                step()
            results[name].append((time.perf_counter() - started) / count * 1e6)
    return {name: statistics.median(values) for name, values in results.items()}


def mail(pmmail: Any) -> Any:
    return pmmail(sender=SENDER, to=TO, subject="Benchmark", text_body=TEXT, html_body=HTML)


def breakdown(sends: int) -> list[tuple[str, float]]:
    """(step, microseconds) for one send, each step timed on its own."""
    from postmark import PMMail
    from postmark.core import _Defaults, shared_client
    from postmark.protocol import decode_response, wire_headers
    from postmark.sending import Outgoing, accepted

    client = shared_client(TOKEN)
    transport = client.transport
    for _ in range(20):
        mail(PMMail).send()  # warm up: connection open, code loaded
    message = mail(PMMail)
    defaults = _Defaults.read()
    payload = message._payload(defaults)
    outgoing = Outgoing(payload)
    request = outgoing.request()
    call = request.to_call(transport.base_url, transport._headers)
    status, body, headers = transport._round_trip(call, transport.timeout)
    fast = max(sends * 5, 2000)

    def round_trip() -> object:
        return transport._round_trip(call, transport.timeout)

    floor = _http_client_round_trip(transport.base_url, call)
    # The network steps and the whole send, interleaved: their differences are
    # the library's and urllib3's own costs, and the machine's load drifts.
    measured = interleaved(
        {"floor": floor, "wire": round_trip, "whole": lambda: mail(PMMail).send()},
        max(sends // 7, 100),
    )
    wire, whole = measured["wire"], measured["whole"]
    answer = decode_response(call, status, body, headers, transport.retry_policy)
    steps = [
        ("build the PMMail (keywords, field setters)", per_call_us(lambda: mail(PMMail), fast)),
        ("read settings (POSTMARK_SENDER, ...)", per_call_us(_Defaults.read, fast)),
        (
            "legacy + Postmark checks, build payload",
            per_call_us(lambda: message._payload(defaults), fast),
        ),
        ("encode JSON + size check (Outgoing)", per_call_us(lambda: Outgoing(payload), fast)),
        (
            "Request + Call + wire headers",
            per_call_us(
                lambda: wire_headers(
                    outgoing.request().to_call(transport.base_url, transport._headers)
                ),
                fast,
            ),
        ),
        ("urllib3 round trip (request out, answer in)", wire),
        (
            "decode the answer (status, JSON)",
            per_call_us(
                lambda: decode_response(call, status, body, headers, transport.retry_policy), fast
            ),
        ),
        ("outcome (SendResponse, ErrorCode check)", per_call_us(lambda: accepted(answer), fast)),
    ]
    parts = [
        (
            "... of which the same bytes over http.client (TLS write, nginx, TLS read, headers)",
            measured["floor"],
        ),
        (
            "... of which urllib3's own work (pool, Retry/Timeout, response object)",
            wire - measured["floor"],
        ),
    ]
    total = sum(us for _, us in steps)
    steps[6:6] = parts
    steps.append(("(sum of the steps)", total))
    steps.append(("whole PMMail(...).send(), measured (interleaved with the round trip)", whole))
    steps.append(
        ("glue: shared client, section, retry loop, logging guard (whole - sum)", whole - total)
    )
    return steps


def _http_client_round_trip(base_url: str, call: Any) -> Callable[[], object]:
    """The same request over a bare ``http.client`` connection (the benchmark's fastest floor)."""
    import http.client
    import json
    import ssl
    from urllib.parse import urlsplit

    from postmark.protocol import wire_headers

    parts = urlsplit(base_url)
    context = ssl.create_default_context(cafile=os.environ["REQUESTS_CA_BUNDLE"])
    connection = http.client.HTTPSConnection(parts.hostname or "", parts.port, context=context)
    headers = wire_headers(call)
    path = call.url[len(base_url) :]

    def post() -> object:
        connection.request("POST", path, call.body, headers)
        return json.loads(connection.getresponse().read())

    post()
    return post


def profile(sends: int, top: int) -> None:
    from postmark import PMMail

    for _ in range(20):
        mail(PMMail).send()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(sends):
        mail(PMMail).send()
    profiler.disable()
    print(f"\ncProfile of {sends} sends (tottime = own time; times inflated by profiling):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sends", type=int, default=2000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="postmark-profile-") as tmp:
        nginx = Nginx(Path(tmp))
        nginx.start()
        try:
            os.environ["POSTMARK_API_URL"] = nginx.url
            os.environ["POSTMARK_SERVER_TOKEN"] = TOKEN
            os.environ["REQUESTS_CA_BUNDLE"] = str(nginx.ca)
            steps = breakdown(args.sends)
            print("| step of one `PMMail(...).send()` | µs |")
            print("|---|---:|")
            for name, us in steps:
                print(f"| {name} | {us:.1f} |")
            if not args.no_profile:
                profile(args.sends, args.top)
        finally:
            nginx.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
