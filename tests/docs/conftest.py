"""Set-up for the documentation tests: Django settings, the sandbox, page sessions.

Django is configured here (minimal settings, no POSTMARK_* values) when no
other conftest has done so, because the Django guide's examples run too.
As in tests/django, settings are configured in code, never through
DJANGO_SETTINGS_MODULE, which would leak into subprocesses.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from doc_pages import Pages

from postmark.sandbox import Sandbox

try:
    import django
    from django.conf import settings
except ImportError:  # pragma: no cover - the dev extra installs Django
    django = None
else:
    if not settings.configured:
        settings.configure(
            SECRET_KEY="docs-tests-only",
            DEBUG=False,
            ALLOWED_HOSTS=["testserver", "localhost"],
            INSTALLED_APPS=[],
            DATABASES={},
            USE_TZ=True,
        )
        django.setup()


@pytest.fixture(scope="module")
def docs_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def docs_pages(docs_sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pages]:
    pages = Pages(docs_sandbox, tmp_path_factory)
    yield pages
    pages.close()
