"""The CLI memory scenario: ``postmark batch`` on a large JSON-lines file, peak RSS.

The command runs as ``python -m postmark --token ... --base-url <nginx>
batch FILE --results FILE --no-progress``, in a process of its own, against
the private nginx's canned answers (500 entries per batch answer, so the
file's rows must be a multiple of 500: the CLI sends 500 per request). Its
peak RSS is the kernel's ``ru_maxrss`` of that process, started by
``peak_rss.py`` (see there why not straight from the benchmark).

A run that grows past :data:`RSS_CAP_MB` or runs longer than its time limit
is stopped (SIGKILL) and reported as such: the machine is shared, and a CLI
that reads the whole file into memory would otherwise take gigabytes.

:func:`resume_check`: the command killed with SIGKILL while a request is in
flight, then run again, against the recording batch server (which stores
every message it is sent): nothing may be stored twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Protocol

#: The file sizes measured (rows); the targets compare the last with the first.
ROWS = (100_000, 1_000_000)
QUICK_ROWS = (10_000, 50_000)
#: A CLI process above this many MB is stopped (the target is 100 MB).
RSS_CAP_MB = 1500
#: Rows per canned batch answer (servers.BATCH_SIZE).
PER_REQUEST = 500
HERE = Path(__file__).resolve().parent
TOKEN = "benchmark-server-token"
#: Lines of the CLI's output (its summary, then cProfile's table) kept for ``--profile cli``.
PROFILE_LINES = 45


def write_jsonl(path: Path, rows: int) -> None:
    """``rows`` messages in Postmark's form, one JSON object a line, unique subjects."""
    if rows % PER_REQUEST:
        raise ValueError(f"rows must be a multiple of {PER_REQUEST} (the canned answer's size)")
    template = (
        '{"From": "sender@example.com", "To": "receiver@example.com", '
        '"Subject": "cli %d", "TextBody": "Hello from the python-postmark benchmark."}\n'
    )
    with open(path, "w", encoding="utf-8") as handle:
        for start in range(0, rows, 10_000):
            handle.write("".join(template % i for i in range(start, min(start + 10_000, rows))))


def _rss_mb(pid: int) -> float:
    """The process's current resident set (MB), 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return 0.0


def run_measured(
    command: list[str], env: dict[str, str], output: Path, timeout: float, cap_mb: float
) -> dict[str, Any]:
    """Run ``command`` (stdout and stderr to ``output``) through ``peak_rss.py``; its exit
    code, seconds, peak RSS (MB, its own ``ru_maxrss``) and ``stopped``: why it was killed,
    or None."""
    watcher = subprocess.Popen(
        [sys.executable, str(HERE / "peak_rss.py"), str(output), *command],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert watcher.stdout is not None
    pid = int(watcher.stdout.readline())
    started = time.monotonic()
    stopped = None
    try:
        while watcher.poll() is None:
            if stopped is None and _rss_mb(pid) > cap_mb:
                stopped = f"over {cap_mb:.0f} MB"
            elif stopped is None and time.monotonic() - started > timeout:
                stopped = f"still running after {timeout:g} s"
            if stopped is not None:
                _kill(pid)
            time.sleep(0.05)
        result = json.loads(watcher.stdout.readline())
    except BaseException:  # Ctrl-C, an error here: the command must not outlive the benchmark
        _kill(pid)
        watcher.kill()
        watcher.wait()
        raise
    return {
        "exit": result["status"],
        "seconds": time.monotonic() - started,
        "peak_mb": result["maxrss_kib"] * 1024 / 1e6,  # KiB on Linux
        "stopped": stopped,
    }


def _kill(pid: int) -> None:
    """SIGKILL the measured command (started by ``peak_rss.py`` for this benchmark)."""
    with contextlib.suppress(ProcessLookupError):  # it has just ended by itself
        os.kill(pid, signal.SIGKILL)


def read_results(results: Path) -> tuple[dict[int, dict[str, Any]], set[int]]:
    """The CLI's results file: the last result per input line, and the lines named by
    ``{"sending": [...]}`` journal lines (written before each request by a streaming CLI)."""
    found: dict[int, dict[str, Any]] = {}
    journalled: set[int] = set()
    if not results.exists():
        return found, journalled
    with open(results, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            entry = json.loads(line)
            if "line" in entry:
                found[int(entry["line"])] = entry  # a later line for the same row counts
            else:
                journalled.update(int(n) for n in entry.get("sending", ()))
    return found, journalled


def count_sent(results: Path) -> int:
    """Input lines whose (last) result in the CLI's results file has a MessageID."""
    return sum(1 for entry in read_results(results)[0].values() if entry.get("MessageID"))


def verdict(rows: int, measured: dict[str, Any], sent: int) -> str:
    """'ok' when the command finished normally and every row got a MessageID."""
    if measured["stopped"]:
        return f"stopped: {measured['stopped']}, {sent:,} rows sent"
    if measured["exit"] != 0:
        return f"exit status {measured['exit']}, {sent:,} of {rows:,} rows sent"
    if sent != rows:
        return f"{sent:,} of {rows:,} rows sent"
    return "ok"


