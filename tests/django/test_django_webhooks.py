"""Webhook views: authentication, limits, parsing, signals, URLs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import django
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django_helpers import payload

from postmark import webhooks
from postmark.django import signals
from postmark.django.conf import PostmarkImproperlyConfigured
from postmark.django.views import EventWebhookView, InboundWebhookView
from postmark.webhooks import (
    MAX_EVENT_BYTES,
    Bounce,
    Click,
    Delivery,
    Inbound,
    Open,
    SpamComplaint,
    SubscriptionChange,
    UnknownEvent,
    basic_auth_header,
)

EVENTS = "/postmark/events/"
INBOUND = "/postmark/inbound/"
GOOD_AUTH = basic_auth_header("postmark", "correct horse")


@pytest.fixture(autouse=True)
def _webhook_credentials(settings: Any) -> None:
    settings.POSTMARK_WEBHOOK_BASIC_AUTH = "postmark:correct horse"


class Received:
    """Every signal sent during a test: (signal name, sender, event, request)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, Any, Any]] = []

    def names(self) -> list[str]:
        return [name for name, *_ in self.calls]

    def event(self) -> Any:
        return self.calls[0][2]


@pytest.fixture
def received() -> Iterator[Received]:
    record = Received()
    receivers = []
    names = [
        "bounce",
        "spam_complaint",
        "delivery",
        "open",
        "click",
        "subscription_change",
        "inbound",
        "webhook_event",
    ]
    for name in names:

        def receiver(sender: Any, event: Any, request: Any, _name: str = name, **kw: Any) -> None:
            record.calls.append((_name, sender, event, request))

        getattr(signals, name).connect(receiver, weak=False)
        receivers.append((name, receiver))
    yield record
    for name, receiver in receivers:
        getattr(signals, name).disconnect(receiver)


def post(client: Client, url: str, body: bytes | str, **headers: Any) -> Any:
    headers.setdefault("HTTP_AUTHORIZATION", GOOD_AUTH)
    return client.post(url, data=body, content_type="application/json", **headers)


# --------------------------------------------------------------------------
# Every event type at one URL


#: A payload of each outbound record type, its class and its signal.
EVENT_PAYLOADS = [
    ("bounce.json", Bounce, "bounce"),
    ("spam-complaint.json", SpamComplaint, "spam_complaint"),
    ("delivery.json", Delivery, "delivery"),
    ("open.json", Open, "open"),
    ("click.json", Click, "click"),
    ("subscription-change.json", SubscriptionChange, "subscription_change"),
]


@pytest.mark.parametrize(("filename", "cls", "signal"), EVENT_PAYLOADS)
def test_each_event_type_sends_its_signal_then_webhook_event(
    client: Client, received: Received, filename: str, cls: type, signal: str
) -> None:
    response = post(client, EVENTS, payload(filename))
    assert response.status_code == 200
    assert received.names() == [signal, "webhook_event"]
    (_, sender, event, request), (_, generic_sender, generic_event, _) = received.calls
    assert type(event) is cls and sender is cls
    assert generic_event is event and generic_sender is cls
    assert request.path == EVENTS
    assert event.raw == json.loads(payload(filename))


def test_bounce_event_fields(client: Client, received: Received) -> None:
    post(client, EVENTS, payload("bounce.json"))
    bounce = received.event()
    assert bounce.email == "no.such.user@example.com"
    assert bounce.inactive is True and bounce.id == 692560173
    assert bounce.metadata == {"user-id": "42", "flow": "password-reset"}


def test_unknown_record_type_is_acknowledged_on_webhook_event_only(
    client: Client, received: Received
) -> None:
    response = post(client, EVENTS, payload("unknown-record-type.json"))
    assert response.status_code == 200
    assert received.names() == ["webhook_event"]
    event = received.event()
    assert isinstance(event, UnknownEvent)
    assert event.record_type == "SomethingNew"
    assert event.raw["FutureField"] == {"nested": [1, 2, 3]}


def test_inbound_url(client: Client, received: Received) -> None:
    response = post(client, INBOUND, payload("inbound.json"))
    assert response.status_code == 200
    assert received.names() == ["inbound", "webhook_event"]
    message = received.event()
    assert isinstance(message, Inbound)
    assert message.mailbox_hash == "ticket-1234"
    assert message.attachments[0].content == b"Hello, attachment!"


