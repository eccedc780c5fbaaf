"""Medians, same-run ratios, the results tables and the targets (the format README.md shows)."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clients import DICTS, FAIR, FLOOR, ROWS, THIS

Values = dict[str, list[Any]]  # client -> one value per run (None: that run failed)


@dataclass
class Results:
    """Everything measured, per scenario, client and run."""

    runs: int
    batch_count: int = 10_000
    parallel_count: int = 100_000
    quick: bool = False
    send: Values = field(default_factory=dict)
    batch: Values = field(default_factory=dict)
    # "build_seconds" / "send_seconds" (this library), "serialise_seconds" (floors)
    batch_parts: dict[str, Values] = field(default_factory=dict)
    rss: Values = field(default_factory=dict)
    traced: Values = field(default_factory=dict)
    imports: dict[str, Values] = field(default_factory=dict)  # client -> label -> ms per run
    threads: Values = field(default_factory=dict)
    single: Values = field(default_factory=dict)
    threads_check: Values = field(default_factory=dict)  # "ok" or what went wrong
    # concurrency -> client -> wall seconds per run; checks: "ok" or what went wrong
    parallel: dict[int, Values] = field(default_factory=dict)
    parallel_check: Values = field(default_factory=dict)
    parallel_unsupported: str = ""  # why concurrency= could not be measured
    cli: dict[int, dict[str, Any]] = field(default_factory=dict)  # rows -> one measurement
    cli_resume: str = ""  # the SIGKILL resume check: "ok, ..." or what went wrong
    notes: list[str] = field(default_factory=list)

    def add(self, table: Values, client: str, value: Any) -> None:
        table.setdefault(client, []).append(value)

    def failures(self) -> list[str]:
        """What makes the benchmark exit non-zero: a scenario that crashed, or an
        exactly-once check that failed (never a missed speed target)."""
        out = [f"crashed: {note}" for note in self.notes]
        for scenario, checks in (
            ("threads", self.threads_check),
            ("parallel", self.parallel_check),
        ):
            for client, values in checks.items():
                out += [f"{scenario} {client}: {c}" for c in values if c != "ok"]
        out += [f"cli {rows:,} rows: {m['check']}" for rows, m in self.cli.items() if m["crashed"]]
        if self.cli_resume and not self.cli_resume.startswith("ok"):
            out.append(f"cli SIGKILL and resume: {self.cli_resume}")
        return out


def median(values: list[Any]) -> float | None:
    numbers = [v for v in values if isinstance(v, (int, float))]
    return statistics.median(numbers) if numbers else None


def paired_ratio(values: list[Any], reference: list[Any]) -> float | None:
    """Median over runs of value/reference, each pair measured in the same run."""
    ratios = [
        v / r
        for v, r in zip(values, reference, strict=False)
        if isinstance(v, (int, float)) and isinstance(r, (int, float)) and r
    ]
    return statistics.median(ratios) if ratios else None


def _cell(value: float | None, ratio: float | None, fmt: Callable[[float], str]) -> str:
    if value is None:
        return "n/a"
    return fmt(value) + (f" ({ratio:.2f}x)" if ratio is not None else "")


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def _floors(results: Results) -> dict[str, list[Any]]:
    return {
        "send": results.send.get(FLOOR, []),
        "batch": results.batch.get(FLOOR, []),
        "fair": results.batch.get(FAIR, []),
        "rss": results.rss.get(FLOOR, []),
        "import": results.imports.get(FLOOR, {}).get("import requests", []),
    }


def table(results: Results, skipped: dict[str, str], rows: list[tuple[str, str]] = ROWS) -> str:
    """The Markdown results tables plus the targets, as printed and as in README.md."""
    floor = _floors(results)
    lines = [
        f"Medians of {results.runs} interleaved runs; (x) is the median of same-run ratios "
        "against the requests floor (batch: against the pre-serialised floor / the fair "
        "floor; threads: against the same client's own single-thread rate through the same "
        "proxy)." + (" QUICK mode: small sizes, one run, targets not enforced." * results.quick),
        "",
        "| client | sequential send msg/s (x floor) | "
        f"{results.batch_count:,}-message batch msg/s (x floor / x fair floor) "
        "| 8 MiB attachment: extra peak RSS MB (x floor) / traced MB | import ms (x `import "
        "requests`) | 8 threads, 20 ms proxy: msg/s (x 1 thread), check |",
        "|---|---|---|---|---|---|",
    ]
    for name, label in rows:
        if name in skipped:
            lines.append(f"| {label} | skipped: {skipped[name]} | | | | |")
            continue
        cells = [_send_cell(results, name, floor), _batch_cell(results, name, floor)]
        cells += [_rss_cell(results, name, floor), _imports_cell(results, name, floor)]
        cells.append(_threads_cell(results, name))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", *batch_notes(results), "", *parallel_table(results), "", *cli_table(results)]
    lines += ["", *targets(results, floor)]
    return "\n".join(lines)


def _send_cell(results: Results, name: str, floor: dict[str, list[Any]]) -> str:
    values = results.send.get(name, [])
    return (
        _cell(median(values), paired_ratio(values, floor["send"]), _rate) if values else "not run"
    )


def _batch_cell(results: Results, name: str, floor: dict[str, list[Any]]) -> str:
    values = results.batch.get(name, [])
    if not values:
        return "not run"
    rate = median(values)
    ratios = [paired_ratio(values, floor[f]) for f in ("batch", "fair")]
    shown = " / ".join(f"{r:.2f}x" for r in ratios if r is not None)
    return "n/a" if rate is None else f"{rate:,.0f}" + (f" ({shown})" if shown else "")


def _rss_cell(results: Results, name: str, floor: dict[str, list[Any]]) -> str:
    values = results.rss.get(name, [])
    if not values:
        return "not run"
    cell = _cell(median(values), paired_ratio(values, floor["rss"]), lambda v: f"{v:.1f}")
    traced = median(results.traced.get(name, []))
    return cell + (f" / {traced:.1f}" if traced is not None else "")


def _imports_cell(results: Results, name: str, floor: dict[str, list[Any]]) -> str:
    shown = [
        f"`{label}` " + _cell(median(ms), paired_ratio(ms, floor["import"]), lambda v: f"{v:.0f}")
        for label, ms in results.imports.get(name, {}).items()
    ]
    return "<br>".join(shown) or "not run"


def _threads_cell(results: Results, name: str) -> str:
    if name not in results.threads:
        return "not run"
    rate = median(results.threads[name])
    ratio = paired_ratio(results.threads[name], results.single.get(name, []))
    return _cell(rate, ratio, _rate) + _checks_text(results.threads_check.get(name, []))


def _checks_text(checks: list[Any]) -> str:
    found = {c for c in checks if c}
    return ", every message once" if found == {"ok"} else f", {'; '.join(sorted(found))}"


def parallel_table(results: Results) -> list[str]:
    """Wall time per concurrency level and the speed-up over concurrency 1."""
    head = (
        f"Parallel: {results.parallel_count:,} messages through the 20 ms-each-way proxy to a "
        "server taking 50 ms per batch request (500 messages), "
        "`ServerClient.email.send_batch(..., concurrency=N)`"
    )
    if results.parallel_unsupported:
        return [f"{head}: {results.parallel_unsupported}."]
    if not results.parallel:
        return [f"{head}: not run."]
    levels = sorted(results.parallel)
    lines = [
        head + "; wall seconds (x concurrency 1), medians:",
        "",
        "| client | " + " | ".join(f"concurrency {n}" for n in levels) + " | check |",
        "|---|" + "---|" * (len(levels) + 1),
    ]
    label = dict(ROWS)
    for name in sorted({c for level in results.parallel.values() for c in level}):
        first = results.parallel[levels[0]].get(name, [])
        cells = [
            _cell(
                median(results.parallel[n].get(name, [])),
                paired_ratio(first, results.parallel[n].get(name, [])),
                lambda v: f"{v:.2f} s",
            )
            for n in levels
        ]
        check = _checks_text(results.parallel_check.get(name, [])).removeprefix(", ")
        lines.append(f"| {label.get(name, name)} | " + " | ".join(cells) + f" | {check} |")
    return lines


def cli_table(results: Results) -> list[str]:
    """``postmark batch``: peak RSS and time per file size (one run each)."""
    if not results.cli:
        return ["CLI memory (`postmark batch`): not run."]
    lines = [
        "CLI memory: `python -m postmark batch FILE.jsonl --results ...` against nginx's "
        "canned answers, one run per size:",
        "",
        "| rows | peak RSS MB | seconds (rows/s) | check |",
        "|---|---|---|---|",
    ]
    for rows, m in sorted(results.cli.items()):
        rate = rows / m["seconds"] if m["check"] == "ok" else None
        speed = f"{m['seconds']:.1f}" + (f" ({rate:,.0f})" if rate else "")
        lines.append(f"| {rows:,} | {m['peak_mb']:.1f} | {speed} | {m['check']} |")
    return lines


def batch_notes(results: Results) -> list[str]:
    """Where the batch time goes (medians, milliseconds for the whole batch)."""
    parts, count = results.batch_parts, results.batch_count
    rate_floor = median(results.batch.get(FLOOR, []))
    serialise = median(parts.get("serialise_seconds", {}).get(FLOOR, []))
    build = median(parts.get("build_seconds", {}).get(THIS, []))
    send = median(parts.get("send_seconds", {}).get(THIS, []))
    if rate_floor is None or serialise is None or build is None or send is None:
        return []
    posting = count / rate_floor
    with_json = count / (posting + serialise)
    send_ratio = paired_ratio(
        [count / s for s in parts["send_seconds"][THIS]], results.batch.get(FAIR, [])
    )
    return [
        f"Batch of {count:,}, where the time goes (medians): the requests floor posts in "
        f"{posting * 1000:.0f} ms; building and serialising the same messages with "
        f"json.dumps alone adds {serialise * 1000:.0f} ms (estimated {with_json:,.0f} msg/s; "
        f"the fair floor measures it). python-postmark: {build * 1000:.0f} ms to create the "
        f"{count:,} PMMail objects, {send * 1000:.0f} ms for PMBatchMail.send() (checks, JSON, "
        f"requests, outcomes); send() alone is {_fmt(send_ratio)} the fair floor.",
    ]


def _verdict(ok: bool | None) -> str:
    return {True: "MET", False: "NOT MET", None: "NOT MEASURED"}[ok]


def _target(text: str, ratio: float | None, ok: Callable[[float], bool], shown: str = "") -> str:
    """``- text: 1.23x → MET`` (``shown`` replaces the ratio's own text)."""
    verdict = _verdict(None if ratio is None else ok(ratio))
    return f"- {text}: {shown or _fmt(ratio)} → {verdict}"


def targets(results: Results, floor: dict[str, list[Any]]) -> list[str]:
    """One line per target of issue 17 (then the ones of issue 7 still held), measured."""
    batch = results.batch
    out = [
        "Targets (issue 17), python-postmark against clients and floors measured in the same run"
        + (" (QUICK mode: sizes below the targets', not enforced)" if results.quick else "")
        + ":",
        _target(
            "PMBatchMail ≥ 1.5x postmarker's send_batch",
            paired_ratio(batch.get(THIS, []), batch.get("postmarker", [])),
            lambda r: r >= 1.5,
        ),
        _target(
            "PMBatchMail ≥ 0.8x the fair batch floor",
            paired_ratio(batch.get(THIS, []), floor["fair"]),
            lambda r: r >= 0.8,
        ),
        _target(
            "ServerClient.email.send_batch of dicts ≥ 0.9x the fair batch floor",
            paired_ratio(batch.get(DICTS, []), floor["fair"]),
            lambda r: r >= 0.9,
        ),
        _parallel_target(results),
        *_cli_targets(results),
        _resume_target(results),
        _target(
            "sequential PMMail.send ≥ 2.5x the requests floor",
            paired_ratio(results.send.get(THIS, []), floor["send"]),
            lambda r: r >= 2.5,
        ),
    ]
    imports = results.imports.get(THIS, {})
    out.append(
        _target(
            "`from postmark import PMMail` ≤ 1.0x `import requests`",
            paired_ratio(imports.get("from postmark import PMMail", []), floor["import"]),
            lambda r: r <= 1.0,
        )
    )
    out += ["", "Earlier targets (issue 7), still held:"]
    rss = paired_ratio(results.rss.get(THIS, []), floor["rss"])
    out.append(_target("8 MiB attachment extra peak RSS ≤ floor + 10 %", rss, lambda r: r <= 1.10))
    out.append(
        _target(
            "`import postmark` ≤ 1.1x `import requests`",
            paired_ratio(imports.get("import postmark", []), floor["import"]),
            lambda r: r <= 1.1,
        )
    )
    threads = paired_ratio(results.threads.get(THIS, []), results.single.get(THIS, []))
    checks = set(results.threads_check.get(THIS, []))
    out.append(
        _target(
            "8 threads ≥ 5x one thread, every message exactly once, no errors",
            threads,
            lambda r: r >= 5 and checks == {"ok"},
            f"{_fmt(threads)}, checks: {', '.join(sorted(checks)) or 'n/a'}",
        )
    )
    return out


def _parallel_target(results: Results) -> str:
    text = "parallel: concurrency 8 ≥ 6x concurrency 1 in wall time, every message exactly once"
    if results.parallel_unsupported:
        return f"- {text}: {results.parallel_unsupported} → NOT MEASURED"
    one, eight = (
        results.parallel.get(1, {}).get(DICTS, []),
        results.parallel.get(8, {}).get(DICTS, []),
    )
    speedup = paired_ratio(one, eight)  # seconds at 1 / seconds at 8
    checks = set(results.parallel_check.get(DICTS, []))
    return _target(
        text,
        speedup,
        lambda r: r >= 6 and checks == {"ok"},
        f"{_fmt(speedup)}, checks: {', '.join(sorted(checks)) or 'n/a'}",
    )


def _cli_targets(results: Results) -> list[str]:
    """Peak RSS of the largest file under 100 MB; growth from the smallest ≤ 20 %."""
    if not results.cli:
        return [
            "- CLI: 1,000,000 rows under 100 MB peak RSS: not run → NOT MEASURED",
            "- CLI: growth from 100,000 to 1,000,000 rows ≤ 20 %: not run → NOT MEASURED",
        ]
    small, large = min(results.cli), max(results.cli)
    peak_small, peak_large = results.cli[small]["peak_mb"], results.cli[large]["peak_mb"]
    growth = peak_large / peak_small if peak_small else None
    # A run stopped early (too big, too long) or failing meets neither target.
    done = {rows: m["check"] == "ok" for rows, m in results.cli.items()}
    return [
        _target(
            f"CLI: {large:,} rows under 100 MB peak RSS",
            peak_large,
            lambda mb: mb < 100 and done[large],
            f"{peak_large:.1f} MB ({results.cli[large]['check']})",
        ),
        _target(
            f"CLI: growth from {small:,} to {large:,} rows ≤ 20 %",
            growth,
            lambda g: g <= 1.20 and done[small] and done[large],
            "n/a" if growth is None else f"{(growth - 1) * 100:+.0f} %",
        ),
    ]


def _resume_target(results: Results) -> str:
    text = "CLI: resume after SIGKILL sends nothing twice"
    if not results.cli_resume:
        return f"- {text}: not run → NOT MEASURED"
    return f"- {text}: {results.cli_resume} → {_verdict(results.cli_resume.startswith('ok'))}"


def _fmt(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}x"
