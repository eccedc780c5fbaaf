"""How an API section describes its calls once, for the sync and the async client.

A section method returns a description, never performs I/O itself:

* ``@endpoint``: one :class:`~postmark.protocol.Request`;
* ``@operation``: a *plan*, a generator that yields requests, is sent each
  answer (or has the call's exception thrown in) and returns the result —
  a batch send is a plan of several requests;
* ``@paged``: a *walk*, a generator that yields requests and items — every
  ``iter`` method is one.

The client's executor decides what calling the method does: the sync client
(:class:`SyncExecutor`) runs the request and returns the result; the async
one (:mod:`postmark.tornado`) returns an awaitable, or an async iterator for
a walk. So the two clients share every line of every section, and type
checkers see ``client.bounces.get(1)`` as a ``dict`` on ``ServerClient`` and
as an ``Awaitable[dict]`` on ``AsyncServerClient``::

    class BouncesAPI(Section[M]):
        @endpoint
        def get(self, bounce_id: int | str) -> Request[dict[str, Any]]:
            return Request("GET", f"/bounces/{path_segment(bounce_id)}")
"""

from __future__ import annotations

import functools
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Mapping,
)
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload

from postmark.exceptions import PostmarkError
from postmark.protocol import Request

if TYPE_CHECKING:
    from postmark.parallel import Concurrently

T = TypeVar("T")
P = ParamSpec("P")

#: A plan: yields the requests to make, is sent each answer, returns the result.
#: A batch sent N at a time yields one ``Concurrently`` step instead
#: (:mod:`postmark.parallel`): the executor sends its chunks and sends back None.
Plan = Generator["Request[Any] | Concurrently", Any, T]
#: A walk: yields requests (and is sent their answers) and items (sent None).
Walk = Generator[Request[Any] | T, Any, None]


class Sync:
    """Marker: a section bound to the blocking executor (``ServerClient``)."""


class Async:
    """Marker: a section bound to the async executor (``AsyncServerClient``)."""


M = TypeVar("M", Sync, Async)


class Executor(Protocol):
    """What a section needs from its client: a way to run each kind of description."""

    def run(self, request: Request[Any]) -> Any: ...
    def run_plan(self, plan: Plan[Any]) -> Any: ...
    def run_walk(self, walk: Walk[Any]) -> Any: ...


