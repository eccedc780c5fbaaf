"""The pytest fixtures users get from ``postmark.testing``."""

from __future__ import annotations

import threading

import pytest

from postmark import PMBatchMail, PMMail, ServerClient
from postmark.testing import Outbox


def test_outbox_sees_pmmail(postmark_outbox: Outbox) -> None:
    PMMail(
        sender="me@example.com", to="ada@example.com", subject="Welcome, Ada", text_body="Hi"
    ).send()
    assert postmark_outbox.last["Subject"] == "Welcome, Ada"
    assert postmark_outbox.last["To"] == "ada@example.com"
    assert len(postmark_outbox) == 1


def test_each_test_starts_with_an_empty_outbox(postmark_outbox: Outbox) -> None:
    assert len(postmark_outbox) == 0
    with pytest.raises(AssertionError, match="no message was sent"):
        postmark_outbox.last  # noqa: B018


def test_outbox_for_batches_and_clients(postmark_outbox: Outbox) -> None:
    PMBatchMail(
        messages=[
            PMMail(sender="me@example.com", to=f"u{i}@example.com", subject=f"n{i}", text_body="x")
            for i in range(3)
        ]
    ).send()
    ServerClient().email.send(
        sender="me@example.com", to="z@example.com", subject="client", text_body="x"
    )
    assert postmark_outbox.subjects == ["n0", "n1", "n2", "client"]
    postmark_outbox.clear()
    assert len(postmark_outbox) == 0


def test_wait_for_background_sends(postmark_outbox: Outbox) -> None:
    def later() -> None:
        PMMail(sender="me@example.com", to="a@example.com", subject="bg", text_body="x").send()

    threading.Timer(0.2, later).start()
    assert postmark_outbox.wait_for(1, timeout=5)[0]["Subject"] == "bg"
    with pytest.raises(AssertionError, match="expected 5 messages"):
        postmark_outbox.wait_for(5, timeout=0.2)
