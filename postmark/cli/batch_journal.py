"""The results file of ``postmark batch``: an append-only journal that makes runs resumable.

Two kinds of JSON lines, appended as the run goes::

    {"sending": [2, 3], "fingerprints": ["8164552c108d4a0f", "03b1f9e0c27a4d55"]}
    {"line": 2, "fingerprint": "8164552c108d4a0f", "MessageID": "...", "ErrorCode": 0, ...}
    {"line": 3, "fingerprint": "03b1f9e0c27a4d55", "ErrorCode": 300, "Message": "...", ...}

A ``sending`` record names the lines of one request; it is written and
synced to disk *before* the request goes out. Each message's result follows
once Postmark has answered. So after any crash, even ``kill -9`` or a power
cut, a line whose last record is ``sending`` may or may not have reached
Postmark ("uncertain"); a line with a ``MessageID`` was sent; a line whose
last result is an error was not (unless it says ``MayHaveBeenSent``). The
last record of a line wins; a run appends, it never rewrites.

:class:`History` keeps what an earlier run recorded in 9 bytes per input
line (a state and an 8-byte fingerprint), so resuming a million-line file
costs about 9 MB, not a dict of a million entries.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from postmark.cli.errors import CommandError

#: A line's state in :class:`History`.
UNKNOWN, SENT, FAILED, UNCERTAIN = 0, 1, 2, 3
_DIGEST = 8  # bytes of a fingerprint
#: How every record this module writes starts (json.dumps keeps the key order).
_PREFIXES = (b'{"sending": ', b'{"line": ')


class History:
    """The last recorded state and fingerprint of each line number, compactly."""

    def __init__(self, last_number: int) -> None:
        self.last_number = last_number
        # Allocated at the first record: nothing for a first run, 9 MB for a million lines.
        self._states = bytearray()
        self._digests = bytearray()
        #: Where the complete records end: a cut last line is dropped before appending.
        self.complete_size = 0
        self.ends_line = True  # False: the last record lacks its newline

    def set(self, number: int, digest: bytes, state: int) -> None:
        if 0 < number <= self.last_number:  # a line the input no longer has cannot match
            if not self._states:  # the first record: room for every line at once
                self._states = bytearray(self.last_number + 1)
                self._digests = bytearray(_DIGEST * (self.last_number + 1))
            self._states[number] = state
            self._digests[number * _DIGEST : (number + 1) * _DIGEST] = digest

    def state(self, number: int, digest: bytes) -> int:
        """What an earlier run did with this line, if it had this content (else UNKNOWN)."""
        if not 0 < number < len(self._states):
            return UNKNOWN
        if self._digests[number * _DIGEST : (number + 1) * _DIGEST] != digest:
            return UNKNOWN
        return self._states[number]


def load_history(path: str, last_number: int) -> History:
    """What the results file at ``path`` says about lines 1..``last_number`` (read as a stream).

    A last line without its newline is a record cut short by a kill: it is
    ignored (a cut ``sending`` record was never followed by its request; a
    cut result leaves its lines uncertain). Anything else that is not a
    record of this module means the file is not a results file.
    """
    history = History(last_number)
    if not os.path.exists(path):
        return history
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.endswith(b"\n") and _cut_record(raw):
                break
            if raw.strip():
                _apply(history, raw, path, number)
            history.complete_size += len(raw)
            history.ends_line = raw.endswith(b"\n")
    return history


def _cut_record(raw: bytes) -> bool:
    """Whether ``raw`` is the start of a record this module writes, cut short."""
    if not any(raw[: len(prefix)] == prefix[: len(raw)] for prefix in _PREFIXES):
        return False
    try:
        json.loads(raw)
    except ValueError:
        return True
    return False  # whole but for its newline: kept


def _apply(history: History, raw: bytes, path: str, number: int) -> None:
    try:
        entry = json.loads(raw)
        if "sending" in entry:
            for line, digest in zip(entry["sending"], entry["fingerprints"], strict=True):
                history.set(int(line), bytes.fromhex(digest), UNCERTAIN)
        else:
            history.set(int(entry["line"]), bytes.fromhex(entry["fingerprint"]), _state(entry))
    except (ValueError, TypeError, KeyError, AttributeError):
        raise CommandError(
            f"{path} line {number} is not a result written by postmark batch; "
            "pass another --results file"
        ) from None


def _state(entry: dict[str, Any]) -> int:
    if entry.get("MessageID"):
        return SENT
    return UNCERTAIN if entry.get("MayHaveBeenSent") else FAILED


class Journal:
    """Appends records to the results file; opened at the first record, never before."""

    def __init__(self, path: str, history: History) -> None:
        self.path = path
        self._complete_size = history.complete_size
        self._ends_line = history.ends_line
        self._handle: IO[bytes] | None = None

    def sending(self, numbers: Sequence[int], digests: Iterable[bytes]) -> None:
        """Record that a request for these lines is about to go out, durably."""
        entry = {"sending": list(numbers), "fingerprints": [d.hex() for d in digests]}
        handle = self._write([entry])
        os.fsync(handle.fileno())  # on disk before the request: a crash cannot forget it

    def results(self, entries: Iterable[dict[str, Any]]) -> None:
        """Record outcomes (flushed: a kill cannot lose them; a lost one reads as uncertain)."""
        self._write(entries)

    def _write(self, entries: Iterable[dict[str, Any]]) -> IO[bytes]:
        handle = self._open()
        data = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
        handle.write(data.encode())
        handle.flush()
        return handle

    def _open(self) -> IO[bytes]:
        if self._handle is None:
            handle = open(self.path, "r+b" if os.path.exists(self.path) else "wb")  # noqa: SIM115
            handle.truncate(self._complete_size)  # drop a line cut by a kill
            handle.seek(self._complete_size)
            if not self._ends_line:
                handle.write(b"\n")
            self._handle = handle
        return self._handle

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


@contextmanager
def exclusive(path: str) -> Iterator[None]:
    """Hold the results file for one run: two runs sharing it would both send everything.

    An advisory lock (``flock``) on POSIX systems, released when the run
    ends, however it ends (a kill included); on Windows there is none.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover (Windows)
        yield
        return
    with open(path, "ab") as handle:  # created empty if need be; never written through
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CommandError(
                f"{path} is in use by another postmark batch run; "
                "wait for it to end, or pass another --results file"
            ) from None
        yield
