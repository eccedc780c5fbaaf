"""Dates in queries: Eastern wall time, inclusive bounds, Postmark's timestamp styles."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from postmark.api import dates
from postmark.api.dates import (
    coverage_end,
    parse_timestamp,
    query_date,
    query_day,
    readings,
    upper_bound,
)

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-14T09:21:37.5512864-04:00", datetime(2024, 5, 14, 13, 21, 37, 551287, UTC)),
        ("2024-05-14T13:21:37Z", datetime(2024, 5, 14, 13, 21, 37, tzinfo=UTC)),
        ("2024-05-14T13:21:37.1234560Z", datetime(2024, 5, 14, 13, 21, 37, 123456, UTC)),
        ("2024-05-14 13:21:37+0000", datetime(2024, 5, 14, 13, 21, 37, tzinfo=UTC)),
        # No offset: Postmark's own zone, Eastern (EDT in May).
        ("2024-05-14T09:21:37", datetime(2024, 5, 14, 13, 21, 37, tzinfo=UTC)),
        ("Tue, 14 May 2024 15:21:37 +0200", datetime(2024, 5, 14, 13, 21, 37, tzinfo=UTC)),
        ("not a date", None),
        ("2024-02-30T00:00:00Z", None),
        # These raised (ValueError, OverflowError) before the shared reader.
        ("2024-05-14T13:21:37+24:00", None),
        ("9999-12-31T23:59:59.9999999Z", None),
        ("Mon, 1 Jan 99999999999 00:00:00 +0000", None),
        (None, None),
        (12, None),
    ],
)
def test_parse_timestamp(text: object, expected: datetime | None) -> None:
    assert parse_timestamp(text) == expected


def test_fractions_beyond_microseconds_round_up_never_down() -> None:
    # Rounding down could put a bound just below the item it came from.
    parsed = parse_timestamp("2024-05-14T13:21:37.9999991Z")
    assert parsed == datetime(2024, 5, 14, 13, 21, 38, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "wall"),
    [
        # Summer, EDT; a fraction rounds up to the next second.
        (datetime(2024, 7, 1, 16, 0, 0, 1, UTC), datetime(2024, 7, 1, 12, 0, 1)),
        # Winter, EST; a whole second stays.
        (datetime(2024, 1, 15, 17, 0, 0, tzinfo=UTC), datetime(2024, 1, 15, 12, 0, 0)),
        # 01:30 EDT, the first time 01:30 happens on 2024-11-03: every reading is later.
        (datetime(2024, 11, 3, 5, 30, 0, 500_000, UTC), datetime(2024, 11, 3, 1, 30, 1)),
        # 01:30 EST, the second time: any 01:xx could be read an hour early, so 02:00:00.
        (datetime(2024, 11, 3, 6, 30, 0, 500_000, UTC), datetime(2024, 11, 3, 2, 0, 0)),
        # 01:59:59.5 EST just before the March jump: never a wall time that does not exist.
        (datetime(2024, 3, 10, 6, 59, 59, 500_000, UTC), datetime(2024, 3, 10, 3, 0, 0)),
    ],
)
def test_upper_bound_is_the_smallest_wall_time_every_reading_of_which_is_later(
    instant: datetime, wall: datetime
) -> None:
    bound = upper_bound(instant)
    assert bound == wall
    assert all(reading >= instant for reading in readings(bound))
    assert any(reading < instant for reading in readings(bound - timedelta(seconds=1)))


def test_without_a_time_zone_database_walls_are_read_as_edt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Too wide by an hour in winter (more requests), never too narrow (lost results)."""
    monkeypatch.setattr(dates, "eastern_zone", lambda: None)
    winter = datetime(2024, 1, 15, 17, 0, 0, tzinfo=UTC)  # 12:00 EST
    assert upper_bound(winter) == datetime(2024, 1, 15, 13, 0, 0)
    assert readings(datetime(2024, 1, 15, 13, 0, 0)) == [winter]


def test_query_date_formats_what_postmark_reads() -> None:
    assert query_date(None) is None
    assert query_date("2024-05-01T10:00:00") == "2024-05-01T10:00:00"
    assert query_date(date(2024, 5, 1)) == "2024-05-01"
    aware = datetime(2024, 5, 1, 14, 0, 0, 250_000, tzinfo=UTC)  # 10:00:00.25 EDT
    assert query_date(aware) == "2024-05-01T10:00:00"
    assert query_date(aware, upper=True) == "2024-05-01T10:00:01"
    assert query_date(datetime(2024, 5, 1, 10, 0, 0, 1), upper=True) == "2024-05-01T10:00:01"
    assert query_day(datetime(2024, 2, 1, 3, 0, tzinfo=UTC)) == "2024-01-31"
    assert query_day(datetime(2024, 2, 1, 3, 0)) == "2024-02-01"


@pytest.mark.parametrize(
    ("query", "end"),
    [
        ("2024-05-01", datetime(2024, 5, 2)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, 0, 1)),
        ("2024-05-01T10:00:00Z", None),  # an offset: not a Postmark wall time
        ("yesterday", None),
        (None, None),
    ],
)
def test_coverage_end_is_the_widest_exclusive_end(query: str | None, end: datetime | None) -> None:
    assert coverage_end(query) == end
