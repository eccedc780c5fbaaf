"""Fault injection: status faults, stalls, drops, path filters and the admin routes."""

from __future__ import annotations

import http.client
import socket
import time

import pytest
from sandbox_helpers import Api, assert_error, message

from postmark.sandbox import Sandbox


@pytest.mark.parametrize(
    ("kind", "status", "code"), [("429", 429, 429), ("500", 500, 101), ("503", 503, 100)]
)
def test_status_faults(api: Api, sandbox: Sandbox, kind: str, status: int, code: int) -> None:
    sandbox.inject_fault(kind, count=2)
    for _ in range(2):
        assert_error(api.send(), status, code, "injected")
    assert sandbox.messages() == []  # a rejected request is not processed
    assert api.send().status == 200
    assert api.send().status == 200
    assert len(sandbox.messages()) == 2


def test_no_fault_without_injection(api: Api) -> None:
    assert all(api.send().status == 200 for _ in range(20))


def test_faults_apply_only_to_matching_paths(api: Api, sandbox: Sandbox) -> None:
    sandbox.inject_fault("503", path="/email/batch")
    assert api.send().status == 200
    assert api.get("/server").status == 200
    assert api.post("/email/batch", [message()]).status == 503
    assert api.post("/email/batch", [message()]).status == 200


def test_faults_are_used_in_order(api: Api, sandbox: Sandbox) -> None:
    sandbox.inject_fault("429")
    sandbox.inject_fault("500")
    assert [api.send().status for _ in range(3)] == [429, 500, 200]


def test_admin_and_inbox_requests_never_use_faults(api: Api, sandbox: Sandbox) -> None:
    sandbox.inject_fault("500", count=1)
    assert api.get("/__sandbox/messages").status == 200
    assert api.get("/").status == 200
    assert api.get("/favicon.ico").status == 404
    assert api.get("/server").status == 500


def test_stall_processes_the_send_then_holds_the_answer(sandbox: Sandbox) -> None:
    sandbox.inject_fault("stall", seconds=1.5, path="/email")
    impatient = Api(sandbox.url, timeout=0.3)
    started = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout)):
        impatient.send(Subject="sent once")
    assert time.monotonic() - started < 1.2
    impatient.close()
    # The client timed out, yet the message went out: replaying the POST would duplicate it.
    assert [m["Subject"] for m in sandbox.messages()] == ["sent once"]


def test_stall_answers_normally_after_the_wait(sandbox: Sandbox) -> None:
    sandbox.inject_fault("stall", seconds=0.4)
    patient = Api(sandbox.url, timeout=5)
    started = time.monotonic()
    assert patient.get("/server").status == 200
    assert time.monotonic() - started >= 0.4
    patient.close()


def test_drop_closes_without_answer_and_processes_nothing(sandbox: Sandbox) -> None:
    sandbox.inject_fault("drop")
    client = Api(sandbox.url)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        client.send()
    client.close()
    assert sandbox.messages() == []
    fresh = Api(sandbox.url)
    assert fresh.send().status == 200
    fresh.close()


def test_fault_admin_routes(api: Api, sandbox: Sandbox) -> None:
    added = api.post("/__sandbox/faults", {"kind": "429", "count": 2, "path": "/EMAIL"}, token=None)
    assert added.status == 200
    assert added.json == {"Faults": [{"kind": "429", "count": 2, "seconds": 0.0, "path": "/email"}]}
    assert api.send().status == 429
    assert api.get("/__sandbox/faults").json["Faults"][0]["count"] == 1
    assert api.delete("/__sandbox/faults").json == {"Faults": []}
    assert api.send().status == 200
    for bad in (
        {"kind": "404"},
        {"kind": "429", "count": 0},
        {"kind": "stall", "seconds": -1},
        {"kind": "drop", "path": "email"},
        {"count": 1},
        {"kind": "429", "extra": 1},
    ):
        assert_error(api.post("/__sandbox/faults", bad), 400, 400)
    assert api.get("/__sandbox/faults").json == {"Faults": []}


def test_inject_fault_checks_its_arguments(sandbox: Sandbox) -> None:
    for args, kwargs in [
        (("nope",), {}),
        (("429", 0), {}),
        (("stall",), {"seconds": -1.0}),
        (("429",), {"path": "email"}),
    ]:
        with pytest.raises(ValueError):
            sandbox.inject_fault(*args, **kwargs)  # type: ignore[arg-type]


def test_admin_messages_routes(api: Api, sandbox: Sandbox) -> None:
    api.send(Subject="one")
    api.send(To="HardBounce@bounce-testing.postmarkapp.com", Subject="two")
    listed = api.get("/__sandbox/messages", token=None).json
    assert listed["TotalCount"] == 2
    assert [m["Subject"] for m in listed["Messages"]] == ["one", "two"]
    assert listed["Messages"] == sandbox.messages()
    assert api.get("/__sandbox/bounces").json["TotalCount"] == 1
    assert api.get("/__sandbox/health").json == {"Status": "OK", "Url": sandbox.url}
    assert api.delete("/__sandbox/messages").json == {"Message": "Cleared."}
    assert sandbox.messages() == [] and sandbox.bounces() == []
    # Clearing also lifts the hard bounce's suppression.
    assert api.send(To="HardBounce@bounce-testing.postmarkapp.com").status == 200
    assert_error(api.get("/__sandbox/nope"), 404, 404)
