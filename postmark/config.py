"""Where settings come from: one lookup with one precedence order.

    explicit argument  >  Django setting  >  environment variable  >  default

Django settings are consulted only when Django is already in use by the
process (imported, or ``DJANGO_SETTINGS_MODULE`` is set) and its settings can
be read; an installed but unconfigured Django is never an error here.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: Setting name -> older names that mean the same thing, newest first.
ALIASES: dict[str, tuple[str, ...]] = {
    "POSTMARK_SERVER_TOKEN": ("POSTMARK_API_KEY",),
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

_MISSING = object()


def parse_bool(value: Any, *, name: str = "value") -> bool:
    """Read a boolean from a Python value or an environment string."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        # Imported late: exceptions imports nothing from here, but keep the
        # foundation modules independent of each other at import time.
        from postmark.exceptions import ConfigurationError

        raise ConfigurationError(
            f"{name}={value!r} is not a boolean; use one of true/false, 1/0, yes/no, on/off."
        )
    return bool(value)


def parse_float(value: Any, *, name: str = "value") -> float:
    """Read a positive number of seconds from a Python value or a string."""
    from postmark.exceptions import ConfigurationError

    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{name}={value!r} is not a number of seconds.") from None
    # NaN compares false with everything, so "<= 0" alone would let it through,
    # and every later call would fail inside the HTTP client instead.
    if not math.isfinite(number) or number <= 0:
        raise ConfigurationError(
            f"{name} must be a finite number of seconds greater than 0, got {value!r}."
        )
    return number


def _django_settings() -> Any | None:
    """Django's settings object, or None when Django is not in use or not configured."""
    if "django" not in sys.modules and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        return None
    try:
        from django.conf import settings
    except ImportError:
        return None
    try:
        # Touching an attribute forces the settings module to load; an
        # unconfigured Django raises ImproperlyConfigured here, which is not
        # our caller's problem: we simply fall through to the environment.
        settings.DEBUG  # noqa: B018
    except Exception:
        return None
    return settings


def _names(name: str) -> tuple[str, ...]:
    return (name, *ALIASES.get(name, ()))


def lookup(name: str, explicit: Any = None, default: Any = None) -> Any:
    """Return the first value found for setting ``name``.

    ``None`` means "not given" at every level, so an explicit ``False`` or
    ``0`` still wins over a setting.
    """
    if explicit is not None:
        return explicit
    settings = _django_settings()
    if settings is not None:
        for key in _names(name):
            value = getattr(settings, key, None)
            if value is not None:
                return value
    for key in _names(name):
        env = os.environ.get(key)
        if env is not None and env != "":
            return env
    return default


def lookup_as(
    name: str, convert: Callable[..., T], explicit: Any = None, default: T | None = None
) -> T | None:
    """:func:`lookup`, then ``convert(value, name=name)`` when a value was found."""
    value = lookup(name, explicit, _MISSING)
    if value is _MISSING:
        return default
    return convert(value, name=name)


def lookup_bool(name: str, explicit: Any = None, default: bool = False) -> bool:
    """A boolean setting such as ``POSTMARK_TEST_MODE``."""
    result = lookup_as(name, parse_bool, explicit, default)
    return bool(result)