@pytest.mark.parametrize(
    ("filename", "record_type"),
    [(name, cls.__name__) for name, cls, _ in EVENT_PAYLOADS]
    + [("unknown-record-type.json", "SomethingNew")],
)
def test_an_outbound_event_at_the_inbound_url_is_400_with_a_warning_and_no_signal(
    client: Client,
    received: Received,
    caplog: pytest.LogCaptureFixture,
    filename: str,
    record_type: str,
) -> None:
    with caplog.at_level(logging.WARNING, logger="postmark.django"):
        response = post(client, INBOUND, payload(filename))
    assert response.status_code == 400
    assert received.calls == []
    text = response.content.decode()
    assert text == (
        f"This looks like an outbound {record_type} event, but it was posted to the inbound "
        f"webhook URL ({INBOUND}): point Postmark's {record_type} webhook (the message stream's "
        "Webhooks page) at the events webhook URL (/postmark/events) instead; only the server's "
        "inbound webhook belongs here."
    )
    (record,) = [r for r in caplog.records if r.name == "postmark.django"]
    assert record.levelno == logging.WARNING
    assert text in record.getMessage()


def test_an_empty_object_at_the_inbound_url_is_400(client: Client, received: Received) -> None:
    response = post(client, INBOUND, b'{"ServerId": 23, "DeliveredAt": "2024-05-14T16:30:52Z"}')
    assert response.status_code == 400
    assert response.content.startswith(b"This is not inbound email")
    assert received.calls == []


def test_inbound_email_at_the_events_url_is_400_with_a_warning_and_no_signal(
    client: Client, received: Received, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="postmark.django"):
        response = post(client, EVENTS, payload("inbound.json"))
    assert response.status_code == 400  # Postmark retries inbound: nothing is lost
    assert received.calls == []
    text = response.content.decode()
    assert text.startswith(
        f"This looks like an inbound email, but it was posted to the outbound events webhook "
        f"URL ({EVENTS}): point the server's inbound webhook (InboundHookUrl) at the inbound "
        "webhook URL (/postmark/inbound) instead"
    )
    (record,) = [r for r in caplog.records if r.name == "postmark.django"]
    assert record.levelno == logging.WARNING and text in record.getMessage()


def test_the_wrong_webhook_message_names_the_url_it_was_posted_to(
    client: Client, received: Received
) -> None:
    custom = basic_auth_header("custom", "view-secret")
    response = post(client, "/custom/events/", b'{"FromFull": {}}', HTTP_AUTHORIZATION=custom)
    assert response.status_code == 400
    assert b"events webhook URL (/custom/events/): point" in response.content
    assert received.calls == []


#: A URLconf that mounts the views at paths of its own, without the ``postmark`` namespace.
urlpatterns = [path("hooks/inbound/", InboundWebhookView.as_view())]


def test_without_the_packages_urls_the_message_names_only_the_url_posted_to(
    settings: Any, client: Client, received: Received
) -> None:
    settings.ROOT_URLCONF = __name__
    response = post(client, "/hooks/inbound/", payload("delivery.json"))
    assert response.status_code == 400
    assert b"inbound webhook URL (/hooks/inbound/): point Postmark's Delivery" in response.content
    assert b"at the events webhook URL instead;" in response.content
    assert received.calls == []


def test_postmarks_check_payload_is_received(client: Client, received: Received) -> None:
    # The inbound webhook's "Check" button: attachments carry their bytes in Data.
    response = post(client, INBOUND, payload("inbound-check.json"))
    assert response.status_code == 200
    assert received.names() == ["inbound", "webhook_event"]
    content = received.event().attachments[0].content
    assert content == b"This is attachment contents, base-64 encoded."


def test_urls_work_with_and_without_trailing_slash(client: Client, received: Received) -> None:
    assert reverse("postmark:events").rstrip("/") == "/postmark/events"
    assert reverse("postmark:inbound").rstrip("/") == "/postmark/inbound"
    for url in ("/postmark/events", "/postmark/events/"):
        assert post(client, url, payload("delivery.json")).status_code == 200
    assert post(client, "/postmark/inbound", payload("inbound.json")).status_code == 200


