"""Fixtures for the API section tests: both clients and a fake Postmark."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

import postmark

from .wire import ACCOUNT_TOKEN, SERVER_TOKEN


@pytest.fixture(autouse=True)
def fake_postmark() -> Iterator[None]:
    """Every test talks to ``responses`` (the real transport code runs)."""
    responses.start()
    try:
        yield
    finally:
        responses.stop()
        responses.reset()


@pytest.fixture
def server() -> Iterator[postmark.ServerClient]:
    with postmark.ServerClient(SERVER_TOKEN, retries=0) as client:
        yield client


@pytest.fixture
def account() -> Iterator[postmark.AccountClient]:
    with postmark.AccountClient(ACCOUNT_TOKEN, retries=0) as client:
        yield client
