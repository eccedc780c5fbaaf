"""The parallel scenario's settings and its exactly-once check; also a command of its own.

    python benchmarks/parallel.py                             # 100,000 messages, 3 runs
    python benchmarks/parallel.py --messages 10000 --runs 1   # quick

(the same as ``python benchmarks/run.py --scenarios parallel --clients
python-postmark-dicts``, which the full benchmark runs with everything else).

One batch of uniquely-subjected messages (``{tag}-{i}``) goes through the
latency proxy (20 ms each way) to :class:`servers.RecordingBatchServer`
(50 ms per request), once per concurrency level, with
``ServerClient.email.send_batch(..., concurrency=N)``. The server records
every message it stored with the MessageID it answered; :func:`check_exactly_once`
compares that with what the client reported.
"""

from __future__ import annotations

import argparse
import sys

#: The ``concurrency=`` values measured; the target compares the last with the first.
LEVELS = (1, 4, 8)
#: Seconds the recording server takes to answer each batch request.
SERVER_DELAY = 0.050


def subjects(tag: str, count: int) -> list[str]:
    """The unique subjects ``worker.py``'s parallel scenario gives its messages, in order."""
    return [f"{tag}-{i}" for i in range(count)]


def check_exactly_once(
    records: dict[str, list[str]], sent: list[str], ids: list[str | None], error_count: int = 0
) -> str:
    """'ok' when every message of ``sent`` was stored exactly once, with the MessageID the
    client reported for it (``ids``, in the same order), nothing else was stored and
    no message failed; otherwise what is wrong, e.g. ``"3 stored twice; 1 not stored"``."""
    problems = []
    if error_count:
        problems.append(f"{error_count} failed")
    if len(ids) != len(sent):
        problems.append(f"{len(ids)} outcomes for {len(sent)} messages")
    counts = {subject: len(records.get(subject, ())) for subject in sent}
    twice = sum(1 for n in counts.values() if n > 1)
    if twice:
        problems.append(f"{twice} stored twice")
    missing = sum(1 for n in counts.values() if n == 0)
    if missing:
        problems.append(f"{missing} not stored")
    wrong = sum(
        1
        for subject, message_id in zip(sent, ids, strict=False)
        if counts[subject] == 1 and message_id is not None and records[subject][0] != message_id
    )
    if wrong:
        problems.append(f"{wrong} with another MessageID than stored")
    stray = len(set(records) - set(sent))
    if stray:
        problems.append(f"{stray} stored that were not sent")
    return "; ".join(problems) or "ok"


def main(argv: list[str] | None = None) -> int:
    """Only the parallel scenario, through ``run.py`` (same servers, checks and table)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    import run

    only = ["--scenarios", "parallel", "--clients", "python-postmark-dicts", "--no-profiles"]
    return run.main([*only, "--runs", str(args.runs), "--parallel-messages", str(args.messages)])


if __name__ == "__main__":
    sys.exit(main())
