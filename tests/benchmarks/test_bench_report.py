"""The benchmark's report: same-run ratios, the targets' verdicts, what fails a run."""

from __future__ import annotations

from clients import DICTS, FAIR, FLOOR, THIS
from report import Results, paired_ratio, table


def target(text: str, start: str) -> str:
    """The printed target line starting with ``- start``."""
    found = [line for line in text.splitlines() if line.startswith(f"- {start}")]
    assert len(found) == 1, found
    return found[0]


def results(**values: object) -> Results:
    res = Results(runs=2)
    for name, value in values.items():
        setattr(res, name, value)
    return res


def test_ratios_pair_values_of_the_same_run():
    # Run 1: 2/1, run 2: 6/2: the median of per-run ratios, not the ratio of medians.
    assert paired_ratio([2, 6], [1, 2]) == 2.5
    assert paired_ratio([2, None], [1, 2]) == 2.0
    assert paired_ratio([None], [1]) is None


def test_batch_targets_against_postmarker_and_the_fair_floor():
    res = results(
        batch={
            THIS: [30_000, 34_000],
            "postmarker": [20_000, 20_000],
            FAIR: [40_000, 40_000],
            DICTS: [35_000, 37_000],
            FLOOR: [100_000, 100_000],
        }
    )
    text = table(res, {})
    assert target(text, "PMBatchMail ≥ 1.5x postmarker").endswith(": 1.60x → MET")
    assert target(text, "PMBatchMail ≥ 0.8x the fair").endswith(": 0.80x → MET")
    assert target(text, "ServerClient.email.send_batch").endswith(": 0.90x → MET")
    res.batch[DICTS] = [35_000, 36_000]
    assert target(table(res, {}), "ServerClient.email.send_batch").endswith(": 0.89x → NOT MET")
    # Both floors are shown beside each batch rate.
    assert "| 32,000 (0.32x / 0.80x) |" in text


def test_sequential_and_import_targets_use_the_new_thresholds():
    res = results(
        send={THIS: [2_400], FLOOR: [1_000]},
        imports={
            THIS: {"import postmark": [10.0], "from postmark import PMMail": [101.0]},
            FLOOR: {"import requests": [100.0]},
        },
    )
    text = table(res, {})
    assert target(text, "sequential").endswith(": 2.40x → NOT MET")
    assert target(text, "`from postmark import PMMail`").endswith(": 1.01x → NOT MET")
    res.send[THIS], res.imports[THIS]["from postmark import PMMail"] = [2_500], [100.0]
    text = table(res, {})
    assert target(text, "sequential").endswith(": 2.50x → MET")
    assert target(text, "`from postmark import PMMail`").endswith(": 1.00x → MET")


def test_parallel_speed_up_is_wall_time_at_1_over_wall_time_at_8():
    res = results(
        parallel={1: {DICTS: [24.0, 30.0]}, 4: {DICTS: [7.0, 8.0]}, 8: {DICTS: [4.0, 4.0]}},
        parallel_check={DICTS: ["ok"] * 6},
    )
    text = table(res, {})
    assert target(text, "parallel").endswith(": 6.75x, checks: ok → MET")
    assert "| 27.00 s (1.00x) | 7.50 s (3.59x) | 4.00 s (6.75x) | every message once |" in text
    res.parallel_check[DICTS][3] = "1 stored twice"
    assert target(table(res, {}), "parallel").endswith("1 stored twice, ok → NOT MET")


def test_parallel_without_concurrency_support_is_not_measured():
    res = results(parallel_unsupported="concurrency= not supported by this checkout")
    line = target(table(res, {}), "parallel")
    assert line.endswith("not supported by this checkout → NOT MEASURED")


def cli(peak: float, check: str = "ok", stopped: str | None = None) -> dict[str, object]:
    return {"peak_mb": peak, "seconds": 10.0, "check": check, "stopped": stopped, "crashed": False}


def test_cli_targets_peak_of_the_largest_file_and_growth():
    res = results(cli={100_000: cli(60.0), 1_000_000: cli(70.0)})
    text = table(res, {})
    assert target(text, "CLI: 1,000,000 rows under 100 MB").endswith("70.0 MB (ok) → MET")
    assert target(text, "CLI: growth").endswith(": +17 % → MET")
    res.cli[1_000_000] = cli(75.0)
    assert target(table(res, {}), "CLI: growth").endswith(": +25 % → NOT MET")


def test_a_cli_run_stopped_early_meets_no_cli_target_even_when_small():
    stopped = cli(50.0, "stopped: still running after 900 s, 3,000 rows sent", "time")
    res = results(cli={100_000: cli(50.0), 1_000_000: stopped})
    text = table(res, {})
    assert target(text, "CLI: 1,000,000 rows").endswith("→ NOT MET")
    assert target(text, "CLI: growth").endswith("→ NOT MET")


def test_failures_are_crashes_and_failed_exactly_once_checks_not_missed_targets():
    res = results(
        batch={THIS: [1.0], "postmarker": [100.0]},  # far below target: not a failure
        threads_check={THIS: ["ok", "2 stored twice"]},
        parallel_check={DICTS: ["ok"]},
        cli={10_000: {**cli(5.0, "exit status 1, 0 of 10,000 rows sent"), "crashed": True}},
        notes=["run 1 batch postmarker: boom"],
    )
    assert res.failures() == [
        "crashed: run 1 batch postmarker: boom",
        "threads python-postmark: 2 stored twice",
        "cli 10,000 rows: exit status 1, 0 of 10,000 rows sent",
    ]
    assert results(threads_check={THIS: ["ok"]}).failures() == []
    resumed = results(cli_resume="500 stored twice (killed after 10 of 20 requests)")
    assert resumed.failures() == [
        "cli SIGKILL and resume: 500 stored twice (killed after 10 of 20 requests)"
    ]
    assert results(cli_resume="ok, 500 listed as uncertain").failures() == []


def test_the_resume_target():
    text = table(results(cli_resume="ok, 500 listed as uncertain (killed after 10 of 20)"), {})
    assert target(text, "CLI: resume").endswith(
        ": ok, 500 listed as uncertain (killed after 10 of 20) → MET"
    )
    text = table(results(cli_resume="500 stored twice (killed after 10 of 20 requests)"), {})
    assert target(text, "CLI: resume").endswith("→ NOT MET")
    assert target(table(results(), {}), "CLI: resume").endswith("not run → NOT MEASURED")