def measure_cli(
    python: str,
    env: dict[str, str],
    url: str,
    ca: str,
    folder: Path,
    rows: int,
    timeout: float,
    profile: bool = False,
) -> dict[str, Any]:
    """``postmark batch`` on a fresh ``rows``-row file: peak MB, seconds, check, output tail;
    with ``profile``, run under cProfile, whose top entries are the result's ``profile``."""
    folder.mkdir(parents=True, exist_ok=True)
    source, results, output = folder / f"{rows}.jsonl", folder / f"{rows}.results", folder / "out"
    if not source.exists():
        write_jsonl(source, rows)
    results.unlink(missing_ok=True)
    profiler = ["-m", "cProfile", "-s", "tottime"] if profile else []
    command = [python, *profiler, *cli_command(url, source, results)]
    env = {**env, "REQUESTS_CA_BUNDLE": ca}
    measured = run_measured(command, env, output, timeout, RSS_CAP_MB)
    measured["check"] = verdict(rows, measured, count_sent(results))
    # Stopped by us (too big, too long) is a measurement; anything else failing is a crash.
    measured["crashed"] = measured["check"] != "ok" and not measured["stopped"]
    printed = output.read_text(errors="replace").strip().splitlines()
    measured["output"] = printed[-1][:300] if printed else ""
    if profile:
        measured["profile"] = "\n".join(printed[:PROFILE_LINES])
    results.unlink(missing_ok=True)
    return measured


def cli_command(url: str, source: Path, results: Path) -> list[str]:
    """The arguments after the interpreter: ``-m postmark ... batch SOURCE --results ...``."""
    command = ["-m", "postmark", "--token", TOKEN, "--base-url", url]
    return [*command, "batch", str(source), "--results", str(results), "--no-progress"]


class Recorder(Protocol):
    """What :func:`resume_check` needs of ``servers.RecordingBatchServer``."""

    url: str
    records: dict[str, list[str]]
    requests: int
    in_flight: int

    def clear(self) -> None: ...


def resume_check(
    python: str, env: dict[str, str], server: Recorder, folder: Path, rows: int, timeout: float
) -> str:
    """Kill ``postmark batch`` (SIGKILL) with a request in flight halfway through, run it
    again to the end; 'ok' (with how many rows were listed as uncertain) when no row was
    stored twice, every row with a MessageID in the results was stored once under that
    ID and every row not stored is listed without one; otherwise what is wrong."""
    folder.mkdir(parents=True, exist_ok=True)
    source, results = folder / f"resume-{rows}.jsonl", folder / f"resume-{rows}.results"
    write_jsonl(source, rows)
    results.unlink(missing_ok=True)
    server.clear()
    command = [python, *cli_command(server.url, source, results)]
    first = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_mid_request(first, server, rows // PER_REQUEST // 2, timeout)
    finally:
        first.kill()  # SIGKILL
        first.wait()
    killed_after = server.requests
    second = subprocess.run(command, env=env, capture_output=True, timeout=timeout, check=False)
    # 1: some rows failed; 5: some rows are uncertain (listed, not resent), as docs/cli.md says.
    if second.returncode not in (0, 1, 5):
        last = (second.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
        return f"the second run exited {second.returncode}: {last}"
    check = resume_verdict(rows, server.records, *read_results(results))
    return f"{check} (killed after {killed_after} of {rows // PER_REQUEST} requests)"


def _wait_for_mid_request(
    process: subprocess.Popen[bytes], server: Recorder, answered: int, timeout: float
) -> None:
    """Return once ``answered`` requests were answered and another one is in flight."""
    deadline = time.monotonic() + timeout
    while not (server.requests >= answered and server.in_flight > 0):
        if process.poll() is not None:
            raise RuntimeError(
                f"postmark batch ended (status {process.returncode}) before the kill"
            )
        if time.monotonic() > deadline:
            raise RuntimeError(f"postmark batch not halfway after {timeout:g} s")
        time.sleep(0.002)


def resume_verdict(
    rows: int,
    records: dict[str, list[str]],
    results: dict[int, dict[str, Any]],
    journalled: set[int] | frozenset[int] = frozenset(),
) -> str:
    """Row ``i`` (line ``i + 1``, subject ``cli i``) against what the server stored; a row
    is listed when it has a result or a journal line (``journalled``)."""
    counts = {"stored twice": 0, "with a MessageID the server did not store": 0}
    counts.update({"sent but not in the results": 0, "neither sent nor listed": 0})
    uncertain = 0
    for i in range(rows):
        stored = records.get(f"cli {i}", [])
        entry = results.get(i + 1)
        if len(stored) > 1:
            counts["stored twice"] += 1
        elif entry is None and i + 1 in journalled:
            uncertain += bool(stored)  # its request went out, its answer never came back
        elif entry is None:
            counts["sent but not in the results" if stored else "neither sent nor listed"] += 1
        elif entry.get("MessageID"):
            if stored != [entry["MessageID"]]:
                counts["with a MessageID the server did not store"] += 1
        elif stored:
            uncertain += 1  # sent once, its answer lost with the killed run: listed, not resent
    problems = [f"{n} {what}" for what, n in counts.items() if n]
    return "; ".join(problems) or f"ok, {uncertain} listed as uncertain"
