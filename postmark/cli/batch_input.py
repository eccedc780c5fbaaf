"""The input of ``postmark batch``, read as a stream of records.

A file of a million messages is never held in memory: :meth:`BatchInput.records`
reads it line by line each time it is called. The command reads it twice:
once to refuse a wrong encoding or an unknown column before anything is
sent (:meth:`BatchInput.check`), once to send.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from postmark.cli.errors import CommandError
from postmark.payloads import build_message

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
_DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t"}
_UTF8_NAMES = ("utf-8-sig", "utf-8", "utf8")


@dataclass(frozen=True, slots=True)
class Record:
    """One input message: where it is, its raw text (for the fingerprint), its fields."""

    number: int
    raw: str
    fields: dict[str, Any] | None  # None: the line is not a JSON object


@dataclass(frozen=True)
class Extent:
    """What :meth:`BatchInput.check` found: how many records, the last one's number."""

    count: int
    last_number: int


class BatchInput:
    """A .jsonl/.ndjson or .csv file of messages, in ``encoding``."""

    def __init__(self, path: str, encoding: str, delimiter: str | None = None) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        try:
            text_encoding = codecs.lookup(encoding)._is_text_encoding
        except LookupError:
            text_encoding = False
        if not text_encoding:  # unknown, or bytes to bytes such as base64
            raise CommandError(
                f"unknown --encoding {encoding!r} (try utf-8, cp1252, latin-1)"
            ) from None

    def check(self) -> Extent:
        """Read the whole file once: its encoding, every column or key, before sending."""
        count = last = 0
        for record in self.records():
            count, last = count + 1, record.number
        return Extent(count, last)

    def records(self) -> Iterator[Record]:
        """Every message of the file in order, read lazily; an unknown name stops (exit 2)."""
        lines = text_lines(self.path, self.encoding)
        if self.path.lower().endswith(".csv"):
            return csv_records(self.path, lines, self.delimiter)
        return jsonl_records(self.path, lines)


def text_lines(path: str, encoding: str) -> Iterator[str]:
    """The file's lines with their ``\\n``; a wrong encoding is named with its line.

    Bytes go through an incremental decoder, so any encoding works (a line
    split by ``\\n`` bytes is not a line of UTF-16, but the decoder carries
    its state over and the text is split again).
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    number, rest, first = 1, "", True
    with open(path, "rb") as handle:
        for piece in itertools.chain(handle, [b""]):
            try:
                text = rest + decoder.decode(piece, final=not piece)
            except UnicodeDecodeError as error:
                raise _not_encoded(path, encoding, number, piece, error) from None
            if first and text:
                text, first = text.removeprefix("\ufeff"), False  # BOM of explicit utf-8
            *complete, rest = text.split("\n")
            for line in complete:
                yield line + "\n"
            number += len(complete)
    if rest:
        yield rest


def _not_encoded(
    path: str, encoding: str, number: int, piece: bytes, error: UnicodeDecodeError
) -> CommandError:
    line = number + piece[: error.start].count(b"\n")
    name = "UTF-8" if encoding.lower().replace("_", "-") in _UTF8_NAMES else encoding
    byte = f" (byte 0x{piece[error.start]:02x})" if error.start < len(piece) else ""
    return CommandError(
        f"{path} line {line} is not {name} text{byte}; "
        "pass its encoding, e.g. --encoding cp1252 for a CSV saved by Excel on Windows"
    )


def sniff_delimiter(header: str) -> str:
    """The separator of a CSV file: whichever of , ; and tab the header row has most of."""
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_records(path: str, lines: Iterator[str], delimiter: str | None) -> Iterator[Record]:
    header = next(lines, "")
    separator = _DELIMITER_NAMES.get(delimiter or "", sniff_delimiter(header))
    reader = csv.DictReader(itertools.chain([header], lines), delimiter=separator)
    if not reader.fieldnames:
        raise CommandError(f"{path} is empty: a CSV file needs a header row and messages")
    for column in reader.fieldnames:
        check_name(path, column, "line 1 (the header)", "column")
    for number, row in enumerate(reader, start=2):
        if None in row:  # more cells than header columns
            yield Record(number, json.dumps(row, default=str), None)
            continue
        fields = {key: value or "" for key, value in row.items()}
        yield Record(number, json.dumps(fields, sort_keys=True), fields)


def jsonl_records(path: str, lines: Iterator[str]) -> Iterator[Record]:
    for number, line in enumerate(lines, start=1):
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
        yield Record(number, raw, fields)


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


def fingerprint(raw: str) -> bytes:
    """8 bytes that tell a record from an edited one (shown as 16 hex digits)."""
    return hashlib.sha256(raw.encode()).digest()[:8]
