"""Medians, same-run ratios and the results table (the format README.md shows)."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clients import FLOOR, ROWS, THIS

Values = dict[str, list[Any]]  # client -> one value per run (None: that run failed)


@dataclass
class Results:
    """Everything measured, per scenario, client and run."""

    runs: int
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
    notes: list[str] = field(default_factory=list)

    def add(self, table: Values, client: str, value: Any) -> None:
        table.setdefault(client, []).append(value)


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


def table(results: Results, skipped: dict[str, str], rows: list[tuple[str, str]] = ROWS) -> str:
    """The Markdown results table plus the targets, as printed and as in README.md."""
    floor = {
        "send": results.send.get(FLOOR, []),
        "batch": results.batch.get(FLOOR, []),
        "rss": results.rss.get(FLOOR, []),
        "import": results.imports.get(FLOOR, {}).get("import requests", []),
    }
    lines = [
        f"Medians of {results.runs} interleaved runs; (x) is the median of same-run ratios "
        "against the requests floor (threads: against the same client's own single-thread "
        "rate through the same proxy).",
        "",
        "| client | sequential send msg/s (x floor) | 10,000-message batch msg/s (x floor) "
        "| 8 MiB attachment: extra peak RSS MB (x floor) / traced MB | import ms (x `import "
        "requests`) | 8 threads, 20 ms proxy: msg/s (x 1 thread), check |",
        "|---|---|---|---|---|---|",
    ]
    for name, label in rows:
        if name in skipped:
            lines.append(f"| {label} | skipped: {skipped[name]} | | | | |")
            continue
        send = _cell(
            median(results.send.get(name, [])),
            paired_ratio(results.send.get(name, []), floor["send"]),
            _rate,
        )
        batch = _cell(
            median(results.batch.get(name, [])),
            paired_ratio(results.batch.get(name, []), floor["batch"]),
            _rate,
        )
        rss_values = results.rss.get(name, [])
        rss = _cell(
            median(rss_values), paired_ratio(rss_values, floor["rss"]), lambda v: f"{v:.1f}"
        )
        traced = median(results.traced.get(name, []))
        if traced is not None:
            rss += f" / {traced:.1f}"
        imports = []
        for label_import, values in results.imports.get(name, {}).items():
            ms = median(values)
            ratio = paired_ratio(values, floor["import"])
            imports.append(f"`{label_import}` " + _cell(ms, ratio, lambda v: f"{v:.0f}"))
        threads = "not run"
        if name in results.threads:
            rate = median(results.threads[name])
            ratio = paired_ratio(results.threads[name], results.single.get(name, []))
            checks = {c for c in results.threads_check.get(name, []) if c}
            threads = _cell(rate, ratio, _rate) + (
                ", every message once" if checks == {"ok"} else f", {'; '.join(sorted(checks))}"
            )
        lines.append(
            f"| {label} | {send} | {batch} | {rss} | {'<br>'.join(imports) or 'n/a'} | {threads} |"
        )
    lines += ["", *batch_notes(results), "", *targets(results, floor)]
    return "\n".join(lines)


def batch_notes(results: Results) -> list[str]:
    """Where the batch time goes (medians, milliseconds for 10,000 messages)."""
    parts = results.batch_parts
    rate_floor = median(results.batch.get(FLOOR, []))
    serialise = median(parts.get("serialise_seconds", {}).get(FLOOR, []))
    build = median(parts.get("build_seconds", {}).get(THIS, []))
    send = median(parts.get("send_seconds", {}).get(THIS, []))
    if rate_floor is None or serialise is None or build is None or send is None:
        return []
    posting = 10_000 / rate_floor
    with_json = 10_000 / (posting + serialise)
    send_ratio = paired_ratio(
        [10_000 / s for s in parts["send_seconds"][THIS]], results.batch.get(FLOOR, [])
    )
    return [
        "Batch of 10,000, where the time goes (medians): the requests floor posts in "
        f"{posting * 1000:.0f} ms; building and serialising the same messages with "
        f"json.dumps alone would add {serialise * 1000:.0f} ms (a floor that serialises: "
        f"{with_json:,.0f} msg/s). python-postmark: {build * 1000:.0f} ms to create the "
        f"10,000 PMMail objects, {send * 1000:.0f} ms for PMBatchMail.send() (checks, JSON, "
        f"20 requests, 10,000 outcomes); send() alone is {_fmt(send_ratio)} the floor.",
    ]


def _verdict(ok: bool | None) -> str:
    return {True: "MET", False: "NOT MET", None: "NOT MEASURED"}[ok]


def targets(results: Results, floor: dict[str, list[Any]]) -> list[str]:
    """One line per target of issue 7, with the measured ratio."""
    out = ["Targets (python-postmark against the floor measured in the same run):"]
    send = paired_ratio(results.send.get(THIS, []), floor["send"])
    out.append(
        f"- sequential PMMail.send ≥ 1.5x requests floor: "
        f"{_fmt(send)} → {_verdict(None if send is None else send >= 1.5)}"
    )
    batch = paired_ratio(results.batch.get(THIS, []), floor["batch"])
    out.append(
        f"- 10,000-message PMBatchMail ≥ 0.9x requests floor: "
        f"{_fmt(batch)} → {_verdict(None if batch is None else batch >= 0.9)}"
    )
    rss = paired_ratio(results.rss.get(THIS, []), floor["rss"])
    out.append(
        f"- 8 MiB attachment extra peak RSS ≤ floor + 10 %: "
        f"{_fmt(rss)} of the floor → {_verdict(None if rss is None else rss <= 1.10)}"
    )
    for label, values in results.imports.get(THIS, {}).items():
        ratio = paired_ratio(values, floor["import"])
        out.append(
            f"- `{label}` ≤ 1.1x `import requests`: "
            f"{_fmt(ratio)} → {_verdict(None if ratio is None else ratio <= 1.1)}"
        )
    threads = paired_ratio(results.threads.get(THIS, []), results.single.get(THIS, []))
    checks = set(results.threads_check.get(THIS, []))
    ok = None if threads is None else threads >= 5 and checks == {"ok"}
    out.append(
        f"- 8 threads ≥ 5x one thread, every message exactly once, no errors: "
        f"{_fmt(threads)}, checks: {', '.join(sorted(checks)) or 'n/a'} → "
        f"{_verdict(ok)}"
    )
    return out


def _fmt(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}x"
