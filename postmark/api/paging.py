"""Offset paging as Postmark does it: ``count`` <= 500, ``count + offset`` <= 10,000.

Two walkers back every ``iter`` method:

* :func:`iterate` pages through a list with ``count``/``offset``. Lists with
  no documented cap (templates, servers, domains ...) use ``window=None``;
  searches capped at 10,000 that offer no date filter (opens, clicks) stop
  there with a :class:`TruncatedResultsWarning`.
* :func:`iterate_by_date` walks a newest-first search that has a ``todate``
  filter (bounces, outbound and inbound messages) past the 10,000 cap by
  narrowing the date window itself.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from postmark.api.dates import (
    ceil_second,
    coverage_end,
    day_end,
    earliest_instant,
    eastern_wall,
    latest_instant,
    parse_timestamp,
    upper_bound,
)
from postmark.protocol import Request

MAX_PAGE = 500
MAX_OFFSET_WINDOW = 10_000

Page = Mapping[str, Any]
#: A description of the request for one page (see :mod:`postmark.api.base`).
PageRequest = Request[Any]
#: What a walk yields: page requests (sent their answers back) and items.
Steps = Generator[Any, Any, None]


class TruncatedResultsWarning(UserWarning):
    """An ``iter`` stopped early because Postmark will not page any further.

    Turn it into an error with
    ``warnings.simplefilter("error", postmark.api.paging.TruncatedResultsWarning)``.
    """


def _finished(items: Sequence[Any], offset: int, count: int, total: Any) -> bool:
    """Whether a page was the last one (trusting ``TotalCount`` when there is one)."""
    if not items:
        return True
    if isinstance(total, int):
        return offset >= total
    return len(items) < count


def iterate(
    fetch: Callable[[int, int], PageRequest],
    key: str,
    *,
    page_size: int = MAX_PAGE,
    window: int | None = MAX_OFFSET_WINDOW,
    what: str = "this search",
) -> Steps:
    """Yield every item of a paged list, lazily, one request per page.

    ``fetch(count, offset)`` describes the request for one page; ``key`` names its list
    (``"Templates"``, ``"Opens"`` ...). With a ``window``, requests keep
    ``count + offset`` within it; if more results remain there, the walk
    stops with a :class:`TruncatedResultsWarning`.
    """
    page_size = max(1, min(page_size, MAX_PAGE))
    offset = 0
    while True:
        count = page_size if window is None else min(page_size, window - offset)
        if count <= 0:
            _warn(
                f"{what}: stopped after {offset:,} results. Postmark pages through at most "
                f"{window:,} results of this search and it has no date filter to narrow by; "
                "add filters to reach the rest."
            )
            return
        page = yield fetch(count, offset)
        items = page.get(key) or []
        yield from items
        offset += len(items)
        if _finished(items, offset, count, page.get("TotalCount")):
            return


#: How far above the oldest result seen a narrowed window may reach: one hour
#: for an ambiguous or EDT-only wall time, plus the rounding up to the second.
HORIZON = timedelta(hours=2)


@dataclass(frozen=True)
class Bound:
    """A ``todate`` to send, with the exclusive ends (UTC) of the window it asks for.

    ``end`` is the window under the reading this library intends, ``widest``
    the largest window any reading of ``to_date`` could give. None: no upper
    bound, or one that cannot be read.
    """

    to_date: str | None
    end: datetime | None
    widest: datetime | None

    def within(self, other: Bound) -> bool:
        """Never reaches past ``other`` (the caller's own ``todate``)."""
        return other.widest is None or (self.widest is not None and self.widest <= other.widest)

    def narrower_than(self, other: Bound) -> bool:
        return self.end is not None and (other.end is None or self.end < other.end)


def caller_bound(to_date: str | None) -> Bound:
    """The caller's own ``todate``, measured by its widest reading."""
    wall = coverage_end(to_date)
    end = None if wall is None else latest_instant(wall)
    return Bound(to_date, end, end)


@dataclass(frozen=True)
class DateOrder:
    """How a newest-first search is narrowed when it has more than 10,000 hits.

    Attributes:
        date_key: the item's timestamp (``BouncedAt``, ``ReceivedAt``, ``Date``).
        id_key: the item's unique id, used to skip items seen twice.
        by_day: narrow by whole days, with one day of margin. For inbound
            messages, whose only timestamp is the sender's own ``Date``
            header: it is usually a little *before* Postmark received the
            message, sometimes wildly off, so the median of a page plus a day
            bounds the receipt time where a single value would not (and the
            overlap check catches the case where it still does not). Those
            dates are not trusted for anything else.
    """

    date_key: str
    id_key: str
    by_day: bool = False

    def instant(self, item: Any) -> datetime | None:
        return parse_timestamp(item.get(self.date_key)) if isinstance(item, Mapping) else None

    def instants(self, page: Sequence[Any]) -> list[datetime]:
        """The readable timestamps of a page, oldest first."""
        return sorted(found for item in page if (found := self.instant(item)) is not None)

    def next_bounds(self, page: Sequence[Any]) -> list[Bound]:
        """``todate`` candidates that include every result below ``page``, best first.

        ``page`` is the last page read. Empty when its items carry no readable date.
        """
        instants = self.instants(page)
        if not instants:
            return []
        if self.by_day:
            day = eastern_wall(instants[len(instants) // 2]).date() + timedelta(days=1)
            end = latest_instant(day_end(day))
            return [Bound(day.isoformat(), end, end)]
        # The oldest item, not merely the last one, in case equal or nearly
        # equal timestamps are not strictly ordered. Rounded up in UTC, so the
        # wall time is a real one (never inside the hour skipped in March).
        second = timedelta(seconds=1)
        ceiling = ceil_second(instants[0])
        wall = eastern_wall(ceiling)
        bounds = [Bound(wall.isoformat(), ceiling + second, latest_instant(wall) + second)]
        if earliest_instant(wall) < ceiling:
            # The wall time occurs twice (November) and Postmark may read it
            # an hour early; the first-page check then fails and this
            # unambiguous candidate, up to an hour later, is tried instead.
            safe = upper_bound(instants[0])
            safe_end = latest_instant(safe) + second
            bounds.append(Bound(safe.isoformat(), safe_end, safe_end))
        return bounds


BOUNCES = DateOrder("BouncedAt", "ID")
OUTBOUND_MESSAGES = DateOrder("ReceivedAt", "MessageID")
INBOUND_MESSAGES = DateOrder("Date", "MessageID", by_day=True)


@dataclass
class _Window:
    """What one date window's walk saw."""

    check: Callable[[Sequence[Any]], bool] | None = None
    new: int = 0
    last_page: Sequence[Any] = ()
    exhausted: bool = False
    rejected: bool = False


def iterate_by_date(
    fetch: Callable[[int, int, str | None], PageRequest],
    key: str,
    order: DateOrder,
    *,
    to_date: str | None = None,
    page_size: int = MAX_PAGE,
    window: int = MAX_OFFSET_WINDOW,
    what: str = "this search",
) -> Steps:
    """Yield every result of a newest-first search, past Postmark's 10,000 cap.

    ``fetch(count, offset, to_date)`` describes the request for one page of the search with
    ``todate=to_date`` (the caller's other filters, ``fromdate`` included,
    stay fixed).

    Algorithm:

    1. Page through the current window (``todate`` = the caller's, at first)
       with ``count + offset <= 10,000``, yielding results newest first.
    2. If the window ends before the cap (``TotalCount`` reached, or an
       empty page), everything has been yielded: stop.
    3. Otherwise open a new window at offset 0 whose ``todate`` is the
       oldest timestamp of the last page, rounded *up* to the second and
       written as Eastern wall time (``by_day``: the next day). Postmark's
       bounds are inclusive, so every result not reached yet is inside the
       new window; results at or just above the boundary come back again and
       are skipped by id.
    4. The new window's first page must reach back into the results already
       seen (else Postmark read ``todate`` earlier than meant, e.g. a wall
       time of the hour repeated in November, and results could be skipped)
       and hold nothing newer than two hours above the oldest result seen
       (else Postmark ignored ``todate``). If it fails, the next candidate
       (an unambiguous wall time up to an hour later) is tried; if none fits,
       the walk stops with a :class:`TruncatedResultsWarning`.
    5. Ids are remembered while a result with that id can still come back:
       until it is more than two hours newer than the oldest result seen
       (``by_day``: for two windows, each ending a day earlier at least).
    6. Termination: every window must yield at least one new result. When
       more than 10,000 results share one second (one or two days for
       inbound; an hour in the November change if Postmark reads that hour
       unfavourably) it cannot, and the walk stops with a
       :class:`TruncatedResultsWarning` instead of looping.

    Correctness assumes what Postmark documents: results are sorted newest
    first by that timestamp and ``todate`` is inclusive Eastern time.
    """
    walk = _DateWalk(fetch, key, order, max(1, min(page_size, MAX_PAGE)), window, what)
    return walk.run(caller_bound(to_date))


class _DateWalk:
    """The state of one :func:`iterate_by_date` walk (one per call: never shared)."""

    def __init__(
        self,
        fetch: Callable[[int, int, str | None], PageRequest],
        key: str,
        order: DateOrder,
        page_size: int,
        window: int,
        what: str,
    ) -> None:
        self.fetch, self.key, self.order = fetch, key, order
        self.page_size, self.window, self.what = page_size, window, what
        # id -> (window number, timestamp): what is needed to forget it safely.
        self.seen: dict[Any, tuple[int, datetime | None]] = {}
        self.windows = 0
        self.oldest: datetime | None = None  # the oldest result of the last window
        self.yielded = 0

    def run(self, caller: Bound) -> Steps:
        candidates = [caller]
        check: Callable[[Sequence[Any]], bool] | None = None
        while True:
            state, bound = yield from self._first_that_fits(candidates, check)
            if state.rejected:
                self._stop(
                    f"its answer for the narrower todate={bound.to_date} does not line up "
                    "with the results already seen, so going on could skip results"
                )
                return
            if state.exhausted:
                return
            candidates = self._next_candidates(state, bound, caller)
            if not candidates:
                unit = "a day or two" if self.order.by_day else "one second"
                self._stop(
                    f"narrowing by {self.order.date_key} below todate={bound.to_date} makes no "
                    f"progress (more than that many results within {unit}, or within the hour "
                    "repeated when daylight saving time ends, or without a readable "
                    f"{self.order.date_key})"
                )
                return
            oldest = self.order.instants(state.last_page)[0]
            # Never moves up, so an id once forgotten stays out of reach.
            self.oldest = oldest if self.oldest is None else min(self.oldest, oldest)
            self._forget()
            check = self._fits

    def _next_candidates(self, state: _Window, bound: Bound, caller: Bound) -> list[Bound]:
        if state.new == 0:
            return []
        return [
            candidate
            for candidate in self.order.next_bounds(state.last_page)
            if candidate.to_date != bound.to_date
            and candidate.within(caller)
            # Inbound dates are not trusted to forget ids by: windows must shrink.
            and (not self.order.by_day or candidate.narrower_than(bound))
        ]

    def _first_that_fits(
        self, candidates: Sequence[Bound], check: Callable[[Sequence[Any]], bool] | None
    ) -> Generator[Any, Any, tuple[_Window, Bound]]:
        """Walk the first candidate window whose first page passes ``check``."""
        for bound in candidates:
            self.windows += 1
            state = _Window(check=check)
            yield from self._walk(bound.to_date, state)
            if not state.rejected:
                break
        return state, bound

    def _walk(self, to_date: str | None, state: _Window) -> Steps:
        """Yield the new results of one date window, up to the offset cap."""
        offset = 0
        while True:
            count = min(self.page_size, self.window - offset)
            if count <= 0:
                return
            page = yield self.fetch(count, offset, to_date)
            items = page.get(self.key) or []
            if offset == 0 and state.check is not None and not state.check(items):
                state.rejected = True
                return
            for item in items:
                if self._is_new(item):
                    state.new += 1
                    self.yielded += 1
                    yield item
            if items:
                state.last_page = items
            offset += len(items)
            if _finished(items, offset, count, page.get("TotalCount")):
                state.exhausted = True
                return

    def _is_new(self, item: Any) -> bool:
        ident = item.get(self.order.id_key) if isinstance(item, Mapping) else None
        if ident is None:
            return True
        when = None if self.order.by_day else self.order.instant(item)
        new = ident not in self.seen
        # Refreshed on every sighting: an id met again in this window may
        # come back in the next one too.
        self.seen[ident] = (self.windows, when)
        return new

    def _fits(self, page: Sequence[Any]) -> bool:
        """Whether a narrowed window's first page lines up with what was seen.

        It must reach back into the results already seen (the new ``todate``
        includes the oldest of them), and, where ids are forgotten by time,
        hold nothing newer than the horizon (``todate`` was honoured).
        """
        oldest = self.oldest
        overlap = False
        for item in page:
            ident = item.get(self.order.id_key) if isinstance(item, Mapping) else None
            when = None if self.order.by_day else self.order.instant(item)
            if when is not None and oldest is not None and when > oldest + HORIZON:
                return False
            if ident in self.seen or (when is not None and oldest is not None and when >= oldest):
                overlap = True
        return overlap

    def _forget(self) -> None:
        """Drop ids that can no longer come back, so memory stays bounded."""
        if self.order.by_day:
            keep_from = self.windows - 1  # the last two windows
            stale = [k for k, (number, _) in self.seen.items() if number < keep_from]
        else:
            assert self.oldest is not None
            horizon = self.oldest + HORIZON
            stale = [k for k, (_, when) in self.seen.items() if when is not None and when > horizon]
        for ident in stale:
            del self.seen[ident]

    def _stop(self, reason: str) -> None:
        _warn(
            f"{self.what}: stopped after {self.yielded:,} results. Postmark pages through at "
            f"most {self.window:,} results per query, and {reason}. Add filters or narrow "
            "from_date/to_date to reach the rest.",
            stacklevel=5,
        )


def _warn(text: str, stacklevel: int = 4) -> None:
    # stacklevel: past this helper, the walker and the executor (api.base._walk),
    # to the caller's loop.
    warnings.warn(text, TruncatedResultsWarning, stacklevel=stacklevel)
