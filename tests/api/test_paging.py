"""iter() past Postmark's 10,000 cap: date-window narrowing against a simulated search.

:class:`FakeSearch` answers like Postmark's bounce/message searches: newest
first, ``count`` <= 500, ``count + offset`` <= 10,000 (422 otherwise),
inclusive ``fromdate``/``todate`` read as America/New_York wall time (a
date, or a date-time read either as "up to that instant" or "up to the end
of that second"); a wall time that occurs twice (November) is read as
standard time, as .NET does, or (adversarially) as the earlier hour.
"""

from __future__ import annotations

import json
import random
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests
import responses

import postmark
from postmark.api import dates
from postmark.api.base import SyncExecutor
from postmark.api.paging import (
    BOUNCES,
    INBOUND_MESSAGES,
    OUTBOUND_MESSAGES,
    DateOrder,
    TruncatedResultsWarning,
    iterate_by_date,
)
from postmark.protocol import Request

from .wire import API

ET = ZoneInfo("America/New_York")
UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICRO = timedelta(microseconds=1)


def micros(instant: datetime) -> int:
    return (instant - EPOCH) // MICRO


class FakeSearch:
    """A newest-first Postmark search over a fixed set of items."""

    def __init__(
        self,
        rows: list[tuple[datetime, dict[str, Any]]],
        *,
        key: str,
        id_key: str,
        second_end: bool = False,
        cap: int = 10_000,
        fold: int = 1,
    ) -> None:
        ordered = sorted(rows, key=lambda row: (micros(row[0]), row[1][id_key]), reverse=True)
        self.keys = [-micros(when) for when, _ in ordered]  # ascending, for bisect
        self.items = [item for _, item in ordered]
        self.key = key
        self.second_end = second_end
        self.cap = cap
        self.fold = fold
        self.queries: list[dict[str, str]] = []
        self.before_each: Callable[[FakeSearch], None] | None = None

    def wall(self, text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=ET, fold=self.fold)

    def upper(self, todate: str) -> tuple[int, bool]:
        """(microsecond limit, inclusive?) for a ``todate``."""
        if len(todate) == 10:
            return micros(self.wall(todate) + timedelta(days=1)), False
        start = micros(self.wall(todate))
        return (start + 1_000_000, False) if self.second_end else (start, True)

    def window(self, query: dict[str, str]) -> tuple[int, int]:
        start, end = 0, len(self.items)
        if "todate" in query:
            limit, inclusive = self.upper(query["todate"])
            start = (bisect_left if inclusive else bisect_right)(self.keys, -limit)
        if "fromdate" in query:
            end = bisect_right(self.keys, -micros(self.wall(query["fromdate"])))
        return start, max(start, end)

    def __call__(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        if self.before_each is not None:
            self.before_each(self)
        query = dict(parse_qsl(urlsplit(request.url or "").query))
        self.queries.append(query)
        # A walker that loops fails here instead of hanging the suite.
        assert len(self.queries) <= 5 * len(self.items) // 10 + 200, "runaway walk"
        count, offset = int(query["count"]), int(query["offset"])
        if not 1 <= count <= 500 or offset < 0 or count + offset > self.cap:
            return 422, {}, json.dumps({"ErrorCode": 1, "Message": "count + offset > 10000"})
        start, end = self.window(query)
        page = self.items[start + offset : min(end, start + offset + count)]
        return 200, {}, json.dumps({"TotalCount": end - start, self.key: page})


def stamp(instant: datetime, style: int) -> str:
    """Postmark's mixed timestamp styles, with 7 fraction digits."""
    fraction = f"{instant.microsecond:06d}7"
    if style == 0:
        return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + fraction + "Z"
    local = instant.astimezone(ET)
    offset = local.strftime("%z")
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + fraction + f"{offset[:3]}:{offset[3:]}"


def timeline(count: int, *, newest: datetime, mean_gap: float, seed: int) -> list[datetime]:
    """``count`` instants going back in time, with equal timestamps now and then."""
    rng = random.Random(seed)
    when, result = newest, []
    for _ in range(count):
        if rng.random() > 0.05:  # 5% share the previous item's exact timestamp
            when -= timedelta(microseconds=rng.randrange(1, int(2 * mean_gap * 1_000_000)))
        result.append(when)
    return result


def bounce_rows(instants: list[datetime]) -> list[tuple[datetime, dict[str, Any]]]:
    return [
        (when, {"ID": 1_000_000 + i, "BouncedAt": stamp(when, i % 2), "Type": "HardBounce"})
        for i, when in enumerate(instants)
    ]


def message_rows(instants: list[datetime]) -> list[tuple[datetime, dict[str, Any]]]:
    return [
        (when, {"MessageID": f"m-{i:06d}", "ReceivedAt": stamp(when, i % 2)})
        for i, when in enumerate(instants)
    ]


def twenty_five_thousand() -> list[datetime]:
    """25,000 instants over ~60 days across the November DST change, with a tie cluster.

    700 items share one timestamp around position 10,000, where the first
    window ends: the second window must start inside that cluster.
    """
    instants = timeline(
        25_000, newest=datetime(2024, 12, 20, 17, tzinfo=UTC), mean_gap=200, seed=25
    )
    instants[9_700:10_400] = [instants[9_700]] * 700
    return instants


def serve(path: str, search: FakeSearch) -> FakeSearch:
    responses.add_callback(responses.GET, API + path, callback=search)
    return search


def assert_within_caps(search: FakeSearch) -> None:
    for query in search.queries:
        assert int(query["count"]) <= 500
        assert int(query["count"]) + int(query["offset"]) <= 10_000


# --------------------------------------------------------------------------
# More than 10,000 results


@pytest.mark.parametrize("second_end", [False, True], ids=["todate-instant", "todate-second"])
def test_bounces_iter_yields_25000_bounces_exactly_once_newest_first(
    server: postmark.ServerClient, second_end: bool
) -> None:
    rows = bounce_rows(twenty_five_thousand())
    search = serve("/bounces", FakeSearch(rows, key="Bounces", id_key="ID", second_end=second_end))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = [bounce["ID"] for bounce in server.bounces.iter(type="HardBounce")]
    assert found == [item["ID"] for item in search.items]
    assert_within_caps(search)
    assert all(query["type"] == "HardBounce" for query in search.queries)
    # 50 pages of new results plus a few pages of overlap at each of 2 boundaries.
    assert len(search.queries) <= 60
    assert "todate" not in search.queries[0]
    narrowed = [q["todate"] for q in search.queries if "todate" in q]
    assert narrowed == sorted(narrowed, reverse=True) and len(set(narrowed)) == 2


def test_messages_iter_yields_25000_messages_within_the_callers_dates(
    server: postmark.ServerClient,
) -> None:
    instants = twenty_five_thousand()
    search = serve(
        "/messages/outbound",
        FakeSearch(message_rows(instants), key="Messages", id_key="MessageID"),
    )
    # The caller's own window: everything from Oct 25 to Dec 15 inclusive.
    start, end = search.window({"fromdate": "2024-10-25", "todate": "2024-12-15"})
    expected = search.items[start:end]
    assert len(expected) > 20_000
    found = list(server.messages.iter(from_date="2024-10-25", to_date="2024-12-15", tag="x"))
    assert [m["MessageID"] for m in found] == [m["MessageID"] for m in expected]
    assert search.queries[0]["todate"] == "2024-12-15"
    assert all(q["fromdate"] == "2024-10-25" and q["tag"] == "x" for q in search.queries)
    later = [q["todate"] for q in search.queries[1:] if q["offset"] == "0"]
    assert later and all("T" in todate and todate < "2024-12-16" for todate in later)
    assert_within_caps(search)


def small_window_walk(search: FakeSearch) -> list[Any]:
    """iterate_by_date with a cap of 50: a narrowing every 50 results."""

    def fetch(count: int, offset: int, to_date: str | None) -> Request[Any]:
        return Request(
            "GET", "/bounces", params={"count": count, "offset": offset, "todate": to_date}
        )

    def perform(page: Request[Any]) -> Any:
        request = requests.Request("GET", API, params=page.params).prepare()
        status, _, body = search(request)
        assert status == 200, body
        return json.loads(body)

    walk = iterate_by_date(fetch, "Bounces", BOUNCES, page_size=10, window=50)
    return [b["ID"] for b in SyncExecutor(perform).run_walk(walk)]


def dst_nights(mean_gap: float) -> list[datetime]:
    """3,000 results before each of the 2024 daylight-saving changes (and through it)."""
    return [
        *timeline(3_000, newest=datetime(2024, 11, 3, 9, tzinfo=UTC), mean_gap=mean_gap, seed=1),
        *timeline(3_000, newest=datetime(2024, 3, 10, 9, tzinfo=UTC), mean_gap=mean_gap, seed=2),
    ]


@pytest.mark.parametrize("zone", ["tz-database", "no-tz-database"])
@pytest.mark.parametrize("fold", [1, 0], ids=["repeated-hour-as-EST", "repeated-hour-as-EDT"])
@pytest.mark.parametrize("second_end", [False, True], ids=["todate-instant", "todate-second"])
def test_hundreds_of_narrowings_across_both_dst_changes(
    monkeypatch: pytest.MonkeyPatch, zone: str, fold: int, second_end: bool
) -> None:
    """A cap of 50 forces a narrowing every 50 results: dozens inside the DST changes.

    30 results an hour: fewer than one window, whichever way the server
    reads the repeated hour and whether or not a time-zone database exists.
    """
    if zone == "no-tz-database":
        monkeypatch.setattr(dates, "eastern_zone", lambda: None)
    search = FakeSearch(
        bounce_rows(dst_nights(mean_gap=120)),
        key="Bounces",
        id_key="ID",
        second_end=second_end,
        cap=50,
        fold=fold,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = small_window_walk(search)
    assert found == [item["ID"] for item in search.items]
    assert len(search.queries) > 600  # really narrowed over a hundred times


@pytest.mark.parametrize("fold", [1, 0], ids=["repeated-hour-as-EST", "repeated-hour-as-EDT"])
def test_a_crowded_repeated_hour_stops_cleanly_instead_of_skipping(fold: int) -> None:
    """900 results an hour with a cap of 50: the November hour cannot always be crossed.

    Whatever happens, what was yielded is a clean prefix: nothing skipped,
    nothing twice, and a warning says the walk stopped.
    """
    search = FakeSearch(
        bounce_rows(dst_nights(mean_gap=4)), key="Bounces", id_key="ID", cap=50, fold=fold
    )
    expected = [item["ID"] for item in search.items]
    with pytest.warns(TruncatedResultsWarning, match="line up|makes no progress"):
        found = small_window_walk(search)
    assert 0 < len(found) < len(expected)
    assert found == expected[: len(found)]


def test_more_than_10000_results_in_one_second_stop_with_a_warning(
    server: postmark.ServerClient,
) -> None:
    same = datetime(2024, 5, 14, 13, 0, 0, 500_000, tzinfo=UTC)
    older = timeline(500, newest=same, mean_gap=60, seed=3)
    search = serve(
        "/bounces",
        FakeSearch(bounce_rows([same] * 10_500 + older), key="Bounces", id_key="ID"),
    )
    with pytest.warns(TruncatedResultsWarning, match="stopped after 10,000 results") as caught:
        found = [b["ID"] for b in server.bounces.iter()]
    assert len(found) == len(set(found)) == 10_000
    assert "Add filters" in str(caught[0].message)
    assert len(search.queries) <= 40  # two windows at most, no loop
    assert_within_caps(search)


def test_results_arriving_during_the_walk_are_not_repeated_or_lost(
    server: postmark.ServerClient,
) -> None:
    """New bounces push older ones down a page between requests (offset paging drifts)."""
    instants = timeline(12_000, newest=datetime(2024, 5, 1, tzinfo=UTC), mean_gap=30, seed=4)
    search = serve("/bounces", FakeSearch(bounce_rows(instants), key="Bounces", id_key="ID"))
    original = [item["ID"] for item in search.items]
    arrivals = iter(range(50))

    def new_bounce(fake: FakeSearch) -> None:
        number = next(arrivals, None)
        if number is not None:  # 7 new bounces before every request, newer than all
            for extra in range(7):
                ident = 9_000_000 + number * 10 + extra
                fake.keys.insert(0, fake.keys[0] - 1)
                fake.items.insert(0, {"ID": ident, "BouncedAt": "2024-05-02T00:00:00Z"})

    search.before_each = new_bounce
    found = [b["ID"] for b in server.bounces.iter()]
    assert len(found) == len(set(found))
    assert set(original) <= set(found)


def test_inbound_iter_narrows_by_day_despite_wrong_sender_dates(
    server: postmark.ServerClient,
) -> None:
    """Inbound results carry only the sender's Date header: late, early, or absurd."""
    rng = random.Random(5)
    received = timeline(25_000, newest=datetime(2024, 12, 20, tzinfo=UTC), mean_gap=200, seed=6)
    rows = []
    for i, when in enumerate(received):
        claimed = when - timedelta(seconds=rng.randrange(0, 3_600))  # composed before receipt
        if i % 97 == 0:
            claimed = datetime(2001, 1, 1, tzinfo=UTC)  # a sender with a dead clock battery
        if i % 89 == 0:
            claimed = datetime(2031, 1, 1, tzinfo=UTC)  # or one from the future
        date_header = claimed.astimezone(timezone(timedelta(hours=2))).strftime(
            "%a, %d %b %Y %H:%M:%S %z"
        )
        rows.append((when, {"MessageID": f"in-{i:06d}", "Date": date_header}))
    search = serve("/messages/inbound", FakeSearch(rows, key="InboundMessages", id_key="MessageID"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = [m["MessageID"] for m in server.inbound.iter(status="processed")]
    assert found == [item["MessageID"] for item in search.items]
    narrowed = [q["todate"] for q in search.queries if "todate" in q]
    assert narrowed and all(len(todate) == 10 for todate in narrowed)  # whole days
    assert_within_caps(search)


# --------------------------------------------------------------------------
# Up to 10,000 results, and odd pages


def test_under_the_cap_one_window_and_no_todate(server: postmark.ServerClient) -> None:
    instants = timeline(1_234, newest=datetime(2024, 5, 1, tzinfo=UTC), mean_gap=30, seed=8)
    search = serve("/bounces", FakeSearch(bounce_rows(instants), key="Bounces", id_key="ID"))
    assert len(list(server.bounces.iter())) == 1_234
    assert [(q["count"], q["offset"]) for q in search.queries] == [
        ("500", "0"),
        ("500", "500"),
        ("500", "1000"),
    ]
    assert all("todate" not in q for q in search.queries)


def test_exactly_10000_results_need_no_narrowing(server: postmark.ServerClient) -> None:
    instants = timeline(10_000, newest=datetime(2024, 5, 1, tzinfo=UTC), mean_gap=30, seed=9)
    search = serve("/bounces", FakeSearch(bounce_rows(instants), key="Bounces", id_key="ID"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(list(server.bounces.iter())) == 10_000
    assert len(search.queries) == 20


def test_results_without_dates_cannot_be_narrowed_so_iter_warns(
    server: postmark.ServerClient,
) -> None:
    page = {"TotalCount": 20_000, "Bounces": [{"ID": n} for n in range(500)]}
    responses.get(f"{API}/bounces", json=page)
    with pytest.warns(TruncatedResultsWarning, match="without a readable BouncedAt"):
        found = list(server.bounces.iter())
    assert len(found) == 500  # every page repeats the same ids: only new ones are yielded
    assert len(responses.calls) == 20


def test_date_orders_of_the_searches() -> None:
    assert (BOUNCES.date_key, BOUNCES.id_key) == ("BouncedAt", "ID")
    assert (OUTBOUND_MESSAGES.date_key, OUTBOUND_MESSAGES.id_key) == ("ReceivedAt", "MessageID")
    assert INBOUND_MESSAGES.by_day


def test_next_bounds_use_the_oldest_item_and_round_up() -> None:
    order = DateOrder("At", "ID")
    page = [
        {"At": "2024-05-14T12:00:05.1000000-04:00"},
        {"At": "2024-05-14T16:00:00.0000001Z"},  # 12:00:00.0000001 EDT, a hair past the second
        {"At": "2024-05-14T12:00:03-04:00"},
    ]
    assert [b.to_date for b in order.next_bounds(page)] == ["2024-05-14T12:00:01"]
    exact = order.next_bounds([{"At": "2024-05-14T12:00:03-04:00"}])
    assert [b.to_date for b in exact] == ["2024-05-14T12:00:03"]
    assert exact[0].end == datetime(2024, 5, 14, 16, 0, 4, tzinfo=UTC)
    assert order.next_bounds([{"At": None}, {}]) == []


def test_next_bounds_in_the_repeated_hour_offer_a_safe_second_choice() -> None:
    order = DateOrder("At", "ID")
    # 01:30:00.5 EST on 2024-11-03, the second time the clock shows 01:30.
    bounds = order.next_bounds([{"At": "2024-11-03T06:30:00.5Z"}])
    assert [b.to_date for b in bounds] == ["2024-11-03T01:30:01", "2024-11-03T02:00:00"]
    assert bounds[0].end == datetime(2024, 11, 3, 6, 30, 2, tzinfo=UTC)


def test_inbound_bounds_are_whole_days_after_the_median_date() -> None:
    page = [
        {"Date": "Tue, 14 May 2024 09:00:00 -0400"},
        {"Date": "Mon, 01 Jan 2001 00:00:00 +0000"},  # an absurd sender clock
        {"Date": "Tue, 14 May 2024 08:00:00 -0400"},
    ]
    assert [b.to_date for b in INBOUND_MESSAGES.next_bounds(page)] == ["2024-05-15"]


def test_a_server_ignoring_todate_is_caught_instead_of_repeating_results(
    server: postmark.ServerClient,
) -> None:
    search = FakeSearch(bounce_rows(twenty_five_thousand()), key="Bounces", id_key="ID")
    ignoring_todate = search.__call__

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        request.url = (request.url or "").split("&todate=")[0]
        return ignoring_todate(request)

    responses.add_callback(responses.GET, f"{API}/bounces", callback=answer)
    with pytest.warns(TruncatedResultsWarning, match="does not line up"):
        found = [b["ID"] for b in server.bounces.iter()]
    assert found == [item["ID"] for item in search.items[:10_000]]
