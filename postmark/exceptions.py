"""One exception tree for the whole library.

New classes inherit the legacy ``PMMail*Exception`` classes, so one raise
satisfies old and new ``except`` clauses::

    PostmarkError
      ConfigurationError
      InvalidMessageError(ValueError)
        MissingValueError                + PMMailMissingValueException
      TransportError                     + PMMailURLException
        RequestTimeoutError
        TLSError
      APIError                           + PMMailSendException
        UnauthorizedError                + PMMailUnauthorizedException
        NotFoundError
        PayloadTooLargeError
        UnprocessableEntityError         + PMMailUnprocessableEntityException
        InactiveRecipientError           + PMMailInactiveRecipientException
        RateLimitError
        ServerError                      + PMMailServerErrorException
        RecipientsRefused

As before, ``PMMailInactiveRecipientException`` is not an
``PMMailUnprocessableEntityException``: no legacy class catches more than it
used to. Tokens never appear in any message: errors are built from the call's
method and path and Postmark's answer only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

# --------------------------------------------------------------------------
# Legacy classes (python-postmark 0.x): names, signatures and attributes kept.


class PMMailMissingValueException(Exception):
    """A required field is missing; ``.parameter`` holds the message (legacy name)."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.parameter = value

    def __str__(self) -> str:
        return str(self.parameter)


class PMMailSendException(Exception):
    """Sending failed; ``.inner_exception`` holds the underlying error (legacy name)."""

    def __init__(self, value: str, inner_exception: BaseException | None = None) -> None:
        super().__init__(value)
        self.parameter = value
        self.inner_exception = inner_exception

    def __str__(self) -> str:
        return str(self.parameter)


class PMMailUnauthorizedException(PMMailSendException):
    """HTTP 401: the token is wrong (legacy name)."""


class PMMailUnprocessableEntityException(PMMailSendException):
    """HTTP 422: Postmark rejected the content (legacy name)."""


class PMMailServerErrorException(PMMailSendException):
    """HTTP 5xx: Postmark failed (legacy name)."""


class PMMailURLException(PMMailSendException):
    """The server could not be reached (legacy name)."""


class PMMailInactiveRecipientException(PMMailSendException):
    """ErrorCode 406: a recipient is inactive (legacy name)."""


# --------------------------------------------------------------------------
# The tree


