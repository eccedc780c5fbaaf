"""Fault injection: make the next API requests fail the way a network or Postmark can.

Faults are queued explicitly (``Sandbox.inject_fault`` or ``POST
/__sandbox/faults``) and are used up by the next matching API requests; with
nothing queued the sandbox never misbehaves. Admin (``/__sandbox/...``) and
inbox requests never match a fault.

Kinds:

``"429"``, ``"500"``, ``"503"``
    Answer with that status and Postmark's error body; the request is **not
    processed** (a send is not stored), like a rejection at Postmark's edge.
``"stall"``
    Process the request normally at once (a send **is** stored), then hold
    the answer for ``seconds`` before sending it. A client whose read timeout
    is shorter sees a timeout although the message went out: the case where
    a POST must not be replayed.
``"drop"``
    Read the whole request, then close the connection without any answer.
    The request is **not processed** (nothing is stored).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .errors import ApiError

FAULT_KINDS = ("429", "500", "503", "stall", "drop")


@dataclass
class Fault:
    """A queued fault and how many more requests it applies to."""

    kind: str
    remaining: int
    seconds: float = 0.0
    path: str | None = None

    def matches(self, path: str) -> bool:
        """Whether a request for ``path`` (any case) uses this fault."""
        return self.path is None or path.lower().startswith(self.path)

    def as_json(self) -> dict[str, Any]:
        """The admin route's view of the fault."""
        return {
            "kind": self.kind,
            "count": self.remaining,
            "seconds": self.seconds,
            "path": self.path,
        }


class FaultInjector:
    """A thread-safe queue of faults, used first-in first-out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(
        self, kind: str, count: int = 1, *, seconds: float = 0.0, path: str | None = None
    ) -> None:
        """Queue ``kind`` for the next ``count`` API requests whose path starts with ``path``."""
        kind = str(kind)
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(FAULT_KINDS)}; got {kind!r}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be a positive integer; got {count!r}")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ValueError(f"seconds must be a number >= 0; got {seconds!r}")
        if path is not None and not (isinstance(path, str) and path.startswith("/")):
            raise ValueError(f"path must start with '/'; got {path!r}")
        fault = Fault(kind, count, float(seconds), path.lower() if path else None)
        with self._lock:
            self._faults.append(fault)

    def take(self, path: str) -> Fault | None:
        """Use up one request's worth of the first fault that matches ``path``."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(path):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return Fault(fault.kind, 1, fault.seconds, fault.path)
        return None

    def pending(self) -> list[Fault]:
        """Faults still queued."""
        with self._lock:
            return [Fault(f.kind, f.remaining, f.seconds, f.path) for f in self._faults]

    def clear(self) -> None:
        """Drop every queued fault."""
        with self._lock:
            self._faults.clear()


def fault_error(kind: str) -> ApiError:
    """The answer for a status fault. Postmark documents no 429 body; the older
    error table used ErrorCode 429, which the sandbox keeps. 500 uses the newer
    ErrorCode 101 and 503 the maintenance ErrorCode 100."""
    if kind == "429":
        return ApiError(429, "Rate limit exceeded (injected by the Postmark sandbox).", 429)
    if kind == "500":
        return ApiError(
            101, "An unexpected error occurred (injected by the Postmark sandbox).", 500
        )
    return ApiError(
        100, "The Postmark API is offline for maintenance (injected by the sandbox).", 503
    )
