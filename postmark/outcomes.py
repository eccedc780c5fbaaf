"""What happened to messages: Postmark's send answer, and one outcome per batch message.

Postmark answers a batch request with HTTP 200 and one entry per message, in
order, even when some failed; :func:`outcome_from_entry` reads one entry.
Nothing here does I/O (see :mod:`postmark.sending`, which records them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any

from postmark.exceptions import (
    APIError,
    InactiveRecipientError,
    InvalidMessageError,
    PostmarkError,
    UnprocessableEntityError,
    parse_inactive_recipients,
)


class SendResponse(dict[str, Any]):
    """Postmark's send answer, unchanged, with two conveniences."""

    @property
    def message_id(self) -> str | None:
        value = self.get("MessageID")
        return value if isinstance(value, str) else None

    @property
    def inactive_recipients(self) -> list[str]:
        """Addresses Postmark accepted the message for but will not deliver to.

        Postmark answers 200 with "Message OK, but will not deliver to these
        inactive addresses: ..." when only some recipients are suppressed.
        """
        return parse_inactive_recipients(self.get("Message"))


class SendOutcome:
    """What happened to one message of a batch.

    ``message_id`` is set when Postmark accepted it; otherwise ``error``
    holds the exception (an :class:`APIError` for a per-message ErrorCode,
    or whatever stopped its request), and ``error_code``/``message`` copy
    Postmark's fields when there were any.

    A plain class with slots (compared field by field, like a dataclass):
    a 10,000-message batch makes 10,000 of them, and importing
    :mod:`dataclasses` would cost more than all of this module.
    """

    __slots__ = (
        "error",
        "error_code",
        "index",
        "message",
        "message_id",
        "response",
        "submitted_at",
        "to",
    )

    def __init__(
        self,
        index: int,
        message_id: str | None = None,
        error_code: int | None = None,
        message: str | None = None,
        to: str | None = None,
        submitted_at: str | None = None,
        error: PostmarkError | None = None,
        response: Any = None,
    ) -> None:
        self.index = index
        self.message_id = message_id
        self.error_code = error_code
        self.message = message
        self.to = to
        self.submitted_at = submitted_at
        self.error = error
        self.response = response

    def _fields(self) -> tuple[Any, ...]:
        return (
            self.index,
            self.message_id,
            self.error_code,
            self.message,
            self.to,
            self.submitted_at,
            self.error,
            self.response,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SendOutcome):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, like a dataclass

    def __repr__(self) -> str:
        names = (
            "index",
            "message_id",
            "error_code",
            "message",
            "to",
            "submitted_at",
            "error",
            "response",
        )
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=True))
        return f"SendOutcome({shown})"

    @property
    def ok(self) -> bool:
        return self.error is None and self.message_id is not None

    def as_dict(self) -> dict[str, Any]:
        """Postmark's entry for this message (or the error in Postmark's shape)."""
        if isinstance(self.response, dict):
            return self.response
        return {"ErrorCode": self.error_code, "Message": self.message or str(self.error)}


class Outcomes(dict[int, SendOutcome]):
    """A batch's outcomes by index, as a dict; those of accepted requests made when read.

    ``accept(indexes, entries)`` records a request whose every entry
    :func:`accepted_ids` accepted, without making its outcomes: reading
    ``outcomes[index]`` makes (and keeps) one. Iterating, ``len`` and ``in``
    see only the outcomes made so far; :meth:`BatchResult.from_answers`
    takes both.
    """

    def __init__(self) -> None:
        super().__init__()
        self.unread: dict[int, tuple[int, Any]] = {}

    def accept(self, indexes: Sequence[int], entries: Sequence[Any]) -> None:
        self.unread.update(zip(indexes, zip(indexes, entries, strict=True), strict=True))

    def __missing__(self, index: int) -> SendOutcome:
        pair = self.unread.pop(index)  # KeyError, as a dict, for an index it does not hold
        outcome = self[index] = outcome_from_entry(*pair)
        return outcome


