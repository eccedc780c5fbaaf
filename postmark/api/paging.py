"""Offset paging as Postmark does it: ``count`` <= 500, ``count + offset`` <= 10,000."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

MAX_PAGE = 500
MAX_OFFSET_WINDOW = 10_000


def iterate(
    fetch: Callable[[int, int], Mapping[str, Any]],
    key: str,
    *,
    page_size: int = MAX_PAGE,
    window: int | None = MAX_OFFSET_WINDOW,
) -> Iterator[Any]:
    """Yield every item of a paged list, lazily, one request per page.

    ``fetch(count, offset)`` returns one page; ``key`` names its list
    (``"Bounces"``, ``"Messages"`` ...). With a ``window`` the walk stops where
    Postmark stops answering (count + offset <= 10,000).
    """
    page_size = max(1, min(page_size, MAX_PAGE))
    offset = 0
    while True:
        count = page_size if window is None else min(page_size, window - offset)
        if count <= 0:
            return
        page = fetch(count, offset)
        items = page.get(key) or []
        yield from items
        offset += len(items)
        total = page.get("TotalCount")
        if not items or (offset >= total if isinstance(total, int) else len(items) < count):
            return
