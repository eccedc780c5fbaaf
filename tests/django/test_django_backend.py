"""EmailBackend: settings, connection lifecycle, send_messages, fail_silently, test mode."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from typing import Any

import django
import pytest
import requests
import responses
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django_helpers import API, TOKEN, batch_echo, default_connection, send_response

import postmark
import postmark.django
import postmark.django.backend
import postmark.django_backend
from postmark.django.backend import EmailBackend
from postmark.django.messages import PMEmailMessage, PMEmailMultiAlternatives
from postmark.exceptions import (
    ConfigurationError,
    InactiveRecipientError,
    InvalidMessageError,
    ServerError,
    TransportError,
    UnprocessableEntityError,
)

BATCH_WITH_406 = [
    {
        "ErrorCode": 0,
        "Message": "OK",
        "MessageID": "2ee5284e-19e2-435a-bb8f-0d396228580c",
        "SubmittedAt": "2024-05-14T09:21:37.5512864-04:00",
        "To": "first.recipient@example.com",
    },
    {
        "ErrorCode": 406,
        "Message": "You tried to send to a recipient that has been marked as inactive. Found "
        "inactive addresses: bounced.recipient@example.com. Inactive recipients are ones that "
        "have generated a hard bounce, a spam complaint, or a manual suppression. ",
    },
    {
        "ErrorCode": 0,
        "Message": "OK",
        "MessageID": "871409b0-5749-4395-a642-0c5b2c0d4a62",
        "SubmittedAt": "2024-05-14T09:21:37.5669213-04:00",
        "To": "third.recipient@example.com",
    },
]


def msg(to: str = "to@example.com", **kwargs: Any) -> EmailMessage:
    return EmailMessage(
        subject=kwargs.pop("subject", "Hello"),
        body=kwargs.pop("body", "hello there"),
        from_email=kwargs.pop("from_email", "sender@example.com"),
        to=[to] if to else [],
        **kwargs,
    )


def body_of(call: Any) -> Any:
    return json.loads(call.request.body)


# --------------------------------------------------------------------------
# Import paths and configuration


def test_old_and_new_import_paths_are_the_same_classes() -> None:
    assert postmark.django_backend.EmailBackend is EmailBackend
    assert postmark.django.EmailBackend is EmailBackend
    assert postmark.django_backend.PMEmailMessage is PMEmailMessage
    assert postmark.django_backend.PMEmailMultiAlternatives is PMEmailMultiAlternatives


def test_importing_postmark_django_does_not_import_django() -> None:
    code = "import sys, postmark.django; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("name", ["POSTMARK_SERVER_TOKEN", "POSTMARK_API_KEY"])
def test_token_from_either_setting_name_reaches_the_wire(
    name: str, settings: Any, mocked: responses.RequestsMock
) -> None:
    del settings.POSTMARK_SERVER_TOKEN
    setattr(settings, name, f"token-from-{name}")
    mocked.post(f"{API}/email", json=send_response())
    assert msg().send() == 1
    assert mocked.calls[0].request.headers["X-Postmark-Server-Token"] == f"token-from-{name}"


def test_new_setting_wins_over_the_old_one(settings: Any) -> None:
    settings.POSTMARK_API_KEY = "old"
    settings.POSTMARK_SERVER_TOKEN = "new"
    assert EmailBackend().api_key == "new"


def test_token_from_the_environment(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    del settings.POSTMARK_SERVER_TOKEN
    monkeypatch.setenv("POSTMARK_SERVER_TOKEN", "env-token")
    assert EmailBackend().api_key == "env-token"


def test_constructor_keywords_override_settings(settings: Any, mocked: Any) -> None:
    settings.POSTMARK_API_URL = "https://settings.example.test"
    settings.POSTMARK_SENDER = "settings@example.com"
    settings.POSTMARK_MESSAGE_STREAM = "settings-stream"
    settings.POSTMARK_TRACK_OPENS = False
    settings.POSTMARK_TIMEOUT = 30
    mocked.post("https://kwargs.example.test/email", json=send_response())
    backend = EmailBackend(
        "kwarg-token",  # positional, as python-postmark 0.x allowed
        default_sender="kwarg@example.com",
        api_url="https://kwargs.example.test",
        message_stream="kwarg-stream",
        track_opens=True,
        timeout=(2, 7),
    )
    assert backend.timeout == (2.0, 7.0)
    assert backend.send_messages([msg(from_email="")]) == 1
    request = mocked.calls[0].request
    assert request.headers["X-Postmark-Server-Token"] == "kwarg-token"
    sent = json.loads(request.body)
    assert sent["From"] == "kwarg@example.com"
    assert sent["MessageStream"] == "kwarg-stream"
    assert sent["TrackOpens"] is True
    assert EmailBackend(server_token="other").api_key == "other"


def test_settings_are_used_when_no_keyword_is_given(settings: Any, mocked: Any) -> None:
    settings.POSTMARK_API_URL = "http://127.0.0.1:9/"
    settings.POSTMARK_TIMEOUT = 5
    backend = EmailBackend()
    assert backend.api_url == "http://127.0.0.1:9"
    assert backend.timeout == (5.0, 5.0)


# Django 6.1 deprecates get_connection() and fail_silently; both still work and are tested.
GET_CONNECTION_DEPRECATED = pytest.mark.filterwarnings("ignore:get_connection\\(\\) is deprecated")
FAIL_SILENTLY_DEPRECATED = pytest.mark.filterwarnings(
    "ignore:The 'fail_silently' argument is deprecated"
)


@GET_CONNECTION_DEPRECATED
@FAIL_SILENTLY_DEPRECATED
def test_get_connection_passes_keywords(mocked: Any) -> None:
    mocked.post(f"{API}/email", json=send_response())
    connection = mail.get_connection(api_key="from-get-connection", fail_silently=True)
    assert isinstance(connection, EmailBackend)
    assert connection.fail_silently is True
    assert connection.send_messages([msg()]) == 1
    assert mocked.calls[0].request.headers["X-Postmark-Server-Token"] == "from-get-connection"


@pytest.mark.skipif(django.VERSION < (6, 1), reason="MAILERS arrived in Django 6.1")
def test_django_6_1_mailers_options(settings: Any, mocked: Any) -> None:
    settings.MAILERS = {
        "default": {"BACKEND": "postmark.django_backend.EmailBackend"},
        "marketing": {
            "BACKEND": "postmark.django_backend.EmailBackend",
            "OPTIONS": {"api_key": "marketing-token", "message_stream": "broadcast"},
        },
    }
    mocked.post(f"{API}/email", json=send_response())
    assert msg().send(using="marketing") == 1
    request = mocked.calls[0].request
    assert request.headers["X-Postmark-Server-Token"] == "marketing-token"
    assert json.loads(request.body)["MessageStream"] == "broadcast"
    assert mail.mailers["marketing"].alias == "marketing"
    settings.MAILERS = {"bad": {"BACKEND": "postmark.django.EmailBackend", "OPTIONS": {"x": 1}}}
    with pytest.raises(mail.InvalidMailer, match="'x'"):
        mail.mailers["bad"]


@pytest.mark.parametrize("fail_silently", [False, True])
def test_missing_token_names_the_settings(settings: Any, fail_silently: bool) -> None:
    del settings.POSTMARK_SERVER_TOKEN
    with pytest.raises(ImproperlyConfigured) as info:
        EmailBackend(fail_silently=fail_silently)
    assert "POSTMARK_SERVER_TOKEN" in str(info.value)
    assert "POSTMARK_API_KEY" in str(info.value)
    assert isinstance(info.value, ConfigurationError)


@FAIL_SILENTLY_DEPRECATED
def test_send_mail_fail_silently_still_raises_configuration_errors(settings: Any) -> None:
    del settings.POSTMARK_SERVER_TOKEN
    with pytest.raises(ImproperlyConfigured, match="POSTMARK_SERVER_TOKEN"):
        mail.send_mail("s", "b", "from@example.com", ["to@example.com"], fail_silently=True)


@pytest.mark.parametrize(
    ("name", "value", "match"),
    [
        ("POSTMARK_API_URL", "ftp://example.com", "https://"),
        ("POSTMARK_TIMEOUT", "soon", "seconds"),
        ("POSTMARK_TRACK_LINKS", "Always", "POSTMARK_TRACK_LINKS"),
        ("POSTMARK_TEST_MODE", "perhaps", "boolean"),
    ],
)
def test_bad_settings_raise_improperly_configured(
    settings: Any, name: str, value: str, match: str
) -> None:
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=match):
        EmailBackend(fail_silently=True)


def test_test_mode_needs_no_token(settings: Any) -> None:
    del settings.POSTMARK_SERVER_TOKEN
    settings.POSTMARK_TEST_MODE = True
    assert EmailBackend().send_messages([msg()]) == 1


def test_repr_never_shows_the_token() -> None:
    backend = EmailBackend(api_key="super-secret-token")
    assert "super-secret-token" not in repr(backend)
    assert "api.postmarkapp.com" in repr(backend)


# --------------------------------------------------------------------------
# Connection lifecycle


class CountingClient(postmark.ServerClient):
    created: list[CountingClient] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.closed = False
        CountingClient.created.append(self)

    def close(self) -> None:
        self.closed = True
        super().close()


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> list[CountingClient]:
    CountingClient.created = []
    monkeypatch.setattr(postmark.django.backend, "ServerClient", CountingClient)
    return CountingClient.created


def test_with_block_reuses_one_client_and_session(clients: list[Any], mocked: Any) -> None:
    mocked.post(f"{API}/email", json=send_response())
    mocked.add_callback(responses.POST, f"{API}/email/batch", callback=batch_echo)
    with default_connection() as connection:
        assert connection.send_messages([msg()]) == 1
        assert connection.send_messages([msg("a@example.com"), msg("b@example.com")]) == 2
        assert connection.send_messages([msg()]) == 1
        assert len(clients) == 1
        assert not clients[0].closed
    assert clients[0].closed
    assert connection._client is None
    assert len(mocked.calls) == 3


def test_send_outside_open_opens_and_closes_its_own(clients: list[Any], mocked: Any) -> None:
    mocked.post(f"{API}/email", json=send_response())
    backend = EmailBackend()
    backend.send_messages([msg()])
    backend.send_messages([msg()])
    assert len(clients) == 2
    assert all(client.closed for client in clients)
    assert backend._client is None


def test_open_and_close_follow_django_conventions(clients: list[Any]) -> None:
    backend = EmailBackend()
    assert backend.open() is True
    assert backend.open() is False  # already open: same session
    assert len(clients) == 1
    backend.close()
    backend.close()  # closing twice is harmless
    assert clients[0].closed


def test_nothing_to_send_opens_nothing(clients: list[Any], mocked: Any) -> None:
    backend = EmailBackend()
    assert backend.send_messages([]) == 0
    assert backend.send_messages(None) == 0
    assert backend.send_messages([msg(to="")]) == 0
    assert clients == []
    assert len(mocked.calls) == 0


# --------------------------------------------------------------------------
# send_messages


def test_single_message_goes_to_email_and_gets_its_outcome(mocked: Any) -> None:
    mocked.post(f"{API}/email", json=send_response("single-id"))
    message = msg()
    count = EmailBackend().send_messages([message])
    assert count == 1 and type(count) is int
    assert mocked.calls[0].request.url == f"{API}/email"
    assert mocked.calls[0].request.headers["X-Postmark-Server-Token"] == TOKEN
    assert message.message_id == "single-id"
    assert message.postmark_status == "sent"
    assert message.postmark_response["MessageID"] == "single-id"
    assert message.postmark_error is None
    assert message.postmark_outcome.ok


def test_message_send_returns_one(mocked: Any) -> None:  # legacy test 15
    mocked.post(f"{API}/email", json=send_response())
    assert msg().send() == 1
    mocked.add_callback(responses.POST, f"{API}/email/batch", callback=batch_echo)
    connection = default_connection()
    assert connection.send_messages([msg("a@example.com"), msg("b@example.com")]) == 2


def test_messages_without_recipients_are_skipped_and_not_counted(mocked: Any) -> None:
    mocked.post(f"{API}/email", json=send_response())
    nobody, somebody = msg(to=""), msg()
    assert EmailBackend().send_messages([nobody, somebody]) == 1
    assert len(mocked.calls) == 1 and mocked.calls[0].request.url == f"{API}/email"
    assert nobody.postmark_status == "skipped" and nobody.message_id is None
    assert somebody.postmark_status == "sent"


def test_bcc_only_message_is_sent(mocked: Any) -> None:
    mocked.post(f"{API}/email", json=send_response())
    message = EmailMessage(subject="s", body="b", bcc=["hidden@example.com"])
    assert EmailBackend().send_messages([message]) == 1
    assert body_of(mocked.calls[0])["Bcc"] == "hidden@example.com"


def test_several_messages_use_the_batch_with_the_connections_token(
    settings: Any, mocked: Any
) -> None:
    # The old backend sent batches with settings.POSTMARK_API_KEY, whatever the connection had.
    settings.POSTMARK_SERVER_TOKEN = "settings-token"
    mocked.add_callback(responses.POST, f"{API}/email/batch", callback=batch_echo)
    messages = [msg(f"user{i}@example.com") for i in range(3)]
    assert EmailBackend(api_key="connection-token").send_messages(messages) == 3
    request = mocked.calls[0].request
    assert request.headers["X-Postmark-Server-Token"] == "connection-token"
    assert [m["To"] for m in json.loads(request.body)] == [
        "user0@example.com",
        "user1@example.com",
        "user2@example.com",
    ]
    assert [m.message_id for m in messages] == [f"id-user{i}@example.com" for i in range(3)]


def test_large_sends_are_chunked_and_every_message_is_sent(mocked: Any) -> None:
    # python-postmark 0.7 sent the first 500 and reported all of them sent.
    mocked.add_callback(responses.POST, f"{API}/email/batch", callback=batch_echo)
    messages = [msg(f"user{i}@example.com") for i in range(1201)]
    assert EmailBackend().send_messages(messages) == 1201
    assert [len(body_of(call)) for call in mocked.calls] == [500, 500, 201]
    assert all(m.message_id == f"id-{m.to[0]}" for m in messages)


def test_template_messages_use_the_template_endpoints(mocked: Any) -> None:
    mocked.post(f"{API}/email/withTemplate", json=send_response("template-id"))
    mocked.add_callback(responses.POST, f"{API}/email/batch", callback=batch_echo)
    mocked.add_callback(responses.POST, f"{API}/email/batchWithTemplates", callback=batch_echo)
    single = PMEmailMessage(to=["t@example.com"], template_alias="welcome", template_model={})
    assert EmailBackend().send_messages([single]) == 1
    assert body_of(mocked.calls[0])["TemplateAlias"] == "welcome"
    templated = PMEmailMessage(to=["t@example.com"], template_id=7, template_model={"a": 1})
    plain = msg("p@example.com")
    assert EmailBackend().send_messages([templated, plain]) == 2
    urls = sorted(call.request.url for call in mocked.calls[1:])
    assert urls == [f"{API}/email/batch", f"{API}/email/batchWithTemplates"]
    assert templated.message_id == "id-t@example.com" and plain.message_id == "id-p@example.com"


def test_partial_batch_failure_raises_after_every_message(mocked: Any) -> None:
    mocked.post(f"{API}/email/batch", json=BATCH_WITH_406)
    messages = [msg("first.recipient@example.com"), msg("bounced.recipient@example.com")]
    messages.append(msg("third.recipient@example.com"))
    with pytest.raises(InactiveRecipientError) as info:
        EmailBackend().send_messages(messages)
    assert info.value.inactive_recipients == ["bounced.recipient@example.com"]
    assert "1 of 3" in str(info.value)
    first, bounced, third = messages
    assert first.postmark_status == third.postmark_status == "sent"
    assert first.message_id == "2ee5284e-19e2-435a-bb8f-0d396228580c"
    assert bounced.postmark_status == "failed" and bounced.message_id is None
    assert isinstance(bounced.postmark_error, InactiveRecipientError)
    assert bounced.postmark_response["ErrorCode"] == 406


def test_a_failed_chunk_does_not_stop_the_next(mocked: Any) -> None:
    calls = []

    def first_chunk_fails(request: Any) -> tuple[int, dict[str, str], str]:
        calls.append(request)
        if len(calls) == 1:
            return 422, {}, json.dumps({"ErrorCode": 300, "Message": "Invalid 'To' address."})
        return batch_echo(request)

    mocked.add_callback(responses.POST, f"{API}/email/batch", callback=first_chunk_fails)
    messages = [msg(f"user{i}@example.com") for i in range(501)]
    with pytest.raises(UnprocessableEntityError, match="500 of 501"):
        EmailBackend().send_messages(messages)
    assert len(calls) == 2
    assert messages[-1].postmark_status == "sent"
    assert {m.postmark_status for m in messages[:500]} == {"failed"}


def test_single_failure_raises_its_own_exception(mocked: Any) -> None:
    mocked.post(
        f"{API}/email",
        status=422,
        json={"ErrorCode": 300, "Message": "Invalid 'To' address: 'nobody@example.com'."},
    )
    message = msg("nobody@example.com")
    with pytest.raises(UnprocessableEntityError) as info:
        EmailBackend().send_messages([message])
    assert info.value.error_code == 300
    assert message.postmark_status == "failed"
    assert message.postmark_error is info.value


def test_fail_silently_logs_api_errors_and_counts_what_was_accepted(
    mocked: Any, caplog: pytest.LogCaptureFixture
) -> None:
    mocked.post(f"{API}/email/batch", json=BATCH_WITH_406)
    messages = [msg("a@example.com"), msg("b@example.com"), msg("c@example.com")]
    with caplog.at_level(logging.ERROR, logger="postmark"):
        assert EmailBackend(fail_silently=True).send_messages(messages) == 2
    assert "message #1" in caplog.text and "ErrorCode 406" in caplog.text
    assert messages[1].postmark_status == "failed"


def test_fail_silently_swallows_transport_errors(
    mocked: Any, no_sleep: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    mocked.post(f"{API}/email", body=requests.ConnectionError("connection refused"))
    message = msg()
    with caplog.at_level(logging.ERROR, logger="postmark.django"):
        assert EmailBackend(fail_silently=True).send_messages([message]) == 0
    assert isinstance(message.postmark_error, TransportError)
    assert "did not accept message #0" in caplog.text
    with pytest.raises(TransportError):
        EmailBackend().send_messages([msg()])


@FAIL_SILENTLY_DEPRECATED
def test_fail_silently_swallows_server_errors_via_message_send(mocked: Any) -> None:
    mocked.post(f"{API}/email", status=500, json={"ErrorCode": 500, "Message": "Boom"})
    assert msg().send(fail_silently=True) == 0
    with pytest.raises(ServerError):
        msg().send()


def test_content_errors_are_never_silenced_but_others_still_go(mocked: Any) -> None:
    mocked.post(f"{API}/email", json=send_response("good-id"))
    bad = EmailMultiAlternatives(subject="s", body="b", to=["bad@example.com"])
    bad.attach_alternative("<p>1</p>", "text/html")
    bad.attach_alternative("<p>2</p>", "text/html")
    good = msg()
    with pytest.raises(InvalidMessageError, match="two HTML parts"):
        EmailBackend(fail_silently=True).send_messages([bad, good])
    assert good.message_id == "good-id"  # attempted before raising
    assert bad.postmark_status == "failed"


def test_oversized_message_is_refused_before_sending(mocked: Any) -> None:
    message = msg()
    message.attach("big.dat", b"\0" * (8 * 1024 * 1024), "application/octet-stream")
    with pytest.raises(InvalidMessageError, match="10 MB"):
        EmailBackend(fail_silently=True).send_messages([message])
    assert len(mocked.calls) == 0


def test_return_message_id_keeps_the_old_list(settings: Any, mocked: Any) -> None:
    settings.POSTMARK_RETURN_MESSAGE_ID = True  # legacy test 16
    mocked.post(f"{API}/email", json=send_response("0a129aee-e1cd-480d-b08d-4f48548ff48d"))
    message_ids = default_connection().send_messages([msg()])
    assert message_ids == ["0a129aee-e1cd-480d-b08d-4f48548ff48d"]
    mocked.post(f"{API}/email/batch", json=BATCH_WITH_406)
    ids = EmailBackend(fail_silently=True).send_messages(
        [msg("a@example.com"), msg(to=""), msg("b@example.com"), msg("c@example.com")]
    )
    assert ids == [BATCH_WITH_406[0]["MessageID"], None, BATCH_WITH_406[2]["MessageID"]]
    assert EmailBackend().send_messages([]) == []


def test_a_message_sent_again_loses_its_previous_outcome(mocked: Any) -> None:
    mocked.post(f"{API}/email", json=send_response("first"))
    message = msg()
    backend = EmailBackend()
    backend.send_messages([message])
    message.to = []
    backend.send_messages([message])
    assert message.postmark_status == "skipped"
    assert message.message_id is None and message.postmark_outcome is None


def test_track_opens_setting_applies_to_plain_messages(settings: Any, mocked: Any) -> None:
    settings.POSTMARK_TRACK_OPENS = True
    settings.POSTMARK_TRACK_LINKS = "HtmlAndText"
    settings.POSTMARK_MESSAGE_STREAM = "transactional"
    mocked.post(f"{API}/email", json=send_response())
    msg().send()
    sent = body_of(mocked.calls[0])
    assert sent["TrackOpens"] is True
    assert sent["TrackLinks"] == "HtmlAndText"
    assert sent["MessageStream"] == "transactional"


def test_postmark_sender_replaces_djangos_placeholder_from(settings: Any, mocked: Any) -> None:
    settings.POSTMARK_SENDER = "Support <support@example.com>"
    mocked.post(f"{API}/email", json=send_response())
    mail.send_mail("s", "b", None, ["to@example.com"])  # from DEFAULT_FROM_EMAIL
    assert body_of(mocked.calls[-1])["From"] == "Support <support@example.com>"
    settings.DEFAULT_FROM_EMAIL = "project@example.com"
    mail.send_mail("s", "b", None, ["to@example.com"])
    assert body_of(mocked.calls[-1])["From"] == "project@example.com"


# --------------------------------------------------------------------------
# Test mode


def test_test_mode_sends_nothing_and_logs_the_json(
    settings: Any, mocked: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.POSTMARK_TEST_MODE = True
    messages = [msg("a@example.com", subject="First"), msg("b@example.com"), msg(to="")]
    with caplog.at_level(logging.INFO, logger="postmark"):
        assert default_connection().send_messages(messages) == 2
    assert len(mocked.calls) == 0
    logged = [r.getMessage() for r in caplog.records if "POSTMARK_TEST_MODE" in r.getMessage()]
    assert len(logged) == 2
    assert json.loads(logged[0].split("JSON message is:\n", 1)[1])["Subject"] == "First"
    assert [m.postmark_status for m in messages] == ["test", "test", "skipped"]
    assert TOKEN not in caplog.text


def test_test_mode_with_return_message_id(settings: Any, mocked: Any) -> None:
    settings.POSTMARK_TEST_MODE = True
    settings.POSTMARK_RETURN_MESSAGE_ID = True
    assert EmailBackend().send_messages([msg(), msg()]) == [None, None]
    assert EmailBackend(test_mode=False, return_message_id=False).test_mode is False


# --------------------------------------------------------------------------
# Faithful answers and values (issue: exactly the old contract, safe on every path)


def test_a_200_answer_with_an_error_code_is_a_failure_not_zero_sent(mocked: Any) -> None:
    mocked.post(f"{API}/email", json={"ErrorCode": 300, "Message": "Invalid 'To' address."})
    message = msg()
    with pytest.raises(postmark.UnprocessableEntityError) as caught:
        EmailBackend().send_messages([message])
    assert caught.value.http_status == 200 and caught.value.error_code == 300
    assert message.postmark_status == "failed"
    mocked.post(f"{API}/email", json={"ErrorCode": 300, "Message": "Invalid 'To' address."})
    assert EmailBackend(fail_silently=True).send_messages([msg()]) == 0  # silenced, logged


def test_a_decimal_in_one_template_model_sinks_nothing(mocked: Any) -> None:
    from decimal import Decimal

    from postmark.django.messages import PMEmailMessage

    mocked.add_callback(responses.POST, f"{API}/email/batchWithTemplates", callback=batch_echo)
    priced = PMEmailMessage(
        to=["a@example.com"],
        from_email="s@example.com",
        template_id=1,
        template_model={"total": Decimal("9.99")},
    )
    odd = PMEmailMessage(
        to=["b@example.com"],
        from_email="s@example.com",
        template_id=1,
        template_model={"when": object()},
    )
    plain = PMEmailMessage(
        to=["c@example.com"],
        from_email="s@example.com",
        template_id=1,
        template_model={"name": "Ada"},
    )
    # The others are sent; then the refused one raises (fail_silently covers
    # only Postmark and network errors, not a message that cannot be sent).
    with pytest.raises(postmark.InvalidMessageError) as caught:
        EmailBackend(fail_silently=True).send_messages([priced, odd, plain])
    assert caught.value.message_index == 1
    assert priced.postmark_status == plain.postmark_status == "sent"
    [body] = [json.loads(c.request.body) for c in mocked.calls]
    assert [m["TemplateModel"] for m in body["Messages"]] == [{"total": "9.99"}, {"name": "Ada"}]
    assert odd.postmark_status == "failed"
    assert isinstance(odd.postmark_error, postmark.InvalidMessageError)
    assert "TemplateModel.when" in str(odd.postmark_error)