def test_csrf_protection_does_not_block_postmark(received: Received) -> None:
    client = Client(enforce_csrf_checks=True)
    assert post(client, EVENTS, payload("delivery.json")).status_code == 200


# --------------------------------------------------------------------------
# Authentication


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        basic_auth_header("postmark", "wrong"),
        basic_auth_header("other", "correct horse"),
        basic_auth_header("postmark", "correct horse!"),
        "Bearer correct horse",
        "Basic not-base64!!",
    ],
)
def test_bad_or_missing_basic_auth_is_401_with_a_challenge(
    client: Client, received: Received, authorization: str | None
) -> None:
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.post(
        EVENTS, data=payload("bounce.json"), content_type="application/json", **headers
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")
    assert received.calls == []


def test_secret_header(settings: Any, client: Client, received: Received) -> None:
    settings.POSTMARK_WEBHOOK_BASIC_AUTH = None
    settings.POSTMARK_WEBHOOK_SECRET_HEADER = ("X-Webhook-Secret", "s3cret-value")
    body = payload("delivery.json")
    ok = post(client, EVENTS, body, HTTP_X_WEBHOOK_SECRET="s3cret-value")
    assert ok.status_code == 200
    wrong = post(client, EVENTS, body, HTTP_X_WEBHOOK_SECRET="s3cret-valuE")
    missing = post(client, EVENTS, body)
    assert wrong.status_code == missing.status_code == 401
    assert "WWW-Authenticate" not in wrong  # no basic auth to ask for
    assert received.names() == ["delivery", "webhook_event"]


def test_both_checks_must_pass_when_both_are_configured(
    settings: Any, client: Client, received: Received
) -> None:
    settings.POSTMARK_WEBHOOK_SECRET_HEADER = "X-Webhook-Secret: s3cret"
    body = payload("delivery.json")
    assert post(client, EVENTS, body).status_code == 401
    assert post(client, EVENTS, body, HTTP_X_WEBHOOK_SECRET="s3cret").status_code == 200
    no_basic = post(client, EVENTS, body, HTTP_AUTHORIZATION="", HTTP_X_WEBHOOK_SECRET="s3cret")
    assert no_basic.status_code == 401


def test_several_credentials_allow_rotation(settings: Any, client: Client) -> None:
    settings.POSTMARK_WEBHOOK_BASIC_AUTH = ["old:password-1", "new:password-2"]
    body = payload("delivery.json")
    for user, password in (("old", "password-1"), ("new", "password-2")):
        auth = basic_auth_header(user, password)
        assert post(client, EVENTS, body, HTTP_AUTHORIZATION=auth).status_code == 200
    auth = basic_auth_header("old", "password-2")
    assert post(client, EVENTS, body, HTTP_AUTHORIZATION=auth).status_code == 401


def test_credentials_from_the_environment(
    settings: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    del settings.POSTMARK_WEBHOOK_BASIC_AUTH
    monkeypatch.setenv("POSTMARK_WEBHOOK_BASIC_AUTH", "env-user:env-password")
    auth = basic_auth_header("env-user", "env-password")
    response = post(client, EVENTS, payload("delivery.json"), HTTP_AUTHORIZATION=auth)
    assert response.status_code == 200


def test_no_credentials_configured_refuses_to_serve(settings: Any, client: Client) -> None:
    settings.POSTMARK_WEBHOOK_BASIC_AUTH = None
    with pytest.raises(ImproperlyConfigured) as info:
        post(client, EVENTS, payload("delivery.json"))
    assert isinstance(info.value, PostmarkImproperlyConfigured)
    for name in (
        "POSTMARK_WEBHOOK_BASIC_AUTH",
        "POSTMARK_WEBHOOK_SECRET_HEADER",
        "POSTMARK_WEBHOOK_ALLOW_UNAUTHENTICATED",
    ):
        assert name in str(info.value)
    quiet = Client(raise_request_exception=False)
    assert post(quiet, INBOUND, payload("inbound.json")).status_code == 500  # Postmark retries


def test_explicit_opt_out_accepts_calls_without_credentials(
    settings: Any, client: Client, received: Received
) -> None:
    settings.POSTMARK_WEBHOOK_BASIC_AUTH = None
    settings.POSTMARK_WEBHOOK_ALLOW_UNAUTHENTICATED = True
    response = client.post(EVENTS, data=payload("open.json"), content_type="application/json")
    assert response.status_code == 200
    assert received.names() == ["open", "webhook_event"]


def test_malformed_credential_setting_is_a_configuration_error(
    settings: Any, client: Client
) -> None:
    settings.POSTMARK_WEBHOOK_BASIC_AUTH = "no-colon-here"
    with pytest.raises(ImproperlyConfigured, match="username:password"):
        post(client, EVENTS, payload("delivery.json"))


def test_as_view_keywords_override_settings(client: Client, received: Received) -> None:
    body = payload("delivery.json")
    custom = basic_auth_header("custom", "view-secret")
    assert post(client, "/custom/events/", body, HTTP_AUTHORIZATION=custom).status_code == 413
    small = b'{"RecordType": "Delivery"}'
    assert post(client, "/custom/events/", small, HTTP_AUTHORIZATION=custom).status_code == 200
    assert post(client, "/custom/events/", small).status_code == 401  # settings' pair: not here


# --------------------------------------------------------------------------
# Methods, malformed and oversized bodies


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "options", "head"])
def test_anything_but_post_is_405(client: Client, method: str) -> None:
    response = getattr(client, method)(EVENTS, HTTP_AUTHORIZATION=GOOD_AUTH)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1, 2]", b'"a string"', b"\xff\xfe{}", b'{"RecordType": "Bounce"'],
)
@pytest.mark.parametrize("url", [EVENTS, INBOUND])
def test_malformed_bodies_are_400(
    client: Client, received: Received, body: bytes, url: str
) -> None:
    response = post(client, url, body)
    assert response.status_code == 400
    assert received.calls == []


