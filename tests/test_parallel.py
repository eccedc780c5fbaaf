"""Batch chunks sent side by side: order, shared backoff, the 401 stop, never twice.

``responses`` fakes Postmark at requests' adapter boundary; its callbacks
run in the worker threads, so a slow answer (a sleep in the callback) keeps
one worker busy, like a slow Postmark. Each attempt is recorded with the
time it began and ended, so a test checks what the workers did, not how
fast they were.
"""

from __future__ import annotations

import json
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import responses
from urllib3.exceptions import NewConnectionError

import postmark
from postmark import PMBatchMail, PMMail
from postmark.parallel import ChunkSender, check_concurrency
from postmark.sending import BatchPlan

API = "https://api.postmarkapp.com"
CHUNK = 10  # messages per request in these tests (BatchPlan.max_count is shrunk)


@dataclass
class Attempt:
    first: str  # the To of the chunk's first message: which chunk it was
    started: float
    ended: float
    status: int


class FakePostmark:
    """Answers ``/email/batch`` as Postmark does, after a delay chosen per chunk.

    ``script[first_to]`` lists (status, headers, body) answers for that
    chunk's successive attempts; once used up (or absent), the chunk is
    accepted: one MessageID per message, derived from its recipient.
    """

    def __init__(
        self,
        delay: Callable[[str], float] = lambda first: 0.0,
        script: dict[str, list[tuple[int, dict[str, str], Any]]] | None = None,
    ) -> None:
        self.delay = delay
        self.script = script or {}
        self.attempts: list[Attempt] = []
        self.accepted: list[str] = []  # every To Postmark accepted, once per acceptance
        self._lock = threading.Lock()
        self._in_flight = 0
        self.most_in_flight = 0

    def __call__(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        started = time.monotonic()
        items = json.loads(request.body or b"[]")
        first = items[0]["To"]
        with self._lock:
            self._in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self._in_flight)
            scripted = self.script.get(first)
            answer = scripted.pop(0) if scripted else None
        time.sleep(self.delay(first))
        if answer is None:
            entries = [
                {"ErrorCode": 0, "Message": "OK", "MessageID": f"id-{m['To']}"} for m in items
            ]
            answer = (200, {}, entries)
        with self._lock:
            if answer[0] == 200:
                self.accepted.extend(m["To"] for m in items)
            self._in_flight -= 1
            self.attempts.append(Attempt(first, started, time.monotonic(), answer[0]))
        status, headers, body = answer
        return status, headers, json.dumps(body)

    def mount(self, mock: Any = responses) -> FakePostmark:
        mock.add_callback(responses.POST, f"{API}/email/batch", callback=self)
        return self

    def chunks_in_order_of(self, key: str) -> list[str]:
        return [a.first for a in sorted(self.attempts, key=lambda a: getattr(a, key))]


def to(i: int) -> str:
    return f"user{i}@example.com"


def messages(count: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {"From": "me@example.com", "To": to(i), "Subject": f"Message {i}", "TextBody": "Hi"}
        for i in range(start, start + count)
    ]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BatchPlan, "max_count", CHUNK)


@pytest.fixture
def client() -> Any:
    with postmark.ServerClient("token") as server_client:
        yield server_client


def chunk_number(first: str) -> int:
    return int(first.removeprefix("user").split("@")[0]) // CHUNK


# --------------------------------------------------------------------------
# Order and overlap


@responses.activate
def test_outcomes_keep_input_order_when_later_chunks_answer_first(client: Any) -> None:
    # Chunk 0 is the slowest, chunk 7 the fastest: answers arrive backwards.
    fake = FakePostmark(delay=lambda first: 0.02 * (8 - chunk_number(first))).mount()
    result = client.email.send_batch(messages(8 * CHUNK), concurrency=4)
    assert [o.index for o in result] == list(range(8 * CHUNK))
    assert [o.message_id for o in result] == [f"id-{to(i)}" for i in range(8 * CHUNK)]
    assert fake.most_in_flight == 4  # side by side, never more than asked
    ended = fake.chunks_in_order_of("ended")
    assert ended != sorted(ended, key=lambda first: chunk_number(first))  # really out of order
    assert sorted(fake.accepted) == sorted(to(i) for i in range(8 * CHUNK))  # each once


