"""postmark batch: send a file of messages, resumably, in constant memory.

Input is JSON lines (one message per line, Postmark's keys or snake_case
ones) or CSV with a header row of snake_case names: from, to, cc, bcc,
subject, text_body, html_body, tag, reply_to, message_stream, template_id,
template_alias, template_model (JSON), metadata (JSON), track_opens,
track_links. CSV files may use ',' ';' or tabs (found from the header row)
and may start with a byte-order mark (Excel's "CSV UTF-8"); other encodings
need --encoding. The file is read as a stream (twice: once to check every
row before sending, once to send), so its size does not matter.

Messages go out 500 per request (POST /email/batch, or
/email/batchWithTemplates for template rows); --concurrency N keeps N
requests in flight. The results file is a journal, appended to as the run
goes: before each request a "sending" line naming its input lines, written
to disk first; after the answer one JSON line per message with its line
number, a fingerprint of its content, and MessageID or ErrorCode/Message.
Run the same command again and messages already sent (same line, same
content) are skipped, so a crash, even kill -9, never sends twice.

Messages whose fate is uncertain (their request went out but no answer was
recorded, it timed out, or Postmark answered HTTP 5xx) are not resent: they
are listed and the exit code is 5. Check them in Postmark's activity, then
pass --resend-uncertain to send them again. A second run on a results file
in use by another is refused (exit 2).

A refused token, or a server that cannot be reached, stops the run at the
first failed request (exit 1 or 4); messages Postmark refuses one by one
are counted by reason at the end (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from typing import Any

from postmark.cli import EXIT_API, EXIT_OK, CommandError, fail, plain, server_client
from postmark.cli.batch_input import BatchInput, Record, fingerprint, to_message
from postmark.cli.batch_journal import (
    SENT,
    UNCERTAIN,
    History,
    Journal,
    exclusive,
    load_history,
)
from postmark.cli.errors import EXIT_UNCERTAIN, describe, is_whole_run_failure
from postmark.exceptions import PostmarkError
from postmark.parallel import ChunkSender
from postmark.sending import BatchPlan, Chunk

#: How many failure reasons the summary lists before "... and N more".
_REASONS_SHOWN = 10
#: How many distinct reasons are counted one by one (each message may have its own).
_REASONS_KEPT = 1000
#: How many runs of uncertain line numbers are listed.
_RANGES_SHOWN = 20
#: The most requests in flight at once.
MAX_CONCURRENCY = 64


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "batch",
        help="send many messages from a JSON-lines or CSV file",
        description=plain(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", help="a .jsonl/.ndjson or .csv file")
    parser.add_argument(
        "--results", required=True, help="results file (a JSON-lines journal); reused to resume"
    )
    parser.add_argument("--from", dest="default_sender", help="From for rows without one")
    parser.add_argument(
        "--encoding",
        default="utf-8-sig",
        help="the input file's text encoding, e.g. cp1252 or latin-1 (default: UTF-8, "
        "with or without a byte-order mark)",
    )
    parser.add_argument(
        "--delimiter",
        choices=["comma", "semicolon", "tab"],
        help="CSV separator (default: found from the header row)",
    )
    parser.add_argument(
        "--concurrency",
        type=_concurrency,
        default=1,
        metavar="N",
        help=f"requests of 500 messages in flight at once, 1 to {MAX_CONCURRENCY} (default: 1)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--resend-uncertain",
        action="store_true",
        help="also resend messages whose earlier request may have reached Postmark "
        "(no answer was recorded: a timeout, or a run killed mid-request); by default "
        "they are listed, not resent, so nothing is sent twice",
    )
    parser.set_defaults(handler=run)


def _concurrency(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= number <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_CONCURRENCY} (got {number})")
    return number


# --------------------------------------------------------------------------
# What the run did


class LineRanges:
    """Line numbers seen in increasing order, kept as a few ``first-last`` runs."""

    def __init__(self) -> None:
        self.count = 0
        self._runs: list[list[int]] = []

    def add(self, number: int) -> None:
        self.count += 1
        if self._runs and self._runs[-1][1] == number - 1:
            self._runs[-1][1] = number
        elif len(self._runs) <= _RANGES_SHOWN:  # one more tells that more were left out
            self._runs.append([number, number])

    def __str__(self) -> str:
        shown = [f"{a}-{b}" if a != b else str(a) for a, b in self._runs[:_RANGES_SHOWN]]
        more = ", ..." if len(self._runs) > _RANGES_SHOWN else ""
        return ", ".join(shown) + more


class Tally:
    """Counts for the summary; failure reasons are capped so memory stays flat."""

    def __init__(self) -> None:
        self.sent = self.skipped = self.failed = self.seen = 0
        self.reasons: Counter[str] = Counter()
        self.uncertain = LineRanges()

    def add(self, entry: dict[str, Any]) -> None:
        if entry.get("MessageID"):
            self.sent += 1
            return
        self.failed += 1
        reason = _reason(entry)
        if reason in self.reasons or len(self.reasons) < _REASONS_KEPT:
            self.reasons[reason] += 1
        else:
            self.reasons["other reasons"] += 1


class Progress:
    """A one-line progress bar on stderr, only in a terminal (logs get the summary)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done = total, 0
        self.enabled = enabled and sys.stderr.isatty()

    def show(self, done: int) -> None:
        self.done = done
        if not self.enabled or self.total == 0:
            return
        filled = int(30 * self.done / self.total)
        bar = f"[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}"
        end = "\r" if self.done < self.total else "\n"
        print(bar, end=end, file=sys.stderr, flush=True)

    def interrupt(self) -> None:
        """End the bar's line so that an error starts on a line of its own."""
        if self.enabled and 0 < self.done < self.total:
            print(file=sys.stderr)


