"""postmark batch: send a file of messages, resumably.

Input is JSON lines (one message per line, Postmark's keys or snake_case
ones) or CSV with a header row of snake_case names: from, to, cc, bcc,
subject, text_body, html_body, tag, reply_to, message_stream, template_id,
template_alias, template_model (JSON), metadata (JSON), track_opens,
track_links. CSV files may use ',' ';' or tabs (found from the header row)
and may start with a byte-order mark (Excel's "CSV UTF-8"); other encodings
need --encoding.

The results file gets one JSON line per input message: its line number, a
fingerprint of its content, and MessageID or ErrorCode/Message. Run the
same command again and messages already sent (same line, same content) are
skipped, so a crash or a partial failure never sends twice.

A refused token, or a server that cannot be reached, stops the run at the
first request (exit 1 or 4); messages Postmark refuses one by one are
counted by reason at the end (exit 1).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import io
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postmark.cli import EXIT_API, EXIT_OK, CommandError, fail, plain, server_client
from postmark.cli.errors import describe, is_whole_run_failure
from postmark.exceptions import PostmarkError
from postmark.payloads import MAX_BATCH_MESSAGES, build_message
from postmark.sending import BatchPlan, Chunk

_SNAKE_FIELDS = {
    "from": "sender",
    "sender": "sender",
    "to": "to",
    "cc": "cc",
    "bcc": "bcc",
    "subject": "subject",
    "text_body": "text_body",
    "html_body": "html_body",
    "tag": "tag",
    "reply_to": "reply_to",
    "message_stream": "message_stream",
    "template_id": "template_id",
    "template_alias": "template_alias",
    "template_model": "template_model",
    "metadata": "metadata",
    "track_opens": "track_opens",
    "track_links": "track_links",
}
_JSON_FIELDS = ("template_model", "metadata")
_DELIMITERS = (",", ";", "\t")
_UTF8_NAMES = ("utf-8-sig", "utf-8", "utf8")
#: How many failure reasons the summary lists before "... and N more".
_REASONS_SHOWN = 10


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "batch",
        help="send many messages from a JSON-lines or CSV file",
        description=plain(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", help="a .jsonl/.ndjson or .csv file")
    parser.add_argument(
        "--results", required=True, help="results file (JSON lines); reused to resume"
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
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--resend-uncertain",
        action="store_true",
        help="also resend messages whose earlier request may have reached Postmark "
        "(a timeout); by default they are skipped so nothing is sent twice",
    )
    parser.set_defaults(handler=run)


# --------------------------------------------------------------------------
# Reading input


@dataclass(frozen=True)
class Record:
    """One input message: where it is, its raw text (for the fingerprint), its fields."""

    number: int
    raw: str
    fields: dict[str, Any] | None  # None: the line is not a JSON object


def read_text(path: str, encoding: str) -> str:
    """The file's text; a wrong encoding is named with the line where it shows."""
    data = Path(path).read_bytes()
    try:
        text = data.decode(encoding)
    except LookupError:
        raise CommandError(
            f"unknown --encoding {encoding!r} (try utf-8, cp1252, latin-1)"
        ) from None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        name = "UTF-8" if encoding.lower().replace("_", "-") in _UTF8_NAMES else encoding
        raise CommandError(
            f"{path} line {line} is not {name} text (byte 0x{data[error.start]:02x}); "
            "pass its encoding, e.g. --encoding cp1252 for a CSV saved by Excel on Windows"
        ) from None
    return text.removeprefix("\ufeff")  # a BOM left by an explicit --encoding utf-8


def read_records(path: str, encoding: str, delimiter: str | None = None) -> list[Record]:
    """Every message of the file, its columns or keys checked before anything is sent."""
    text = read_text(path, encoding)
    if path.lower().endswith(".csv"):
        return csv_records(path, text, delimiter)
    return jsonl_records(path, text)


