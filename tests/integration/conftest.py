"""Fixtures of the end-to-end tests: one sandbox per module, emptied per test, and clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from postmark import AccountClient, ServerClient
from postmark.sandbox import Sandbox


@pytest.fixture(scope="module")
def running() -> Iterator[Sandbox]:
    with Sandbox(account_tokens=["e2e-account-token"]) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(running: Sandbox) -> Sandbox:
    running.clear()
    return running


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[ServerClient]:
    with ServerClient("e2e-server-token", base_url=sandbox.url, retries=0) as server_client:
        yield server_client


@pytest.fixture
def account(sandbox: Sandbox) -> Iterator[AccountClient]:
    with AccountClient("e2e-account-token", base_url=sandbox.url, retries=0) as account_client:
        yield account_client
