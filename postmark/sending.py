"""The sending core: messages in, checked request bodies out; answers in, outcomes out.

No I/O. Every front end drives this one module — ``ServerClient.email`` and
the async client (through :func:`deliver`), ``PMMail``/``PMBatchMail``, the
Django backend and the ``postmark batch`` command — so a message is checked,
encoded, split and recorded the same way whichever of them sends it::

    message --to_payload()--> Postmark JSON --encode--> Outgoing (one send)
    messages --BatchPlan.add()--> chunks of <= 500 messages / 50 MB
    answer or failure --BatchPlan.answered()/failed()--> SendOutcome per message

A batch keeps each message's outcome on the caller's own index, so callers
that filter or group messages (Django, the CLI, ``PMBatchMail`` grouping by
token) never re-index. Rules kept here, once: template messages go to the
template endpoints; a message refused locally gets its own error outcome; a
request answered 401 stops the rest (every one would fail alike).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from typing import Any

from postmark.exceptions import (
    InactiveRecipientError,
    InvalidMessageError,
    PostmarkError,
    UnauthorizedError,
    UnprocessableEntityError,
)
from postmark.fastjson import encode_large
from postmark.outcomes import (
    BatchResult,
    Outcomes,
    SendResponse,
    accepted_ids,
    failed_outcome,
    missing_answer,
    outcome_from_entry,
)
from postmark.payloads import (
    MAX_BATCH_BYTES,
    MAX_BATCH_MESSAGES,
    MAX_MESSAGE_BYTES,
    build_message,
    check_encoded_size,
    check_message,
    encode_message,
    is_template_message,
)
from postmark.protocol import Request, encode_json

EMAIL = "/email"
EMAIL_WITH_TEMPLATE = "/email/withTemplate"
BATCH = "/email/batch"
BATCH_WITH_TEMPLATES = "/email/batchWithTemplates"
# What surrounds the comma-joined messages of each batch endpoint's body.
_WRAP = {BATCH: (b"[", b"]"), BATCH_WITH_TEMPLATES: (b'{"Messages":[', b"]}")}


# --------------------------------------------------------------------------
# One message


def to_payload(message: Any) -> dict[str, Any]:
    """Postmark's JSON for a dict in Postmark's form or an object with ``to_json_message()``.

    An object with ``to_postmark()`` (PMMail) runs its own legacy checks and
    returns a fresh payload that has passed :func:`check_message`: it is
    used as it is, not checked and copied a second time (a large batch
    would pay for it per message; see docs/performance.md).
    """
    if type(message) is dict:
        # The usual batch input, a plain dict, has neither method below: checked
        # on a copy (check_message may rewrite domains; the caller's dict stays).
        return check_message(dict(message))
    if hasattr(message, "to_postmark"):
        checked: dict[str, Any] = message.to_postmark()
        return checked
    if hasattr(message, "to_json_message"):
        payload = message.to_json_message()
    elif isinstance(message, Mapping):
        payload = dict(message)
    else:
        raise InvalidMessageError(
            f"Cannot send a {type(message).__name__}: pass a dict in Postmark's form "
            "(From, To, Subject, HtmlBody ...) or a PMMail.",
            field="message",
        )
    return check_message(dict(payload))


def encode(payload: Mapping[str, Any]) -> bytes:
    """The request body of one message; a value JSON cannot carry fails this message.

    Raises:
        InvalidMessageError: naming the field (``TemplateModel.items[2].price``)
            that holds an object JSON cannot encode, a lone surrogate, or a
            reference to itself.
    """
    try:
        return encode_message(payload)
    except (TypeError, ValueError) as error:  # UnicodeEncodeError is a ValueError
        where = unencodable_field(payload) or "message"
        raise InvalidMessageError(
            f"{where} cannot be sent as JSON ({_reason(error)}); use strings, numbers, "
            "booleans, lists and dicts (dates, decimals and UUIDs are converted).",
            field=where.split(".", 1)[0].split("[", 1)[0],
        ) from None


def _reason(error: Exception) -> str:
    if isinstance(error, UnicodeEncodeError):
        return "a lone surrogate, not valid text"
    return str(error).split(";", 1)[0]


def unencodable_field(value: Any, path: str = "") -> str | None:
    """The path of the first value in ``value`` that JSON cannot encode, or None."""
    if isinstance(value, Mapping):
        items: Iterable[tuple[str, Any]] = (
            (f"{path}.{key}" if path else str(key), item) for key, item in value.items()
        )
    elif isinstance(value, list | tuple):
        items = ((f"{path}[{index}]", item) for index, item in enumerate(value))
    else:
        try:
            encode_json(value)
        except (TypeError, ValueError):
            return path or "message"
        return None
    for where, item in items:
        found = unencodable_field(item, where)
        if found is not None:
            return found
    return path or None  # each part encodes alone: the container refers to itself


class Outgoing:
    """One checked, encoded message: the endpoint it goes to and its body."""

    __slots__ = ("body", "path", "payload")

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self.body = encode(payload)
        check_encoded_size(self.body)
        self.path = EMAIL_WITH_TEMPLATE if is_template_message(payload) else EMAIL

    def request(self) -> Request[SendResponse]:
        """``POST /email`` or ``/email/withTemplate``; the answer read by :func:`accepted`."""
        return Request("POST", self.path, body=self.body, decode=accepted)


def prepare(message: Any = None, fields: Mapping[str, Any] | None = None) -> Outgoing:
    """A message (a dict, a PMMail) or snake_case ``fields``, checked and encoded."""
    payload = to_payload(message) if message is not None else build_message(**(fields or {}))
    return Outgoing(payload)


def accepted(answer: Any) -> SendResponse:
    """Postmark's answer to a single send, or the error it reports with HTTP 200.

    Postmark may answer 200 with a non-zero ``ErrorCode`` (the message was
    not accepted); that is an error like the 422 it usually sends, not a
    success.
    """
    response = SendResponse(answer if isinstance(answer, dict) else {})
    code = response.get("ErrorCode")
    if isinstance(code, int) and code != 0:
        text = response.get("Message")
        cls = InactiveRecipientError if code == 406 else UnprocessableEntityError
        raise cls(
            f"Postmark refused the message (HTTP 200, ErrorCode {code}): {text}",
            http_status=200,
            error_code=code,
            api_message=text if isinstance(text, str) else None,
            response=answer,
        )
    return response


# --------------------------------------------------------------------------
# Batches


class Chunk:
    """One batch request: its endpoint, the caller's indexes it carries, its JSON body."""

    __slots__ = ("body", "indexes", "path")

    def __init__(self, indexes: list[int], body: bytes, path: str = BATCH) -> None:
        self.indexes = indexes
        self.body = body
        self.path = path

    def request(self) -> Request[Any]:
        return Request("POST", self.path, body=self.body)

    def __repr__(self) -> str:
        return f"<Chunk of {len(self.indexes)} messages, {len(self.body)} bytes>"


