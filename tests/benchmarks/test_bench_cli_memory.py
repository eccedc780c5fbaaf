"""The CLI memory scenario's machinery: input files, peak RSS of a child, stopping it."""

from __future__ import annotations

import json
import sys

import pytest
from cli_memory import (
    count_sent,
    read_results,
    resume_verdict,
    run_measured,
    verdict,
    write_jsonl,
)


def test_the_input_file_has_one_message_a_line_with_unique_subjects(tmp_path):
    path = tmp_path / "in.jsonl"
    write_jsonl(path, 1_000)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == 1_000
    assert len({row["Subject"] for row in rows}) == 1_000
    assert set(rows[0]) == {"From", "To", "Subject", "TextBody"}


def test_rows_must_fill_whole_canned_answers(tmp_path):
    with pytest.raises(ValueError, match="multiple of 500"):
        write_jsonl(tmp_path / "in.jsonl", 1_250)


def child(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_peak_rss_is_the_childs_own(tmp_path):
    small = run_measured(child("pass"), {}, tmp_path / "out", timeout=60, cap_mb=2_000)
    big = run_measured(
        child("b = bytearray(200_000_000); b[::4096] = b'x' * len(b[::4096])"),
        {},
        tmp_path / "out",
        timeout=60,
        cap_mb=2_000,
    )
    assert (small["exit"], small["stopped"], big["exit"], big["stopped"]) == (0, None, 0, None)
    assert small["peak_mb"] < 100
    assert 200 <= big["peak_mb"] < 300


def test_the_benchmark_s_own_memory_is_not_counted(tmp_path):
    # Linux counts the memory of the process a child was forked from in the child's
    # ru_maxrss (until exec): forked from this test holding 300 MB, "pass" would show 300.
    held = bytearray(300_000_000)
    held[::4096] = b"x" * len(held[::4096])
    out = run_measured(child("pass"), {}, tmp_path / "out", timeout=60, cap_mb=2_000)
    assert out["peak_mb"] < 100
    del held


def test_a_child_over_the_cap_is_stopped(tmp_path):
    code = (
        "import time; b = bytearray(300_000_000); b[::4096] = b'x' * len(b[::4096]); time.sleep(60)"
    )
    out = run_measured(child(code), {}, tmp_path / "out", timeout=60, cap_mb=100)
    assert out["stopped"] == "over 100 MB"
    assert out["exit"] == -9
    assert out["seconds"] < 30


def test_a_child_past_its_time_is_stopped(tmp_path):
    out = run_measured(child("import time; time.sleep(60)"), {}, tmp_path / "out", 0.5, 2_000)
    assert out["stopped"] == "still running after 0.5 s"
    assert out["exit"] == -9


def test_sent_rows_are_counted_from_the_results_file(tmp_path):
    results = tmp_path / "results.jsonl"
    assert count_sent(results) == 0
    results.write_text(
        '{"line": 1, "MessageID": "a"}\n{"line": 2, "ErrorCode": 300, "Message": "x"}\n\n'
        '{"line": 3, "MessageID": "b"}\n'
    )
    assert count_sent(results) == 2


def test_a_streaming_cli_s_journal_lines_name_rows_and_the_last_result_counts(tmp_path):
    results = tmp_path / "results.jsonl"
    results.write_text(
        '{"sending": [1, 2, 3], "fingerprints": ["a", "b", "c"]}\n'
        '{"line": 1, "ErrorCode": 300, "Message": "x"}\n'
        '{"line": 2, "MessageID": "m2"}\n'
        '{"line": 1, "MessageID": "m1"}\n'
    )
    found, journalled = read_results(results)
    assert found[1]["MessageID"] == "m1"
    assert set(found) == {1, 2}
    assert journalled == {1, 2, 3}
    assert count_sent(results) == 2


def test_verdict():
    done = {"stopped": None, "exit": 0}
    assert verdict(3, done, 3) == "ok"
    assert verdict(3, done, 2) == "2 of 3 rows sent"
    assert verdict(3, {"stopped": None, "exit": 1}, 0) == "exit status 1, 0 of 3 rows sent"
    stopped = {"stopped": "over 1500 MB", "exit": -9}
    assert verdict(3, stopped, 1) == "stopped: over 1500 MB, 1 rows sent"


def test_resume_verdict_ok_counts_the_rows_listed_as_uncertain():
    records = {"cli 0": ["a"], "cli 1": ["b"], "cli 2": ["c"]}
    results = {
        1: {"line": 1, "MessageID": "a"},
        2: {"line": 2, "ErrorCode": None, "MayHaveBeenSent": True},  # sent; answer lost
        3: {"line": 3, "MessageID": "c"},
        4: {"line": 4, "ErrorCode": 300, "Message": "invalid"},  # refused, never stored
    }
    assert resume_verdict(4, {**records}, results) == "ok, 1 listed as uncertain"


def test_resume_verdict_rows_in_a_journal_line_without_a_result_are_listed():
    # Killed with the request for lines 2-3 in flight: the server stored line 2 only.
    records = {"cli 0": ["a"], "cli 1": ["b"]}
    results = {1: {"line": 1, "MessageID": "a"}}
    assert resume_verdict(3, records, results, {1, 2, 3}) == "ok, 1 listed as uncertain"
    assert resume_verdict(3, records, results, set()) == (
        "1 sent but not in the results; 1 neither sent nor listed"
    )


def test_resume_verdict_finds_rows_sent_twice_lost_or_unlisted():
    records = {"cli 0": ["a", "a2"], "cli 1": ["b"], "cli 2": ["c"]}
    results = {1: {"line": 1, "MessageID": "a2"}, 2: {"line": 2, "MessageID": "x"}}
    assert resume_verdict(4, records, results) == (
        "1 stored twice; 1 with a MessageID the server did not store; "
        "1 sent but not in the results; 1 neither sent nor listed"
    )
