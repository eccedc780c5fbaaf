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

import logging

from postmark._version import __version__
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

# A library logs nothing unless the application configures logging.
logging.getLogger("postmark").addHandler(logging.NullHandler())

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
    "UnauthorizedError",
    "UnprocessableEntityError",
    "__version__",
    "attachment_from_bytes",
    "attachment_from_file",
]
