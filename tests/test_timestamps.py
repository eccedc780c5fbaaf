"""postmark.timestamps: the one reader of Postmark's timestamps (API answers and webhooks)."""

from __future__ import annotations

import ast
import pathlib
from datetime import datetime, timedelta, timezone

import pytest

import postmark.timestamps
from postmark.timestamps import parse_iso8601, parse_rfc2822

UTC = timezone.utc
EDT = timezone(timedelta(hours=-4))


@pytest.mark.parametrize(
    ("text", "cut", "rounded_up"),
    [
        # Postmark's own: seven fraction digits and an offset.
        (
            "2014-08-01T13:28:10.2735393-04:00",
            datetime(2014, 8, 1, 13, 28, 10, 273539, EDT),
            datetime(2014, 8, 1, 13, 28, 10, 273540, EDT),
        ),
        (
            "2024-05-14T13:25:02.4178645Z",
            datetime(2024, 5, 14, 13, 25, 2, 417864, UTC),
            datetime(2024, 5, 14, 13, 25, 2, 417865, UTC),
        ),
        # Trailing zeros are not "more than microseconds".
        (
            "2024-05-14T13:25:02.1234560Z",
            datetime(2024, 5, 14, 13, 25, 2, 123456, UTC),
            datetime(2024, 5, 14, 13, 25, 2, 123456, UTC),
        ),
        # Rounding up carries into the next second, day and year.
        (
            "2024-12-31T23:59:59.9999999Z",
            datetime(2024, 12, 31, 23, 59, 59, 999999, UTC),
            datetime(2025, 1, 1, tzinfo=UTC),
        ),
        # No fraction; Z in either case; offsets with and without a colon.
        ("2024-05-14T10:02:41Z", datetime(2024, 5, 14, 10, 2, 41, tzinfo=UTC), None),
        ("2024-05-14T10:02:41z", datetime(2024, 5, 14, 10, 2, 41, tzinfo=UTC), None),
        ("2024-05-14T10:02:41-00:00", datetime(2024, 5, 14, 10, 2, 41, tzinfo=UTC), None),
        (
            "2024-05-14T10:02:41+0200",
            datetime(2024, 5, 14, 10, 2, 41, tzinfo=timezone(timedelta(hours=2))),
            None,
        ),
        (
            "2024-05-14 10:02:41.123+05:30",
            datetime(2024, 5, 14, 10, 2, 41, 123000, timezone(timedelta(hours=5, minutes=30))),
            None,
        ),
        (
            "2024-05-14T10:02:41-23:59",
            datetime(2024, 5, 14, 10, 2, 41, tzinfo=timezone(-timedelta(hours=23, minutes=59))),
            None,
        ),
        # What either old reader accepted: "t", a comma, a blank before the offset,
        # no seconds, surrounding whitespace.
        ("2024-05-14t10:02:41Z", datetime(2024, 5, 14, 10, 2, 41, tzinfo=UTC), None),
        ("2024-05-14T10:02:41,5Z", datetime(2024, 5, 14, 10, 2, 41, 500000, UTC), None),
        ("2024-05-14T10:02:41 Z", datetime(2024, 5, 14, 10, 2, 41, tzinfo=UTC), None),
        ("2024-05-14T10:02Z", datetime(2024, 5, 14, 10, 2, tzinfo=UTC), None),
        (" 2024-05-14T10:02:41Z\n", datetime(2024, 5, 14, 10, 2, 41, tzinfo=UTC), None),
        # No offset: naive; the caller decides the zone.
        ("2024-05-14T10:02:41", datetime(2024, 5, 14, 10, 2, 41), None),
    ],
)
def test_postmark_formats(text: str, cut: datetime, rounded_up: datetime | None) -> None:
    assert parse_iso8601(text) == cut
    assert parse_iso8601(text, round_up=True) == (rounded_up or cut)
    parsed = parse_iso8601(text)
    assert parsed is not None and parsed.utcoffset() == cut.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "2024-05-14",  # a date is not a timestamp
        "2024-02-30T10:02:41Z",  # no such day
        "2024-05-14T24:00:00Z",
        "0000-01-01T00:00:00Z",
        "2024-05-14T10:02:41+24:00",  # offsets must stay below a day (raised ValueError)
        "2024-05-14T10:02:41+05:99",  # and minutes below 60
        "2024-05-14T10:02:41+02",
        "2024-05-14T10:02:41.Z",
        "2024-05-14T10:02:41Z trailing",
        "١٢٣٤-05-14T10:02:41Z",  # digits other than ASCII
        "x" * 100_000,
    ],
)
def test_garbage_is_none_never_an_exception(text: str) -> None:
    assert parse_iso8601(text) is None
    assert parse_iso8601(text, round_up=True) is None


@pytest.mark.parametrize("value", [None, 12, 1.5, True, b"2024-05-14T10:02:41Z", ["x"]])
def test_anything_but_text_is_none(value: object) -> None:
    assert parse_iso8601(value) is None
    assert parse_rfc2822(value) is None


def test_rounding_up_past_year_9999_is_none() -> None:
    """It raised OverflowError in postmark.api.dates."""
    assert parse_iso8601("9999-12-31T23:59:59.9999999Z", round_up=True) is None
    assert parse_iso8601("9999-12-31T23:59:59.9999999Z") == datetime(
        9999, 12, 31, 23, 59, 59, 999999, UTC
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Tue, 14 May 2024 15:21:37 +0200",
            datetime(2024, 5, 14, 15, 21, 37, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("Tue, 14 May 2024 15:21:37 -0000", datetime(2024, 5, 14, 15, 21, 37)),  # naive
        (  # the zone as Postmark's own inbound example writes it
            "Fri, 1 Aug 2014 16:45:32 -04:00",
            datetime(2014, 8, 1, 16, 45, 32, tzinfo=timezone(timedelta(hours=-4))),
        ),
        ("Tue, 14 May 2024 15:21:37", datetime(2024, 5, 14, 15, 21, 37)),
        ("", None),
        ("not a date", None),
        ("Mon, 1 Jan 99999999999 00:00:00 +0000", None),  # raised OverflowError
        ("Mon, 1 Jan 2024 00:00:00 +9999", None),
    ],
)
def test_parse_rfc2822(text: str, expected: datetime | None) -> None:
    assert parse_rfc2822(text) == expected


def test_foundation_module_imports_only_the_standard_library() -> None:
    tree = ast.parse(pathlib.Path(postmark.timestamps.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert imported <= {"__future__", "re", "datetime", "email"}, imported


def test_api_dates_and_webhooks_use_it() -> None:
    from postmark.api import dates
    from postmark.webhooks import fields, inbound

    assert dates.parse_iso8601 is fields.parse_iso8601 is parse_iso8601
    assert dates.parse_rfc2822 is inbound.parse_rfc2822 is parse_rfc2822
