"""python-postmark benchmark: one command, everything on 127.0.0.1, about 10 minutes on 2 cores.

    python benchmarks/run.py            # with the interpreter that has requests installed

It installs Debian's nginx if missing, starts a private nginx (its own config,
pid file, logs and temp directories under a temporary directory, a throw-away
CA) serving canned Postmark answers over HTTPS keep-alive, a sandbox and a
20 ms latency proxy, makes virtualenvs for postmarker 1.0 and the official
SDK, then runs every scenario for every client, interleaved, ``--runs``
times, each measurement in a fresh process, and prints medians and same-run
ratios against the raw ``requests.Session().post`` floor (see README.md).
Everything it started is stopped at the end, and the temporary directory removed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from clients import IMPORTS, ROWS, THIS, Runtime, prepare  # noqa: E402
from report import Results, table  # noqa: E402
from servers import REPO, LatencyProxy, Nginx, Sandbox  # noqa: E402

SCENARIOS = ("send", "batch", "attachment", "import", "threads")
#: Clients the threads scenario runs for: a shared client is the point, and an
#: http.client connection cannot be shared between threads.
THREADED = {"requests", THIS, "postmarker", "official-sync"}
BATCH_COUNT = 10_000
THREADS, PER_THREAD = 8, 250  # 2,000 messages
LATENCY = 0.020  # seconds, each way


def run_worker(runtime: Runtime, spec: dict[str, Any], timeout: float = 180) -> dict[str, Any]:
    """One measurement in a fresh process; raises with the worker's error output."""
    spec = {**spec, "client": runtime.worker_client}
    done = subprocess.run(
        [runtime.python, str(HERE / "worker.py"), json.dumps(spec)],
        env=runtime.env,
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{runtime.name} {spec['scenario']}: {tail}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def import_ms(runtime: Runtime, statement: str) -> float:
    """Milliseconds ``statement`` takes in a fresh interpreter (startup itself excluded)."""
    code = (
        "import time; t = time.perf_counter(); "
        + statement
        + "; print((time.perf_counter() - t) * 1000)"
    )
    done = subprocess.run(
        [runtime.python, "-c", code],
        env=runtime.env,
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def check_threads(sandbox: Sandbox, result: dict[str, Any], expected: int) -> str:
    """'ok' when the sandbox stored each of the ``expected`` subjects exactly once, with the
    MessageID the client was given; otherwise what is wrong."""
    with urllib.request.urlopen(f"{sandbox.url}/__sandbox/messages", timeout=60) as answer:
        stored = json.loads(answer.read())["Messages"]
    sent = {subject: message_id for subject, message_id in result["sent"]}
    counts = Counter(m["Subject"] for m in stored if not m["Subject"].endswith("warm-up"))
    problems = []
    if result["error_count"]:
        problems.append(f"{result['error_count']} errors ({result['errors'][0]})")
    if len(sent) != expected:
        problems.append(f"{len(sent)} of {expected} answered")
    twice = [s for s, n in counts.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} stored twice")
    missing = [s for s in sent if counts.get(s) != 1]
    if missing:
        problems.append(f"{len(missing)} answered but not stored once")
    stored_ids = {m["Subject"]: m["MessageID"] for m in stored}
    wrong = [s for s, mid in sent.items() if stored_ids.get(s) != mid]
    if wrong:
        problems.append(f"{len(wrong)} with another MessageID than stored")
    return "; ".join(problems) or "ok"


class Bench:
    def __init__(self, args: argparse.Namespace, runtimes: dict[str, Runtime]) -> None:
        self.args = args
        self.runtimes = runtimes
        self.results = Results(runs=args.runs)
        self.nginx: Nginx | None = None
        self.sandbox: Sandbox | None = None
        self.proxy: LatencyProxy | None = None

    def measure(self, scenario: str, name: str, run: int) -> str:
        runtime = self.runtimes[name]
        res = self.results
        base = {
            "url": self.nginx.url if self.nginx else "",
            "ca": str(self.nginx.ca) if self.nginx else "",
        }
        if scenario == "send":
            out = run_worker(runtime, {**base, "scenario": "send", "seconds": self.args.seconds})
            res.add(res.send, name, out["rate"])
            return f"{out['rate']:,.0f}/s"
        if scenario == "batch":
            out = run_worker(runtime, {**base, "scenario": "batch", "count": BATCH_COUNT})
            res.add(res.batch, name, out["rate"])
            for key in ("build_seconds", "send_seconds", "serialise_seconds"):
                if key in out:
                    res.add(res.batch_parts.setdefault(key, {}), name, out[key])
            return f"{out['rate']:,.0f}/s"
        if scenario == "attachment":
            out = run_worker(runtime, {**base, "scenario": "attachment"})
            res.add(res.rss, name, out["extra_rss_mb"])
            res.add(res.traced, name, out["traced_peak_mb"])
            return f"+{out['extra_rss_mb']:.1f} MB"
        if scenario == "import":
            shown = []
            for label, statement in IMPORTS[runtime.worker_client]:
                ms = min(import_ms(runtime, statement) for _ in range(self.args.import_repeats))
                res.imports.setdefault(name, {}).setdefault(label, []).append(ms)
                shown.append(f"{ms:.0f} ms")
            return "/".join(shown)
        if scenario == "threads":
            return self.threads(runtime, name, run)
        raise ValueError(scenario)

    def threads(self, runtime: Runtime, name: str, run: int) -> str:
        assert self.sandbox and self.proxy
        if runtime.worker_client not in THREADED:
            return "not run"
        res = self.results
        self.sandbox.clear()
        tag = f"r{run}-{name}"
        spec = {"scenario": "threads", "url": self.proxy.url, "ca": "", "tag": tag}
        many = run_worker(runtime, {**spec, "threads": THREADS, "per_thread": PER_THREAD})
        check = check_threads(self.sandbox, many, THREADS * PER_THREAD)
        one = run_worker(
            runtime, {**spec, "tag": tag + "-1", "threads": 1, "seconds": self.args.single_seconds}
        )
        res.add(res.threads, name, many["rate"])
        res.add(res.single, name, one["rate"])
        res.add(res.threads_check, name, check)
        return f"{many['rate']:,.0f}/s vs {one['rate']:,.1f}/s, {check}"

    def run(self) -> None:
        names = [n for n in self.runtimes if self.runtimes[n].available]
        for run in range(self.args.runs):
            # Rotate the order each run so no client always goes first (or last).
            order = names[run % len(names) :] + names[: run % len(names)]
            for scenario in self.args.scenarios:
                started = time.monotonic()
                shown = []
                for name in order:
                    try:
                        shown.append(f"{name} {self.measure(scenario, name, run)}")
                    except Exception as error:  # reported, the run goes on
                        shown.append(f"{name} FAILED")
                        self.results.notes.append(f"run {run + 1} {scenario}: {error}")
                print(
                    f"run {run + 1}/{self.args.runs} {scenario} "
                    f"({time.monotonic() - started:.0f} s): " + ", ".join(shown),
                    flush=True,
                )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help="comma-separated subset of " + ",".join(SCENARIOS),
    )
    parser.add_argument(
        "--clients",
        default=",".join(n for n, _ in ROWS),
        help="comma-separated subset of the table's clients",
    )
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="also measure python-postmark from another checkout (A/B)",
    )
    parser.add_argument("--seconds", type=float, default=1.0, help="per sequential run")
    parser.add_argument(
        "--single-seconds", type=float, default=1.5, help="single-thread run through the proxy"
    )
    parser.add_argument(
        "--import-repeats",
        type=int,
        default=7,
        help="fresh interpreters per import and run (the fastest counts)",
    )
    parser.add_argument(
        "--venvs",
        type=Path,
        default=None,
        help="keep the third-party virtualenvs here (reused next time)",
    )
    args = parser.parse_args(argv)
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    args.clients = [c for c in args.clients.split(",") if c]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="postmark-bench-"))
    bench: Bench | None = None
    try:
        print(f"temporary directory: {tmp}", flush=True)
        runtimes = prepare(args.clients, args.venvs or tmp / "venvs")
        rows = [(n, label) for n, label in ROWS if n in args.clients]
        for spec in args.also:
            variant, _, path = spec.partition("=")
            name = f"{THIS}@{variant}"
            runtimes[name] = Runtime(
                name, sys.executable, dict(runtimes[THIS].env), "", worker_client=THIS
            )
            runtimes[name].env["PYTHONPATH"] = str(Path(path).resolve())
            rows.append((name, f"python-postmark from {path}"))
        skipped = {n: r.note for n, r in runtimes.items() if not r.available}
        for name, note in skipped.items():
            print(f"skipping {name}: {note}", flush=True)
        bench = Bench(args, runtimes)
        bench.nginx = Nginx(tmp)
        bench.nginx.start()
        print(f"nginx (HTTPS, canned answers) on {bench.nginx.url}", flush=True)
        if "threads" in args.scenarios:
            bench.sandbox = Sandbox()
            bench.sandbox.start()
            bench.proxy = LatencyProxy(bench.sandbox.port, LATENCY)
            bench.proxy.start()
            print(
                f"sandbox {bench.sandbox.url} behind a {LATENCY * 1000:.0f} ms-each-way "
                f"proxy on {bench.proxy.url}",
                flush=True,
            )
        # Compile every client's modules once, outside the measurements.
        for runtime in runtimes.values():
            if runtime.available:
                for _, statement in IMPORTS[runtime.worker_client]:
                    import_ms(runtime, statement)
        bench.run()
    finally:
        for server in (bench.proxy, bench.sandbox, bench.nginx) if bench else ():
            if server is not None:
                server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(table(bench.results, skipped, rows))
    for note in bench.results.notes:
        print(f"note: {note}")
    print(
        f"\nTotal time {time.monotonic() - started:.0f} s; python {sys.version.split()[0]}; "
        f"library from {REPO}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
