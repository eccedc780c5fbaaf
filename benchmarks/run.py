"""python-postmark benchmark: one command, everything on 127.0.0.1, about 30 minutes on 2 cores.

    python benchmarks/run.py            # with the interpreter that has requests installed
    python benchmarks/run.py --quick    # every scenario once, small sizes (CI; about a minute)
    python benchmarks/run.py --profile batch   # where python-postmark's time goes

It installs Debian's nginx if missing, starts a private nginx (its own config,
pid file, logs and temp directories under a temporary directory, a throw-away
CA) serving canned Postmark answers over HTTPS keep-alive, a sandbox, a
recording batch server and 20 ms latency proxies, makes (or reuses)
virtualenvs for postmarker 1.0 and the official SDK, then runs every scenario
for every client, interleaved, ``--runs`` times, each measurement in a fresh
process, and prints medians and same-run ratios against the floors (see
README.md). Everything it started is stopped at the end, and the temporary
directory removed. Exit status 1 when a scenario crashed or an exactly-once
check failed; missed speed targets are printed, not failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cli_memory import QUICK_ROWS, measure_cli, resume_check  # noqa: E402
from cli_memory import ROWS as CLI_ROWS  # noqa: E402
from clients import DICTS, IMPORTS, ROWS, SCENARIO_CLIENTS, THIS, Runtime, prepare  # noqa: E402
from parallel import LEVELS, SERVER_DELAY, check_exactly_once, subjects  # noqa: E402
from report import Results, table  # noqa: E402
from servers import REPO, LatencyProxy, Nginx, RecordingBatchServer, Sandbox  # noqa: E402

SCENARIOS = ("send", "batch", "attachment", "import", "threads", "parallel", "cli")
LATENCY = 0.020  # seconds, each way
#: Rows of the file ``postmark batch`` is killed halfway through (then resumed).
RESUME_ROWS = QUICK_ROWS[0]


@dataclass(frozen=True)
class Sizes:
    """How big each scenario is: the targets' sizes, or QUICK mode's small ones."""

    batch: int = 10_000
    threads: int = 8
    per_thread: int = 250  # 2,000 messages
    parallel: int = 100_000
    cli_rows: tuple[int, ...] = CLI_ROWS
    cli_timeout: float = 900.0  # seconds per CLI run before it is stopped


FULL = Sizes()
QUICK = Sizes(batch=1_000, per_thread=25, parallel=10_000, cli_rows=QUICK_ROWS, cli_timeout=120)


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
    stored = sandbox.messages()
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
    """The servers, the clients' runtimes, and the measurements so far."""

    def __init__(self, args: argparse.Namespace, runtimes: dict[str, Runtime], tmp: Path) -> None:
        self.args = args
        self.sizes: Sizes = args.sizes
        self.runtimes = runtimes
        self.tmp = tmp
        self.results = Results(
            runs=args.runs,
            batch_count=self.sizes.batch,
            parallel_count=self.sizes.parallel,
            quick=args.quick,
        )
        self.nginx: Nginx | None = None
        self.sandbox: Sandbox | None = None
        self.proxy: LatencyProxy | None = None
        self.recorder: RecordingBatchServer | None = None
        self.recorder_proxy: LatencyProxy | None = None

    def start(self, scenarios: list[str]) -> None:
        """The servers ``scenarios`` need (nginx always)."""
        self.nginx = Nginx(self.tmp)
        self.nginx.start()
        print(f"nginx (HTTPS, canned answers) on {self.nginx.url}", flush=True)
        if "threads" in scenarios:
            self.sandbox = Sandbox()
            self.sandbox.start()
            self.proxy = LatencyProxy(self.sandbox.port, LATENCY)
            self.proxy.start()
            print(
                f"sandbox {self.sandbox.url} behind a {LATENCY * 1000:.0f} ms-each-way "
                f"proxy on {self.proxy.url}",
                flush=True,
            )
        if "parallel" in scenarios or "cli" in scenarios:  # cli: the SIGKILL resume check
            self.recorder = RecordingBatchServer(SERVER_DELAY)
            self.recorder.start()
            self.recorder_proxy = LatencyProxy(self.recorder.port, LATENCY)
            self.recorder_proxy.start()
            print(
                f"recording batch server ({SERVER_DELAY * 1000:.0f} ms per request) "
                f"{self.recorder.url} behind a proxy on {self.recorder_proxy.url}",
                flush=True,
            )

    def stop(self) -> None:
        for server in (self.recorder_proxy, self.recorder, self.proxy, self.sandbox, self.nginx):
            if server is not None:
                server.stop()

    def base(self) -> dict[str, Any]:
        assert self.nginx
        return {"url": self.nginx.url, "ca": str(self.nginx.ca)}

    def measure(self, scenario: str, name: str, run: int) -> str:
        runtime = self.runtimes[name]
        if runtime.worker_client not in SCENARIO_CLIENTS[scenario]:
            return "not run"
        return getattr(self, f"measure_{scenario}")(runtime, name, run)

    def measure_send(self, runtime: Runtime, name: str, run: int) -> str:
        spec = {**self.base(), "scenario": "send", "seconds": self.args.seconds}
        out = run_worker(runtime, spec)
        self.results.add(self.results.send, name, out["rate"])
        return f"{out['rate']:,.0f}/s"

    def measure_batch(self, runtime: Runtime, name: str, run: int) -> str:
        res = self.results
        out = run_worker(runtime, {**self.base(), "scenario": "batch", "count": self.sizes.batch})
        res.add(res.batch, name, out["rate"])
        for key in ("build_seconds", "send_seconds", "serialise_seconds"):
            if key in out:
                res.add(res.batch_parts.setdefault(key, {}), name, out[key])
        return f"{out['rate']:,.0f}/s"

    def measure_attachment(self, runtime: Runtime, name: str, run: int) -> str:
        out = run_worker(runtime, {**self.base(), "scenario": "attachment"})
        self.results.add(self.results.rss, name, out["extra_rss_mb"])
        self.results.add(self.results.traced, name, out["traced_peak_mb"])
        return f"+{out['extra_rss_mb']:.1f} MB"

    def measure_import(self, runtime: Runtime, name: str, run: int) -> str:
        shown = []
        for label, statement in IMPORTS[runtime.worker_client]:
            ms = min(import_ms(runtime, statement) for _ in range(self.args.import_repeats))
            self.results.imports.setdefault(name, {}).setdefault(label, []).append(ms)
            shown.append(f"{ms:.0f} ms")
        return "/".join(shown)

    def measure_threads(self, runtime: Runtime, name: str, run: int) -> str:
        assert self.sandbox and self.proxy
        res = self.results
        self.sandbox.clear()
        tag = f"r{run}-{name}"
        spec = {"scenario": "threads", "url": self.proxy.url, "ca": "", "tag": tag}
        threads, per_thread = self.sizes.threads, self.sizes.per_thread
        many = run_worker(runtime, {**spec, "threads": threads, "per_thread": per_thread})
        check = check_threads(self.sandbox, many, threads * per_thread)
        one = run_worker(
            runtime, {**spec, "tag": tag + "-1", "threads": 1, "seconds": self.args.single_seconds}
        )
        res.add(res.threads, name, many["rate"])
        res.add(res.single, name, one["rate"])
        res.add(res.threads_check, name, check)
        return f"{many['rate']:,.0f}/s vs {one['rate']:,.1f}/s, {check}"

    def measure_parallel(self, runtime: Runtime, name: str, run: int) -> str:
        """Each concurrency level once; every message checked at the recording server."""
        assert self.recorder and self.recorder_proxy
        res, shown = self.results, []
        for level in LEVELS:
            self.recorder.clear()
            tag = f"r{run}-c{level}"
            spec = {"scenario": "parallel", "url": self.recorder_proxy.url, "ca": "", "tag": tag}
            spec.update(count=self.sizes.parallel, concurrency=level)
            out = run_worker(runtime, spec, timeout=900)
            if not out["supported"]:
                res.parallel_unsupported = "concurrency= not supported by this checkout"
                return "not supported by this checkout"
            sent = subjects(tag, self.sizes.parallel)
            check = check_exactly_once(self.recorder.records, sent, out["ids"], out["error_count"])
            if out["errors"]:
                res.notes.append(f"run {run + 1} parallel {level}: {out['errors'][0]}")
            res.add(res.parallel.setdefault(level, {}), name, out["seconds"])
            res.add(res.parallel_check, name, check)
            shown.append(f"{level}: {out['seconds']:.2f} s {check}")
        return ", ".join(shown)

    def measure_cli(self, runtime: Runtime, name: str, run: int) -> str:
        """Once (in the first run): peak RSS is a property of the code, not of the minute."""
        if run > 0:
            return "measured in run 1"
        assert self.nginx
        shown = []
        for rows in self.sizes.cli_rows:
            out = measure_cli(
                runtime.python,
                runtime.env,
                self.nginx.url,
                str(self.nginx.ca),
                self.tmp / "cli",
                rows,
                self.sizes.cli_timeout,
            )
            if name == THIS:
                self.results.cli[rows] = out
            shown.append(
                f"{rows:,} rows {out['peak_mb']:.0f} MB {out['seconds']:.0f} s {out['check']}"
            )
        assert self.recorder
        resumed = resume_check(
            runtime.python,
            runtime.env,
            self.recorder,
            self.tmp / "cli",
            RESUME_ROWS,
            self.sizes.cli_timeout,
        )
        if name == THIS:
            self.results.cli_resume = resumed
        shown.append(f"SIGKILL and resume: {resumed}")
        return ", ".join(shown)

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
                        outcome = self.measure(scenario, name, run)
                    except Exception as error:  # reported, the run goes on
                        outcome = "FAILED"
                        self.results.notes.append(f"run {run + 1} {scenario} {name}: {error}")
                    if outcome != "not run":
                        shown.append(f"{name} {outcome}")
                print(
                    f"run {run + 1}/{self.args.runs} {scenario} "
                    f"({time.monotonic() - started:.0f} s): " + ", ".join(shown),
                    flush=True,
                )