# --------------------------------------------------------------------------
# Windows: one plan of at most a request's worth of messages at a time


class Window:
    """Up to 500 messages (or ~50 MB of input) planned together by one BatchPlan.

    The plan applies the chunking rules (count, size, template endpoint);
    the window only bounds how much of the file is in memory.
    """

    def __init__(self) -> None:
        self.plan = BatchPlan()
        self.digests: dict[int, bytes] = {}
        self.invalid: list[dict[str, Any]] = []  # refused before planning
        self.size = 0

    def add(self, record: Record, digest: bytes, default_sender: str | None) -> None:
        self.size += len(record.raw)
        try:
            message = to_message(record, default_sender)
        except (CommandError, PostmarkError, ValueError, TypeError) as error:
            self.invalid.append(
                {
                    "line": record.number,
                    "fingerprint": digest.hex(),
                    "ErrorCode": None,
                    "Message": f"invalid input: {error}",
                }
            )
            return
        self.digests[record.number] = digest
        self.plan.add(record.number, message)

    @property
    def full(self) -> bool:
        count = len(self.digests) + len(self.invalid)
        return count >= BatchPlan.max_count or self.size >= BatchPlan.max_bytes

    def entry(self, number: int, *, sent: bool) -> dict[str, Any]:
        """The results line of a message of the plan that has its outcome.

        ``sent``: whether its request went out (the error of a stop that kept
        it from going out says nothing of this message).
        """
        fields = _result_fields(self.plan.outcomes[number], sent=sent)
        return {"line": number, "fingerprint": self.digests[number].hex(), **fields}


def windows(
    records: Iterable[Record], history: History, tally: Tally, args: argparse.Namespace
) -> Iterator[Window]:
    """The records still to send, a window at a time; sent and uncertain ones counted."""
    window = Window()
    for record in records:
        tally.seen += 1
        digest = fingerprint(record.raw)
        state = history.state(record.number, digest)
        if state == SENT:
            tally.skipped += 1
        elif state == UNCERTAIN and not args.resend_uncertain:
            tally.uncertain.add(record.number)
        else:
            window.add(record, digest, args.default_sender)
            if window.full:
                yield window
                window = Window()
    if window.digests or window.invalid:
        yield window


# --------------------------------------------------------------------------
# Running


def run(args: argparse.Namespace) -> int:
    source = BatchInput(args.input, args.encoding, args.delimiter)
    extent = source.check()  # every row's encoding and names, before anything is sent
    tally = Tally()
    progress = Progress(extent.count, not args.no_progress)
    with server_client(args) as client, exclusive(args.results):
        history = load_history(args.results, extent.last_number)
        journal = Journal(args.results, history)
        try:
            planned = windows(source.records(), history, tally, args)
            stopped_by = send_windows(client, journal, planned, tally, progress, args.concurrency)
        finally:
            journal.close()
    if stopped_by is not None:
        progress.interrupt()
    print_summary(args.results, tally, unsent=extent.count - tally.seen)
    return exit_code(args, tally, stopped_by)


