"""``postmark batch``: send a file of messages, resumably.

Input is JSON lines (one message per line, Postmark's keys or snake_case
ones) or CSV (a header row of snake_case names: ``from``, ``to``, ``cc``,
``bcc``, ``subject``, ``text_body``, ``html_body``, ``tag``, ``reply_to``,
``message_stream``, ``template_id``, ``template_alias``, ``template_model``
as JSON, ``metadata`` as JSON).

The results file gets one JSON line per input message: its line number, a
fingerprint of its content, and ``MessageID`` or ``ErrorCode``/``Message``.
Run the same command again and messages already sent (same line, same
content) are skipped, so a crash or a partial failure never sends twice.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from typing import Any

from postmark.cli import EXIT_API, EXIT_OK, CommandError, server_client
from postmark.exceptions import PostmarkError
from postmark.payloads import MAX_BATCH_MESSAGES, build_message
from postmark.sending import BatchPlan

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


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "batch",
        help="send many messages from a JSON-lines or CSV file",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", help="a .jsonl/.ndjson or .csv file")
    parser.add_argument(
        "--results", required=True, help="results file (JSON lines); reused to resume"
    )
    parser.add_argument("--from", dest="default_sender", help="From for rows without one")
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


def read_rows(path: str) -> Iterator[tuple[int, str]]:
    """(line number, raw record) for every message in the file."""
    if path.lower().endswith(".csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                yield number, json.dumps(row, sort_keys=True)
        return
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line.strip()


def to_message(raw: str, default_sender: str | None) -> dict[str, Any]:
    """Postmark's JSON for one input record (Postmark keys, or snake_case names)."""
    try:
        record = json.loads(raw)
    except ValueError as error:
        raise CommandError(f"not valid JSON: {error}") from None
    if not isinstance(record, dict):
        raise CommandError("each line must be a JSON object")
    if any(key[:1].isupper() for key in record):  # already Postmark's form
        record.setdefault("From", default_sender)
        return record
    fields: dict[str, Any] = {}
    for key, value in record.items():
        name = _SNAKE_FIELDS.get(key.strip().lower())
        if name is None:
            raise CommandError(f"unknown column {key!r}")
        if value in ("", None):
            continue
        if key in _JSON_FIELDS and isinstance(value, str):
            value = json.loads(value)
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
        for line in handle:
            if line.strip():
                entry = json.loads(line)
                results[int(entry["line"])] = entry
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
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.enabled = total, 0, enabled
        self.tty = sys.stderr.isatty()

    def advance(self, count: int) -> None:
        self.done += count
        if not self.enabled or self.total == 0:
            return
        filled = int(30 * self.done / self.total)
        bar = f"[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}"
        end = "\r" if self.tty and self.done < self.total else "\n"
        print(bar, end=end, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Running


def run(args: argparse.Namespace) -> int:
    results = load_results(args.results)
    pending: list[tuple[int, str, dict[str, Any]]] = []
    skipped = 0
    for number, raw in read_rows(args.input):
        digest = fingerprint(raw)
        if already_sent(results.get(number), digest, args.resend_uncertain):
            skipped += 1
            continue
        try:
            pending.append((number, digest, to_message(raw, args.default_sender)))
        except (CommandError, PostmarkError, ValueError) as error:
            results[number] = {
                "line": number,
                "fingerprint": digest,
                "ErrorCode": None,
                "Message": f"invalid input: {error}",
            }
    progress = Progress(len(pending), not args.no_progress)
    with server_client(args) as client:
        for start in range(0, len(pending), MAX_BATCH_MESSAGES):
            chunk = pending[start : start + MAX_BATCH_MESSAGES]
            plan = BatchPlan()  # outcomes keyed by line number
            for number, _, message in chunk:
                plan.add(number, message)
            digests = {number: digest for number, digest, _ in chunk}
            for outcome in client.email.send_batch(plan):
                number = outcome.index
                results[number] = {
                    "line": number,
                    "fingerprint": digests[number],
                    **_result_fields(outcome),
                }
            save_results(args.results, results)
            progress.advance(len(chunk))
    save_results(args.results, results)
    failed = [r for r in results.values() if not r.get("MessageID")]
    sent = len(results) - len(failed) - skipped
    print(
        f"sent {sent}, already sent before {skipped}, failed {len(failed)}; "
        f"results in {args.results}"
    )
    return EXIT_API if failed else EXIT_OK


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
