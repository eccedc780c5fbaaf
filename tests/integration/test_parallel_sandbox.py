"""Concurrent batches against the sandbox over real sockets: every message stored once.

The sandbox is faulted the way Postmark and networks fail (429 and 503
refusals, a dropped connection, an answer that stalls past the read
timeout after the messages were stored): whatever happens, no message is
stored twice, every MessageID returned is the one stored, and a message
whose request may have gone out says so instead of being sent again.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from postmark import PMBatchMail, PMMail, ServerClient
from postmark.sandbox import Sandbox
from postmark.sending import BatchPlan

CHUNK = 20


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BatchPlan, "max_count", CHUNK)


@pytest.fixture
def faulty_client(sandbox: Sandbox) -> Iterator[ServerClient]:
    # Retries on (429/503 are retried), a short read timeout for the stall.
    with ServerClient(
        "e2e-server-token", base_url=sandbox.url, retries=3, timeout=(5, 1.0)
    ) as server_client:
        yield server_client


def batch(count: int) -> tuple[str, list[dict[str, Any]]]:
    run = uuid.uuid4().hex[:8]
    return run, [
        {
            "From": "sender@example.com",
            "To": f"user{i}@example.com",
            "Subject": f"{run} message {i}",
            "TextBody": "Hello",
        }
        for i in range(count)
    ]


def stored_by_subject(sandbox: Sandbox, run: str) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    for message in sandbox.messages():
        if message["Subject"].startswith(run):
            ids.setdefault(message["Subject"], []).append(message["MessageID"])
    return ids


def test_every_message_is_stored_exactly_once_through_faults(
    sandbox: Sandbox, faulty_client: ServerClient
) -> None:
    run, messages = batch(20 * CHUNK)
    sandbox.inject_fault("429", 2, path="/email/batch")
    sandbox.inject_fault("503", 1, path="/email/batch")
    sandbox.inject_fault("drop", 1, path="/email/batch")
    sandbox.inject_fault("stall", 1, seconds=2.0, path="/email/batch")
    result = faulty_client.email.send_batch(messages, concurrency=6)

    stored = stored_by_subject(sandbox, run)
    assert all(len(ids) == 1 for ids in stored.values())  # never twice
    assert len(result) == len(messages)
    for outcome, message in zip(result, messages, strict=True):
        ids = stored.get(message["Subject"], [])
        if outcome.ok:
            assert ids == [outcome.message_id]  # the id returned is the one stored
        else:
            assert outcome.error is not None and outcome.error.may_have_been_sent
    failed = [o for o in result if not o.ok]
    # The dropped chunk (not stored) and the stalled one (stored, answer lost).
    assert len(failed) == 2 * CHUNK
    assert len(stored) == len(messages) - CHUNK


def test_pmbatchmail_with_concurrency_stores_each_message_once(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, messages = batch(7 * CHUNK + 3)
    mails = [
        PMMail(
            sender=m["From"],
            to=m["To"],
            subject=m["Subject"],
            text_body=m["TextBody"],
            api_key="e2e-server-token",
        )
        for m in messages
    ]
    monkeypatch.setenv("POSTMARK_API_URL", sandbox.url)
    assert PMBatchMail(messages=mails, concurrency=4).send() is True
    stored = stored_by_subject(sandbox, run)
    assert {subject: ids for subject, ids in stored.items()} == {
        mail.subject: [mail.message_id] for mail in mails
    }


def test_workers_reuse_their_pooled_connections(
    sandbox: Sandbox, client: ServerClient, caplog: pytest.LogCaptureFixture
) -> None:
    run, messages = batch(48 * CHUNK)
    with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
        result = client.email.send_batch(messages, concurrency=12)
    assert all(o.ok for o in result)
    opened = [r for r in caplog.records if "Starting new HTTP connection" in r.getMessage()]
    discarded = [r for r in caplog.records if "pool is full" in r.getMessage()]
    # 48 requests over 12 kept-alive connections; requests' default pool keeps 10.
    assert 1 < len(opened) <= 12 and not discarded
    assert Counter(len(ids) for ids in stored_by_subject(sandbox, run).values()) == {1: 48 * CHUNK}
