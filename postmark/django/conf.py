"""The ``POSTMARK_*`` settings the Django integration reads, and its configuration error.

Values come from :func:`postmark.config.lookup`: an explicit argument, then
the Django setting, then the environment variable of the same name.
:func:`flag_setting` then also reads django-anymail's spelling
(``ANYMAIL = {"IGNORE_RECIPIENT_STATUS": True}`` or
``ANYMAIL_IGNORE_RECIPIENT_STATUS``), so a site moving from anymail keeps
its behaviour.
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


def anymail_setting(name: str) -> Any:
    """django-anymail's setting ``name``: ``ANYMAIL[name]``, then ``ANYMAIL_<name>`` (or None)."""
    from django.conf import settings

    if not settings.configured:
        return None
    grouped = getattr(settings, "ANYMAIL", None)
    if isinstance(grouped, dict) and grouped.get(name) is not None:
        return grouped[name]
    return getattr(settings, f"ANYMAIL_{name}", None)


def flag_setting(name: str, anymail_name: str, explicit: Any = None) -> bool:
    """A boolean ``POSTMARK_*`` setting, else anymail's ``anymail_name``, else False."""
    value = bool_setting(name, explicit)
    if value is not None:
        return value
    fallback = anymail_setting(anymail_name)
    if fallback is None:
        return False
    try:
        return config.parse_bool(fallback, name=f"ANYMAIL {anymail_name}")
    except ConfigurationError as error:
        raise PostmarkImproperlyConfigured(str(error)) from None
