"""End to end: the sandbox posts every event to the project's Django webhook views and to a
plain WSGI app, both served by real WSGI servers, authenticated, with a retry after a 500.

client -> sandbox (send, events) -> background webhook calls over HTTP -> wsgiref ->
Django's WSGIHandler -> postmark.django.urls -> EventWebhookView / InboundWebhookView
-> postmark.webhooks parsing -> signals.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler

import postmark
from postmark.api.webhooks import webhook_triggers
from postmark.django import signals
from postmark.sandbox import Sandbox
from postmark.webhooks import (
    Bounce,
    Click,
    Delivery,
    Inbound,
    Open,
    SpamComplaint,
    SubscriptionChange,
    WebhookEvent,
    parse_event,
)

USER, PASSWORD = "postmark", "correct horse"
PLAIN_SECRET = ("X-Hook-Secret", "plain-secret")
OUTBOUND_TYPES = {"Delivery", "Bounce", "SubscriptionChange", "Open", "Click", "SpamComplaint"}
ALL_TRIGGERS = webhook_triggers(
    open=True,
    click=True,
    delivery=True,
    bounce=True,
    bounce_include_content=True,
    spam_complaint=True,
    subscription_change=True,
)
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(app: WSGIApp) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields its base URL."""
    server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class PlainReceiver:
    """A WSGI webhook endpoint with no framework: checks its secret header, answers the
    first event call with 500 (so the sandbox must retry), parses with postmark.webhooks."""

    def __init__(self) -> None:
        self.events: list[WebhookEvent] = []
        self.statuses: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        secret = environ.get("HTTP_" + PLAIN_SECRET[0].upper().replace("-", "_"))
        with self._lock:
            status = self._status(secret, body)
            self.statuses.append(status)
        start_response(f"{status} X", [("Content-Type", "text/plain")])
        return [b"ok" if status == 200 else b"no"]

    def _status(self, secret: str | None, body: bytes) -> int:
        if secret != PLAIN_SECRET[1]:
            return 401
        event = parse_event(body)
        if event.message_id == "00000000-0000-0000-0000-000000000000":
            return 200  # the verification calls
        if not any(s == 500 for s in self.statuses):
            return 500  # the first real event fails once
        self.events.append(event)
        return 200


class DjangoSignals:
    """What the Django views sent; the first Delivery receiver raises (so the view answers 500)."""

    def __init__(self) -> None:
        self.events: list[WebhookEvent] = []
        self.delivery_calls = 0

    def on_event(self, sender: Any, event: WebhookEvent, **kwargs: Any) -> None:
        if event.message_id != "00000000-0000-0000-0000-000000000000":
            self.events.append(event)

    def on_delivery(self, sender: Any, event: Delivery, **kwargs: Any) -> None:
        if event.message_id == "00000000-0000-0000-0000-000000000000":
            return
        self.delivery_calls += 1
        if self.delivery_calls == 1:
            raise RuntimeError("database is down")  # -> HTTP 500 -> Postmark retries

    def of(self, kind: type[WebhookEvent]) -> list[Any]:
        return [e for e in self.events if type(e) is kind]


@pytest.fixture
def django_url(settings: Any) -> Iterator[str]:
    settings.POSTMARK_WEBHOOK_BASIC_AUTH = f"{USER}:{PASSWORD}"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    yield from serve(WSGIHandler())


@pytest.fixture
def django_signals() -> Iterator[DjangoSignals]:
    received = DjangoSignals()
    signals.webhook_event.connect(received.on_event, dispatch_uid="e2e-all")
    signals.delivery.connect(received.on_delivery, dispatch_uid="e2e-delivery")
    yield received
    signals.webhook_event.disconnect(dispatch_uid="e2e-all")
    signals.delivery.disconnect(dispatch_uid="e2e-delivery")


@pytest.fixture
def plain() -> Iterator[tuple[PlainReceiver, str]]:
    receiver = PlainReceiver()
    for url in serve(receiver):
        yield receiver, url


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(webhook_retry_scale=0.0001) as running:
        yield running