# --------------------------------------------------------------------------
# Profiles: where python-postmark's time goes in one scenario


#: The client each scenario's profile is taken for.
PROFILED = {"send": THIS, "batch": THIS, "batch-dicts": DICTS, "parallel": DICTS, "cli": THIS}
PROFILE_CHOICES = (*PROFILED, "import")


def profile(bench: Bench, scenario: str) -> str:
    """cProfile's top entries for python-postmark in ``scenario`` (one measurement);
    ``import``: ``python -X importtime``'s slowest modules; ``cli``: QUICK mode's smaller
    file (where its time goes; it takes minutes at full size while the CLI is slow)."""
    if scenario == "import":
        return import_profile(bench.runtimes[THIS])
    runtime = bench.runtimes[PROFILED[scenario]]
    if scenario == "cli":
        assert bench.nginx
        out = measure_cli(
            runtime.python,
            runtime.env,
            bench.nginx.url,
            str(bench.nginx.ca),
            bench.tmp / "cli",
            QUICK.cli_rows[0],
            bench.sizes.cli_timeout,
            profile=True,
        )
        return str(out["profile"])
    spec: dict[str, Any] = {**bench.base(), "profile": True}
    if scenario == "send":
        spec.update(scenario="send", seconds=bench.args.seconds)
    elif scenario.startswith("batch"):
        spec.update(scenario="batch", count=bench.sizes.batch)
    else:
        assert bench.recorder and bench.recorder_proxy
        bench.recorder.clear()
        spec.update(scenario="parallel", url=bench.recorder_proxy.url, ca="", tag="profile")
        spec.update(count=bench.sizes.parallel, concurrency=LEVELS[-1])
    out = run_worker(runtime, spec, timeout=900)
    return str(out.get("profile") or "not supported by this checkout")


