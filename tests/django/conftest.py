"""Configure Django for tests/django only.

Settings are configured here, when pytest imports this file, and never
through DJANGO_SETTINGS_MODULE: an environment variable would leak into the
subprocesses other tests start to check an unconfigured Django.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import django
import pytest
import responses
from django.conf import settings
from django_helpers import BACKEND, TOKEN

HERE = pathlib.Path(__file__).parent


def _load(name: str, filename: str) -> ModuleType:
    # tests/ is not a package (a tests/django package would shadow Django
    # itself), so these modules are loaded by path under unique names.
    spec = importlib.util.spec_from_file_location(name, HERE / filename)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


if not settings.configured:
    _test_settings = _load("postmark_tests_django_settings", "settings.py")
    settings.configure(
        **{k: getattr(_test_settings, k) for k in dir(_test_settings) if k.isupper()}
    )
    django.setup()
    _load("postmark_tests_django_urls", "urls.py")


@pytest.fixture(autouse=True)
def _postmark_backend(settings: Any) -> None:
    """pytest-django switches the email backend to locmem for the session; use ours.

    Django 6.1 deprecates EMAIL_BACKEND for MAILERS (and refuses both at
    once), so the backend is configured the way each version expects.
    """
    if django.VERSION >= (6, 1):
        del settings.EMAIL_BACKEND
        settings.MAILERS = {"default": {"BACKEND": BACKEND}}
    else:
        settings.EMAIL_BACKEND = BACKEND
    settings.POSTMARK_SERVER_TOKEN = TOKEN


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """Fake Postmark at requests' adapter boundary (the real transport runs)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
