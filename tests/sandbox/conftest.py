"""Fixtures for the sandbox tests: an in-process Sandbox, emptied per test, and a client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from receiver import Receiver
from sandbox_helpers import Api

from postmark.sandbox import Sandbox


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(shared_sandbox: Sandbox) -> Sandbox:
    """The session's sandbox, emptied before each test."""
    shared_sandbox.clear()
    return shared_sandbox


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
