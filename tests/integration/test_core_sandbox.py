"""End to end over real sockets: the library -> HTTP -> the sandbox -> SQLite."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import postmark
from postmark import PMBatchMail, PMBounceManager, PMMail, ServerClient
from postmark.sandbox import Sandbox


@pytest.fixture
def sandbox(postmark_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """``postmark.testing``'s emptied sandbox, with the legacy classes pointed at it."""
    monkeypatch.setenv("POSTMARK_API_URL", postmark_sandbox.url)
    monkeypatch.setenv("POSTMARK_SERVER_TOKEN", "integration-token")
    return postmark_sandbox


def mail(i: int = 0, **fields: object) -> PMMail:
    values: dict[str, object] = {
        "sender": "me@example.com",
        "to": f"user{i}@example.com",
        "subject": f"Message {i}",
        "text_body": "Hello",
    }
    values.update(fields)
    return PMMail(**values)


def test_pmmail_round_trip(sandbox: Sandbox) -> None:
    message = mail(
        html_body="<p>Hi</p>",
        tag="welcome",
        metadata={"user": "42"},
        attachments=[postmark.attachment_from_bytes(b"data", "a.txt")],
    )
    assert message.send() is True
    [stored] = sandbox.messages()
    assert stored["MessageID"] == message.message_id
    assert stored["Subject"] == "Message 0"
    assert stored["Tag"] == "welcome"
    assert stored["Metadata"] == {"user": "42"}


def test_batch_of_1201_is_stored_once_each_with_matching_ids(sandbox: Sandbox) -> None:
    messages = [mail(i) for i in range(1201)]
    assert PMBatchMail(messages=messages).send() is True
    stored = sandbox.messages()
    assert len(stored) == 1201
    by_id = {m["MessageID"]: m for m in stored}
    assert len(by_id) == 1201
    for i, message in enumerate(messages):
        assert by_id[message.message_id]["Subject"] == f"Message {i}"


def test_bounce_testing_address_then_inactive_then_reactivated(sandbox: Sandbox) -> None:
    mail(to="HardBounce@bounce-testing.postmarkapp.com").send()
    manager = PMBounceManager()
    bounces = manager.get_all(email_filter="bounce-testing.postmarkapp.com")["Bounces"]
    assert [b["Type"] for b in bounces] == ["HardBounce"]
    bounce = manager.get_single(bounces[0]["ID"])
    assert bounce["Inactive"] is True
    stats = manager.delivery_stats()
    assert stats["InactiveMails"] == 1
    with pytest.raises(postmark.PMMailInactiveRecipientException) as caught:
        mail(to="hardbounce@bounce-testing.postmarkapp.com").send()
    assert caught.value.inactive_recipients == ["hardbounce@bounce-testing.postmarkapp.com"]
    manager.activate(bounce["ID"])
    assert mail(to="hardbounce@bounce-testing.postmarkapp.com").send() is True


def test_inactive_recipient_inside_a_batch_does_not_stop_the_others(sandbox: Sandbox) -> None:
    mail(to="HardBounce@bounce-testing.postmarkapp.com").send()
    messages = [mail(1), mail(2, to="hardbounce@bounce-testing.postmarkapp.com"), mail(3)]
    with pytest.raises(postmark.PMMailInactiveRecipientException):
        PMBatchMail(messages=messages).send()
    assert messages[0].message_id and messages[2].message_id
    assert messages[1].message_id is None
    assert messages[1].outcome is not None and messages[1].outcome.error_code == 406


def test_stalled_post_times_out_and_is_not_replayed(sandbox: Sandbox) -> None:
    sandbox.inject_fault("stall", count=1, seconds=1.5, path="/email")
    client = ServerClient(base_url=sandbox.url, timeout=(2.0, 0.5), retries=3)
    started = time.monotonic()
    with pytest.raises(postmark.RequestTimeoutError) as caught:
        client.email.send(
            sender="me@example.com", to="a@example.com", subject="once", text_body="x"
        )
    assert time.monotonic() - started < 1.4
    assert caught.value.may_have_been_sent
    time.sleep(1.3)  # let the stalled request finish on the server side
    assert [m["Subject"] for m in sandbox.messages()] == ["once"]


def test_rate_limited_post_is_retried_and_stored_once(sandbox: Sandbox) -> None:
    sandbox.inject_fault("429", count=2, path="/email")
    client = ServerClient(base_url=sandbox.url, retries=3)
    response = client.email.send(
        sender="me@example.com", to="a@example.com", subject="after 429", text_body="x"
    )
    assert [m["MessageID"] for m in sandbox.messages()] == [response["MessageID"]]


def test_500_on_post_is_not_retried(sandbox: Sandbox) -> None:
    sandbox.inject_fault("500", count=1, path="/email")
    client = ServerClient(base_url=sandbox.url, retries=3)
    with pytest.raises(postmark.ServerError):
        client.email.send(sender="me@example.com", to="a@example.com", subject="s", text_body="x")
    # The fault was used up by exactly one attempt: the next send goes through.
    client.email.send(sender="me@example.com", to="a@example.com", subject="t", text_body="x")
    assert [m["Subject"] for m in sandbox.messages()] == ["t"]


def test_dropped_connection_on_post_is_not_replayed(sandbox: Sandbox) -> None:
    sandbox.inject_fault("drop", count=1, path="/email")
    client = ServerClient(base_url=sandbox.url, retries=3)
    with pytest.raises(postmark.TransportError) as caught:
        client.email.send(sender="me@example.com", to="a@example.com", subject="s", text_body="x")
    assert caught.value.may_have_been_sent


def test_dropped_connection_on_get_is_retried(sandbox: Sandbox) -> None:
    sandbox.inject_fault("drop", count=1, path="/deliverystats")
    client = ServerClient(base_url=sandbox.url, retries=3)
    assert "InactiveMails" in client.bounces.delivery_stats()


def test_8_threads_200_sends_each_stored_exactly_once(sandbox: Sandbox) -> None:
    client = ServerClient(base_url=sandbox.url)
    ids: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(thread: int) -> None:
        for n in range(200):
            try:
                answer = client.email.send(
                    sender="me@example.com",
                    to="a@example.com",
                    subject=f"t{thread}-{n}",
                    text_body="x",
                )
            except BaseException as error:  # collected and asserted below
                with lock:
                    errors.append(error)
                continue
            with lock:
                ids.append(answer["MessageID"])

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = sandbox.messages()
    assert len(stored) == 1600
    assert sorted(m["MessageID"] for m in stored) == sorted(ids)
    assert len({m["Subject"] for m in stored}) == 1600


def test_re_suppressing_an_address_keeps_its_original_reason(postmark_sandbox: Any) -> None:
    # A hard bounce suppresses the address; suppressing it by hand later must
    # not rewrite why it was suppressed (Postmark keeps the first reason).
    client = postmark.ServerClient("t", base_url=postmark_sandbox.url)
    address = "HardBounce@bounce-testing.postmarkapp.com"
    client.email.send(sender="me@example.com", to=address, subject="s", text_body="x")
    before = client.suppressions.dump("outbound")["Suppressions"]
    assert [(s["EmailAddress"], s["SuppressionReason"]) for s in before] == [
        (address, "HardBounce")
    ]
    answer = client.suppressions.create("outbound", [address])
    assert answer["Suppressions"][0]["Status"] == "Suppressed"
    after = client.suppressions.dump("outbound")["Suppressions"]
    assert [(s["EmailAddress"], s["SuppressionReason"]) for s in after] == [(address, "HardBounce")]