class BatchPlan:
    """A batch from check to outcomes: ``add`` messages, send each of ``pending()``.

    Usage (what :func:`deliver` does)::

        plan = BatchPlan.of(messages)
        for chunk in plan.pending():
            try:
                plan.answered(chunk, post(chunk.path, chunk.body))
            except PostmarkError as error:
                plan.failed(chunk, error)
        result = plan.result()

    Every body is encoded when ``pending()`` starts, before the first request.
    """

    #: Postmark's limits per request (tests shrink them on the class).
    max_count = MAX_BATCH_MESSAGES
    max_bytes = MAX_BATCH_BYTES

    def __init__(self, *, max_count: int | None = None, max_bytes: int | None = None) -> None:
        self.max_count = max_count or type(self).max_count
        self.max_bytes = max_bytes or type(self).max_bytes
        # A dict by index; outcomes of accepted requests are made when read (Outcomes).
        self.outcomes: Outcomes = Outcomes()
        # Per endpoint, the caller's indexes and their payloads, side by side:
        # a run of 500 is then two slices.
        self._groups: dict[str, tuple[list[int], list[dict[str, Any]]]] = {
            BATCH: ([], []),
            BATCH_WITH_TEMPLATES: ([], []),
        }
        self.stopped_by: PostmarkError | None = None

    @classmethod
    def of(cls, messages: Iterable[Any], **limits: int | None) -> BatchPlan:
        """A plan for ``messages``, indexed by their position."""
        plan = cls(**limits)
        for index, message in enumerate(messages):
            plan.add(index, message)
        return plan

    def add(self, index: int, message: Any) -> None:
        """Check ``message`` (a dict, a PMMail ...); a refused one gets its error outcome."""
        try:
            payload = to_payload(message)
        except PostmarkError as error:
            self.refuse(index, error)
            return
        self.add_payload(index, payload)

    def add_payload(self, index: int, payload: dict[str, Any]) -> None:
        """Add a payload the caller has already built and checked."""
        self.add_payloads(((index, payload),))

    def add_payloads(self, indexed: Iterable[tuple[int, dict[str, Any]]]) -> None:
        """:meth:`add_payload` for each ``(index, payload)``, in one call."""
        groups = self._groups
        for index, payload in indexed:
            indexes, payloads = groups[
                BATCH_WITH_TEMPLATES if is_template_message(payload) else BATCH
            ]
            indexes.append(index)
            payloads.append(payload)

    def refuse(self, index: int, error: PostmarkError) -> None:
        """Record that the message at ``index`` was refused before sending."""
        self.outcomes[index] = failed_outcome(index, error)

    def pending(self, *, lazy: bool = False) -> Iterator[Chunk]:
        """The requests to make, in order; after a 401 the rest fail without being sent.

        Every body is encoded before the first chunk is handed out, unless
        ``lazy``: then each chunk is encoded when it is asked for (the same
        chunks; concurrent sends encode the next while others are in flight).
        """
        encoded = (
            chunk
            for path, (indexes, payloads) in self._groups.items()
            for chunk in self._encode(path, indexes, payloads)
        )
        yield from self._unless_stopped(encoded if lazy else list(encoded))

    def pending_while_adding(self, messages: Iterable[tuple[int, Any]]) -> Iterator[Chunk]:
        """``add`` each ``(index, message)``, handing out each chunk as soon as it is complete.

        The chunks, and their order, of ``add`` for every message then
        ``pending()``: each run of ``max_count`` ``/email/batch`` messages is
        encoded as soon as its last message is checked (a concurrent send
        checks and encodes the next while others are in flight); a last,
        shorter run and the template messages (which come after) at the end.
        """
        indexes, payloads = self._groups[BATCH]
        for index, message in messages:
            self.add(index, message)
            if len(payloads) >= self.max_count:
                run_indexes, run = indexes[:], payloads[:]
                indexes.clear()
                payloads.clear()
                yield from self._unless_stopped(self._encode(BATCH, run_indexes, run))
        yield from self.pending(lazy=True)

    def _unless_stopped(self, chunks: Iterable[Chunk]) -> Iterator[Chunk]:
        for chunk in chunks:
            if self.stopped_by is not None:
                self._settle(chunk, self.stopped_by)
                continue
            yield chunk

    def answered(self, chunk: Chunk, answer: Any) -> None:
        """One outcome per message of ``chunk`` from Postmark's 200 answer."""
        entries = answer if isinstance(answer, list) else []
        answers = entries[: len(chunk.indexes)]
        if len(answers) == len(chunk.indexes) and accepted_ids(answers) is not None:
            self.outcomes.accept(chunk.indexes, answers)  # outcomes made when read
            return
        for position, index in enumerate(chunk.indexes):
            self.outcomes[index] = (
                outcome_from_entry(index, entries[position])
                if position < len(entries)
                else missing_answer(index)
            )

    def failed(self, chunk: Chunk, error: PostmarkError) -> None:
        """Every message of ``chunk`` gets ``error``; a bad token stops the remaining chunks."""
        self._settle(chunk, error)
        if stops_batch(error):
            self.stopped_by = error

    def result(self) -> BatchResult:
        """Every outcome, in the order of the callers' indexes."""
        return BatchResult.from_answers(self.outcomes, self.outcomes.unread)

    def _settle(self, chunk: Chunk, error: PostmarkError) -> None:
        self.outcomes.update((i, failed_outcome(i, error)) for i in chunk.indexes)

    def _encode(
        self, path: str, indexes: list[int], payloads: list[dict[str, Any]]
    ) -> Iterator[Chunk]:
        """Request bodies for ``payloads`` (of ``indexes``), ``max_count`` messages at most.

        Each run of ``max_count`` is encoded with one ``json`` call. A body of
        at most 10 MB proves every message in it is under Postmark's 10 MB
        limit; only a larger one is encoded message by message, to refuse an
        oversized message alone and split by size exactly (:func:`chunk_encoded`);
        a run that JSON cannot encode is also encoded message by message, to
        refuse the message at fault alone.
        """
        wrap = _WRAP[path]
        for start in range(0, len(payloads), self.max_count):
            run = payloads[start : start + self.max_count]
            run_indexes = indexes[start : start + self.max_count]
            try:
                body = encode_large(run if path == BATCH else {"Messages": run})
            except (TypeError, ValueError):
                body = None  # some message JSON cannot carry: find it below
            if body is not None and len(body) <= min(MAX_MESSAGE_BYTES, self.max_bytes):
                yield Chunk(run_indexes, body, path)
                continue
            encoded: list[tuple[int, bytes]] = []
            for index, payload in zip(run_indexes, run, strict=True):
                try:
                    single = encode(payload)
                    check_encoded_size(single)
                except PostmarkError as error:
                    self.refuse(index, error)  # this message only: the others go
                    continue
                encoded.append((index, single))
            yield from chunk_encoded(
                encoded, wrap=wrap, max_count=self.max_count, max_bytes=self.max_bytes, path=path
            )


