"""The library against the sandbox's injected faults, over real sockets.

Complements tests/integration/test_core_sandbox.py (one stalled, rate
limited, failed or dropped single send through ServerClient): here the
legacy classes, storms longer than the retry budget, maintenance, and
batches whose middle request fails. Each test bounds the time taken,
checks the exception, counts what the sandbox stored by unique subject (no
message twice) and checks that every message has an outcome.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from fault_helpers import FAST_RETRIES, fast_retries, pending_faults, stored_subjects
from requests.adapters import HTTPAdapter

import postmark
import postmark.core
from postmark import PMBatchMail, PMMail, ServerClient
from postmark.exceptions import RateLimitError, RequestTimeoutError, ServerError, TransportError
from postmark.sandbox import Sandbox


def mail(subject: str, **fields: Any) -> PMMail:
    values: dict[str, Any] = {
        "sender": "me@example.com",
        "to": "a@example.com",
        "subject": subject,
        "text_body": "x",
    }
    return PMMail(**{**values, **fields})


def batch_of(count: int, prefix: str) -> list[PMMail]:
    return [mail(f"{prefix}-{i}", to=f"user{i}@example.com") for i in range(count)]


class FaultOnRequest(HTTPAdapter):
    """Queues a sandbox fault just before the ``number``-th request (the fault hits it)."""

    def __init__(self, sandbox: Sandbox, number: int, kind: str, **fault: Any) -> None:
        super().__init__()
        self.sandbox, self.number, self.kind, self.fault = sandbox, number, kind, fault
        self.sent: list[str] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent.append(str(request.path_url))
        if len(self.sent) == self.number:
            self.sandbox.inject_fault(self.kind, **self.fault)
        return super().send(request, **kwargs)


def fault_on_request(sandbox: Sandbox, number: int, kind: str, **fault: Any) -> FaultOnRequest:
    """Mount a :class:`FaultOnRequest` on the legacy layer's client (real sockets still)."""
    adapter = FaultOnRequest(sandbox, number, kind, **fault)
    postmark.core.shared_client("fault-token").transport.session.mount("http://", adapter)
    fast_retries()
    return adapter


# --------------------------------------------------------------------------
# A server that stalls past the timeout


def test_stalled_pmmail_send_times_out_once_and_is_stored_once(sandbox: Sandbox) -> None:
    sandbox.inject_fault("stall", count=1, seconds=1.5, path="/email")
    postmark.core.shared_client("fault-token").transport.timeout = (2.0, 0.4)
    message = mail("stalled-once")
    started = time.monotonic()
    with pytest.raises(postmark.PMMailURLException) as caught:
        message.send()
    assert 0.35 < time.monotonic() - started < 1.2
    assert isinstance(caught.value, RequestTimeoutError)
    assert caught.value.may_have_been_sent is True
    assert "activity log" in str(caught.value)
    assert message.message_id is None
    time.sleep(1.3)  # the sandbox finishes the stalled request
    assert stored_subjects(sandbox) == {"stalled-once": 1}


def test_stalled_batch_chunk_is_not_resent_and_the_rest_go(sandbox: Sandbox) -> None:
    # The read timeout leaves a loaded machine time to store a 500-message chunk.
    adapter = fault_on_request(sandbox, 1, "stall", seconds=3.0, path="/email/batch")
    postmark.core.shared_client("fault-token").transport.timeout = (2.0, 1.5)
    messages = batch_of(1000, "stall")
    batch = PMBatchMail(messages=messages)
    started = time.monotonic()
    with pytest.raises(RequestTimeoutError) as caught:
        batch.send()
    assert time.monotonic() - started < 6.0
    assert adapter.sent == ["/email/batch", "/email/batch"]
    assert caught.value.may_have_been_sent is True
    assert batch.outcomes is not None and len(batch.outcomes) == 1000
    assert all(isinstance(o.error, RequestTimeoutError) for o in batch.outcomes[:500])
    assert all(o.ok for o in batch.outcomes[500:]), batch.outcomes[500]
    time.sleep(2.0)
    # The stalled chunk was processed by the sandbox (the client cannot know): each
    # message is stored once, never twice.
    assert stored_subjects(sandbox) == {f"stall-{i}": 1 for i in range(1000)}


# --------------------------------------------------------------------------
# A 429 storm


def test_429_storm_longer_than_the_retries_raises_then_later_succeeds(sandbox: Sandbox) -> None:
    sandbox.inject_fault("429", count=6, path="/email")
    fast_retries()
    first = mail("storm-first")
    started = time.monotonic()
    with pytest.raises(RateLimitError) as caught:
        first.send()
    assert time.monotonic() - started < 1.5
    assert caught.value.http_status == 429
    assert caught.value.retryable is True
    assert caught.value.may_have_been_sent is False
    assert isinstance(caught.value, postmark.PMMailSendException)
    assert pending_faults(sandbox) == [2]  # 1 try + 3 retries used
    second = mail("storm-second")
    assert second.send() is True  # two more 429s, then accepted
    assert pending_faults(sandbox) == []
    assert stored_subjects(sandbox) == {"storm-second": 1}
    assert [m["MessageID"] for m in sandbox.messages()] == [second.message_id]


