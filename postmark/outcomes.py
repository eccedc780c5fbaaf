"""What happened to messages: Postmark's send answer, and one outcome per batch message.

Postmark answers a batch request with HTTP 200 and one entry per message, in
order, even when some failed; :func:`outcome_from_entry` reads one entry.
Nothing here does I/O (see :mod:`postmark.sending`, which records them).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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


class BatchResult(Sequence[SendOutcome]):
    """One :class:`SendOutcome` per input message, in input order."""

    def __init__(self, outcomes: Sequence[SendOutcome]) -> None:
        self._outcomes = list(outcomes)

    def __getitem__(self, index: Any) -> Any:
        return self._outcomes[index]

    def __len__(self) -> int:
        return len(self._outcomes)

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
        return [o for o in self._outcomes if not o.ok]

    @property
    def message_ids(self) -> list[str | None]:
        return [o.message_id for o in self._outcomes]

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
    "SendOutcome",
    "SendResponse",
    "entry_error",
    "failed_outcome",
    "missing_answer",
    "outcome_from_entry",
]
