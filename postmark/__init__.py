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

from postmark._version import __version__ as __version__

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
        "RecipientsRefused",
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

if TYPE_CHECKING:  # the same names, for type checkers (a test keeps both in step)
    from postmark.api.paging import (
        TruncatedResultsWarning as TruncatedResultsWarning,
    )
    from postmark.batching import (
        BatchResult as BatchResult,
    )
    from postmark.batching import (
        SendOutcome as SendOutcome,
    )
    from postmark.client import (
        AccountClient as AccountClient,
    )
    from postmark.client import (
        ServerClient as ServerClient,
    )
    from postmark.core import (
        PMBatchMail as PMBatchMail,
    )
    from postmark.core import (
        PMBounceManager as PMBounceManager,
    )
    from postmark.core import (
        PMJSONEncoder as PMJSONEncoder,
    )
    from postmark.core import (
        PMMail as PMMail,
    )
    from postmark.exceptions import (
        APIError as APIError,
    )
    from postmark.exceptions import (
        ConfigurationError as ConfigurationError,
    )
    from postmark.exceptions import (
        InactiveRecipientError as InactiveRecipientError,
    )
    from postmark.exceptions import (
        InvalidMessageError as InvalidMessageError,
    )
    from postmark.exceptions import (
        MissingValueError as MissingValueError,
    )
    from postmark.exceptions import (
        NotFoundError as NotFoundError,
    )
    from postmark.exceptions import (
        PayloadTooLargeError as PayloadTooLargeError,
    )
    from postmark.exceptions import (
        PMMailInactiveRecipientException as PMMailInactiveRecipientException,
    )
    from postmark.exceptions import (
        PMMailMissingValueException as PMMailMissingValueException,
    )
    from postmark.exceptions import (
        PMMailSendException as PMMailSendException,
    )
    from postmark.exceptions import (
        PMMailServerErrorException as PMMailServerErrorException,
    )
    from postmark.exceptions import (
        PMMailUnauthorizedException as PMMailUnauthorizedException,
    )
    from postmark.exceptions import (
        PMMailUnprocessableEntityException as PMMailUnprocessableEntityException,
    )
    from postmark.exceptions import (
        PMMailURLException as PMMailURLException,
    )
    from postmark.exceptions import (
        PostmarkError as PostmarkError,
    )
    from postmark.exceptions import (
        RateLimitError as RateLimitError,
    )
    from postmark.exceptions import (
        RecipientsRefused as RecipientsRefused,
    )
    from postmark.exceptions import (
        RequestTimeoutError as RequestTimeoutError,
    )
    from postmark.exceptions import (
        ServerError as ServerError,
    )
    from postmark.exceptions import (
        TLSError as TLSError,
    )
    from postmark.exceptions import (
        TransportError as TransportError,
    )
    from postmark.exceptions import (
        UnauthorizedError as UnauthorizedError,
    )
    from postmark.exceptions import (
        UnprocessableEntityError as UnprocessableEntityError,
    )
    from postmark.payloads import (
        attachment_from_bytes as attachment_from_bytes,
    )
    from postmark.payloads import (
        attachment_from_file as attachment_from_file,
    )


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
    elif name in _SUBMODULES:
        # ``postmark.api.paging.X`` after a bare ``import postmark``, loaded on first use.
        value = importlib.import_module(f"postmark.{name}")
    else:
        raise AttributeError(f"module 'postmark' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)


#: Subpackages and modules reachable as attributes without importing them first.
_SUBMODULES = frozenset(
    {
        "api",
        "batching",
        "cli",
        "client",
        "config",
        "core",
        "exceptions",
        "outcomes",
        "payloads",
        "protocol",
        "sandbox",
        "sending",
        "testing",
        "transport",
        "webhooks",
    }
)


__all__ = sorted([*_MODULE_OF, "__version__"])
