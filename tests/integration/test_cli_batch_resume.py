"""``postmark batch`` killed with SIGKILL mid-run, then run again: nothing is sent twice.

The command runs as a real subprocess against a canned-answer server that
counts every message it receives by its ``To`` address. The server holds
one request (after counting its messages: they "reached Postmark") until the
test has killed the client, so the kill always lands while that request is
in flight, with no timing guesses.
"""

from __future__ import annotations

import json
import re
import signal
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest

from postmark.sandbox import Sandbox

from .canned_batch_server import CannedBatchServer, serving
from .cli_run import assert_clean, batch_results, postmark, started

ROWS = 2600  # requests of 500, 500, 500, 500, 500, 100


def write_jsonl(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            row = {"from": "me@example.com", "to": f"u{i}@example.com", "subject": f"n{i}"}
            handle.write(json.dumps({**row, "text_body": "hi"}) + "\n")
    return path


def address(line: int) -> str:
    return f"u{line - 1}@example.com"  # line 1 holds u0


def listed_lines(stderr: str) -> set[int]:
    """The line numbers an uncertain-messages error lists (``lines 1001-1500, 1700``)."""
    found = re.search(r"\(lines ([0-9, -]+)\)", stderr)
    assert found, stderr
    numbers: set[int] = set()
    for part in found.group(1).split(", "):
        first, _, last = part.partition("-")
        numbers.update(range(int(first), int(last or first) + 1))
    return numbers


def kill_while_held(server: CannedBatchServer, *args: str) -> None:
    process = started(server.url, "batch", *args, "--no-progress")
    try:
        assert server.held.wait(120), "the held request never arrived"
        process.send_signal(signal.SIGKILL)
        process.wait(60)
    finally:
        process.kill()
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    server.let_go()


@pytest.mark.parametrize("concurrency", ["1", "4"])
def test_sigkill_then_rerun_sends_each_row_exactly_once(tmp_path: Path, concurrency: str) -> None:
    source = write_jsonl(tmp_path / "m.jsonl", ROWS)
    results = tmp_path / "r.jsonl"
    args = (str(source), "--results", str(results), "--concurrency", concurrency)
    with serving(hold_at=3) as server:
        kill_while_held(server, *args)
        held = {line for line in range(1, ROWS + 1) if address(line) in server.held_batch}
        assert len(held) == 500
        # The journal has the held request's "sending" record and no result for it.
        entries = [json.loads(line) for line in results.read_text().splitlines()]
        assert held in [set(e["sending"]) for e in entries if "sending" in e]
        assert not any(e.get("line") in held for e in entries)

        second = postmark(server, "batch", *args)
        assert_clean(second)
        assert second.returncode == 5, second.stderr
        uncertain = listed_lines(second.stderr)
        assert held <= uncertain
        assert "pass --resend-uncertain" in second.stderr
        assert f"uncertain {len(uncertain)} (not resent)" in second.stdout
        # Every row reached the server once, except uncertain ones whose request
        # may not have gone out before the kill (at most once, never twice).
        assert max(server.received.values()) == 1
        for line in set(range(1, ROWS + 1)) - uncertain:
            assert server.received[address(line)] == 1, line

        third = postmark(server, "batch", *args)
        assert third.returncode == 5
        assert third.stdout.startswith(f"sent 0, already sent before {ROWS - len(uncertain)},")
        assert max(server.received.values()) == 1

        # Counted before the resend: whether an uncertain request reached the
        # server before the kill depends on timing (at concurrency 4 a later
        # chunk may or may not have gone out).
        before = {address(line): 1 for line in uncertain if address(line) in server.received}
        resent = postmark(server, "batch", *args, "--resend-uncertain")
        assert resent.returncode == 0, resent.stderr
        assert resent.stdout.startswith(f"sent {len(uncertain)}, already sent before")
        expected = Counter({address(line): 1 for line in range(1, ROWS + 1)}) + Counter(before)
        assert server.received == expected  # the uncertain ones again, as asked; no other

        last_run = postmark(server, "batch", *args)
        assert last_run.returncode == 0
        assert last_run.stdout.startswith(f"sent 0, already sent before {ROWS}, failed 0;")
        assert server.received == expected


def test_a_journal_line_cut_by_a_kill_is_dropped_and_the_run_goes_on(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "m.jsonl", 1200)
    results = tmp_path / "r.jsonl"
    with serving() as server:
        first = postmark(server, "batch", str(source), "--results", str(results))
        assert first.returncode == 0, first.stderr
        text = results.read_text()
        # Lose the last result line but for its first 30 bytes, as a kill mid-write would.
        lines = text.splitlines(keepends=True)
        cut = "".join(lines[:-1]) + lines[-1][:30]
        results.write_text(cut)
        lost = json.loads(lines[-1])["line"]

        second = postmark(server, "batch", str(source), "--results", str(results))
        assert_clean(second)
        # The cut line is gone: its message's request went out (a "sending" record
        # says so) and no result remains, so it is uncertain, not resent.
        assert second.returncode == 5, second.stderr
        assert listed_lines(second.stderr) == {lost}
        assert server.messages == 1200
        assert results.read_text() == cut  # nothing sent, nothing written

        third = postmark(
            server, "batch", str(source), "--results", str(results), "--resend-uncertain"
        )
        assert third.returncode == 0, third.stderr
        assert third.stdout.startswith("sent 1, already sent before 1199, failed 0;")
        assert server.received[address(lost)] == 2
        # The cut bytes were dropped before appending: every line is whole JSON.
        assert results.read_text().startswith("".join(lines[:-1]) + '{"sending": ')
        assert len(batch_results(results)) == 1200  # 1199 and the resent one

        fourth = postmark(server, "batch", str(source), "--results", str(results))
        assert fourth.returncode == 0, fourth.stderr
        assert fourth.stdout.startswith("sent 0, already sent before 1200, failed 0;")


def test_concurrent_run_against_the_sandbox_sends_each_row_once_in_order(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "m.jsonl", ROWS)
    results = tmp_path / "r.jsonl"
    with Sandbox() as sandbox:
        run = postmark(
            sandbox, "batch", str(source), "--results", str(results), "--concurrency", "4"
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith(f"sent {ROWS}, already sent before 0, failed 0;")
        stored = {m["To"]: m["MessageID"] for m in sandbox.messages()}
        assert len(sandbox.messages()) == ROWS and len(stored) == ROWS
        # Each line's result holds the MessageID the sandbox gave that line's message.
        entries = batch_results(results)
        assert sorted(e["line"] for e in entries) == list(range(1, ROWS + 1))
        assert all(stored[address(e["line"])] == e["MessageID"] for e in entries)

        again = postmark(
            sandbox, "batch", str(source), "--results", str(results), "--concurrency", "4"
        )
        assert again.stdout.startswith(f"sent 0, already sent before {ROWS}, failed 0;")
        assert len(sandbox.messages()) == ROWS


def _run_peak(tmp_path: Path, count: int, capsys: pytest.CaptureFixture[str]) -> int:
    """Peak Python memory of ``postmark batch`` over ``count`` rows, run in this process."""
    from postmark.cli import main

    source = write_jsonl(tmp_path / f"m{count}.jsonl", count)
    results = tmp_path / f"r{count}.jsonl"
    with serving(remember=False) as server:
        argv = ["--token", "t", "--base-url", server.url, "batch", str(source)]
        tracemalloc.start()
        try:
            status = main([*argv, "--results", str(results), "--no-progress"])
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert status == 0, capsys.readouterr().err
        assert server.messages == count
    assert capsys.readouterr().out.startswith(f"sent {count},")
    return peak


def test_memory_does_not_grow_with_the_number_of_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run_peak(tmp_path, 10, capsys)  # imports and first-use caches, not counted
    small = _run_peak(tmp_path, 1_000, capsys)
    large = _run_peak(tmp_path, 5_000, capsys)
    # Holding every row (or every result) would make it 5 times larger.
    assert large < small * 1.5, (small, large)


def test_a_timeout_leaves_its_rows_uncertain_and_the_unsent_ones_to_send(tmp_path: Path) -> None:
    source = tmp_path / "m.jsonl"
    plain = {"from": "me@example.com", "to": "u0@example.com", "subject": "s", "text_body": "x"}
    template = {"from": "me@example.com", "to": "u1@example.com", "template_alias": "welcome"}
    source.write_text(json.dumps(plain) + "\n" + json.dumps(template) + "\n")
    results = tmp_path / "r.jsonl"
    args = ("batch", str(source), "--results", str(results))
    with serving(hold_at=1) as server:  # /email/batch never answers; batchWithTemplates waits
        first = postmark(server, "--timeout", "1", "--retries", "0", *args)
        assert first.returncode == 4, first.stderr
        assert "did not answer in time" in first.stderr
        assert server.requests == 1  # the template row's request was never made
        entries = {e["line"]: e for e in batch_results(results)}
        assert entries[1]["MayHaveBeenSent"] is True
        assert entries[2]["MayHaveBeenSent"] is False  # stopped before its request
        server.let_go()

        second = postmark(server, *args)
        assert second.returncode == 5, second.stderr
        assert listed_lines(second.stderr) == {1}
        assert second.stdout.startswith("sent 1, already sent before 0, failed 0, uncertain 1")
        assert server.received == Counter({"u0@example.com": 1, "u1@example.com": 1})


def test_a_second_run_on_the_same_results_file_is_refused(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "m.jsonl", 600)
    results = tmp_path / "r.jsonl"
    args = ("batch", str(source), "--results", str(results), "--no-progress")
    with serving(hold_at=1) as server:
        first = started(server.url, *args)
        try:
            assert server.held.wait(120)
            second = postmark(server, *args)
            assert second.returncode == 2
            assert second.stderr.splitlines() == [
                f"postmark: error: {results} is in use by another postmark batch run; "
                "wait for it to end, or pass another --results file"
            ]
            server.let_go()
            _, err = first.communicate(timeout=120)
        finally:
            first.kill()
        assert first.returncode == 0, err
        assert server.messages == 600 and max(server.received.values()) == 1