def send_windows(
    client: Any,
    journal: Journal,
    planned: Iterator[Window],
    tally: Tally,
    progress: Progress,
    concurrency: int,
) -> PostmarkError | None:
    """Send the windows' requests, ``concurrency`` at a time; the error that stopped the run.

    The driver (:class:`~postmark.parallel.ChunkSender`) takes each chunk
    from :func:`journalled` just before it submits it, so the chunk's
    ``sending`` record is on disk before its request starts, and hands the
    answers back in input order. A failure no later request could escape (a
    refused token, an unreachable server: ``is_whole_run_failure``) stops
    the run: chunks not started come back unsent, and no further window is
    read. Driving the plans here (rather than with ``client.email.send_batch``)
    is what makes that stop and the journal possible.
    """
    sender = ChunkSender(
        client.transport.perform,
        concurrency,
        stops=is_whole_run_failure,
        window=concurrency,  # read ahead no more than is in flight
    )
    owners: deque[Window] = deque()  # the window of each chunk handed to the sender
    for done in sender.send(journalled(planned, journal, tally, sender, owners)):
        window = owners.popleft()
        done.record(window.plan)
        record(journal, tally, [window.entry(i, sent=done.sent) for i in done.chunk.indexes])
        progress.show(tally.seen)
    progress.show(tally.seen)
    return sender.stopped_by


def journalled(
    planned: Iterator[Window],
    journal: Journal,
    tally: Tally,
    sender: ChunkSender,
    owners: deque[Window],
) -> Iterator[Chunk]:
    """The windows' chunks, each with its ``sending`` record written (and synced) first."""
    for window in planned:
        record(journal, tally, window.invalid)
        in_chunks: set[int] = set()
        for chunk in window.plan.pending(lazy=True):
            if sender.stopped_by is not None:  # never sent: fails, and the plan settles the rest
                window.plan.failed(chunk, sender.stopped_by)
                window.plan.stopped_by = sender.stopped_by
                continue
            journal.sending(chunk.indexes, [window.digests[i] for i in chunk.indexes])
            in_chunks.update(chunk.indexes)
            owners.append(window)
            yield chunk
        # Refused by the plan before sending, or settled unsent after a stop.
        unsent = [window.entry(i, sent=False) for i in window.plan.outcomes if i not in in_chunks]
        record(journal, tally, unsent)
        if sender.stopped_by is not None:
            return


def record(journal: Journal, tally: Tally, entries: list[dict[str, Any]]) -> None:
    if entries:
        journal.results(entries)
        for entry in entries:
            tally.add(entry)


def exit_code(args: argparse.Namespace, tally: Tally, stopped_by: PostmarkError | None) -> int:
    """The stop's code, else 5 for uncertain messages, else 1 for failed ones, else 0."""
    code = EXIT_API if tally.failed else EXIT_OK
    if tally.uncertain.count:
        code = fail(
            f"{tally.uncertain.count} messages may already have been sent: an earlier "
            f"request for them got no answer (lines {tally.uncertain}); they were not sent "
            "again: check Postmark's activity, then pass --resend-uncertain to send them",
            EXIT_UNCERTAIN,
        )
    if stopped_by is not None:
        message, stop_code = describe(stopped_by, getattr(args, "target", None))
        code = fail(f"stopped at the first failed request: {message}", stop_code)
    return code


def print_summary(path: str, tally: Tally, *, unsent: int) -> None:
    """``sent N, already sent before M, failed K; results in FILE`` and the reasons."""
    uncertain = f", uncertain {tally.uncertain.count} (not resent)" if tally.uncertain.count else ""
    tail = f"; not attempted {unsent}" if unsent else ""
    print(
        f"sent {tally.sent}, already sent before {tally.skipped}, failed {tally.failed}"
        f"{uncertain}{tail}; results in {path}"
    )
    for reason, count in tally.reasons.most_common(_REASONS_SHOWN):
        print(f"  {count} x {reason}")
    if len(tally.reasons) > _REASONS_SHOWN:
        print(f"  ... and {len(tally.reasons) - _REASONS_SHOWN} other reasons (see {path})")


def _reason(entry: dict[str, Any]) -> str:
    code = entry.get("ErrorCode")
    message = " ".join(str(entry.get("Message") or "no answer").split())
    return f"ErrorCode {code}: {message}" if code is not None else message


def _result_fields(outcome: Any, *, sent: bool) -> dict[str, Any]:
    if outcome.ok:
        return {
            "MessageID": outcome.message_id,
            "ErrorCode": 0,
            "SubmittedAt": outcome.submitted_at,
        }
    return {
        "ErrorCode": outcome.error_code,
        "Message": outcome.message,
        "MayHaveBeenSent": sent and bool(outcome.error and outcome.error.may_have_been_sent),
    }
