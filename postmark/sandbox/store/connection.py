"""The SQLite connection the sandbox's tables share: one connection, one lock.

:class:`~postmark.sandbox.store.database.Store` is assembled from table groups
(:mod:`.settings`, :mod:`.inbound`) that all inherit this base,
so every group reads and writes through the same connection and lock, and a
``":memory:"`` database is one database for every request thread.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

# SQLite integers are signed 64-bit: a larger Python int raises OverflowError.
MAX_ROW_ID = 2**63 - 1


def row_id(text: str) -> int | None:
    """A path or query ID as a row ID; ``None`` when no row can have it.

    Only ASCII digits count (``"²".isdigit()`` is true, ``int("²")`` fails)
    and only values SQLite can hold, so ``/bounces/99999999999999999999999``
    is "not found" rather than an OverflowError.
    """
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_ROW_ID else None


class StoreBase:
    """One connection, guarded by a re-entrant lock; every write is one transaction."""

    def __init__(self, path: str = ":memory:") -> None:
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self.closed = False
        # Bumped after every write, so the web inbox's live list knows to refresh.
        self.version = 0
        self._changes = threading.Condition()

    def close(self) -> None:
        """Close the connection; later calls fail (:attr:`closed` tells why)."""
        with self._lock:
            self.closed = True
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._conn:
            yield self._conn
        with self._changes:
            self.version += 1
            self._changes.notify_all()

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Wait up to ``timeout`` seconds for a write after version ``seen``; the version now."""
        with self._changes:
            self._changes.wait_for(lambda: self.version != seen, timeout)
            return self.version

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _page(
        self,
        table: str,
        where: list[str],
        params: list[Any],
        order: str,
        count: int | None,
        offset: int,
    ) -> tuple[int, list[sqlite3.Row]]:
        """One page of ``table`` (``count=None``: all rows from ``offset``) and the match count.

        ``table``, ``where`` and ``order`` are the callers' fixed SQL; values
        travel in ``params`` only.
        """
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        with self._lock:
            total = self._conn.execute(
                f"SELECT COUNT(*) FROM {table}{clause}",  # noqa: S608 - built from fixed parts
                params,
            ).fetchone()[0]
            rows = self._conn.execute(
                f"SELECT * FROM {table}{clause} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
                [*params, -1 if count is None else count, offset],
            ).fetchall()
        return int(total), rows


def time_range(
    where: list[str], params: list[Any], column: str, start: float | None, end: float | None
) -> None:
    """Add inclusive ``fromdate``/``todate`` bounds on ``column``."""
    if start is not None:
        where.append(f"{column} >= ?")
        params.append(start)
    if end is not None:
        where.append(f"{column} <= ?")
        params.append(end)
