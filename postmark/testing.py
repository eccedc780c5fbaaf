"""Test helpers for applications that send mail with python-postmark.

Registered as a pytest plugin (entry point ``postmark``), so these fixtures
are available in any project that has python-postmark installed:

``postmark_sandbox``
    A local Postmark-compatible server (:class:`postmark.sandbox.Sandbox`),
    started once per test session on a free port and emptied before each test.

``postmark_outbox``
    Points the library at that sandbox for the duration of the test
    (``POSTMARK_API_URL``, a sandbox token, and the Django settings when
    Django is configured) and returns an :class:`Outbox` of what was sent::

        def test_welcome_mail(postmark_outbox):
            signup("ada@example.com")
            assert postmark_outbox.last["Subject"] == "Welcome, Ada"
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from postmark.sandbox import Sandbox

SANDBOX_TOKEN = "sandbox-server-token"  # noqa: S105 (the sandbox accepts any token)


class Outbox:
    """The messages the sandbox has stored, oldest first (each Postmark's JSON)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.sandbox.messages())

    def __len__(self) -> int:
        return len(self.messages)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.messages)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.messages[index]

    @property
    def last(self) -> dict[str, Any]:
        """The newest message; AssertionError when nothing was sent."""
        messages = self.messages
        assert messages, "no message was sent to the Postmark sandbox"
        return messages[-1]

    @property
    def subjects(self) -> list[str | None]:
        return [m.get("Subject") for m in self.messages]

    def clear(self) -> None:
        self.sandbox.clear()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait until ``count`` messages arrived (for code that sends in the background)."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.messages
            if len(messages) >= count or time.monotonic() >= deadline:
                assert len(messages) >= count, (
                    f"expected {count} messages in the Postmark sandbox, got {len(messages)}"
                )
                return messages
            time.sleep(0.01)


@pytest.fixture(scope="session")
def _postmark_sandbox_server() -> Iterator[Sandbox]:
    from postmark.sandbox import Sandbox

    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def postmark_sandbox(_postmark_sandbox_server: Sandbox) -> Sandbox:
    """The session's sandbox server, emptied for this test."""
    _postmark_sandbox_server.clear()
    return _postmark_sandbox_server


@pytest.fixture
def postmark_outbox(postmark_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Outbox:
    """Send everything to the sandbox during this test; returns what was sent."""
    import postmark.core

    monkeypatch.setenv("POSTMARK_API_URL", postmark_sandbox.url)
    monkeypatch.setenv("POSTMARK_SERVER_TOKEN", SANDBOX_TOKEN)
    monkeypatch.delenv("POSTMARK_TEST_MODE", raising=False)
    _point_django_settings(postmark_sandbox.url, monkeypatch)
    # Clients cached for earlier base URLs must not be reused.
    monkeypatch.setattr(postmark.core, "_clients", {})
    return Outbox(postmark_sandbox)


def _point_django_settings(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Django settings win over the environment, so override them too when present."""
    from postmark.config import _django_settings

    settings = _django_settings()
    if settings is None:
        return
    monkeypatch.setattr(settings, "POSTMARK_API_URL", url, raising=False)
    monkeypatch.setattr(settings, "POSTMARK_TEST_MODE", False, raising=False)
    for name in ("POSTMARK_SERVER_TOKEN", "POSTMARK_API_KEY"):
        if getattr(settings, name, None):
            monkeypatch.setattr(settings, name, SANDBOX_TOKEN)
