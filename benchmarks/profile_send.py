"""Where one ``PMMail(...).send()`` spends its time: a per-step breakdown and a profile.

    python benchmarks/profile_send.py                 # breakdown table + top of the profile
    python benchmarks/profile_send.py --sends 3000 --top 40

Starts the benchmark's private nginx (``servers.Nginx``: HTTPS keep-alive,
canned answers, a throw-away CA) and sends as ``worker.py``'s ``send``
scenario does: settings from the environment, a fresh ``PMMail`` per send.

The breakdown times each step of one send on its own, many times over, with
the same objects the real send uses (median of 5 rounds, microseconds per
call): building the ``PMMail``, its legacy and Postmark checks, encoding,
the ``Call`` and its wire headers, the urllib3 round trip (split into the
TLS write, waiting for and reading the answer, and urllib3's own work, from
a profile of the round trip), decoding the JSON answer and the outcome.
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

    wire = per_call_us(round_trip, sends)
    tls_write, tls_read, u3_total = _round_trip_split(round_trip, sends)
    scale = wire / u3_total if u3_total else 1.0  # profiling slows everything alike
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
        ("urllib3: TLS write (sendall)", tls_write * scale),
        ("urllib3: wait for + TLS read of the answer", tls_read * scale),
        (
            "urllib3: its own work (pool, headers, parsing)",
            (u3_total - tls_write - tls_read) * scale,
        ),
        (
            "decode the answer (status, JSON)",
            per_call_us(
                lambda: decode_response(call, status, body, headers, transport.retry_policy), fast
            ),
        ),
        (
            "outcome (SendResponse, ErrorCode check)",
            per_call_us(lambda: accepted(decode_response(call, status, body, headers)), fast)
            - per_call_us(lambda: decode_response(call, status, body, headers), fast),
        ),
    ]
    whole = per_call_us(lambda: mail(PMMail).send(), sends)
    steps.append(("(sum of the steps)", sum(us for _, us in steps)))
    steps.append(("whole PMMail(...).send(), measured", whole))
    return steps


def _round_trip_split(round_trip: Callable[[], object], sends: int) -> tuple[float, float, float]:
    """µs per round trip in SSL writes, in SSL reads (waiting included), and in total (profiled)."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(sends):
        round_trip()
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    write = read = total = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.items():
        if name in ("<method 'write' of '_ssl._SSLSocket' objects>",):
            write += cumulative
        elif name in ("<method 'read' of '_ssl._SSLSocket' objects>",):
            read += cumulative
        elif name == "round_trip" and filename.endswith("profile_send.py"):
            total += cumulative
    per = 1e6 / sends
    return write * per, read * per, total * per


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
