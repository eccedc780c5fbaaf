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
    from postmark.django.messages import (
        PMEmailMessage,
        PMEmailMultiAlternatives,
        UnsupportedContentError,
        attach_inline_image,
    )

_LAZY = {
    "EmailBackend": "postmark.django.backend",
    "PMEmailMessage": "postmark.django.messages",
    "PMEmailMultiAlternatives": "postmark.django.messages",
    "UnsupportedContentError": "postmark.django.messages",
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
    "UnsupportedContentError",
    "attach_inline_image",
]
