"""The background thread that makes the sandbox's webhook calls.

A send (or an on-demand event) must answer at once, as Postmark does: its
webhooks are posted later, and a failed call is retried minutes later. So a
request thread only *schedules* a call here; one daemon thread runs the
calls in due order. One thread is enough for a test tool and keeps the
calls of one event in order; a slow endpoint delays the calls queued
behind it, never a request.

What a call does (post, record, maybe schedule a retry) is the caller's
closure: see :mod:`postmark.sandbox.rules.webhook_delivery`. Calls still
queued when the sandbox stops are dropped.

Work that only has to happen *soon* (recording a send's events) goes in
with :meth:`WebhookSender.soon`: it runs before any timed call, and
:meth:`WebhookSender.settle` lets a request that must see its effects (an
open of a message just sent) run it at once instead of waiting.
"""

from __future__ import annotations

import heapq
import itertools
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable

Call = Callable[[], None]


class WebhookSender:
    """Runs scheduled calls on one background thread, started on first use."""

    def __init__(self) -> None:
        self._queue: list[tuple[float, int, Call]] = []
        self._soon: deque[Call] = deque()
        self._order = itertools.count()  # ties run in scheduling order
        self._changed = threading.Condition()
        self._busy = False
        self._soon_running = 0  # "soon" calls running, on any thread
        self._stopped = False
        self._thread: threading.Thread | None = None

    def schedule(self, delay: float, call: Call) -> None:
        """Run ``call`` on the sender thread ``delay`` seconds from now."""
        with self._changed:
            if self._stopped:
                return
            heapq.heappush(self._queue, (time.monotonic() + delay, next(self._order), call))
            self._wake()

    def soon(self, call: Call) -> None:
        """Run ``call`` on the sender thread before any timed call (or in :meth:`settle`)."""
        with self._changed:
            if self._stopped:
                return
            self._soon.append(call)
            self._wake()

    def settle(self) -> None:
        """Run every queued :meth:`soon` call in this thread, and wait for one running
        elsewhere, so that their effects are visible when this returns."""
        while True:
            with self._changed:
                while self._soon_running:
                    self._changed.wait()
                if not self._soon:
                    return
                call = self._soon.popleft()
                self._soon_running += 1
            self._call(call, soon=True)

    def _wake(self) -> None:
        """Start the thread on first use, and tell it the queues changed (lock held)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="postmark-sandbox-webhooks", daemon=True
            )
            self._thread.start()
        self._changed.notify_all()

    def pending(self) -> int:
        """Calls queued or running."""
        with self._changed:
            return len(self._queue) + len(self._soon) + int(self._busy) + self._soon_running

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or running; ``False`` if ``timeout`` ran out first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._queue or self._soon or self._busy or self._soon_running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def stop(self) -> None:
        """Drop queued calls, let a running one finish, and end the thread."""
        with self._changed:
            self._stopped = True
            self._queue.clear()
            self._soon.clear()
            self._changed.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        while True:
            taken = self._next_due()
            if taken is None:
                return
            call, soon = taken
            self._call(call, soon=soon)

    def _call(self, call: Call, *, soon: bool) -> None:
        try:
            call()
        except Exception:  # one broken call must not end every later webhook
            traceback.print_exc(file=sys.stderr)
        finally:
            with self._changed:
                if soon:
                    self._soon_running -= 1
                else:
                    self._busy = False
                self._changed.notify_all()

    def _next_due(self) -> tuple[Call, bool] | None:
        """Wait for a ``soon`` call or the earliest timed one to fall due and take it
        (with whether it is a ``soon`` call); ``None`` once stopped."""
        with self._changed:
            while not self._stopped:
                if self._soon:
                    self._soon_running += 1
                    return self._soon.popleft(), True
                if self._queue:
                    due = self._queue[0][0] - time.monotonic()
                    if due <= 0:
                        self._busy = True
                        return heapq.heappop(self._queue)[2], False
                    self._changed.wait(due)
                else:
                    self._changed.wait()
            return None