class BatchResult(Sequence[SendOutcome]):
    """One :class:`SendOutcome` per input message, in input order.

    A result made from Postmark's answers (:meth:`from_answers`, what every
    batch send returns) keeps each accepted message as its ``(index, entry)``
    until its outcome is first read, then keeps that outcome: a caller that
    reads only ``message_ids``, or nothing, does not pay for 10,000 objects,
    and reading an outcome twice gives the same object, as with a list.
    """

    def __init__(self, outcomes: Iterable[SendOutcome]) -> None:
        # Each item is a SendOutcome, or an (index, accepted entry) pair not read yet.
        self._items: list[Any] = list(outcomes)
        self._unread = False  # whether some items are still pairs
        self._all_accepted = False  # whether every item is (or was) such a pair

    @classmethod
    def from_answers(
        cls, outcomes: Mapping[int, SendOutcome], unread: Mapping[int, tuple[int, Any]]
    ) -> BatchResult:
        """The result of ``outcomes`` and ``unread`` outcomes, in the order of the indexes.

        ``unread`` maps an index to ``(index, entry)``, an answer entry
        :func:`accepted_ids` accepted; its outcome is
        ``outcome_from_entry(index, entry)``, made when first read.
        """
        items: dict[int, Any] = dict(outcomes)
        items.update(unread)
        result = cls(map(items.__getitem__, sorted(items)))
        result._unread = bool(unread)
        result._all_accepted = not outcomes
        return result

    @property
    def _outcomes(self) -> list[SendOutcome]:
        """Every outcome, those not read yet made now."""
        items = self._items
        if self._unread:
            for position, item in enumerate(items):
                if type(item) is tuple:
                    items[position] = outcome_from_entry(*item)
            self._unread = False
        return items

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return self._outcomes[index]
        item = self._items[index]
        if type(item) is tuple:
            item = self._items[index] = outcome_from_entry(*item)
        return item

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[SendOutcome]:
        # Sequence's default goes through __getitem__ until IndexError, which is
        # much slower over the outcomes of a large batch.
        return iter(self._outcomes)

    def __repr__(self) -> str:
        return f"<BatchResult {len(self.succeeded)} sent, {len(self.failed)} failed>"

    @property
    def succeeded(self) -> list[SendOutcome]:
        return [o for o in self._outcomes if o.ok]

    @property
    def failed(self) -> list[SendOutcome]:
        if self._all_accepted:
            return []  # every item is an accepted entry: each outcome is ok
        return [o for o in self._outcomes if not o.ok]

    @property
    def message_ids(self) -> list[str | None]:
        # An accepted entry's outcome has its MessageID as message_id.
        return [
            item[1]["MessageID"] if type(item) is tuple else item.message_id for item in self._items
        ]

    def as_dicts(self) -> list[dict[str, Any]]:
        """``[outcome.as_dict() for outcome in self]``; an accepted entry is its own dict."""
        return [item[1] if type(item) is tuple else item.as_dict() for item in self._items]

    def raise_for_failures(self) -> None:
        """Raise one exception describing every failed message (if any failed).

        The class is :class:`InactiveRecipientError` when every failure is an
        inactive recipient, otherwise the class of the first failure; the
        exception's ``outcomes`` holds every outcome.
        """
        failed = self.failed
        if not failed:
            return
        errors = [o.error or APIError("no answer") for o in failed]
        if all(isinstance(e, InactiveRecipientError) for e in errors):
            cls: type[PostmarkError] = InactiveRecipientError
        else:
            cls = type(next(e for e in errors if not isinstance(e, InactiveRecipientError)))
        summary = "; ".join(f"#{o.index}: {o.error}" for o in failed[:5])
        more = f" (and {len(failed) - 5} more)" if len(failed) > 5 else ""
        first = errors[0]
        error = cls(
            f"{len(failed)} of {len(self)} messages failed: {summary}{more}",
            http_status=first.http_status,
            error_code=first.error_code,
            outcomes=self._outcomes,
            may_have_been_sent=any(e.may_have_been_sent for e in errors),
        )
        if isinstance(error, InvalidMessageError):  # which field, and which message, first
            error.field = getattr(first, "field", None)
            error.message_index = failed[0].index
        if isinstance(error, InactiveRecipientError):
            error.inactive_recipients = [
                address
                for e in errors
                if isinstance(e, InactiveRecipientError)
                for address in e.inactive_recipients
            ]
        raise error