def stops_batch(error: PostmarkError) -> bool:
    """Whether a chunk's failure stops the batch: a refused token fails every chunk alike."""
    return isinstance(error, UnauthorizedError)


def chunk_encoded(
    encoded: Sequence[tuple[int, bytes]],
    *,
    wrap: tuple[bytes, bytes] = _WRAP[BATCH],
    max_count: int = MAX_BATCH_MESSAGES,
    max_bytes: int = MAX_BATCH_BYTES,
    path: str = BATCH,
) -> Iterator[Chunk]:
    """Group pre-encoded messages into request bodies within both limits, in order.

    ``wrap`` is what surrounds the comma-joined messages: ``[`` ``]`` for
    ``/email/batch`` and ``{"Messages":[`` ``]}`` for ``/email/batchWithTemplates``.
    A single message too big for any request must be filtered out before.
    """
    overhead = len(wrap[0]) + len(wrap[1])
    indexes: list[int] = []
    parts: list[bytes] = []
    size = overhead
    for index, body in encoded:
        extra = len(body) + (1 if parts else 0)
        if parts and (len(parts) >= max_count or size + extra > max_bytes):
            yield Chunk(indexes, wrap[0] + b",".join(parts) + wrap[1], path)
            indexes, parts, size = [], [], overhead
            extra = len(body)
        indexes.append(index)
        parts.append(body)
        size += extra
    if parts:
        yield Chunk(indexes, wrap[0] + b",".join(parts) + wrap[1], path)


def deliver(plan: BatchPlan) -> Generator[Request[Any], Any, BatchResult]:
    """The plan of requests for a batch (a generator: see :mod:`postmark.api.base`).

    Yields each chunk's request and is sent Postmark's answer, or has the
    request's exception thrown in; returns the :class:`BatchResult`. The
    sync and the async executor both run it, so they send batches alike.
    """
    for chunk in plan.pending():
        try:
            answer = yield chunk.request()
        except PostmarkError as error:
            plan.failed(chunk, error)
        else:
            plan.answered(chunk, answer)
    return plan.result()