def sniff_delimiter(text: str) -> str:
    """The separator of a CSV file: whichever of , ; and tab the header row has most of."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_records(path: str, text: str, delimiter: str | None) -> list[Record]:
    separator = {"comma": ",", "semicolon": ";", "tab": "\t"}.get(
        delimiter or "", sniff_delimiter(text)
    )
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=separator)
    if not reader.fieldnames:
        raise CommandError(f"{path} is empty: a CSV file needs a header row and messages")
    for column in reader.fieldnames:
        check_name(path, column, "line 1 (the header)", "column")
    records = []
    for number, row in enumerate(reader, start=2):
        if None in row:  # more cells than header columns
            records.append(Record(number, json.dumps(row, default=str), None))
            continue
        fields = {key: value or "" for key, value in row.items()}
        records.append(Record(number, json.dumps(fields, sort_keys=True), fields))
    return records


def jsonl_records(path: str, text: str) -> list[Record]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        raw = line.strip()
        if not raw:
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        fields = value if isinstance(value, dict) else None
        if fields and not _postmark_form(fields):
            for key in fields:
                check_name(path, str(key), f"line {number}", "field")
        records.append(Record(number, raw, fields))
    return records


def check_name(path: str, name: str, where: str, what: str) -> None:
    """Refuse an unknown column (exit 2 before sending), suggesting the closest one."""
    if name.strip().lower() in _SNAKE_FIELDS:
        return
    close = difflib.get_close_matches(name.strip().lower(), _SNAKE_FIELDS, n=1, cutoff=0.6)
    suggestion = f"did you mean {close[0]!r}? " if close else ""
    raise CommandError(
        f"{path} {where}: unknown {what} {name!r}; {suggestion}"
        f"known: {', '.join(sorted(set(_SNAKE_FIELDS) - {'sender'}))}"
    )


def _postmark_form(record: dict[str, Any]) -> bool:
    return any(str(key)[:1].isupper() for key in record)


def to_message(record: Record, default_sender: str | None) -> dict[str, Any]:
    """Postmark's JSON for one record (Postmark keys, or snake_case names)."""
    if record.fields is None:
        raise CommandError("not a JSON object (or a CSV row with more cells than the header)")
    if _postmark_form(record.fields):
        message = dict(record.fields)
        message.setdefault("From", default_sender)
        return message
    fields: dict[str, Any] = {}
    for key, value in record.fields.items():
        name = _SNAKE_FIELDS[key.strip().lower()]
        if value in ("", None):
            continue
        if name in _JSON_FIELDS and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise CommandError(f"{key} is not valid JSON") from None
        fields[name] = value
    fields.setdefault("sender", default_sender)
    return build_message(**fields)