def import_profile(runtime: Runtime, top: int = 25) -> str:
    """The modules ``from postmark import PMMail`` spends most in (``-X importtime``)."""
    done = subprocess.run(
        [runtime.python, "-X", "importtime", "-c", "from postmark import PMMail"],
        env=runtime.env,
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    rows = [line.split("|") for line in lines[1:]]  # self us | cumulative us | module
    rows.sort(key=lambda r: -int(r[1]))
    return "\n".join([lines[0], *("|".join(r) for r in rows[:top])])


#: Which profile explains each missed target (matched on the target's printed text).
MISSED = (
    ("PMBatchMail", "batch"),
    ("send_batch of dicts", "batch-dicts"),
    ("parallel:", "parallel"),
    ("CLI:", "cli"),
    ("sequential", "send"),
    ("from postmark import PMMail", "import"),
)


def missed_profiles(bench: Bench, text: str) -> list[str]:
    """The profile scenarios for every NOT MET target in the printed ``text``, once each."""
    wanted: list[str] = []
    for line in text.splitlines():
        if line.endswith("→ NOT MET"):
            for key, scenario in MISSED:
                if (
                    key in line
                    and scenario not in wanted
                    and scenario.split("-")[0] in bench.args.scenarios
                ):
                    wanted.append(scenario)
    return wanted


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=None, help="interleaved runs (default 5)")
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("BENCH_QUICK", "") not in ("", "0"),
        help="every scenario once at small sizes, targets not enforced (also BENCH_QUICK=1)",
    )
    parser.add_argument(
        "--profile",
        choices=PROFILE_CHOICES,
        metavar="SCENARIO",
        help="only profile python-postmark in one of " + ", ".join(PROFILE_CHOICES),
    )
    parser.add_argument(
        "--no-profiles",
        action="store_true",
        help="do not print a profile for each missed target after the table",
    )
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
    parser.add_argument(
        "--parallel-messages", type=int, default=None, help="messages of the parallel scenario"
    )
    parser.add_argument("--seconds", type=float, default=None, help="per sequential run")
    parser.add_argument(
        "--single-seconds", type=float, default=None, help="single-thread run through the proxy"
    )
    parser.add_argument(
        "--import-repeats",
        type=int,
        default=None,
        help="fresh interpreters per import and run (the fastest counts)",
    )
    parser.add_argument(
        "--venvs",
        type=Path,
        default=None,
        help="keep the third-party virtualenvs here (reused next time)",
    )
    args = parser.parse_args(argv)
    # QUICK mode's defaults; anything given explicitly wins.
    defaults = {"runs": 5, "seconds": 1.0, "single_seconds": 1.5, "import_repeats": 7}
    if args.quick:
        defaults = {"runs": 1, "seconds": 0.3, "single_seconds": 0.5, "import_repeats": 1}
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.sizes = QUICK if args.quick else FULL
    if args.parallel_messages:
        args.sizes = dataclasses.replace(args.sizes, parallel=args.parallel_messages)
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    args.clients = [c for c in args.clients.split(",") if c]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if args.profile:
        args.runs = 1
        args.scenarios = [args.profile.split("-")[0]]
        args.clients = [THIS, DICTS]
    return args


