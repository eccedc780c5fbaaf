"""The parallel scenario's server: Postmark's batch answer shape, records, concurrency."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator

import pytest
from servers import RecordingBatchServer


@pytest.fixture
def server() -> Iterator[RecordingBatchServer]:
    started = RecordingBatchServer(delay=0.01)
    started.start()
    yield started
    started.stop()


def post(server: RecordingBatchServer, path: str, body: bytes) -> tuple[int, object]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/json"})
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        connection.close()


def messages(*subjects: str) -> bytes:
    return json.dumps(
        [{"From": "a@example.com", "To": f"{s}@example.com", "Subject": s} for s in subjects]
    ).encode()


def test_a_batch_is_answered_in_order_with_a_unique_message_id_each(server):
    status, answer = post(server, "/email/batch", messages("one", "two", "three"))

    assert status == 200
    assert isinstance(answer, list)
    assert [entry["To"] for entry in answer] == [
        "one@example.com",
        "two@example.com",
        "three@example.com",
    ]
    assert {(entry["ErrorCode"], entry["Message"]) for entry in answer} == {(0, "OK")}
    assert all(entry["SubmittedAt"] for entry in answer)
    ids = [entry["MessageID"] for entry in answer]
    assert len(set(ids)) == 3
    assert server.records == {"one": [ids[0]], "two": [ids[1]], "three": [ids[2]]}


def test_a_message_sent_twice_is_recorded_twice_with_two_ids(server):
    _, first = post(server, "/email/batch", messages("again"))
    _, second = post(server, "/email/batch", messages("again"))

    assert server.records["again"] == [first[0]["MessageID"], second[0]["MessageID"]]
    assert first[0]["MessageID"] != second[0]["MessageID"]


def test_requests_on_one_keep_alive_connection(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for subject in ("first", "second"):
            connection.request("POST", "/email/batch", messages(subject))
            answer = connection.getresponse()
            assert answer.status == 200
            assert len(json.loads(answer.read())) == 1
    finally:
        connection.close()
    assert set(server.records) == {"first", "second"}
    assert server.requests == 2


def test_other_paths_and_bad_bodies_are_refused_and_not_recorded(server):
    status, answer = post(server, "/email", messages("single"))
    assert status == 404
    status, answer = post(server, "/email/batch", b"{not json")
    assert (status, answer["ErrorCode"]) == (422, 402)
    status, answer = post(server, "/email/batch", b'{"Subject": "not an array"}')
    assert (status, answer["ErrorCode"]) == (422, 402)
    assert server.records == {}


def test_concurrent_requests_wait_side_by_side_not_one_after_another():
    # Each request waits 0.5 s; four started together are all waiting at once.
    server = RecordingBatchServer(delay=0.5)
    server.start()
    try:
        start = threading.Barrier(4)
        answers: list[object] = []

        def send(n: int) -> None:
            start.wait()
            answers.append(post(server, "/email/batch", messages(f"c{n}"))[1])

        threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert len(answers) == 4
        assert server.max_in_flight == 4
    finally:
        server.stop()


def test_clear_forgets_the_records(server):
    post(server, "/email/batch", messages("x"))
    server.clear()
    assert server.records == {}
    assert server.requests == 0