def entry_error(entry: Any) -> PostmarkError | None:
    """The exception for one batch answer entry, or None if it was accepted."""
    if not isinstance(entry, dict):
        return APIError(
            f"Postmark's answer for this message is not an object ({entry!r}); "
            "it may have been sent.",
            may_have_been_sent=True,
        )
    code = entry.get("ErrorCode", 0)
    text = entry.get("Message")
    if code in (0, None) and entry.get("MessageID"):
        return None
    if code in (0, None):
        return APIError(
            "Postmark accepted this message without a MessageID; it may have been sent.",
            response=entry,
            may_have_been_sent=True,
        )
    cls = InactiveRecipientError if code == 406 else UnprocessableEntityError
    return cls(
        f"ErrorCode {code}: {text}",
        error_code=code if isinstance(code, int) else None,
        api_message=text if isinstance(text, str) else None,
        response=entry,
    )


def accepted_ids(entries: list[Any]) -> list[Any] | None:
    """The ``MessageID`` of each entry if Postmark accepted every one, else None.

    Accepted, as :func:`outcome_from_entry` (and :func:`entry_error`) judge
    it: a ``dict`` whose ``ErrorCode`` is 0 or None (or absent) and whose
    ``MessageID`` is set. Tested with ``map`` over the whole answer, not one
    Python call per entry: an answer of 500 accepted messages is the common
    case. None means: judge the entries one by one.
    """
    if set(map(type, entries)) != {dict}:
        return None
    codes = list(map(dict.get, entries, repeat("ErrorCode")))
    # count() compares with ==, like ``code in (0, None)`` below.
    if codes.count(0) + codes.count(None) != len(codes):
        return None
    ids = list(map(dict.get, entries, repeat("MessageID")))
    return ids if all(ids) else None


def outcome_from_entry(index: int, entry: Any) -> SendOutcome:
    """A :class:`SendOutcome` from one entry of Postmark's batch answer."""
    if type(entry) is dict and entry.get("ErrorCode", 0) in (0, None):
        message_id = entry.get("MessageID")
        if message_id:  # accepted: the common case, built without entry_error()
            return SendOutcome(
                index,
                message_id,
                entry.get("ErrorCode"),
                entry.get("Message"),
                entry.get("To"),
                entry.get("SubmittedAt"),
                None,
                entry,
            )
    error = entry_error(entry)
    data = entry if isinstance(entry, dict) else {}
    return SendOutcome(
        index=index,
        message_id=data.get("MessageID") if error is None else None,
        error_code=data.get("ErrorCode"),
        message=data.get("Message"),
        to=data.get("To"),
        submitted_at=data.get("SubmittedAt"),
        error=error,
        response=entry,
    )


def failed_outcome(index: int, error: PostmarkError) -> SendOutcome:
    """An outcome for a message that was not (or maybe not) accepted."""
    return SendOutcome(
        index=index,
        error_code=error.error_code,
        message=error.api_message or str(error),
        error=error,
    )


def missing_answer(index: int) -> SendOutcome:
    return failed_outcome(
        index,
        APIError(
            "Postmark's batch answer has no entry for this message; it may have been sent.",
            may_have_been_sent=True,
        ),
    )


__all__ = [
    "BatchResult",
    "Outcomes",
    "SendOutcome",
    "SendResponse",
    "accepted_ids",
    "entry_error",
    "failed_outcome",
    "missing_answer",
    "outcome_from_entry",
]
