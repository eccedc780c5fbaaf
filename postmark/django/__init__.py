"""Django integration: email backend, Postmark message classes, webhook views.

    EMAIL_BACKEND = "postmark.django.EmailBackend"   # or the classic
                                                      # "postmark.django_backend.EmailBackend"

Importing this package does not import Django; the names below load their
module on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from postmark.django.backend import EmailBackend
    from postmark.django.errors import UnsupportedContentError, UnsupportedFeature
    from postmark.django.messages import (
        PMEmailMessage,
        PMEmailMultiAlternatives,
        attach_inline_image,
    )
    from postmark.django.recipients import RecipientStatus, RecipientStatuses
    from postmark.exceptions import RecipientsRefused

_LAZY = {
    "EmailBackend": "postmark.django.backend",
    "PMEmailMessage": "postmark.django.messages",
    "PMEmailMultiAlternatives": "postmark.django.messages",
    "RecipientStatus": "postmark.django.recipients",
    "RecipientStatuses": "postmark.django.recipients",
    "RecipientsRefused": "postmark.exceptions",
    "UnsupportedContentError": "postmark.django.errors",
    "UnsupportedFeature": "postmark.django.errors",
    "attach_inline_image": "postmark.django.messages",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'postmark.django' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


__all__ = [
    "EmailBackend",
    "PMEmailMessage",
    "PMEmailMultiAlternatives",
    "RecipientStatus",
    "RecipientStatuses",
    "RecipientsRefused",
    "UnsupportedContentError",
    "UnsupportedFeature",
    "attach_inline_image",
]
