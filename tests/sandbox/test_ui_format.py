"""The inbox's time element reads every timestamp form the sandbox stores, on every Python."""

from __future__ import annotations

import time

import pytest

from postmark.sandbox.ui.format import when


@pytest.mark.parametrize(
    "value",
    [
        "2026-12-01T22:39:20.1234567-05:00",  # Postmark's ReceivedAt: seven fraction digits
        "2026-12-02T03:39:20Z",
        "2026-12-02T03:39:20.5Z",
        "2026-12-02T03:39:20",  # no offset: UTC
        1796182760.25,  # a Unix timestamp
    ],
)
def test_when_makes_a_time_element_in_utc(value: float | str) -> None:
    assert when(value) == ('<time datetime="2026-12-02T03:39:20Z">2026-12-02 03:39:20 UTC</time>')


def test_an_unreadable_time_is_shown_as_it_is_escaped() -> None:
    assert when("soon <b>") == "soon &lt;b&gt;"


def test_a_time_without_offset_is_utc_whatever_the_local_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert 'datetime="2026-12-02T03:39:20Z"' in when("2026-12-02T03:39:20")
    finally:
        monkeypatch.undo()
        time.tzset()
