"""The parallel scenario's exactly-once check."""

from __future__ import annotations

from parallel import check_exactly_once, subjects

SENT = subjects("r0-c8", 3)


def test_subjects_are_unique_and_tagged():
    assert SENT == ["r0-c8-0", "r0-c8-1", "r0-c8-2"]


def test_every_message_once_with_its_id_is_ok():
    records = {"r0-c8-0": ["a"], "r0-c8-1": ["b"], "r0-c8-2": ["c"]}
    assert check_exactly_once(records, SENT, ["a", "b", "c"]) == "ok"


def test_a_message_stored_twice_is_reported():
    records = {"r0-c8-0": ["a", "d"], "r0-c8-1": ["b"], "r0-c8-2": ["c"]}
    assert check_exactly_once(records, SENT, ["a", "b", "c"]) == "1 stored twice"


def test_a_message_never_stored_is_reported():
    records = {"r0-c8-0": ["a"], "r0-c8-2": ["c"]}
    assert check_exactly_once(records, SENT, ["a", "b", "c"]) == "1 not stored"


def test_outcomes_out_of_input_order_are_reported():
    # The client handed two messages each other's MessageID (outcomes not in input order).
    records = {"r0-c8-0": ["a"], "r0-c8-1": ["b"], "r0-c8-2": ["c"]}
    result = check_exactly_once(records, SENT, ["b", "a", "c"])
    assert result == "2 with another MessageID than stored"


def test_failures_missing_outcomes_and_strays_are_reported_together():
    records = {"r0-c8-0": ["a"], "r0-c8-1": ["b"], "r0-c8-2": ["c"], "other": ["z"]}
    result = check_exactly_once(records, SENT, ["a", None], error_count=1)
    assert result == "1 failed; 2 outcomes for 3 messages; 1 stored that were not sent"
