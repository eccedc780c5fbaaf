"""The results journal of ``postmark batch``: what a re-run reads back, cut lines included."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from postmark.cli.batch_input import BatchInput, fingerprint
from postmark.cli.batch_journal import (
    FAILED,
    SENT,
    UNCERTAIN,
    UNKNOWN,
    History,
    Journal,
    load_history,
)
from postmark.cli.errors import CommandError

A, B, C, D = (fingerprint(text) for text in "abcd")


def sent(line: int, digest: bytes) -> dict[str, object]:
    return {"line": line, "fingerprint": digest.hex(), "MessageID": f"id-{line}", "ErrorCode": 0}


def refused(line: int, digest: bytes, *, maybe: bool = False) -> dict[str, object]:
    return {
        "line": line,
        "fingerprint": digest.hex(),
        "ErrorCode": 300,
        "Message": "Invalid 'To' address",
        "MayHaveBeenSent": maybe,
    }


def write_run(path: Path) -> None:
    """Lines 1-4 sent in one request; 1 and 2 answered, 3 refused, 4 had no answer; 5 unsent."""
    journal = Journal(str(path), load_history(str(path), 10))
    journal.sending([1, 2, 3, 4], [A, B, C, D])
    journal.results([sent(1, A), sent(2, B), refused(3, C)])
    journal.close()


def test_each_line_reads_back_as_its_last_record(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    write_run(path)
    history = load_history(str(path), 10)
    assert [history.state(n, d) for n, d in [(1, A), (2, B), (3, C), (4, D)]] == [
        SENT,
        SENT,
        FAILED,
        UNCERTAIN,  # "sending" and no result: the request may have reached Postmark
    ]
    assert history.state(5, A) == UNKNOWN
    assert history.state(1, B) == UNKNOWN  # line 1 was edited since: not the message sent


def test_a_later_record_wins_and_may_have_been_sent_is_uncertain(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    write_run(path)
    journal = Journal(str(path), load_history(str(path), 10))
    journal.sending([3, 4], [C, D])
    journal.results([refused(3, C, maybe=True), sent(4, D)])
    journal.close()
    history = load_history(str(path), 10)
    assert history.state(3, C) == UNCERTAIN
    assert history.state(4, D) == SENT


def test_lines_past_the_input_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(sent(10**9, A)) + "\n")
    history = load_history(str(path), 3)  # a huge number allocates nothing
    assert history.state(10**9, A) == UNKNOWN
    assert len(history._states) == 0


def test_a_cut_last_line_is_dropped_wherever_the_cut_falls(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    write_run(path)
    whole = path.read_bytes()
    body, last = whole[: whole.rindex(b"{")], whole[whole.rindex(b"{") :]  # refused(3, C)
    for cut in range(1, len(last) - 1):  # every cut but the one before the newline
        path.write_bytes(body + last[:cut])
        history = load_history(str(path), 10)
        assert history.complete_size == len(body), cut
        assert history.state(3, C) == UNCERTAIN, cut  # its result is lost: not known refused
        journal = Journal(str(path), history)
        journal.results([sent(5, A)])
        journal.close()
        assert path.read_bytes() == body + json.dumps(sent(5, A)).encode() + b"\n", cut


def test_a_whole_last_record_without_its_newline_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    write_run(path)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    history = load_history(str(path), 10)
    assert history.state(3, C) == FAILED
    journal = Journal(str(path), history)
    journal.results([sent(5, A)])
    journal.close()
    lines = path.read_text().splitlines()
    assert [json.loads(line).get("line") for line in lines] == [None, 1, 2, 3, 5]


@pytest.mark.parametrize(
    "content",
    [
        b'{"From": "me@example.com",',  # some other JSON, cut or not
        b'{"From": "me@example.com"}\n',
        b'{"line": 2, "fingerprint": "zz"}\n{"line": 3}\n',
        b'{"sending": [1, 2], "fingerprints": ["8164552c108d4a0f"]}\n',  # lengths differ
        b"line,fingerprint\n2,8164552c108d4a0f\n",
    ],
)
def test_a_file_that_is_not_a_journal_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="is not a result written by postmark batch"):
        load_history(str(path), 10)
    assert path.read_bytes() == content


def test_nothing_is_created_until_the_first_record(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    journal = Journal(str(path), load_history(str(path), 10))
    journal.close()
    assert not path.exists()


def test_the_history_of_a_million_lines_is_a_few_megabytes() -> None:
    tracemalloc.start()
    try:
        history = History(1_000_000)
        history.set(1_000_000, A, SENT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert history.state(1_000_000, A) == SENT
    assert peak < 10_000_000  # a set of a million ints alone is ~30 MB


def _input_peak(path: Path, count: int) -> int:
    path.write_text(
        "".join(
            json.dumps({"to": f"u{i}@example.com", "subject": "s" * 200}) + "\n"
            for i in range(count)
        )
    )
    tracemalloc.start()
    try:
        extent = BatchInput(str(path), "utf-8-sig").check()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert extent.count == count
    return peak


def test_the_input_is_read_as_a_stream(tmp_path: Path) -> None:
    small = _input_peak(tmp_path / "small.jsonl", 2_000)
    large = _input_peak(tmp_path / "large.jsonl", 40_000)  # 10 MB of text
    assert large < small * 2 + 100_000  # reading it whole would cost 20 times more