def test_429_storm_is_bounded_by_the_deadline(sandbox: Sandbox) -> None:
    sandbox.inject_fault("429", count=50, path="/email")
    client = ServerClient(base_url=sandbox.url, retries=40, deadline=0.6)
    client.transport.retry_policy = type(FAST_RETRIES)(
        retries=40, backoff=0.05, max_backoff=0.1, deadline=0.6
    )
    started = time.monotonic()
    with pytest.raises(RateLimitError):
        client.email.send(sender="me@example.com", to="a@example.com", subject="s", text_body="x")
    assert time.monotonic() - started < 1.0
    used = 50 - sum(pending_faults(sandbox))
    assert 3 <= used < 40  # stopped by the deadline, not by the retry count
    assert sandbox.messages() == []


def test_429_on_a_batch_chunk_is_retried_and_every_message_stored_once(sandbox: Sandbox) -> None:
    adapter = fault_on_request(sandbox, 2, "429", count=2, path="/email/batch")
    messages = batch_of(1200, "rate")
    assert PMBatchMail(messages=messages).send() is True
    assert adapter.sent == ["/email/batch"] * 5  # chunk 2 needed three attempts
    assert stored_subjects(sandbox) == {f"rate-{i}": 1 for i in range(1200)}
    assert {m.message_id for m in messages} == {m["MessageID"] for m in sandbox.messages()}


# --------------------------------------------------------------------------
# 503 maintenance


def test_503_maintenance_is_retried_then_the_message_is_stored_once(sandbox: Sandbox) -> None:
    sandbox.inject_fault("503", count=2, path="/email")
    fast_retries()
    message = mail("after-maintenance")
    started = time.monotonic()
    assert message.send() is True
    assert time.monotonic() - started < 1.0
    assert stored_subjects(sandbox) == {"after-maintenance": 1}


def test_long_maintenance_raises_a_server_error_that_says_so(sandbox: Sandbox) -> None:
    sandbox.inject_fault("503", count=10, path="/email")
    fast_retries()
    started = time.monotonic()
    with pytest.raises(ServerError) as caught:
        mail("during-maintenance").send()
    assert time.monotonic() - started < 1.5
    error = caught.value
    assert error.http_status == 503
    assert error.error_code == 100
    assert error.retryable is True
    assert "maintenance" in str(error)
    assert isinstance(error, postmark.PMMailServerErrorException)
    assert sandbox.messages() == []
    assert pending_faults(sandbox) == [6]


# --------------------------------------------------------------------------
# A batch request failing in the middle


def test_500_on_the_second_of_three_batch_requests(sandbox: Sandbox) -> None:
    adapter = fault_on_request(sandbox, 2, "500", path="/email/batch")
    messages = batch_of(1500, "mid")
    batch = PMBatchMail(messages=messages)
    started = time.monotonic()
    with pytest.raises(postmark.PMMailServerErrorException) as caught:
        batch.send()
    assert time.monotonic() - started < 10
    # Three requests, no retry of the failed one (a 500 on a POST may have been processed).
    assert adapter.sent == ["/email/batch"] * 3
    error = caught.value
    assert isinstance(error, ServerError)
    assert "500 of 1500 messages failed" in str(error)
    assert error.outcomes is not None and len(error.outcomes) == 1500
    stored = stored_subjects(sandbox)
    assert stored == {f"mid-{i}": 1 for i in [*range(500), *range(1000, 1500)]}
    for i, message in enumerate(messages):
        outcome = message.outcome
        assert outcome is not None and outcome.index == i
        if 500 <= i < 1000:
            assert isinstance(outcome.error, ServerError) and message.message_id is None
        else:
            assert outcome.ok and message.message_id
    ids = {m["Subject"]: m["MessageID"] for m in sandbox.messages()}
    assert all(ids[m.subject] == m.message_id for m in messages if m.message_id)


def test_dropped_connection_on_a_batch_request_is_not_resent(sandbox: Sandbox) -> None:
    adapter = fault_on_request(sandbox, 2, "drop", path="/email/batch")
    messages = batch_of(1500, "drop")
    batch = PMBatchMail(messages=messages)
    with pytest.raises(TransportError) as caught:
        batch.send()
    assert adapter.sent == ["/email/batch"] * 3
    assert caught.value.may_have_been_sent is True
    assert batch.outcomes is not None
    assert [o.ok for o in batch.outcomes].count(True) == 1000
    assert all(o.error and o.error.may_have_been_sent for o in batch.outcomes[500:1000])
    assert stored_subjects(sandbox) == {f"drop-{i}": 1 for i in [*range(500), *range(1000, 1500)]}


def test_bad_token_mid_batch_stops_the_remaining_requests(sandbox: Sandbox) -> None:
    # Found out on the first request: no other request is sent with that token.
    with Sandbox(tokens=["the-right-token"]) as strict:
        client = ServerClient("wrong-token", base_url=strict.url)
        result = client.email.send_batch(
            [
                {
                    "From": "me@example.com",
                    "To": "a@example.com",
                    "Subject": f"t{i}",
                    "TextBody": "x",
                }
                for i in range(1100)
            ]
        )
        assert len(result) == 1100
        assert all(isinstance(o.error, postmark.UnauthorizedError) for o in result)
        assert strict.messages() == []