def compact(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A request body without the keys the caller left at ``None``.

    Postmark treats a missing key as "leave unchanged" on edits, while an
    explicit ``null`` may clear a value, so unset arguments are never sent.
    ``False``, ``0`` and ``""`` are kept: they are deliberate values (an empty
    ``LayoutTemplate`` removes a template's layout).
    """
    return {key: value for key, value in fields.items() if value is not None}


class Section(Generic[M]):
    """Base of ``client.<section>`` objects; holds the client's executor.

    Sections keep no state of their own besides the executor, so one client
    can be shared between threads.
    """

    def __init__(self, executor: Executor, base_url: str = "") -> None:
        self._executor = executor
        self._base_url = base_url

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._base_url}>"


# --------------------------------------------------------------------------
# Plans: stepping a generator by answers, for either executor


class Stepper:
    """Advances a plan: ``first()``, then ``advance(answer)`` or ``fail(error)``.

    Each returns the next request, or None when the plan has finished (its
    result is then in ``value``). Both executors loop over this, one with
    blocking calls and one with awaits, so the stepping exists once.
    """

    __slots__ = ("plan", "value")

    def __init__(self, plan: Plan[Any]) -> None:
        self.plan = plan
        self.value: Any = None

    def first(self) -> Request[Any] | Concurrently | None:
        return self._step(self.plan.send, None)

    def advance(self, answer: Any) -> Request[Any] | Concurrently | None:
        return self._step(self.plan.send, answer)

    def fail(self, error: PostmarkError) -> Request[Any] | Concurrently | None:
        return self._step(self.plan.throw, error)

    def _step(
        self, how: Callable[[Any], Request[Any] | Concurrently], value: Any
    ) -> Request[Any] | Concurrently | None:
        try:
            return how(value)
        except StopIteration as done:
            self.value = done.value
            return None


class SyncExecutor:
    """Runs section descriptions with a blocking ``perform(request) -> result``.

    ``perform`` also takes a :class:`~postmark.parallel.Gate` as second
    argument when a plan sends chunks concurrently (the transport's does).
    """

    def __init__(self, perform: Callable[..., Any]) -> None:
        self.perform = perform

    def run(self, request: Request[Any]) -> Any:
        return self.perform(request)

    def run_plan(self, plan: Plan[Any]) -> Any:
        stepper = Stepper(plan)
        request = stepper.first()
        while request is not None:
            if not isinstance(request, Request):
                self.run_concurrently(request)
                request = stepper.advance(None)
                continue
            try:
                answer = self.perform(request)
            except PostmarkError as error:
                request = stepper.fail(error)
                continue
            request = stepper.advance(answer)
        return stepper.value

    def run_walk(self, walk: Walk[Any]) -> Iterator[Any]:
        return _walk(walk, self.perform)

    def run_concurrently(self, step: Concurrently) -> None:
        """Send a plan's chunks ``step.concurrency`` at a time, on threads."""
        from postmark.parallel import ChunkSender

        ChunkSender(self.perform, step.concurrency).deliver(step.plan, step.chunks)


def _walk(walk: Walk[T], perform: Callable[[Request[Any]], Any]) -> Iterator[T]:
    walker = Walker(walk)
    for step in walker:
        if isinstance(step, Request):
            walker.answer = perform(step)
        else:
            yield step


class Walker:
    """Steps through a walk: each step is sent ``answer`` (the last request's result).

    Both executors loop over this; each sets ``answer`` after running a
    request and passes items on (``answer`` goes back to None by itself).
    """

    __slots__ = ("answer", "walk")

    def __init__(self, walk: Walk[Any]) -> None:
        self.walk = walk
        self.answer: Any = None

    def __iter__(self) -> Walker:
        return self

    def __next__(self) -> Any:
        answer, self.answer = self.answer, None
        return self.walk.send(answer)  # a finished walk raises StopIteration: the loop ends


# --------------------------------------------------------------------------
# The decorators. At run time each returns a plain function (introspectable,
# documented like any method); for type checkers, a descriptor whose type
# depends on the section's executor marker.


class _Bound(Generic[P, T]):
    """The typing face of a decorated section method (see the module docstring)."""

    @overload
    def __get__(self, obj: None, owner: Any) -> _Bound[P, T]: ...
    @overload
    def __get__(self, obj: Section[Sync], owner: Any) -> Callable[P, T]: ...
    @overload
    def __get__(self, obj: Section[Async], owner: Any) -> Callable[P, Awaitable[T]]: ...
    def __get__(self, obj: Any, owner: Any) -> Any: ...


class _BoundWalk(Generic[P, T]):
    @overload
    def __get__(self, obj: None, owner: Any) -> _BoundWalk[P, T]: ...
    @overload
    def __get__(self, obj: Section[Sync], owner: Any) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(self, obj: Section[Async], owner: Any) -> Callable[P, AsyncIterator[T]]: ...
    def __get__(self, obj: Any, owner: Any) -> Any: ...


if TYPE_CHECKING:

    def endpoint(fn: Callable[Concatenate[Any, P], Request[T]]) -> _Bound[P, T]: ...
    def operation(fn: Callable[Concatenate[Any, P], Plan[T]]) -> _Bound[P, T]: ...
    def paged(fn: Callable[Concatenate[Any, P], Walk[T]]) -> _BoundWalk[P, T]: ...

else:

    def _runner(kind: str) -> Any:
        def decorate(fn):
            @functools.wraps(fn)
            def method(self, *args, **kwargs):
                return getattr(self._executor, kind)(fn(self, *args, **kwargs))

            method.describe = fn  # the description itself, for tests and the inventory
            return method

        return decorate

    endpoint = _runner("run")
    operation = _runner("run_plan")
    paged = _runner("run_walk")
