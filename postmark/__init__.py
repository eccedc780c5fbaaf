"""python-postmark: the Python library for Postmark's transactional email API.

Classic API (unchanged since python-postmark 0.x)::

    from postmark import PMMail
    PMMail(api_key="server-token", sender="me@example.com", to="you@example.com",
           subject="Hello", text_body="Hi!").send()

Full API::

    from postmark import ServerClient
    client = ServerClient("server-token")
    client.email.send(sender="me@example.com", to="you@example.com",
                      subject="Hello", text_body="Hi!")

Neither Django nor Tornado is imported here; their integrations live in
``postmark.django_backend`` and ``postmark.tornado_mixin``.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from postmark._version import __version__

# A library logs nothing unless the application configures logging.
logging.getLogger("postmark").addHandler(logging.NullHandler())

# Names are loaded on first use, so ``import postmark`` stays cheap and
# ``postmark.sandbox`` can be used without loading requests or the client.
_EXPORTS = {
    "postmark.api.paging": ("TruncatedResultsWarning",),
    "postmark.batching": ("BatchResult", "SendOutcome"),
    "postmark.client": ("AccountClient", "ServerClient"),
    "postmark.core": ("PMBatchMail", "PMBounceManager", "PMJSONEncoder", "PMMail"),
    "postmark.exceptions": (
        "APIError",
        "ConfigurationError",
        "InactiveRecipientError",
        "InvalidMessageError",
        "MissingValueError",
        "NotFoundError",
        "PayloadTooLargeError",
        "PMMailInactiveRecipientException",
        "PMMailMissingValueException",
        "PMMailSendException",
        "PMMailServerErrorException",
        "PMMailUnauthorizedException",
        "PMMailUnprocessableEntityException",
        "PMMailURLException",
        "PostmarkError",
        "RateLimitError",
        "RequestTimeoutError",
        "ServerError",
        "TLSError",
        "TransportError",
        "UnauthorizedError",
        "UnprocessableEntityError",
    ),
    "postmark.payloads": ("attachment_from_bytes", "attachment_from_file"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

if TYPE_CHECKING:
    from postmark.api.paging import TruncatedResultsWarning
    from postmark.batching import BatchResult, SendOutcome
    from postmark.client import AccountClient, ServerClient
    from postmark.core import PMBatchMail, PMBounceManager, PMJSONEncoder, PMMail
    from postmark.exceptions import (
        APIError,
        ConfigurationError,
        InactiveRecipientError,
        InvalidMessageError,
        MissingValueError,
        NotFoundError,
        PayloadTooLargeError,
        PMMailInactiveRecipientException,
        PMMailMissingValueException,
        PMMailSendException,
        PMMailServerErrorException,
        PMMailUnauthorizedException,
        PMMailUnprocessableEntityException,
        PMMailURLException,
        PostmarkError,
        RateLimitError,
        RequestTimeoutError,
        ServerError,
        TLSError,
        TransportError,
        UnauthorizedError,
        UnprocessableEntityError,
    )
    from postmark.payloads import attachment_from_bytes, attachment_from_file


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'postmark' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "APIError",
    "AccountClient",
    "BatchResult",
    "ConfigurationError",
    "InactiveRecipientError",
    "InvalidMessageError",
    "MissingValueError",
    "NotFoundError",
    "PMBatchMail",
    "PMBounceManager",
    "PMJSONEncoder",
    "PMMail",
    "PMMailInactiveRecipientException",
    "PMMailMissingValueException",
    "PMMailSendException",
    "PMMailServerErrorException",
    "PMMailURLException",
    "PMMailUnauthorizedException",
    "PMMailUnprocessableEntityException",
    "PayloadTooLargeError",
    "PostmarkError",
    "RateLimitError",
    "RequestTimeoutError",
    "SendOutcome",
    "ServerClient",
    "ServerError",
    "TLSError",
    "TransportError",
    "TruncatedResultsWarning",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "__version__",
    "attachment_from_bytes",
    "attachment_from_file",
]
