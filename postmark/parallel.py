"""Batch chunks sent N at a time: one shared backoff, one stop rule, outcomes in order.

``client.email.send_batch(messages, concurrency=8)`` (and ``PMBatchMail``,
the async client, ``postmark batch --concurrency``) sends its chunks through
a :class:`ChunkSender` (blocking, a thread per connection) or an
:class:`AsyncChunkSender` (tasks on the running loop). Both keep the rules
of a sequential batch, and add three for running side by side, all decided
by one :class:`Gate` per run that every worker passes before every attempt:

* **Shared backoff.** When Postmark answers 429 or 503 (it took nothing,
  and asks us to wait), the worker told to wait holds the gate: no worker
  starts a new attempt, of any chunk, before that wait is over.
* **One stop.** After a 401 (the default ``stops`` rule, the same as a
  sequential batch's) no chunk is started any more: chunks not started yet
  come back failed with that 401, without being sent. Chunks already on the
  wire finish and keep their own answers.
* **Never twice.** A chunk is one request; its retries are the transport's
  (:class:`~postmark.protocol.RetryPolicy`: a POST is repeated only when
  Postmark provably took nothing). A chunk that failed in any other way
  (422, 500, a timeout, a dropped connection) fails alone and the others go
  on, exactly as in a sequential batch; nothing is ever re-submitted.

Outcomes come back in input order whatever order the answers arrive in,
and the number of chunks taken from the input and not yet handed back is
bounded (``window``, default ``2 * concurrency``), so chunks can be produced
lazily from a stream: the next ones are encoded while N are in flight.

Use (what ``send_batch`` does; the CLI feeds its own chunks the same way)::

    sender = ChunkSender(client.transport.perform, concurrency=8)
    for done in sender.send(plan.pending(lazy=True)):   # POST /email/batch ...
        done.record(plan)                                # answered() or failed()
    result = plan.result()

``perform(request, gate)`` is the transport's :meth:`~postmark.transport.Transport.perform`:
the transport passes the gate before each attempt, holds it after a 429/503
and raises :class:`NotStarted` when the run has stopped. The gate's width
(``concurrency``) also tells the sync transport how many keep-alive
connections to keep pooled.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from postmark.exceptions import PostmarkError
from postmark.sending import stops_batch

if TYPE_CHECKING:
    from concurrent.futures import Future

    from postmark.protocol import RetryPolicy
    from postmark.sending import BatchPlan, Chunk

__all__ = [
    "AsyncChunkSender",
    "ChunkResult",
    "ChunkSender",
    "Concurrently",
    "Gate",
    "NotStarted",
    "check_concurrency",
]


def check_concurrency(value: Any, name: str = "concurrency") -> int:
    """``value`` as a number of parallel requests (1 or more), or a clear error.

    Raises:
        TypeError: not a whole number (``1.5``, ``"4"``, ``True``).
        ValueError: below 1.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{name} must be a whole number of parallel requests (1, 4, 8 ...), "
            f"not {value!r} ({type(value).__name__})."
        )
    if value < 1:
        raise ValueError(f"{name} must be 1 or more (1 sends one request at a time), not {value}.")
    return value


class NotStarted(Exception):
    """The run stopped before this attempt began: the chunk was not sent (this time)."""


# --------------------------------------------------------------------------
# The gate every worker of one run passes


