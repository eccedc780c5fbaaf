"""Fixtures for the Tornado tests."""

from __future__ import annotations

import asyncio

import pytest

from postmark.tornado import AsyncTransport


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the waits between attempts instead of waiting (the loop still turns)."""
    recorded: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)
        await asyncio.sleep(0)

    monkeypatch.setattr(AsyncTransport, "default_sleep", staticmethod(fake_sleep))
    return recorded