@responses.activate
def test_concurrency_1_makes_exactly_the_requests_of_a_plain_batch(client: Any) -> None:
    FakePostmark().mount()
    batch = messages(3 * CHUNK + 4)
    client.email.send_batch(batch)
    default = [(c.request.url, dict(c.request.headers), c.request.body) for c in responses.calls]
    responses.calls.reset()
    client.email.send_batch(batch, concurrency=1)
    one = [(c.request.url, dict(c.request.headers), c.request.body) for c in responses.calls]
    assert one == default and len(one) == 4
    responses.calls.reset()
    client.email.send_batch(batch, concurrency=3)
    three = [(c.request.url, dict(c.request.headers), c.request.body) for c in responses.calls]
    # The same requests, only their order on the wire may differ.
    assert sorted(three, key=lambda call: call[2]) == sorted(default, key=lambda call: call[2])


@responses.activate
def test_chunks_are_split_exactly_as_in_a_sequential_batch(client: Any) -> None:
    FakePostmark().mount()
    responses.add_callback(
        responses.POST,
        f"{API}/email/batchWithTemplates",
        callback=lambda r: (200, {}, json.dumps([{"ErrorCode": 0, "MessageID": "t"}] * 2)),
    )
    batch: list[Any] = messages(25)
    batch[3] = {**batch[3], "Subject": "bad\nBcc: x"}  # refused here, alone
    batch[5] = {"From": "me@example.com", "To": "t@example.com", "TemplateAlias": "a"}
    batch[9] = {"From": "me@example.com", "To": "u@example.com", "TemplateAlias": "a"}
    result = client.email.send_batch(batch, concurrency=4)
    bodies = sorted(c.request.body for c in responses.calls)
    responses.calls.reset()
    sequential = client.email.send_batch(batch)
    assert bodies == sorted(c.request.body for c in responses.calls)
    assert [(o.index, o.ok, o.message_id) for o in result] == [
        (o.index, o.ok, o.message_id) for o in sequential
    ]
    assert not result[3].ok and result[5].message_id == "t"


# --------------------------------------------------------------------------
# Shared backoff


@pytest.mark.parametrize("status", [429, 503])
@responses.activate
def test_a_429_or_503_holds_every_worker_until_its_wait_is_over(client: Any, status: int) -> None:
    hold = 0.3
    refusal = (status, {"Retry-After": str(hold)}, {"ErrorCode": status, "Message": "Slow"})
    # Chunk 0 is refused at 20 ms, while the other workers are busy until 150 ms
    # (time for the client to see the refusal, even on a loaded machine).
    slow = lambda first: 0.02 if first == to(0) else 0.15  # noqa: E731
    fake = FakePostmark(delay=slow, script={to(0): [refusal]}).mount()
    result = client.email.send_batch(messages(12 * CHUNK), concurrency=4)
    assert all(o.ok for o in result)
    told = next(a for a in fake.attempts if a.status == status)
    later = [a.started for a in fake.attempts if a.started > told.ended]
    # Without the shared wait the three other workers start new chunks at
    # 150 ms; with it, none starts before the wait is over.
    assert later, "chunks were left to send after the refusal"
    assert min(later) >= told.ended + hold - 0.01
    assert [a.first for a in fake.attempts].count(to(0)) == 2  # refused, then sent once
    assert sorted(fake.accepted) == sorted(to(i) for i in range(12 * CHUNK))