class Gate:
    """What the workers of one concurrent run share: when they may start, and whether.

    Thread-safe; also used by tasks on one event loop. ``width`` is the
    run's concurrency.
    """

    def __init__(self, width: int = 1) -> None:
        self.width = width
        self.stopped_by: PostmarkError | None = None
        self._halted = False
        self._resume_at = 0.0
        self._lock = threading.Lock()

    def hold(self, seconds: float) -> None:
        """No attempt starts for ``seconds`` from now (a later hold wins)."""
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)

    def stop(self, error: PostmarkError) -> None:
        """No attempt starts any more; chunks not sent fail with ``error`` (the first one)."""
        with self._lock:
            if self.stopped_by is None:
                self.stopped_by = error
            self._halted = True

    def halt(self) -> None:
        """No attempt starts any more (the caller stopped reading the outcomes)."""
        self._halted = True

    def _pause(self, slept_until: float | None) -> tuple[float, float] | None:
        """(seconds, until) to wait before an attempt, or None to go; NotStarted if stopped.

        A wait already slept to its end (``slept_until`` unchanged) is not
        measured again, so a recording ``sleep`` (tests) cannot spin.
        """
        with self._lock:
            if self._halted:
                raise NotStarted
            until = self._resume_at
        wait = until - time.monotonic()
        if wait <= 0 or until == slept_until:
            return None
        return wait, until

    def wait(self, sleep: Callable[[float], object]) -> None:
        """Block until an attempt may start (the sync transport, before each attempt)."""
        slept_until = None
        while (pause := self._pause(slept_until)) is not None:
            wait, slept_until = pause
            sleep(wait)

    async def wait_async(self, sleep: Callable[[float], Awaitable[object]]) -> None:
        """:meth:`wait` on an event loop (the async transport)."""
        slept_until = None
        while (pause := self._pause(slept_until)) is not None:
            wait, slept_until = pause
            await sleep(wait)

    def back_off(
        self,
        error: PostmarkError,
        wait: float,
        policy: RetryPolicy,
        sleep: Callable[[float], object],
    ) -> None:
        """After a retryable ``error``: hold everyone (429/503) or only this worker, then wait."""
        if policy.slows_everyone(error):
            self.hold(wait)
        else:
            sleep(wait)
        self.wait(sleep)

    async def back_off_async(
        self,
        error: PostmarkError,
        wait: float,
        policy: RetryPolicy,
        sleep: Callable[[float], Awaitable[object]],
    ) -> None:
        """:meth:`back_off` on an event loop."""
        if policy.slows_everyone(error):
            self.hold(wait)
        else:
            await sleep(wait)
        await self.wait_async(sleep)

    def __repr__(self) -> str:
        state = "stopped" if self.stopped_by is not None else "open"
        return f"<Gate width={self.width} {state}>"


# --------------------------------------------------------------------------
# One chunk's fate


class ChunkResult:
    """A chunk and Postmark's answer to it, or the error it failed with (never both)."""

    __slots__ = ("answer", "chunk", "error", "sent")

    def __init__(
        self,
        chunk: Chunk,
        answer: Any = None,
        error: PostmarkError | None = None,
        *,
        sent: bool = True,
    ) -> None:
        self.chunk, self.answer, self.error = chunk, answer, error
        #: False for a chunk the run stopped before sending (``error`` is the stop's).
        self.sent = sent

    def record(self, plan: BatchPlan) -> None:
        """The outcomes of the chunk's messages on ``plan`` (``answered`` or ``failed``)."""
        if self.error is not None:
            plan.failed(self.chunk, self.error)
        else:
            plan.answered(self.chunk, self.answer)

    def __repr__(self) -> str:
        how = "answered" if self.error is None else type(self.error).__name__
        return f"<ChunkResult {self.chunk!r} {how}>"


class Concurrently:
    """A plan's step (see :mod:`postmark.api.base`): send ``plan``'s chunks N at a time.

    The executor records every outcome on ``plan`` and sends back None.
    """

    __slots__ = ("chunks", "concurrency", "plan")

    def __init__(
        self, plan: BatchPlan, concurrency: int, chunks: Iterable[Chunk] | None = None
    ) -> None:
        self.plan, self.concurrency = plan, concurrency
        #: The chunks to send (default: ``plan.pending(lazy=True)``).
        self.chunks = chunks if chunks is not None else plan.pending(lazy=True)

    def __repr__(self) -> str:
        return f"<Concurrently {self.concurrency}>"


# --------------------------------------------------------------------------
# The senders


class _Sender:
    """What both senders share: the gate, the stop rule, one chunk's result."""

    def __init__(
        self,
        perform: Callable[..., Any],
        concurrency: int,
        *,
        stops: Callable[[PostmarkError], bool] = stops_batch,
        window: int | None = None,
    ) -> None:
        self.concurrency = check_concurrency(concurrency)
        self.window = check_concurrency(window, "window") if window is not None else 2 * concurrency
        self.perform = perform
        self.stops = stops
        self.gate = Gate(self.concurrency)

    @property
    def stopped_by(self) -> PostmarkError | None:
        """The error that stopped the run (a 401 by default), or None."""
        return self.gate.stopped_by

    def _failed(self, chunk: Chunk, error: PostmarkError) -> ChunkResult:
        if self.stops(error):
            self.gate.stop(error)
        return ChunkResult(chunk, error=error)

    def _not_sent(self, chunk: Chunk) -> ChunkResult:
        # stopped_by is None only after halt(): the caller stopped reading, and
        # this result is never handed out.
        return ChunkResult(chunk, error=self.gate.stopped_by, sent=False)


