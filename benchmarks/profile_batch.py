"""Where a 10,000-message batch spends its CPU: per-step µs per message, network faked.

Run from the repository root::

    python benchmarks/profile_batch.py              # the step table (best of 7)
    python benchmarks/profile_batch.py --profile    # plus cProfile of PMBatchMail.send()

The network is replaced by a ``requests`` adapter that answers every batch
request with a canned 500-entry answer (the nginx benchmark's), so what is
measured is CPU only: building, checking, encoding, decoding, outcomes.
Both sides go through ``adapter.send()`` (the library's direct urllib3 path
applies only to requests' own adapter), so the comparison with the fair
floor is like for like:

* ``fair floor``: what any client must do: build the 10,000 dicts, one
  ``json.dumps`` per 500, ``requests.Session.post`` each body, ``.json()``
  the answer.
* ``PMBatchMail``: 10,000 ``PMMail`` built, then ``PMBatchMail(...).send(return_json=True)``
  (what the benchmark's worker does).
* ``send_batch``: ``ServerClient.email.send_batch`` of the 10,000 dicts.

Not a test and not the benchmark (``benchmarks/run.py`` measures the
ratios over real HTTPS); a tool to see where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
from requests.adapters import BaseAdapter

TOKEN = "benchmark-token"
URL = "https://api.example.invalid"
SENDER = "sender@example.com"
TO = "receiver@example.com"
TEXT = "Hello from the python-postmark benchmark. " * 4
HTML = "<html><body><p>Hello from the <b>python-postmark</b> benchmark.</p></body></html>"
COUNT = 10_000
CHUNK = 500

ANSWER = json.dumps(
    [
        {
            "To": TO,
            "SubmittedAt": "2024-05-01T12:00:00.0000000-04:00",
            "MessageID": f"0a129aee-e1cd-480d-b08d-{i:012d}",
            "ErrorCode": 0,
            "Message": "OK",
        }
        for i in range(CHUNK)
    ],
    separators=(",", ":"),
).encode()


class CannedAdapter(BaseAdapter):
    """Answers every request with the canned 500-entry batch answer."""

    def send(self, request: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = 200
        response._content = ANSWER
        response.headers["Content-Type"] = "application/json"
        response.headers["Content-Length"] = str(len(ANSWER))
        response.request = request
        response.url = request.url
        return response

    def close(self) -> None:
        pass


def message(subject: str) -> dict[str, Any]:
    return {"From": SENDER, "To": TO, "Subject": subject, "TextBody": TEXT, "HtmlBody": HTML}


def fair_floor(
    subjects: list[str], url: str = URL, ca: str | None = None
) -> Callable[[], list[Any]]:
    session = requests.Session()
    if ca is None:
        session.mount("https://", CannedAdapter())
    else:
        session.verify = ca
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "X-Postmark-Server-Token": TOKEN,
    }

    def run() -> list[Any]:
        answers: list[Any] = []
        for start in range(0, len(subjects), CHUNK):
            body = json.dumps(
                [message(s) for s in subjects[start : start + CHUNK]], separators=(",", ":")
            ).encode()
            response = session.post(url + "/email/batch", data=body, headers=headers, timeout=60)
            response.raise_for_status()
            answers.extend(response.json())
        return answers

    return run


def _install_fake_network() -> None:
    os.environ["POSTMARK_API_URL"] = URL
    os.environ["POSTMARK_SERVER_TOKEN"] = TOKEN
    from postmark.core import shared_client

    shared_client(TOKEN).transport.session.mount("https://", CannedAdapter())


def pmbatchmail(subjects: list[str]) -> Callable[[], list[Any]]:
    from postmark import PMBatchMail, PMMail

    def run() -> list[Any]:
        mails = [
            PMMail(sender=SENDER, to=TO, subject=s, text_body=TEXT, html_body=HTML)
            for s in subjects
        ]
        answers: list[Any] = PMBatchMail(messages=mails).send(return_json=True)
        return answers

    return run


def pmmail_only(subjects: list[str]) -> Callable[[], Any]:
    from postmark import PMMail

    def run() -> Any:
        return [
            PMMail(sender=SENDER, to=TO, subject=s, text_body=TEXT, html_body=HTML)
            for s in subjects
        ]

    return run


def send_batch(subjects: list[str]) -> Callable[[], Any]:
    from postmark import ServerClient
    from postmark.core import shared_client

    client: ServerClient = shared_client(TOKEN)

    def run() -> Any:
        return client.email.send_batch([message(s) for s in subjects])

    return run


def steps(subjects: list[str]) -> dict[str, Callable[[], Any]]:
    """Pieces of the PMBatchMail path, each timed alone."""
    from postmark import PMMail
    from postmark.core import _Defaults
    from postmark.outcomes import BatchResult, outcome_from_entry
    from postmark.protocol import encode_json

    try:
        from postmark.fastjson import encode_large
    except ImportError:  # a checkout from before it (A/B runs)
        encode_large = encode_json

    mails = [
        PMMail(sender=SENDER, to=TO, subject=s, text_body=TEXT, html_body=HTML) for s in subjects
    ]
    defaults = _Defaults.read()
    payloads = [m._payload(defaults) for m in mails]
    bodies = [encode_json(payloads[i : i + CHUNK]) for i in range(0, COUNT, CHUNK)]
    entries = json.loads(ANSWER) * (COUNT // CHUNK)

    def outcomes() -> Any:
        result = BatchResult([outcome_from_entry(i, e) for i, e in enumerate(entries)])
        for mail, outcome in zip(mails, result, strict=True):
            mail.outcome = outcome
            mail.message_id = outcome.message_id
        return [o.as_dict() for o in result]

    def library_outcomes() -> Any:
        # What PMBatchMail.send does with the answers (this checkout's code).
        from postmark.core import _record_outcomes
        from postmark.sending import BatchPlan, Chunk

        plan = BatchPlan()
        for start in range(0, COUNT, CHUNK):
            chunk = Chunk(list(range(start, start + CHUNK)), b"")
            plan.answered(chunk, entries[start : start + CHUNK])
        result = plan.result()
        _record_outcomes(mails, result)
        result.raise_for_failures()
        return result.as_dicts()

    return {
        "outcomes the library's way (plan, PMMail, as_dicts)": library_outcomes,
        "PMMail(...) x 10,000": pmmail_only(subjects),
        "legacy checks + build + check_message (_payload)": lambda: [
            m._payload(defaults) for m in mails
        ],
        "batch bodies (encode_large: orjson if installed)": lambda: [
            encode_large(payloads[i : i + CHUNK]) for i in range(0, COUNT, CHUNK)
        ],
        "encode_json per 500": lambda: [
            encode_json(payloads[i : i + CHUNK]) for i in range(0, COUNT, CHUNK)
        ],
        "json.loads of the 20 answers": lambda: [json.loads(ANSWER) for _ in bodies],
        "outcomes, message_id on each PMMail, as_dict": outcomes,
        "dicts + json.dumps (the floor's building)": lambda: [
            json.dumps(
                [message(s) for s in subjects[i : i + CHUNK]], separators=(",", ":")
            ).encode()
            for i in range(0, COUNT, CHUNK)
        ],
    }


def jobs(subjects: list[str]) -> dict[str, Callable[[], Any]]:
    return {
        "fair floor": fair_floor(subjects),
        "PMBatchMail": pmbatchmail(subjects),
        "send_batch": send_batch(subjects),
        **steps(subjects),
    }


def _instructions(job: str, times: int) -> int:
    """Instructions executed by this script running ``job`` ``times`` times (valgrind)."""
    import re
    import subprocess

    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--only",
        job,
        "--times",
        str(times),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dict layouts every run
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise RuntimeError(done.stderr[-2000:])
    return int(found.group(1).replace(",", ""))


def count_instructions(wanted: str) -> None:
    """Instructions per message for each job: (3 runs - 1 run) / 2, start-up cancelled out."""
    names = list(jobs([f"Batch {i}" for i in range(COUNT)]))
    if wanted != "all":
        names = [name for name in names if name in wanted.split(";")]
    print(f"instructions per message (valgrind, {COUNT:,} messages; set-up cancelled out)")
    floor = None
    for name in names:
        per_message = (_instructions(name, 3) - _instructions(name, 1)) / 2 / COUNT
        floor = floor or per_message
        print(f"  {name:55} {per_message:8,.0f}  ({per_message / floor:.2f}x the fair floor)")


def over_nginx(runs: int) -> None:
    """The three jobs over real HTTPS (the benchmark's nginx), interleaved; same-run ratios."""
    import statistics
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from servers import Nginx  # the benchmark's own nginx with canned answers

    with tempfile.TemporaryDirectory() as folder:
        nginx = Nginx(Path(folder))
        nginx.start()
        try:
            os.environ["POSTMARK_API_URL"] = nginx.url
            os.environ["POSTMARK_SERVER_TOKEN"] = TOKEN
            os.environ["REQUESTS_CA_BUNDLE"] = str(nginx.ca)
            subjects = [f"Batch {i}" for i in range(COUNT)]
            chosen = {
                "fair floor": fair_floor(subjects, nginx.url, str(nginx.ca)),
                "PMBatchMail": pmbatchmail(subjects),
                "send_batch": send_batch(subjects),
            }
            names = list(chosen)
            for run in chosen.values():  # connections opened, code warmed
                run()
            seconds: dict[str, list[float]] = {name: [] for name in names}
            for number in range(runs):
                order = names[number % len(names) :] + names[: number % len(names)]
                for name in order:
                    gc.collect()
                    started = time.perf_counter()
                    answers = chosen[name]()
                    seconds[name].append(time.perf_counter() - started)
                    if name != "send_batch" and len(answers) != COUNT:
                        raise RuntimeError(f"{name}: {len(answers)} answers")
        finally:
            nginx.stop()
    floor = seconds["fair floor"]
    print(f"over HTTPS (nginx, canned answers), {COUNT:,} messages, medians of {runs} runs")
    for name in names:
        ratios = [f / t for f, t in zip(floor, seconds[name], strict=True)]
        rate = COUNT / statistics.median(seconds[name])
        print(f"  {name:12} {rate:9,.0f} msg/s  {statistics.median(ratios):.2f}x the fair floor")


def best(run: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="cProfile PMBatchMail.send()")
    parser.add_argument(
        "--instructions",
        nargs="?",
        const="all",
        metavar="JOBS",
        help="count instructions under valgrind instead of timing (steady on a busy machine); "
        "optionally a ;-separated list of jobs, e.g. 'fair floor;PMBatchMail'",
    )
    parser.add_argument(
        "--nginx",
        type=int,
        metavar="RUNS",
        help="time the fair floor, PMBatchMail and send_batch over real HTTPS instead",
    )
    parser.add_argument("--only", help=argparse.SUPPRESS)  # one run of one job (for valgrind)
    parser.add_argument("--times", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.instructions:
        count_instructions(args.instructions)
        return
    if args.nginx:
        over_nginx(args.nginx)
        return
    _install_fake_network()
    subjects = [f"Batch {i}" for i in range(COUNT)]
    if args.only:
        run = jobs(subjects)[args.only]
        for _ in range(args.times):
            run()
        return
    import postmark

    print(f"postmark from {postmark.__file__}; {COUNT:,} messages, best of {args.repeats}")
    floor = best(fair_floor(subjects), args.repeats)
    print(f"{'fair floor (dicts, json.dumps, post, .json())':55} {floor / COUNT * 1e6:6.2f} µs/msg")
    for name, run in steps(subjects).items():
        seconds = best(run, args.repeats)
        print(f"  step: {name:49} {seconds / COUNT * 1e6:6.2f} µs/msg")
    for name, factory in (
        ("PMBatchMail (PMMail built inside)", pmbatchmail),
        ("ServerClient.email.send_batch(dicts)", send_batch),
    ):
        seconds = best(factory(subjects), args.repeats)
        print(
            f"{name:55} {seconds / COUNT * 1e6:6.2f} µs/msg  "
            f"({floor / seconds:.2f}x the fair floor, CPU only)"
        )
    if args.profile:
        run = pmbatchmail(subjects)
        run()
        profiler = cProfile.Profile()
        profiler.enable()
        run()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