class PostmarkError(Exception):
    """Base class of every error this library raises.

    Attributes:
        http_status: the HTTP status Postmark answered, if any.
        error_code: Postmark's ``ErrorCode``, if any.
        api_message: Postmark's ``Message``, if any.
        response: Postmark's decoded answer (or a snippet of a non-JSON body).
        retryable: whether trying again could succeed without changing anything.
        may_have_been_sent: the request may have reached Postmark although no
            answer came back: check before sending it again.
        outcomes: for a batch, the per-message outcomes (see ``BatchResult``).
        inner_exception: the lower-level error, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        error_code: int | None = None,
        api_message: str | None = None,
        response: Any = None,
        retryable: bool = False,
        retry_after: float | None = None,
        may_have_been_sent: bool = False,
        inner_exception: BaseException | None = None,
        outcomes: Sequence[Any] | None = None,
    ) -> None:
        Exception.__init__(self, message)
        self.parameter = message
        self.message = message
        self.http_status = http_status
        self.error_code = error_code
        self.api_message = api_message
        self.response = response
        self.retryable = retryable
        self.retry_after = retry_after
        self.may_have_been_sent = may_have_been_sent
        self.inner_exception = inner_exception
        self.outcomes = outcomes

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        fields = [repr(self.message)]
        if self.http_status is not None:
            fields.append(f"http_status={self.http_status}")
        if self.error_code is not None:
            fields.append(f"error_code={self.error_code}")
        return f"{type(self).__name__}({', '.join(fields)})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the keyword-only fields when pickled (multiprocessing, Celery).
        state = dict(self.__dict__)
        state["inner_exception"] = _picklable(self.inner_exception)
        return (_rebuild, (type(self), self.message, state))


def _picklable(error: BaseException | None) -> BaseException | None:
    """``error`` if it survives pickling, else a stand-in that says what it was.

    Some HTTP clients' exceptions cannot be rebuilt from their pickled
    arguments (Tornado's ``HTTPTimeoutError``, for one); the error that
    wraps them must still cross a process boundary.
    """
    if error is None:
        return None
    import pickle  # only when an error is pickled

    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes, just made)
    except Exception:
        name = f"{type(error).__module__}.{type(error).__qualname__}"
        return RuntimeError(f"{name}: {error}")
    return error


def _rebuild(cls: type[PostmarkError], message: str, state: dict[str, Any]) -> PostmarkError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class ConfigurationError(PostmarkError):
    """The library is not set up right: missing token, bad setting, bad CA bundle."""


class InvalidMessageError(PostmarkError, ValueError):
    """A message was refused locally, before anything was sent.

    ``.field`` names the culprit; in a batch, ``.message_index`` says which
    message (its position, from 0).
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        message_index: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.field = field
        self.message_index = message_index


class MissingValueError(InvalidMessageError, PMMailMissingValueException):
    """A required value is missing (``.parameter`` is the legacy message)."""


class TransportError(PostmarkError, PMMailURLException):
    """No usable HTTP answer: connection refused, DNS, dropped connection."""


class RequestTimeoutError(TransportError):
    """Postmark did not connect or answer within the timeout."""


class TLSError(TransportError):
    """The TLS handshake or certificate verification failed (never retried)."""


class APIError(PostmarkError, PMMailSendException):
    """Postmark answered with an error status."""


class UnauthorizedError(APIError, PMMailUnauthorizedException):
    """HTTP 401 / ErrorCode 10: missing, wrong, or wrong kind of token."""


class NotFoundError(APIError):
    """HTTP 404: the endpoint or resource does not exist."""


class PayloadTooLargeError(APIError):
    """HTTP 413: over 10 MB for one message or 50 MB for a batch."""


class UnprocessableEntityError(APIError, PMMailUnprocessableEntityException):
    """HTTP 422: Postmark refused the content; ``error_code`` says why."""


class InactiveRecipientError(APIError, PMMailInactiveRecipientException):
    """ErrorCode 406: recipients are suppressed; ``inactive_recipients`` lists them."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.inactive_recipients = parse_inactive_recipients(
            self.api_message if self.api_message is not None else message
        )


class RateLimitError(APIError):
    """HTTP 429: too many requests; retried automatically with backoff."""


class ServerError(APIError, PMMailServerErrorException):
    """HTTP 5xx: Postmark failed (503 is planned maintenance)."""


class RecipientsRefused(APIError):
    """Every recipient of a message was refused (inactive or invalid): nobody gets it."""


# --------------------------------------------------------------------------
# Reading the inactive addresses out of Postmark's sentence

_INACTIVE_LIST = re.compile(
    r"inactive (?:addresses|recipients)\s*:\s*(?P<list>.*?)"
    r"(?:\s*inactive recipients are\b|\s*$)",
    re.IGNORECASE | re.DOTALL,
)
# An apostrophe is legal in a local part (o'brien@example.ie); only a leading
# one, from quoting, is dropped.
_ADDRESS = re.compile(r"[^\s,;:<>\"()\[\]]+@[^\s,;:<>\"'()\[\]]+")


def parse_inactive_recipients(text: str | None) -> list[str]:
    """The addresses Postmark lists as inactive in an error or batch message.

    Handles the wordings Postmark has used, e.g. "... Found inactive
    addresses: a@x.com, b@y.com. Inactive recipients are ..." and "Message
    OK, but will not deliver to these inactive addresses: a@x.com."
    """
    if not text:
        return []
    match = _INACTIVE_LIST.search(text)
    if match is None:
        return []
    found = (address.lstrip("'").rstrip(".") for address in _ADDRESS.findall(match.group("list")))
    return list(dict.fromkeys(a for a in found if "@" in a and not a.endswith("@")))