@responses.activate
def test_a_failed_connection_makes_only_its_own_worker_wait(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A connection refused (nothing sent) is retried after the worker's own
    # backoff; it is no message from Postmark, so the others carry on.
    waits: list[float] = []
    monkeypatch.setattr(client.transport, "_sleep", lambda s: (waits.append(s), time.sleep(0.3)))
    refused = requests.ConnectionError(NewConnectionError(None, "refused"))  # type: ignore[arg-type]
    fake = FakePostmark(delay=lambda first: 0.05)
    first_call = threading.Event()

    def callback(request: requests.PreparedRequest) -> Any:
        if json.loads(request.body or b"[]")[0]["To"] == to(0) and not first_call.is_set():
            first_call.set()
            raise refused
        return fake(request)

    responses.add_callback(responses.POST, f"{API}/email/batch", callback=callback)
    started = time.monotonic()
    result = client.email.send_batch(messages(8 * CHUNK), concurrency=4)
    assert all(o.ok for o in result) and len(waits) == 1
    during_wait = [a for a in fake.attempts if a.started < started + 0.25]
    assert len(during_wait) >= 4  # other chunks went on while chunk 0 waited


# --------------------------------------------------------------------------
# The 401 stop and failures of one chunk


@responses.activate
def test_a_401_stops_every_worker_and_unsent_chunks_carry_it(client: Any) -> None:
    refused = (401, {}, {"ErrorCode": 10, "Message": "Bad or missing API token"})
    # Chunk 2 is refused at 30 ms, while chunks 0, 1 and 3 are on the wire until 150 ms.
    fake = FakePostmark(
        delay=lambda first: 0.03 if first == to(2 * CHUNK) else 0.15,
        script={to(2 * CHUNK): [refused]},
    ).mount()
    result = client.email.send_batch(messages(20 * CHUNK), concurrency=4)
    told = next(a for a in fake.attempts if a.status == 401)
    assert all(a.started <= told.ended for a in fake.attempts)  # nothing started after it
    assert sorted(chunk_number(a.first) for a in fake.attempts) == [0, 1, 2, 3]
    for number in (0, 1, 3):  # on the wire before the 401: their own answers
        assert all(o.ok for o in result[number * CHUNK : (number + 1) * CHUNK])
    assert not any(o.ok for o in result[2 * CHUNK : 3 * CHUNK])
    unsent = result[2 * CHUNK : 3 * CHUNK] + result[4 * CHUNK :]
    assert len(result) == 20 * CHUNK and not any(o.ok for o in unsent)
    assert all(isinstance(o.error, postmark.UnauthorizedError) for o in unsent)
    assert not any(o.error is not None and o.error.may_have_been_sent for o in unsent)


@responses.activate
def test_a_timed_out_chunk_fails_alone_and_is_never_sent_again(client: Any) -> None:
    fake = FakePostmark(delay=lambda first: 0.02)

    def callback(request: requests.PreparedRequest) -> Any:
        if json.loads(request.body or b"[]")[0]["To"] == to(CHUNK):
            raise requests.ReadTimeout("read timed out")
        return fake(request)

    responses.add_callback(responses.POST, f"{API}/email/batch", callback=callback)
    result = client.email.send_batch(messages(6 * CHUNK), concurrency=3)
    bodies = [c.request.body for c in responses.calls]
    assert len(bodies) == len(set(bodies)) == 6  # every chunk once, the timed out one too
    failed = result[CHUNK : 2 * CHUNK]
    assert all(isinstance(o.error, postmark.RequestTimeoutError) for o in failed)
    assert all(o.error is not None and o.error.may_have_been_sent for o in failed)
    assert all(o.ok for o in result[:CHUNK] + result[2 * CHUNK :])


@responses.activate
def test_a_chunk_refused_with_422_or_500_does_not_stop_the_others(client: Any) -> None:
    script = {
        to(0): [(422, {}, {"ErrorCode": 300, "Message": "Invalid email request"})],
        to(CHUNK): [(500, {}, {"ErrorCode": 0, "Message": "Oops"})],
    }
    fake = FakePostmark(script=script).mount()
    result = client.email.send_batch(messages(5 * CHUNK), concurrency=2)
    assert len(fake.attempts) == 5  # a 500 to a POST is not repeated
    assert [o.ok for o in result] == [False] * 2 * CHUNK + [True] * 3 * CHUNK
    assert result[CHUNK].error is not None and result[CHUNK].error.may_have_been_sent


# --------------------------------------------------------------------------
# Sharing one client


@responses.activate
def test_threads_sharing_one_client_each_get_their_own_outcomes(client: Any) -> None:
    fake = FakePostmark(delay=lambda first: 0.02).mount()
    results: dict[int, Any] = {}

    def send(thread: int) -> None:
        results[thread] = client.email.send_batch(
            messages(6 * CHUNK, start=thread * 1000), concurrency=4
        )

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n in range(4):
        assert [o.message_id for o in results[n]] == [
            f"id-{to(i)}" for i in range(n * 1000, n * 1000 + 6 * CHUNK)
        ]
    assert len(fake.accepted) == len(set(fake.accepted)) == 4 * 6 * CHUNK
    assert fake.most_in_flight > 4  # the threads' workers overlapped


def test_the_pool_keeps_as_many_connections_as_workers(client: Any) -> None:
    adapter = client.transport.session.get_adapter(API)
    assert adapter._pool_maxsize == 10  # requests' default
    with responses.RequestsMock() as mock:
        FakePostmark().mount(mock)
        client.email.send_batch(messages(20 * CHUNK), concurrency=16)
    assert client.transport.session.get_adapter(f"{API}/email/batch")._pool_maxsize == 16
    with responses.RequestsMock() as mock:
        FakePostmark().mount(mock)
        client.email.send_batch(messages(20 * CHUNK), concurrency=4)  # fewer: kept as is
        client.email.send_batch(messages(30 * CHUNK), concurrency=24)  # more: grown again
    assert client.transport.session.get_adapter(f"{API}/email/batch")._pool_maxsize == 24


def test_a_callers_session_keeps_its_own_adapter() -> None:
    session = requests.Session()
    own = requests.adapters.HTTPAdapter(pool_maxsize=2)
    session.mount("https://", own)
    with (
        postmark.ServerClient("token", session=session) as shared,
        responses.RequestsMock() as mock,
    ):
        FakePostmark().mount(mock)
        assert all(o.ok for o in shared.email.send_batch(messages(4 * CHUNK), concurrency=8))
    assert session.get_adapter(API) is own


# --------------------------------------------------------------------------
# Bad values, PMBatchMail


@pytest.mark.parametrize("value", [0, -1, 1.5, "4", True])
@responses.activate
def test_a_bad_concurrency_is_refused_before_anything_is_sent(client: Any, value: Any) -> None:
    FakePostmark().mount()
    with pytest.raises((TypeError, ValueError), match="concurrency"):
        client.email.send_batch(messages(3), concurrency=value)
    with pytest.raises((TypeError, ValueError), match="concurrency"):
        client.email.send_batch_with_templates(messages(3), concurrency=value)
    with pytest.raises((TypeError, ValueError), match="concurrency"):
        PMBatchMail(messages=[], api_key="token", concurrency=value)
    batch = PMBatchMail(messages=[PMMail(**pm_fields(0))], api_key="token")
    with pytest.raises((TypeError, ValueError), match="concurrency"):
        batch.send(concurrency=value)
    assert len(responses.calls) == 0


def test_check_concurrency_names_the_problem() -> None:
    assert check_concurrency(8) == 8
    with pytest.raises(TypeError, match=r"whole number .* not '4' \(str\)"):
        check_concurrency("4")
    with pytest.raises(ValueError, match=r"1 or more .* not 0"):
        check_concurrency(0)


def pm_fields(i: int, **overrides: Any) -> dict[str, Any]:
    fields = {"sender": "me@example.com", "to": to(i), "subject": f"M{i}", "text_body": "Hi"}
    return {**fields, **overrides}


@responses.activate
def test_pmbatchmail_concurrency_sends_everything_then_raises_as_before() -> None:
    script = {to(CHUNK): [(422, {}, {"ErrorCode": 300, "Message": "Invalid 'To' address"})]}
    fake = FakePostmark(delay=lambda first: 0.01, script=script).mount()
    mails = [PMMail(**pm_fields(i)) for i in range(6 * CHUNK)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # concurrency is a known keyword: no warning
        batch = PMBatchMail(messages=mails, api_key="token", concurrency=3)
    with pytest.raises(postmark.PMMailUnprocessableEntityException) as caught:
        batch.send()
    assert len(fake.attempts) == 6 and fake.most_in_flight > 1  # all sent, side by side
    assert caught.value.outcomes is not None and len(caught.value.outcomes) == 6 * CHUNK
    assert mails[0].message_id == f"id-{to(0)}" and mails[CHUNK].message_id is None
    assert mails[-1].message_id == f"id-{to(6 * CHUNK - 1)}"
    assert batch.outcomes is not None and not batch.outcomes[CHUNK].ok


@responses.activate
def test_pmbatchmail_refuses_an_incomplete_message_before_any_request_with_concurrency() -> None:
    FakePostmark().mount()
    mails = [PMMail(**pm_fields(i)) for i in range(3 * CHUNK)]
    mails[2 * CHUNK].to = None
    with pytest.raises(postmark.PMMailMissingValueException):
        PMBatchMail(messages=mails, api_key="token").send(concurrency=4)
    assert len(responses.calls) == 0


@responses.activate
def test_pmbatchmail_send_concurrency_wins_over_the_constructors() -> None:
    fake = FakePostmark(delay=lambda first: 0.02).mount()
    mails = [PMMail(**pm_fields(i)) for i in range(4 * CHUNK)]
    batch = PMBatchMail(messages=mails, api_key="token", concurrency=4)
    assert batch.send(concurrency=1) is True
    assert fake.most_in_flight == 1
    assert PMBatchMail(messages=mails, api_key="token").concurrency == 1


# --------------------------------------------------------------------------
# The sender on its own (what the CLI drives)


@responses.activate
def test_sender_reads_chunks_lazily_within_its_window(client: Any) -> None:
    FakePostmark(delay=lambda first: 0.02).mount()
    plan = BatchPlan.of(messages(30 * CHUNK))
    taken: list[int] = []

    def chunks() -> Any:
        for chunk in plan.pending(lazy=True):
            taken.append(chunk.indexes[0])
            yield chunk

    sender = ChunkSender(client.transport.perform, 3)
    seen = 0
    for done in sender.send(chunks()):
        assert len(taken) - seen <= sender.window  # never more than the window ahead
        assert done.chunk.indexes[0] == seen * CHUNK and done.sent
        done.record(plan)
        seen += 1
    assert seen == 30 and all(o.ok for o in plan.result())


@responses.activate
def test_sender_closed_early_sends_nothing_more(client: Any) -> None:
    fake = FakePostmark(delay=lambda first: 0.05).mount()
    plan = BatchPlan.of(messages(20 * CHUNK))
    sender = ChunkSender(client.transport.perform, 2)
    results = sender.send(plan.pending(lazy=True))
    next(results)
    results.close()  # waits for the request on the wire; the queued ones never start
    count = len(fake.attempts)
    time.sleep(0.15)
    assert len(fake.attempts) == count <= 4


def test_chunks_made_while_adding_are_the_chunks_of_a_full_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(BatchPlan, "max_bytes", 900)  # some runs split by size too
    batch: list[Any] = []
    for i in range(57):
        if i % 7 == 3:
            batch.append({"From": "me@example.com", "To": to(i), "TemplateAlias": "t"})
        elif i % 11 == 5:
            batch.append({"From": "me@example.com", "To": to(i), "Subject": "a\nb"})  # refused
        else:
            batch.append({**messages(1, start=i)[0], "TextBody": "x" * (i * 3)})
    eager = BatchPlan.of(batch)
    expected = [(c.path, c.indexes, c.body) for c in eager.pending()]
    progressive = BatchPlan()
    made = [(c.path, c.indexes, c.body) for c in progressive.pending_while_adding(enumerate(batch))]
    assert made == expected
    assert len({path for path, _, _ in made}) == 2
    assert sorted(progressive.outcomes) == sorted(eager.outcomes)  # the same refusals


@responses.activate
def test_the_first_chunks_go_out_before_the_last_message_is_checked(client: Any) -> None:
    checked: list[int] = []
    at_first_request: list[int] = []

    def callback(request: requests.PreparedRequest) -> Any:
        if not at_first_request:
            at_first_request.append(len(checked))
        items = json.loads(request.body or b"[]")
        return 200, {}, json.dumps([{"ErrorCode": 0, "MessageID": "x"} for _ in items])

    responses.add_callback(responses.POST, f"{API}/email/batch", callback=callback)

    def source() -> Any:
        for message in messages(50 * CHUNK):
            checked.append(1)
            yield message

    result = client.email.send_batch(source(), concurrency=2)
    assert len(result) == 50 * CHUNK and all(o.ok for o in result)
    assert at_first_request[0] < 10 * CHUNK  # a window ahead at most, not the whole input