def test_every_event_reaches_django_and_a_plain_wsgi_app(
    sandbox: Sandbox,
    django_url: str,
    django_signals: DjangoSignals,
    plain: tuple[PlainReceiver, str],
) -> None:
    plain_receiver, plain_url = plain
    client = postmark.ServerClient("any-token", base_url=sandbox.url)
    # Verification posts a test event per trigger: the views must accept the credentials.
    django_hook = client.webhooks.create(
        url=f"{django_url}/postmark/events", http_auth=(USER, PASSWORD), triggers=ALL_TRIGGERS
    )
    plain_hook = client.webhooks.create(
        url=f"{plain_url}/hook", http_headers=dict([PLAIN_SECRET]), triggers=ALL_TRIGGERS
    )
    assert django_hook["Status"] == plain_hook["Status"] == "verified"
    inbound_url = django_url.replace("//", f"//{USER}:{quote(PASSWORD)}@") + "/postmark/inbound"
    client.server.edit(inbound_hook_url=inbound_url, raw_email_enabled=True)

    sent = client.email.send(
        sender="app@example.com",
        to="reader@example.com, HardBounce@bounce-testing.postmarkapp.com",
        subject="Welcome",
        html_body='<p><a href="https://example.com/start">Start</a></p>',
        track_opens=True,
        track_links="HtmlAndText",
        tag="welcome",
        metadata={"user-id": "42"},
    )
    message_id = sent["MessageID"]
    sandbox.event("open", message_id)
    sandbox.event("click", message_id)
    sandbox.event("spam", message_id)
    raw = "From: ada@example.com\r\nTo: help@inbound.example.com\r\nSubject: Hi\r\n\r\nHello\r\n"
    assert sandbox.receive_inbound({"From": "ada@example.com", "To": "help@inbound.example.com",
                                    "RawEmail": raw})["Status"] == "Processed"  # fmt: skip
    assert sandbox.wait_for_webhooks(20)

    # Django: every type, parsed into the library's event classes, through its signals.
    got = {type(e).__name__ for e in django_signals.events}
    assert got == OUTBOUND_TYPES | {"Inbound"}
    (delivery,) = django_signals.of(Delivery)
    assert (delivery.recipient, delivery.tag, delivery.server_id) == (
        "reader@example.com",
        "welcome",
        1,
    )
    assert delivery.metadata == {"user-id": "42"} and delivery.delivered_at is not None
    assert django_signals.delivery_calls == 2  # the first call raised: 500, then the retry
    (bounce,) = django_signals.of(Bounce)
    assert bounce.inactive and bounce.type == "HardBounce" and "Final-Recipient" in bounce.content
    assert django_signals.of(Open)[0].first_open is True
    assert django_signals.of(Click)[0].original_link == "https://example.com/start"
    (complaint,) = django_signals.of(SpamComplaint)
    assert complaint.email == "reader@example.com" and not complaint.can_activate
    reasons = sorted(c.suppression_reason for c in django_signals.of(SubscriptionChange))
    assert reasons == ["HardBounce", "SpamComplaint"]
    (inbound,) = django_signals.of(Inbound)
    assert inbound.raw_email == raw and inbound.from_email == "ada@example.com"

    # The sandbox's log shows the Django retry: 500 first, then 200.
    django_calls = [
        (d["Attempt"], d["StatusCode"], d["Outcome"])
        for d in sandbox.webhook_deliveries(message_id)
        if d["WebhookID"] == django_hook["ID"] and d["RecordType"] == "Delivery"
    ]
    assert django_calls == [(1, 500, "Retrying"), (2, 200, "Delivered")]

    # The plain WSGI app: every outbound type too, after answering its first call with 500.
    assert {e.record_type for e in plain_receiver.events} == OUTBOUND_TYPES
    assert plain_receiver.statuses.count(500) == 1 and 401 not in plain_receiver.statuses
    assert len(plain_receiver.events) == len(
        [e for e in django_signals.events if e.record_type != "Inbound"]
    )


def test_django_refuses_a_webhook_without_its_credentials(
    sandbox: Sandbox, django_url: str, django_signals: DjangoSignals
) -> None:
    client = postmark.ServerClient("any-token", base_url=sandbox.url)
    with pytest.raises(postmark.UnprocessableEntityError) as failure:
        client.webhooks.create(url=f"{django_url}/postmark/events", triggers=ALL_TRIGGERS)
    assert failure.value.error_code == 1364 and "401" in str(failure.value.api_message)
    wrong = client.webhooks.create(
        url=f"{django_url}/postmark/events",
        http_auth=(USER, "wrong"),
        triggers=webhook_triggers(delivery=True),
        verify=False,
    )
    assert wrong["Status"] == "unverified"
    client.email.send(sender="app@example.com", to="a@example.com", subject="x", text_body="y")
    assert sandbox.wait_for_webhooks(10)
    assert django_signals.events == []
    assert [d["Outcome"] for d in sandbox.webhook_deliveries()] == ["NotCalled"]
    body = json.dumps(sandbox.webhook_deliveries())
    assert "wrong" not in body  # credentials never reach the log