def runtimes_for(args: argparse.Namespace, tmp: Path) -> tuple[dict[str, Runtime], list[Any]]:
    """Every client's runtime (``--also`` checkouts included) and the table's rows."""
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
    return runtimes, rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="postmark-bench-"))
    bench: Bench | None = None
    try:
        print(f"temporary directory: {tmp}", flush=True)
        runtimes, rows = runtimes_for(args, tmp)
        skipped = {n: r.note for n, r in runtimes.items() if not r.available}
        for name, note in skipped.items():
            print(f"skipping {name}: {note}", flush=True)
        bench = Bench(args, runtimes, tmp)
        bench.start(args.scenarios)
        # Compile every client's modules once, outside the measurements.
        for runtime in runtimes.values():
            if runtime.available:
                for _, statement in IMPORTS.get(runtime.worker_client, []):
                    import_ms(runtime, statement)
        if args.profile:
            print_profile(bench, args.profile)
            return 0
        bench.run()
        text = table(bench.results, skipped, rows)
        print(f"\n{text}")
        for note in bench.results.notes:
            print(f"note: {note}")
        print(
            f"\nTotal time {time.monotonic() - started:.0f} s; python {sys.version.split()[0]}; "
            f"library from {REPO}",
            flush=True,
        )
        if not (args.quick or args.no_profiles):
            for scenario in missed_profiles(bench, text):
                print_profile(bench, scenario)
        failures = bench.results.failures()
        for failure in failures:
            print(f"FAILED: {failure}")
        return 1 if failures else 0
    finally:
        if bench is not None:
            bench.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def print_profile(bench: Bench, scenario: str) -> None:
    """Profile ``scenario`` and print it (a profile that fails is reported, not raised)."""
    print(f"\nProfile of python-postmark, scenario {scenario}:\n", flush=True)
    try:
        print(profile(bench, scenario), flush=True)
    except Exception as error:
        print(f"profile failed: {error}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
