"""The ``POSTMARK_*`` settings the Django integration reads, and its configuration error.

Values come from :func:`postmark.config.lookup`: an explicit argument, then
the Django setting, then the environment variable of the same name.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from postmark import config
from postmark.exceptions import ConfigurationError


class PostmarkImproperlyConfigured(ConfigurationError, ImproperlyConfigured):  # type: ignore[misc]
    """A ``POSTMARK_*`` setting is missing or wrong.

    Both a Django ``ImproperlyConfigured`` and a ``postmark.ConfigurationError``,
    so either ``except`` clause catches it. ``fail_silently`` never hides it.
    """


def setting(name: str, explicit: Any = None, default: Any = None) -> Any:
    """``explicit`` > Django setting ``name`` > environment variable > ``default``."""
    return config.lookup(name, explicit, default)


def bool_setting(name: str, explicit: Any = None) -> bool | None:
    """A boolean setting, or None when it is not set anywhere."""
    try:
        return config.lookup_as(name, config.parse_bool, explicit)
    except ConfigurationError as error:
        raise PostmarkImproperlyConfigured(str(error)) from None


def size_setting(name: str, explicit: Any, default: int) -> int:
    """A positive number of bytes."""
    value = setting(name, explicit, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise PostmarkImproperlyConfigured(f"{name}={value!r} must be a positive number of bytes.")
    return number
