"""Errors of the Django integration: content Postmark cannot carry, refused recipients.

``UnsupportedContentError`` and ``UnsupportedFeature`` are
:class:`~postmark.exceptions.InvalidMessageError`\\ s: nothing was sent for
the message, and ``fail_silently`` never hides them (a silently dropped
``send_at`` would be a message sent at the wrong time).

:class:`~postmark.exceptions.RecipientsRefused` is raised when every
recipient of a message was refused. When Postmark refused the message with
an error (406 inactive, 300 invalid address), the exception is also of
that error's class, so code written before it existed
(``except InactiveRecipientError``, ``except PMMailInactiveRecipientException``)
keeps catching what it caught.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from postmark.exceptions import (
    InactiveRecipientError,
    InvalidMessageError,
    PostmarkError,
    RecipientsRefused,
    UnprocessableEntityError,
)


class UnsupportedContentError(InvalidMessageError):
    """The message holds something Postmark cannot send; nothing was sent for it."""


class UnsupportedFeature(UnsupportedContentError):
    """A message option Postmark has no field for (``send_at``, a second tag ...).

    ``.feature`` names it. ``POSTMARK_IGNORE_UNSUPPORTED_FEATURES = True``
    (or anymail's ``IGNORE_UNSUPPORTED_FEATURES``) drops such options instead.
    """

    def __init__(self, feature: str, message: str | None = None, **kwargs: Any) -> None:
        text = f"Postmark does not support {feature}" + (f": {message}" if message else ".")
        hint = (
            " Remove it from the message, or set POSTMARK_IGNORE_UNSUPPORTED_FEATURES = True "
            "to send without it."
        )
        super().__init__(text + hint, **kwargs)
        self.feature = feature


class InactiveRecipientsRefused(RecipientsRefused, InactiveRecipientError):
    """Every recipient is inactive (ErrorCode 406)."""


class InvalidRecipientsRefused(RecipientsRefused, UnprocessableEntityError):
    """Every recipient address is invalid (ErrorCode 300 naming it)."""


def recipients_refused(
    refused: Sequence[str], causes: Sequence[PostmarkError]
) -> RecipientsRefused:
    """The error for a message none of whose recipients gets it.

    ``causes`` are Postmark's errors for the message (none when Postmark
    answered 200 "will not deliver to these inactive addresses" for all of
    them); the result keeps the first one's fields and, when every cause is
    of one kind, that kind's class too.
    """
    cls: type[RecipientsRefused] = RecipientsRefused
    if causes and all(isinstance(c, InactiveRecipientError) for c in causes):
        cls = InactiveRecipientsRefused
    elif causes and all(isinstance(c, UnprocessableEntityError) for c in causes):
        cls = InvalidRecipientsRefused
    first = causes[0] if causes else None
    return cls(
        f"Postmark refused every recipient of the message: {', '.join(refused)}.",
        http_status=first.http_status if first else None,
        error_code=first.error_code if first else None,
        api_message=first.api_message if first else None,
        response=first.response if first else None,
    )


__all__ = [
    "InactiveRecipientsRefused",
    "InvalidRecipientsRefused",
    "UnsupportedContentError",
    "UnsupportedFeature",
    "recipients_refused",
]