def test_unauthenticated_malformed_body_is_401_not_400(client: Client) -> None:
    response = client.post(EVENTS, data=b"not json", content_type="application/json")
    assert response.status_code == 401


def test_oversized_events_are_413(settings: Any, client: Client, received: Received) -> None:
    settings.POSTMARK_WEBHOOK_MAX_BYTES = 1000
    body = json.dumps({"RecordType": "Delivery", "Details": "x" * 1000}).encode()
    assert post(client, EVENTS, body).status_code == 413
    assert post(client, EVENTS, payload("delivery.json")).status_code == 200
    assert received.names() == ["delivery", "webhook_event"]


def test_a_body_longer_than_its_content_length_header_is_still_capped(settings: Any) -> None:
    settings.POSTMARK_WEBHOOK_MAX_BYTES = 100
    body = b"{" + b" " * 500 + b"}"
    request = RequestFactory().post(EVENTS, data=body, content_type="application/json")
    request.META["CONTENT_LENGTH"] = "10"  # lies: the stream holds more
    request.META["HTTP_AUTHORIZATION"] = GOOD_AUTH
    request._stream = io.BytesIO(body)  # e.g. a server that does not cut at Content-Length
    assert EventWebhookView.as_view()(request).status_code == 413


def test_inbound_limit_is_separate_and_larger_than_djangos_upload_limit(
    settings: Any, client: Client, received: Received
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # Django's own cap must not apply
    inbound = json.loads(payload("inbound.json"))
    inbound["Attachments"][0]["Content"] = "QUFB" * 2000  # 8 kB of base64
    body = json.dumps(inbound).encode()
    assert post(client, INBOUND, body).status_code == 200
    assert received.event().attachments[0].content == b"AAA" * 2000
    settings.POSTMARK_INBOUND_MAX_BYTES = 5000
    assert post(client, INBOUND, body).status_code == 413
    settings.POSTMARK_INBOUND_MAX_BYTES = "lots"
    with pytest.raises(ImproperlyConfigured, match="POSTMARK_INBOUND_MAX_BYTES"):
        post(client, INBOUND, body)


def test_a_failing_receiver_makes_postmark_retry(client: Client) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("database is down")

    signals.delivery.connect(broken, weak=False)
    try:
        quiet = Client(raise_request_exception=False)
        assert post(quiet, EVENTS, payload("delivery.json")).status_code == 500
    finally:
        signals.delivery.disconnect(broken)


# --------------------------------------------------------------------------
# Limits: the size boundary, nesting


@pytest.mark.parametrize(
    ("url", "setting"),
    [(EVENTS, "POSTMARK_WEBHOOK_MAX_BYTES"), (INBOUND, "POSTMARK_INBOUND_MAX_BYTES")],
)
def test_a_body_of_exactly_the_limit_is_accepted_one_byte_more_is_413(
    settings: Any, client: Client, received: Received, url: str, setting: str
) -> None:
    setattr(settings, setting, 5000)
    body = payload("inbound.json" if url == INBOUND else "delivery.json").rstrip()
    exact = body + b" " * (5000 - len(body))
    assert len(exact) == 5000
    assert post(client, url, exact).status_code == 200
    assert post(client, url, exact + b" ").status_code == 413
    assert len(received.calls) == 2  # the accepted call's two signals only


def test_the_default_limit_is_the_parsers(client: Client, received: Received) -> None:
    head = b'{"RecordType": "Delivery", "Details": "'
    exact = head + b"x" * (MAX_EVENT_BYTES - len(head) - 2) + b'"}'
    assert post(client, EVENTS, exact).status_code == 200
    assert post(client, EVENTS, exact + b" ").status_code == 413
    assert received.names() == ["delivery", "webhook_event"]


def test_a_limit_above_the_parsers_default_is_honoured(
    settings: Any, client: Client, received: Received
) -> None:
    settings.POSTMARK_WEBHOOK_MAX_BYTES = MAX_EVENT_BYTES + 10
    body = b'{"RecordType": "Delivery"}' + b" " * MAX_EVENT_BYTES  # 26 bytes over the default
    assert len(body) == MAX_EVENT_BYTES + 26 > MAX_EVENT_BYTES + 10
    assert post(client, EVENTS, body).status_code == 413
    settings.POSTMARK_WEBHOOK_MAX_BYTES = MAX_EVENT_BYTES + 26
    assert post(client, EVENTS, body).status_code == 200


@pytest.mark.parametrize("url", [EVENTS, INBOUND])
@pytest.mark.parametrize("depth", ["just past MAX_DEPTH", 1_000, 100_000])
def test_json_nested_too_deeply_is_400_not_500(
    client: Client, received: Received, url: str, depth: Any
) -> None:
    if not isinstance(depth, int):
        depth = webhooks.MAX_DEPTH  # inside the object: one level more
    body = b'{"RecordType": "Delivery", "Deep": ' + b"[" * depth + b"]" * depth + b"}"
    quiet = Client(raise_request_exception=False)
    response = post(quiet, url, body)
    assert response.status_code == 400
    assert b"nested" in response.content
    assert received.calls == []


# LoginRequiredMiddleware (Django 5.1+)


@pytest.mark.skipif(django.VERSION < (5, 1), reason="LoginRequiredMiddleware arrived in Django 5.1")
@pytest.mark.parametrize("url", [EVENTS, INBOUND])
def test_postmarks_post_arrives_under_login_required_middleware(
    settings: Any, received: Received, url: str
) -> None:
    # A project with Django's login-everywhere setup; sessions in signed cookies, so no
    # database is needed for an anonymous request.
    settings.INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    settings.LOGIN_URL = "/login/"
    client = Client()
    name = "bounce.json" if url == EVENTS else "inbound.json"
    response = post(client, url, payload(name))
    assert response.status_code == 200
    assert received.names()[-1] == "webhook_event"
    # The middleware is really on: a view without the exemption is sent to the login page.
    private = client.post("/private/", data=b"{}", content_type="application/json")
    assert private.status_code == 302 and private["Location"].startswith("/login/")


def test_webhook_views_opt_out_of_login_and_csrf() -> None:
    # The attributes LoginRequiredMiddleware and CsrfViewMiddleware read (any Django version).
    for view in (EventWebhookView.as_view(), InboundWebhookView.as_view()):
        assert view.login_required is False
        assert view.csrf_exempt is True
