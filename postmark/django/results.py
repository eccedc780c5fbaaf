"""What happened to one Django message, from the outcomes of the Postmark messages it became.

A Django message is one Postmark message, or one per To address for a
merge send (:mod:`postmark.django.merge`). Its result is read from those
outcomes (no I/O):

* ``recipients``: a :class:`~postmark.django.recipients.RecipientStatuses`;
* ``error``: :class:`~postmark.exceptions.RecipientsRefused` when every
  recipient was rejected or invalid; else Postmark's error when some
  recipient got nothing for another reason; else None (a recipient Postmark
  refused while the others got the message is a recipient status, not a
  failed message);
* ``status``: ``sent``, ``failed``, or ``partial`` (a merge send that
  reached some recipients and failed for others).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from postmark.django.errors import recipients_refused
from postmark.django.recipients import (
    FAILED,
    REFUSED,
    RecipientStatuses,
    bare_addresses,
    failed_statuses,
    statuses_for,
)
from postmark.exceptions import InactiveRecipientError, PostmarkError, RecipientsRefused
from postmark.outcomes import SendOutcome, failed_outcome

SENT_STATUS, FAILED_STATUS, PARTIAL_STATUS = "sent", "failed", "partial"


@dataclass
class MessageResult:
    """The outcome of one Django message (see the module docstring)."""

    index: int
    outcomes: list[SendOutcome] = field(default_factory=list)
    recipients: RecipientStatuses = field(default_factory=RecipientStatuses)
    error: PostmarkError | None = None

    @property
    def accepted(self) -> list[SendOutcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def status(self) -> str:
        if self.error is None:
            return SENT_STATUS
        if self.accepted and not isinstance(self.error, RecipientsRefused):
            return PARTIAL_STATUS
        return FAILED_STATUS

    @property
    def message_id(self) -> str | set[str] | None:
        """The MessageID; for a merge send the set of them (anymail's convention)."""
        if self.status == FAILED_STATUS:
            return None
        ids = {o.message_id for o in self.accepted if o.message_id}
        if len(ids) == 1:
            return ids.pop()
        return ids or None

    @property
    def response(self) -> Any:
        """Postmark's answer for the message; a list of them for a merge send."""
        answers = [o.response if isinstance(o.response, dict) else None for o in self.outcomes]
        return answers[0] if len(answers) == 1 else answers

    def summary(self) -> SendOutcome:
        """One :class:`SendOutcome` for the whole message, carrying its error."""
        if len(self.outcomes) == 1:
            own = self.outcomes[0]
            error = self.error
            return SendOutcome(
                self.index,
                own.message_id if error is None else None,
                own.error_code if error is None or error.error_code is None else error.error_code,
                own.message,
                own.to,
                own.submitted_at,
                error,
                own.response,
            )
        if self.error is not None:
            return failed_outcome(self.index, self.error)
        first = self.accepted[0]
        return SendOutcome(self.index, first.message_id, 0, first.message, response=self.response)


def refused_before_sending(index: int, message: Any, error: PostmarkError) -> MessageResult:
    """A message refused locally (bad content, unsupported feature): nobody got it."""
    outcome = failed_outcome(index, error)
    recipients = failed_statuses(bare_addresses(message.recipients()))
    return MessageResult(index, [outcome], recipients, error)


def summarise(index: int, sent: Sequence[tuple[Sequence[str], SendOutcome]]) -> MessageResult:
    """The result of a message from (recipients, outcome) of each Postmark message it became."""
    result = MessageResult(index)
    errors: list[PostmarkError] = []
    for recipients, outcome in sent:
        result.outcomes.append(outcome)
        own = statuses_for(recipients, outcome)
        result.recipients.merge(own)
        if outcome.error is not None and (not own or FAILED in own.statuses):
            errors.append(outcome.error)
    if result.recipients.all_refused:
        causes = [o.error for o in result.outcomes if o.error is not None]
        result.error = recipients_refused(list(result.recipients), causes)
    elif errors:
        result.error = errors[0]
    return result


def refusals_error(failed: Sequence[SendOutcome], shown: Sequence[SendOutcome]) -> PostmarkError:
    """One exception for several messages each refused for all their recipients.

    Its class is the messages' own when they share one (so ``except
    InactiveRecipientError`` still catches an all-inactive batch), else
    :class:`RecipientsRefused`; ``outcomes`` holds every message's outcome.
    """
    classes = {type(o.error) for o in failed if isinstance(o.error, RecipientsRefused)}
    cls = classes.pop() if len(classes) == 1 else RecipientsRefused
    summary = "; ".join(f"#{o.index}: {o.error}" for o in failed[:5])
    more = f" (and {len(failed) - 5} more)" if len(failed) > 5 else ""
    error = cls(
        f"{len(failed)} of {len(shown)} messages had every recipient refused: {summary}{more}",
        outcomes=list(shown),
        error_code=failed[0].error_code,
    )
    if isinstance(error, InactiveRecipientError):
        error.inactive_recipients = [
            address
            for o in failed
            if isinstance(o.error, InactiveRecipientError)
            for address in o.error.inactive_recipients
        ]
    return error


__all__ = [
    "FAILED_STATUS",
    "PARTIAL_STATUS",
    "REFUSED",
    "SENT_STATUS",
    "MessageResult",
    "refusals_error",
    "refused_before_sending",
    "summarise",
]
