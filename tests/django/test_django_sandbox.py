"""End to end over real sockets: Django backend -> HTTP -> in-process Postmark sandbox."""

from __future__ import annotations

import base64
import logging
import socket
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django_helpers import default_connection

from postmark import ServerClient
from postmark.django import PMEmailMessage, PMEmailMultiAlternatives
from postmark.django.backend import EmailBackend
from postmark.exceptions import InactiveRecipientError, ServerError, TransportError
from postmark.sandbox import Sandbox

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
def sandbox(postmark_sandbox: Sandbox, settings: Any) -> Sandbox:
    """``postmark.testing``'s emptied sandbox, with the Django settings pointing at it."""
    settings.POSTMARK_API_URL = postmark_sandbox.url
    return postmark_sandbox


def test_one_rich_message_arrives_as_sent(sandbox: Sandbox) -> None:
    message = PMEmailMultiAlternatives(
        subject="Welcome, Ada",
        body="Plain text",
        from_email="Support <support@example.com>",
        to=["ada@example.com"],
        cc=["cc@example.com"],
        bcc=["bcc@example.com"],
        headers={"X-Campaign": "spring", "reply-to": "help@example.com"},
        tag="welcome",
        metadata={"user-id": 42},
        track_opens=True,
        track_links="HtmlAndText",
    )
    cid = message.attach_inline_image(PNG, "logo.png")
    message.attach_alternative(f'<p>Hi</p><img src="cid:{cid}">', "text/html")
    message.attach("notes.txt", "attached text", "text/plain")
    assert message.send() == 1

    (stored,) = sandbox.messages()
    assert stored["MessageID"] == message.message_id
    assert stored["Subject"] == "Welcome, Ada"
    assert stored["TextBody"] == "Plain text"
    assert f"cid:{cid}" in stored["HtmlBody"]
    assert stored["Tag"] == "welcome"
    assert stored["Metadata"] == {"user-id": "42"}
    assert stored["TrackOpens"] is True and stored["TrackLinks"] == "HtmlAndText"
    assert stored["Recipients"] == ["ada@example.com", "cc@example.com", "bcc@example.com"]
    request = stored["Request"]
    assert request["ReplyTo"] == "help@example.com"
    assert request["Headers"] == [{"Name": "X-Campaign", "Value": "spring"}]
    logo, notes = request["Attachments"]
    assert logo["ContentID"] == f"cid:{cid}"
    assert base64.b64decode(logo["Content"]) == PNG
    assert base64.b64decode(notes["Content"]) == b"attached text"


def test_a_with_block_sends_everything_over_one_kept_alive_connection(
    sandbox: Sandbox,
) -> None:
    with default_connection() as connection:
        assert connection.send_messages([EmailMessage("One", "1", to=["a@example.com"])]) == 1
        batch = [EmailMessage(f"Batch {i}", "b", to=[f"b{i}@example.com"]) for i in range(3)]
        assert connection.send_messages(batch) == 3
        assert connection.send_messages([EmailMessage("Last", "1", to=["c@example.com"])]) == 1
        session = connection._client.transport.session
        pools = list(session.get_adapter(sandbox.url).poolmanager.pools._container.values())
        # Three requests, one TCP connection: the session was reused and kept alive.
        assert [pool.num_connections for pool in pools] == [1]
    assert connection._client is None
    subjects = [m["Subject"] for m in sandbox.messages()]
    assert subjects == ["One", "Batch 0", "Batch 1", "Batch 2", "Last"]
    assert [m.message_id for m in batch] == [
        m["MessageID"] for m in sandbox.messages() if m["Subject"].startswith("Batch")
    ]


def test_template_messages(sandbox: Sandbox) -> None:
    with ServerClient("any-token", base_url=sandbox.url) as client:
        client.request(
            "POST",
            "/templates",
            json={
                "Name": "Welcome",
                "Alias": "welcome",
                "Subject": "Hello {{name}}",
                "TextBody": "Hi {{name}}!",
            },
        )
    single = PMEmailMessage(
        to=["ada@example.com"], template_alias="welcome", template_model={"name": "Ada"}
    )
    assert single.send() == 1
    plain = EmailMessage("Plain", "body", to=["plain@example.com"])
    templated = PMEmailMessage(
        to=["bob@example.com"], template_alias="welcome", template_model={"name": "Bob"}
    )
    assert EmailBackend().send_messages([templated, plain]) == 2
    subjects = sorted(m["Subject"] for m in sandbox.messages())
    assert subjects == ["Hello Ada", "Hello Bob", "Plain"]


def test_inactive_recipient_after_a_hard_bounce(sandbox: Sandbox) -> None:
    address = "hardbounce@bounce-testing.postmarkapp.com"
    assert EmailMessage("First", "b", to=[address]).send() == 1  # accepted, then bounces
    again = EmailMessage("Again", "b", to=[address])
    with pytest.raises(InactiveRecipientError) as info:
        again.send()
    assert info.value.inactive_recipients == [address]
    assert again.postmark_status == "failed"


def test_server_error_in_a_batch_raises_after_the_other_chunks(sandbox: Sandbox) -> None:
    sandbox.inject_fault("500", count=1, path="/email/batch")
    messages = [EmailMessage(f"m{i}", "b", to=[f"u{i}@example.com"]) for i in range(2)]
    with pytest.raises(ServerError):
        EmailBackend().send_messages(messages)
    assert {m.postmark_status for m in messages} == {"failed"}
    assert sandbox.messages() == []  # a 500 answer: nothing stored, nothing repeated
    assert EmailBackend().send_messages(messages) == 2  # the fault was one-shot


def test_fail_silently_over_real_sockets(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.inject_fault("500", count=1, path="/email")
    message = EmailMessage("s", "b", to=["to@example.com"])
    with caplog.at_level(logging.ERROR, logger="postmark.django"):
        assert EmailBackend(fail_silently=True).send_messages([message]) == 0
    assert isinstance(message.postmark_error, ServerError)
    assert "did not accept message #0" in caplog.text


def test_unreachable_api_is_a_transport_error(
    settings: Any, no_sleep: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.POSTMARK_API_URL = f"http://127.0.0.1:{port}"
    message = EmailMessage("s", "b", to=["to@example.com"])
    with pytest.raises(TransportError):
        EmailBackend().send_messages([message])
    with caplog.at_level(logging.ERROR, logger="postmark.django"):
        assert EmailBackend(fail_silently=True).send_messages([message]) == 0
    assert isinstance(message.postmark_error, TransportError)


def test_test_mode_sends_nothing_to_the_sandbox(sandbox: Sandbox, settings: Any) -> None:
    settings.POSTMARK_TEST_MODE = True
    assert mail.send_mail("s", "b", "from@example.com", ["to@example.com"]) == 1
    assert sandbox.messages() == []


def test_multi_alternatives_with_only_html(sandbox: Sandbox) -> None:
    message = EmailMultiAlternatives("Html only", "", to=["to@example.com"])
    message.attach_alternative("<h1>Hi</h1>", "text/html")
    assert message.send() == 1
    (stored,) = sandbox.messages()
    assert stored["HtmlBody"] == "<h1>Hi</h1>" and stored["TextBody"] == ""
