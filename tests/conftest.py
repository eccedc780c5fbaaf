"""Shared test set-up: no Postmark settings leak in from the environment."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import postmark.core
from postmark.transport import Transport


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with no POSTMARK_* variables and no cached clients."""
    for name in list(os.environ):
        if name.startswith("POSTMARK_") or name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            monkeypatch.delenv(name)
    postmark.core._clients.clear()
    yield
    postmark.core._clients.clear()


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record retry waits instead of sleeping; returns the list of waits."""
    waits: list[float] = []
    # The transports' own hook: time.sleep itself stays untouched for everything else.
    monkeypatch.setattr(Transport, "default_sleep", staticmethod(waits.append))
    return waits