class ChunkSender(_Sender):
    """Sends chunks over ``concurrency`` threads (one keep-alive connection each).

    Args:
        perform: ``perform(request, gate)``, the sync transport's ``perform``.
        concurrency: requests in flight at most (validated: an int, 1 or more).
        stops: which failure stops the run (default: a 401).
        window: chunks taken from the input and not handed back yet, at
            most (default ``2 * concurrency``).
    """

    def send(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """One :class:`ChunkResult` per chunk, in input order (``POST`` per chunk).

        ``chunks`` is read lazily, ``window`` ahead at most. Stop reading the
        results early and the chunks not started are not sent; those on the
        wire are waited for.
        """
        from concurrent.futures import ThreadPoolExecutor

        source = iter(chunks)
        queue: deque[Future[ChunkResult]] = deque()
        pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="postmark-chunk")
        try:
            while True:
                while len(queue) < self.window and (chunk := next(source, None)) is not None:
                    queue.append(self._start(pool, chunk))
                if not queue:
                    return
                yield queue.popleft().result()
        finally:
            self.gate.halt()
            pool.shutdown(wait=True)

    def _start(self, pool: Any, chunk: Chunk) -> Future[ChunkResult]:
        if self.gate.stopped_by is None:
            future: Future[ChunkResult] = pool.submit(self._one, chunk)
            return future
        from concurrent.futures import Future

        done: Future[ChunkResult] = Future()
        done.set_result(self._not_sent(chunk))
        return done

    def _one(self, chunk: Chunk) -> ChunkResult:
        try:
            answer = self.perform(chunk.request(), self.gate)
        except NotStarted:
            return self._not_sent(chunk)
        except PostmarkError as error:
            return self._failed(chunk, error)
        return ChunkResult(chunk, answer=answer)

    def deliver(self, plan: BatchPlan, chunks: Iterable[Chunk] | None = None) -> None:
        """Send ``chunks`` (default: ``plan.pending(lazy=True)``); the outcomes on ``plan``."""
        for done in self.send(plan.pending(lazy=True) if chunks is None else chunks):
            done.record(plan)


class AsyncChunkSender(_Sender):
    """:class:`ChunkSender` for an event loop: ``perform(request, gate)`` is awaited.

    At most ``concurrency`` requests are in flight; every wait is a timer on
    the loop. The HTTP client decides how connections are reused (Tornado's
    simple client opens one per request; see docs/batches.md).
    """

    async def send(self, chunks: Iterable[Chunk]) -> AsyncIterator[ChunkResult]:
        """One :class:`ChunkResult` per chunk, in input order; see :meth:`ChunkSender.send`."""
        import asyncio

        source = iter(chunks)
        slots = asyncio.Semaphore(self.concurrency)
        queue: deque[asyncio.Future[ChunkResult]] = deque()
        try:
            while True:
                while len(queue) < self.window and (chunk := next(source, None)) is not None:
                    queue.append(asyncio.ensure_future(self._one(slots, chunk)))
                if not queue:
                    return
                yield await queue.popleft()
        finally:
            self.gate.halt()  # tasks waiting for a slot return without sending
            if queue:
                await asyncio.gather(*queue, return_exceptions=True)

    async def _one(self, slots: Any, chunk: Chunk) -> ChunkResult:
        if self.gate.stopped_by is not None:
            return self._not_sent(chunk)
        async with slots:
            try:
                answer = await self.perform(chunk.request(), self.gate)
            except NotStarted:
                return self._not_sent(chunk)
            except PostmarkError as error:
                return self._failed(chunk, error)
        return ChunkResult(chunk, answer=answer)

    async def deliver(self, plan: BatchPlan, chunks: Iterable[Chunk] | None = None) -> None:
        """Send ``chunks`` (default: ``plan.pending(lazy=True)``); the outcomes on ``plan``."""
        async for done in self.send(plan.pending(lazy=True) if chunks is None else chunks):
            done.record(plan)
