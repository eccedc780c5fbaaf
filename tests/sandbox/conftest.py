"""Fixtures for the sandbox tests: the shipped ``postmark_sandbox`` (emptied per test), a client,
and a real headless Chromium (``browser``, see ``browser.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser import Browser, require_browser
from receiver import Receiver
from sandbox_helpers import Api

from postmark.sandbox import Sandbox


@pytest.fixture
def sandbox(postmark_sandbox: Sandbox) -> Sandbox:
    """The session's sandbox, emptied before each test (``postmark.testing``'s fixture)."""
    return postmark_sandbox


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[Api]:
    client = Api(sandbox.url)
    yield client
    client.close()


@pytest.fixture
def hook() -> Iterator[Receiver]:
    """A loopback endpoint the sandbox may call (webhook verification, inbound hook)."""
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def events_sandbox() -> Iterator[Sandbox]:
    """A sandbox of its own whose webhook retries come 10 000 times sooner (about 0.3 s in all)."""
    with Sandbox(webhook_retry_scale=0.0001) as sandbox:
        yield sandbox


@pytest.fixture
def events_api(events_sandbox: Sandbox) -> Iterator[Api]:
    client = Api(events_sandbox.url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def _chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium for the whole session (starting one takes about a second)."""
    require_browser()
    downloads = tmp_path_factory.mktemp("downloads")
    chromium = Browser(tmp_path_factory.mktemp("profile"), downloads)
    yield chromium
    chromium.close()


@pytest.fixture
def browser(_chromium: Browser) -> Iterator[Browser]:
    """A real, clicking headless Chromium (see ``browser.py``), on a blank page."""
    _chromium.reset()
    yield _chromium
    _chromium.reset()
