"""The benchmark's command line, QUICK mode, and the worker's clients (no timing)."""

from __future__ import annotations

import argparse
import json

import pytest
import responses
import run
import worker
from clients import SCENARIO_CLIENTS


def test_quick_mode_small_sizes_one_run(monkeypatch):
    monkeypatch.delenv("BENCH_QUICK", raising=False)
    full, quick = run.parse_args([]), run.parse_args(["--quick"])
    assert (full.quick, full.runs, full.sizes) == (False, 5, run.FULL)
    assert (quick.quick, quick.runs, quick.sizes) == (True, 1, run.QUICK)
    assert quick.scenarios == full.scenarios == list(run.SCENARIOS)
    assert run.QUICK.batch < run.FULL.batch and run.QUICK.parallel < run.FULL.parallel
    # An explicit option wins over QUICK mode's default.
    assert run.parse_args(["--quick", "--runs", "2"]).runs == 2


@pytest.mark.parametrize(("value", "quick"), [("1", True), ("0", False), ("", False)])
def test_quick_mode_from_the_environment(monkeypatch, value, quick):
    monkeypatch.setenv("BENCH_QUICK", value)
    assert run.parse_args([]).quick is quick


def test_profile_runs_only_its_scenario_for_this_library():
    args = run.parse_args(["--profile", "batch-dicts"])
    assert (args.runs, args.scenarios) == (1, ["batch"])
    assert set(args.clients) == {"python-postmark", "python-postmark-dicts"}
    with pytest.raises(SystemExit):
        run.parse_args(["--profile", "nonsense"])


def test_every_scenario_has_its_clients():
    assert set(SCENARIO_CLIENTS) == set(run.SCENARIOS)


def test_missed_targets_pick_the_profiles_that_explain_them():
    bench = argparse.Namespace(args=argparse.Namespace(scenarios=list(run.SCENARIOS)))
    printed = "\n".join(
        [
            "- PMBatchMail ≥ 1.5x postmarker's send_batch: 0.93x → NOT MET",
            "- PMBatchMail ≥ 0.8x the fair batch floor: 0.37x → NOT MET",
            "- ServerClient.email.send_batch of dicts ≥ 0.9x the fair batch floor: 0.95x → MET",
            "- CLI: 1,000,000 rows under 100 MB peak RSS: 131.9 MB (ok) → NOT MET",
            "- sequential PMMail.send ≥ 2.5x the requests floor: n/a → NOT MEASURED",
            "- `from postmark import PMMail` ≤ 1.0x `import requests`: 1.57x → NOT MET",
        ]
    )
    assert run.missed_profiles(bench, printed) == ["batch", "cli", "import"]
    bench.args.scenarios = ["batch"]
    assert run.missed_profiles(bench, printed) == ["batch"]


@responses.activate
def test_the_fair_floor_builds_and_serialises_inside_the_timed_call(monkeypatch):
    responses.post(
        "https://floor.test/email/batch",
        json=[{"MessageID": "x", "ErrorCode": 0}] * 500,
    )
    encoded: list[int] = []
    real_dumps = worker.dumps
    monkeypatch.setattr(worker, "dumps", lambda value: encoded.append(1) or real_dumps(value))
    floor = worker.FairFloor({"url": "https://floor.test"})
    run_batch = floor.batch([f"s{i}" for i in range(1_000)])
    assert (len(encoded), len(responses.calls)) == (0, 0)  # nothing done before the clock
    answers = run_batch()
    assert len(encoded) == 2
    assert len(answers) == 1_000
    bodies = [json.loads(call.request.body) for call in responses.calls]
    assert [len(body) for body in bodies] == [500, 500]
    assert bodies[1][0] == worker.message("s500")


def test_concurrency_is_detected_from_send_batch_s_signature():
    client = worker.ThisLibraryDicts({"url": "https://example.test"})

    class Email:
        def send_batch(self, messages, *, concurrency=1):
            return ("sent", len(messages), concurrency)

    class Legacy:
        def send_batch(self, messages):
            raise AssertionError("never called")

    client.client = argparse.Namespace(email=Legacy())
    assert client.parallel(["a"], 8) is None
    client.client = argparse.Namespace(email=Email())
    assert client.parallel(["a", "b"], 8)() == ("sent", 2, 8)