def fingerprint(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------
# Results


def load_results(path: str) -> dict[int, dict[str, Any]]:
    """Earlier results by line number (empty when the file does not exist yet)."""
    if not os.path.exists(path):
        return {}
    results = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                results[int(entry["line"])] = entry
            except (ValueError, TypeError, KeyError):
                raise CommandError(
                    f"{path} line {number} is not a result written by postmark batch; "
                    "pass another --results file"
                ) from None
    return results


def save_results(path: str, results: dict[int, dict[str, Any]]) -> None:
    """Rewrite the results file atomically, one line per message in input order."""
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        for line in sorted(results):
            handle.write(json.dumps(results[line], ensure_ascii=False) + "\n")
    os.replace(temporary, path)


def already_sent(entry: dict[str, Any] | None, digest: str, resend_uncertain: bool) -> bool:
    """Whether an earlier run sent this exact record (or may have, unless asked to resend)."""
    if not entry or entry.get("fingerprint") != digest:
        return False
    return bool(entry.get("MessageID")) or (
        bool(entry.get("MayHaveBeenSent")) and not resend_uncertain
    )


class Progress:
    """A one-line progress bar on stderr, only in a terminal (logs get the summary)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done = total, 0
        self.enabled = enabled and sys.stderr.isatty()

    def advance(self, count: int) -> None:
        self.done += count
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
# Running


def run(args: argparse.Namespace) -> int:
    results = load_results(args.results)
    records = read_records(args.input, args.encoding, args.delimiter)
    pending: list[tuple[int, str, dict[str, Any]]] = []
    skipped = 0
    for record in records:
        digest = fingerprint(record.raw)
        if already_sent(results.get(record.number), digest, args.resend_uncertain):
            skipped += 1
            continue
        try:
            pending.append((record.number, digest, to_message(record, args.default_sender)))
        except (CommandError, PostmarkError, ValueError, TypeError) as error:
            results[record.number] = {
                "line": record.number,
                "fingerprint": digest,
                "ErrorCode": None,
                "Message": f"invalid input: {error}",
            }
    stopped_by, attempted = send_all(args, pending, results)
    save_results(args.results, results)
    print_summary(args.results, results, skipped, unsent=len(pending) - attempted)
    if stopped_by is not None:
        message, code = describe(stopped_by, getattr(args, "target", None))
        return fail(f"stopped at the first failed request: {message}", code)
    return EXIT_API if any(not r.get("MessageID") for r in results.values()) else EXIT_OK


def send_all(
    args: argparse.Namespace,
    pending: list[tuple[int, str, dict[str, Any]]],
    results: dict[int, dict[str, Any]],
) -> tuple[PostmarkError | None, int]:
    """Send ``pending`` 500 per request, recording outcomes.

    Returns the error that stopped the run (or None) and how many messages
    were attempted.

    The plan is driven request by request (rather than with
    ``client.email.send_batch``) so that a failure no later request can
    escape (a refused token, an unreachable server) ends the run at once:
    the core stops by itself only after a 401.
    """
    progress = Progress(len(pending), not args.no_progress)
    with server_client(args) as client:
        for start in range(0, len(pending), MAX_BATCH_MESSAGES):
            chunk = pending[start : start + MAX_BATCH_MESSAGES]
            plan = BatchPlan()  # outcomes keyed by line number
            for number, _, message in chunk:
                plan.add(number, message)
            for request_chunk in plan.pending():
                send_chunk(client, plan, request_chunk)
            digests = {number: digest for number, digest, _ in chunk}
            for outcome in plan.result():
                results[outcome.index] = {
                    "line": outcome.index,
                    "fingerprint": digests[outcome.index],
                    **_result_fields(outcome),
                }
            save_results(args.results, results)
            progress.advance(len(chunk))
            if plan.stopped_by is not None:
                progress.interrupt()
                return plan.stopped_by, start + len(chunk)
    return None, len(pending)


def send_chunk(client: Any, plan: BatchPlan, chunk: Chunk) -> None:
    """One request of the plan; a whole-run failure stops the plan's remaining requests."""
    try:
        answer = client.transport.perform(chunk.request())
    except PostmarkError as error:
        plan.failed(chunk, error)
        if is_whole_run_failure(error):
            plan.stopped_by = error  # the plan settles its other chunks without sending
    else:
        plan.answered(chunk, answer)


def print_summary(
    path: str, results: dict[int, dict[str, Any]], skipped: int, *, unsent: int
) -> None:
    """``sent N, already sent before M, failed K; results in FILE`` and the reasons."""
    failed = [r for r in results.values() if not r.get("MessageID")]
    sent = len(results) - len(failed) - skipped
    tail = f"; not attempted {unsent}" if unsent else ""
    print(
        f"sent {sent}, already sent before {skipped}, failed {len(failed)}{tail}; results in {path}"
    )
    reasons = Counter(_reason(entry) for entry in failed)
    for reason, count in reasons.most_common(_REASONS_SHOWN):
        print(f"  {count} x {reason}")
    if len(reasons) > _REASONS_SHOWN:
        print(f"  ... and {len(reasons) - _REASONS_SHOWN} other reasons (see {path})")


def _reason(entry: dict[str, Any]) -> str:
    code = entry.get("ErrorCode")
    message = " ".join(str(entry.get("Message") or "no answer").split())
    return f"ErrorCode {code}: {message}" if code is not None else message


def _result_fields(outcome: Any) -> dict[str, Any]:
    if outcome.ok:
        return {
            "MessageID": outcome.message_id,
            "ErrorCode": 0,
            "SubmittedAt": outcome.submitted_at,
        }
    return {
        "ErrorCode": outcome.error_code,
        "Message": outcome.message,
        "MayHaveBeenSent": bool(outcome.error and outcome.error.may_have_been_sent),
    }
