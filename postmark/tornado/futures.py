"""Futures for sends that are already running, and never fail silently.

Every call of the async clients returns a :class:`SendFuture` that is already
running. Awaiting it gives Postmark's answer or raises; a handler that does
not await still gets its mail sent, and a failure nobody awaited is logged on
the ``postmark`` logger at ERROR level instead of vanishing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Generator
from typing import Any, TypeVar

logger = logging.getLogger("postmark")

T = TypeVar("T")

__all__ = ["SendFuture", "schedule", "wait_for_sends"]


class SendFuture(asyncio.Future[T]):
    """The result of a send that is already under way.

    ``await`` it for Postmark's answer (or the exception). Nothing has to
    await it: the send runs anyway, and if it fails while nobody is awaiting
    it (nobody called ``await``, ``add_done_callback``, ``result`` or
    ``exception`` before it finished, or the awaiter was cancelled), the
    failure is logged on the ``postmark`` logger at ERROR level.

    Cancelling it does not stop the send: a POST cut off mid-way may already
    have been accepted by Postmark, so the request runs to its end (and a
    failure is logged) rather than leaving the outcome unknown.
    """

    _observed = False

    def __await__(self) -> Generator[Any, None, T]:
        self._observed = True
        return super().__await__()

    __iter__ = __await__

    def add_done_callback(self, fn: Any, *, context: Any = None) -> None:
        self._observed = True
        super().add_done_callback(fn, context=context)

    def result(self) -> T:
        self._observed = True
        return super().result()

    def exception(self) -> BaseException | None:
        self._observed = True
        return super().exception()

    @property
    def observed(self) -> bool:
        """Whether anyone has asked for the outcome (awaited it or added a callback)."""
        return self._observed

    def _settle(self, task: asyncio.Task[T], what: str) -> None:
        """Copy the finished send's outcome into this future (a done-callback on ``task``)."""
        if task.cancelled():
            logger.error("%s was cancelled before it finished; it may not have been sent.", what)
            self.cancel()
            return
        error = task.exception()
        if error is None:
            if not self.done():
                self.set_result(task.result())
            return
        if self.done() or not self._observed:
            logger.error("%s failed and nobody awaited it: %s", what, error, exc_info=error)
        if not self.done():
            self.set_exception(error)
            if not self._observed:
                # Logged just above: keep asyncio from reporting it a second
                # time ("exception was never retrieved") when it is collected.
                asyncio.Future.exception(self)


#: Sends in flight: asyncio keeps only weak references to tasks, so a send
#: whose future nobody holds would otherwise be collectable mid-request.
_in_flight: set[asyncio.Task[Any]] = set()


def schedule(work: Coroutine[Any, Any, T], what: str) -> SendFuture[T]:
    """Start ``work`` now on the running loop and return its :class:`SendFuture`."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        work.close()
        raise RuntimeError(
            f"{what}: call it on the IOLoop's thread (from a request handler or a "
            "coroutine); there is no running event loop here."
        ) from None
    task = loop.create_task(work, name=f"postmark {what}")
    _in_flight.add(task)
    task.add_done_callback(_in_flight.discard)
    future: SendFuture[T] = SendFuture(loop=loop)
    task.add_done_callback(lambda done: future._settle(done, what))
    return future


async def wait_for_sends(timeout: float | None = None) -> int:
    """Wait until the sends started on this loop have finished (e.g. before shutdown).

    Returns how many are still running when ``timeout`` seconds have passed.
    """
    loop = asyncio.get_running_loop()
    running = [task for task in _in_flight if task.get_loop() is loop and not task.done()]
    if not running:
        return 0
    _, pending = await asyncio.wait(running, timeout=timeout)
    return len(pending)
