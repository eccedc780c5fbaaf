"""The same Django messages through our backend and django-anymail's Postmark backend.

Each scenario builds a message twice, sends one copy through each backend
(HTTP captured with ``responses``, the real transports running), and
asserts that the Postmark JSON is equal, or differs exactly as documented in
docs/django.md ("Moving from django-anymail"). A documented difference is
checked to still hold, so a stale entry fails too.

The status scenarios feed both backends the same Postmark answer and
compare the per-recipient status and what each raises.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anymail
import django
import pytest
import responses
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused, AnymailUnsupportedFeature
from anymail.message import attach_inline_image as anymail_inline_image
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.test import override_settings
from django.utils.translation import gettext_lazy

from postmark.django import RecipientsRefused, UnsupportedFeature, attach_inline_image
from postmark.exceptions import APIError

pytestmark = [
    pytest.mark.filterwarnings("ignore:get_connection\\(\\) is deprecated"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:anymail"),
]

TOKEN = "side-by-side-token"
OURS = "https://ours.test"
THEIRS = "https://anymail.test"
ABSENT = object()  # "this key is not in the JSON"
#: django-anymail's major version: 14 is the newest for Django 4.2 (CI's oldest run).
ANYMAIL_MAJOR = int(str(anymail.VERSION[0]).split(".")[0])


def connection(backend: str, **options: Any) -> Any:
    """``get_connection(backend, **options)``, or on Django 6.1+ the same through MAILERS.

    Django 6.1 refuses ``get_connection(backend, ...)`` while ``MAILERS`` is
    set (as conftest.py sets it there); a mailer alias with ``OPTIONS``
    builds the same backend with the same keywords.
    """
    if django.VERSION < (6, 1):
        return get_connection(backend, **options)
    with override_settings(MAILERS={"side-by-side": {"BACKEND": backend, "OPTIONS": options}}):
        return mail.mailers["side-by-side"]


def ours(**options: Any) -> Any:
    return connection("postmark.django.EmailBackend", api_key=TOKEN, api_url=OURS, **options)


def theirs(**options: Any) -> Any:
    return connection(
        "anymail.backends.postmark.EmailBackend",
        server_token=TOKEN,
        api_url=f"{THEIRS}/",
        **options,
    )


def echo(request: Any) -> tuple[int, dict[str, str], str]:
    """Postmark accepting everything: one answer per message, MessageID from its To."""
    body = json.loads(request.body)
    batch = body["Messages"] if isinstance(body, dict) and "Messages" in body else body
    answers = [
        {"ErrorCode": 0, "Message": "OK", "MessageID": f"id-{m.get('To')}", "To": m.get("To")}
        for m in (batch if isinstance(batch, list) else [batch])
    ]
    return 200, {}, json.dumps(answers if isinstance(batch, list) else answers[0])


@dataclass
class Sent:
    """What one backend did with one message."""

    calls: list[tuple[str, str, Any]] = field(default_factory=list)  # (path, token, JSON)
    error: BaseException | None = None
    count: int | None = None

    def messages(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for _, _, body in self.calls:
            batch = body["Messages"] if isinstance(body, dict) and "Messages" in body else body
            found.extend(batch if isinstance(batch, list) else [batch])
        return found


def send_through(connection: Any, message: EmailMessage, answer: Callable[..., Any] = echo) -> Sent:
    sent = Sent()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, re.compile(r"https://.*"), callback=answer)
        try:
            sent.count = connection.send_messages([message])
        except Exception as error:  # compared below, scenario by scenario
            sent.error = error
        for call in mock.calls:
            path = re.sub(r"^https://[^/]+", "", call.request.url)
            token = call.request.headers["X-Postmark-Server-Token"]
            sent.calls.append((path, token, json.loads(call.request.body)))
    return sent


# --------------------------------------------------------------------------
# Scenarios: messages


@dataclass
class Scenario:
    """One message, and how our JSON differs from anymail's (nothing, usually)."""

    build: Callable[[], EmailMessage]
    #: Postmark key -> the value we send where anymail sends something else (ABSENT: left out).
    ours: dict[str, Any] = field(default_factory=dict)
    #: For differences inside a value (an attachment's ContentType ...).
    adjust: Callable[[dict[str, Any]], None] | None = None
    #: Both backends refuse the message with this (our class, anymail's class).
    refused: tuple[type[BaseException], type[BaseException]] | None = None
    options: dict[str, Any] = field(default_factory=dict)  # for both backends
    #: Our endpoint, where anymail uses another one (documented).
    path: str | None = None
    #: The first django-anymail major version that behaves as compared here.
    since: int = 0


def message(**kwargs: Any) -> EmailMessage:
    attributes = kwargs.pop("attributes", {})
    defaults: dict[str, Any] = {
        "subject": "Hello",
        "body": "Hi there",
        "from_email": "sender@example.com",
        "to": ["to@example.com"],
    }
    result = EmailMessage(**{**defaults, **kwargs})
    for name, value in attributes.items():
        setattr(result, name, value)
    return result


def alternatives(html: str = "<p>Hi</p>", **kwargs: Any) -> EmailMultiAlternatives:
    base = message(**kwargs)
    result = EmailMultiAlternatives(
        base.subject, base.body, base.from_email, base.to, cc=base.cc, bcc=base.bcc
    )
    for name, value in vars(base).items():
        if name not in vars(result) or name in ("extra_headers", "reply_to"):
            setattr(result, name, value)
    if html:
        result.attach_alternative(html, "text/html")
    return result


def attach(**files: Any) -> EmailMessage:
    result = message()
    for name, (content, mimetype) in files.items():
        result.attach(name.replace("_", "."), content, mimetype)
    return result


def with_inline(attach_image: Callable[..., str]) -> EmailMessage:
    result = alternatives(html="")
    cid = attach_image(result, b"\x89PNG\r\n\x1a\nfake", "logo.png")
    result.attach_alternative(f'<img src="cid:{cid}">', "text/html")
    return result


def unnamed_part() -> EmailMessage:
    from email.mime.application import MIMEApplication

    result = message()
    result.attach(MIMEApplication(b"\x00\x01", "octet-stream"))
    return result


def template(**attributes: Any) -> EmailMessage:
    return message(subject="", body="", attributes=attributes)


def merge(to: list[str] | None = None, **attributes: Any) -> EmailMessage:
    recipients = to or ["Ada <ada@example.com>", "bob@example.com"]
    if "template_id" in attributes:  # a template brings its own subject and body
        return message(to=recipients, subject="", body="", attributes=attributes)
    return message(to=recipients, attributes=attributes)


def _unnamed_attachment(payload: dict[str, Any]) -> None:
    # anymail sends Name "" for a part without a filename; we make one up from the type.
    payload["Attachments"][0]["Name"] = "attachment-1.dat"


SEND_AT = dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.timezone.utc)
UNSUPPORTED = (UnsupportedFeature, AnymailUnsupportedFeature)
NO_EMPTY_TEXT = {"TextBody": ABSENT}  # anymail sends TextBody "" next to an HTML body

SCENARIOS: dict[str, Scenario] = {
    # plain messages
    "plain": Scenario(message),
    "unicode-subject-and-body": Scenario(lambda: message(subject="Grüße ✓", body="Ça va? 你好")),
    "unicode-display-names": Scenario(
        lambda: message(from_email="Zoë Ärger <from@example.com>", to=["Jürgen <j@example.com>"])
    ),
    "quoted-display-name": Scenario(lambda: message(to=['"Doe, Jane" <jane@example.com>'])),
    "several-to": Scenario(lambda: message(to=["a@example.com", "B <b@example.com>"])),
    "cc": Scenario(lambda: message(cc=["cc@example.com"])),
    "bcc": Scenario(lambda: message(bcc=["bcc@example.com"])),
    "cc-and-bcc": Scenario(lambda: message(cc=["c1@example.com", "c2@x.com"], bcc=["b@x.com"])),
    "bcc-only": Scenario(lambda: message(to=[], bcc=["hidden@example.com"])),
    "reply-to": Scenario(lambda: message(reply_to=["reply@example.com"])),
    "several-reply-to": Scenario(lambda: message(reply_to=["r1@example.com", "R2 <r2@x.com>"])),
    "reply-to-header-wins": Scenario(
        lambda: message(reply_to=["ignored@example.com"], headers={"Reply-To": "h@example.com"})
    ),
    "extra-headers": Scenario(lambda: message(headers={"X-Campaign": "spring", "X-Id": "42"})),
    "unicode-header-value": Scenario(lambda: message(headers={"X-Greeting": "Grüße"})),
    "message-id-header": Scenario(lambda: message(headers={"Message-ID": "<custom@example.com>"})),
    "lazy-strings": Scenario(lambda: message(subject=gettext_lazy("Lazy subject"))),
    "empty-subject": Scenario(lambda: message(subject=""), ours={"Subject": ABSENT}),
    # bodies
    "html-body": Scenario(lambda: _html_body()),
    "text-and-html": Scenario(lambda: alternatives()),
    "html-alternative-only": Scenario(lambda: alternatives(body=""), ours=NO_EMPTY_TEXT),
    "html-body-and-text-alternative": Scenario(lambda: _html_with_text()),
    # attachments and inline images
    "text-attachment": Scenario(lambda: attach(notes_txt=("hello", "text/plain"))),
    "binary-attachment": Scenario(lambda: attach(report_pdf=(b"%PDF-1.4", "application/pdf"))),
    "attachment-type-guessed": Scenario(lambda: attach(photo_jpg=(b"\xff\xd8", None))),
    "two-attachments": Scenario(
        lambda: attach(a_dat=(b"a", "application/octet-stream"), b_csv=("x,y", "text/csv"))
    ),
    "unicode-attachment-name": Scenario(lambda: attach(Übersicht_pdf=(b"%PDF", "application/pdf"))),
    "attachment-without-filename": Scenario(unnamed_part, adjust=_unnamed_attachment),
    "inline-image-anymail-helper": Scenario(lambda: with_inline(anymail_inline_image)),
    "inline-image-our-helper": Scenario(lambda: with_inline(attach_inline_image)),
    # tags, metadata, tracking
    "one-tag": Scenario(lambda: message(attributes={"tags": ["welcome"]})),
    "our-tag-attribute": Scenario(
        lambda: message(attributes={"tag": "receipt"}), ours={"Tag": "receipt"}
    ),
    "metadata": Scenario(
        lambda: message(attributes={"metadata": {"order": "1234", "user": "ada"}})
    ),
    "metadata-number": Scenario(
        lambda: message(attributes={"metadata": {"order": 1234}}),
        ours={"Metadata": {"order": "1234"}},
    ),
    "track-opens-on": Scenario(lambda: message(attributes={"track_opens": True})),
    "track-opens-off": Scenario(lambda: message(attributes={"track_opens": False})),
    "track-clicks-on": Scenario(lambda: message(attributes={"track_clicks": True})),
    "track-clicks-off": Scenario(lambda: message(attributes={"track_clicks": False})),
    "our-track-links": Scenario(
        lambda: message(attributes={"track_links": "HtmlOnly"}), ours={"TrackLinks": "HtmlOnly"}
    ),
    # templates
    "template-id-number": Scenario(lambda: template(template_id=1234)),
    "template-id-numeric-string": Scenario(lambda: template(template_id="1234")),
    "template-alias-through-template-id": Scenario(lambda: template(template_id="welcome")),
    "template-with-global-data": Scenario(
        lambda: template(template_id="welcome", merge_global_data={"name": "Ada", "n": 3})
    ),
    "template-leaves-no-empty-fields": Scenario(
        lambda: template(template_id=7, metadata={"k": "v"})
    ),
    "template-inline-css-through-esp-extra": Scenario(
        lambda: template(template_id=7, esp_extra={"InlineCss": False})
    ),
    "our-template-alias-attribute": Scenario(
        lambda: template(template_alias="welcome", template_id=None),
        # anymail has no template_alias attribute: it sends the empty subject to /email.
        ours={"TemplateAlias": "welcome", "TemplateModel": {}, "Subject": ABSENT, **NO_EMPTY_TEXT},
        path="/email/withTemplate",
    ),
    # streams and esp_extra
    "stream-through-esp-extra": Scenario(
        lambda: message(attributes={"esp_extra": {"MessageStream": "broadcast"}})
    ),
    "stream-from-the-backend": Scenario(message, options={"message_stream": "broadcast"}, since=15),
    "our-message-stream-attribute": Scenario(
        lambda: message(attributes={"message_stream": "broadcast"}),
        ours={"MessageStream": "broadcast"},
    ),
    "esp-extra-wins-over-built-fields": Scenario(
        lambda: message(attributes={"tags": ["built"], "esp_extra": {"Tag": "extra"}})
    ),
    "esp-extra-server-token": Scenario(
        lambda: message(attributes={"esp_extra": {"server_token": "other-server"}})
    ),
    # merge_*: one message per To
    "merge-data-with-template": Scenario(
        lambda: merge(template_id=1, merge_data={"ada@example.com": {"name": "Ada"}})
    ),
    "merge-data-and-global-data": Scenario(
        lambda: merge(
            template_id="welcome",
            merge_global_data={"shop": "Acme", "greeting": "Hi"},
            merge_data={"bob@example.com": {"greeting": "Yo"}},
        )
    ),
    "merge-empty-data-still-per-recipient": Scenario(lambda: merge(template_id=1, merge_data={})),
    "merge-one-recipient-uses-batch": Scenario(
        lambda: merge(["solo@example.com"], template_id=1, merge_data={})
    ),
    "merge-metadata-without-template": Scenario(
        lambda: merge(merge_metadata={"ada@example.com": {"user": "1"}})
    ),
    "merge-metadata-over-metadata": Scenario(
        lambda: merge(
            metadata={"campaign": "x", "user": "0"},
            merge_metadata={"bob@example.com": {"user": "2"}},
        )
    ),
    "merge-headers": Scenario(lambda: merge(merge_headers={"ada@example.com": {"X-Ada": "1"}})),
    "merge-headers-over-headers": Scenario(lambda: _merge_headers_over_headers()),
    "merge-with-cc-on-every-copy": Scenario(lambda: _merge_with_cc()),
    "merge-with-tracking-and-tag": Scenario(
        lambda: merge(template_id=1, merge_data={}, tags=["t"], track_opens=True, track_clicks=True)
    ),
    "merge-with-esp-extra": Scenario(
        lambda: merge(template_id=1, merge_data={}, esp_extra={"MessageStream": "broadcast"})
    ),
    # unsupported: both refuse
    "two-tags": Scenario(lambda: message(attributes={"tags": ["a", "b"]}), refused=UNSUPPORTED),
    "send-at": Scenario(lambda: message(attributes={"send_at": SEND_AT}), refused=UNSUPPORTED),
    "envelope-sender": Scenario(
        lambda: message(attributes={"envelope_sender": "bounce@example.com"}), refused=UNSUPPORTED
    ),
    "amp-alternative": Scenario(lambda: _with_alternative("text/x-amp-html"), refused=UNSUPPORTED),
    "calendar-alternative": Scenario(
        lambda: _with_alternative("text/calendar"), refused=UNSUPPORTED
    ),
    "two-html-parts": Scenario(lambda: _with_alternative("text/html"), refused=UNSUPPORTED),
    "merge-data-without-template": Scenario(
        lambda: merge(merge_data={"ada@example.com": {"x": 1}}), refused=UNSUPPORTED, since=15
    ),
    "global-data-without-template": Scenario(
        lambda: message(attributes={"merge_global_data": {"x": 1}}),
        refused=UNSUPPORTED,
        since=15,
    ),
    "spoofed-to-header": Scenario(
        lambda: message(headers={"To": "someone-else@example.com"}), refused=UNSUPPORTED
    ),
    # ... unless told to ignore them
    "two-tags-ignored": Scenario(
        lambda: message(attributes={"tags": ["a", "b"]}),
        options={"ignore_unsupported_features": True},
    ),
    "send-at-ignored": Scenario(
        lambda: message(attributes={"send_at": SEND_AT}),
        options={"ignore_unsupported_features": True},
    ),
    "calendar-alternative-ignored": Scenario(
        lambda: _with_alternative("text/calendar"), options={"ignore_unsupported_features": True}
    ),
}


def _html_body() -> EmailMessage:
    result = message(body="<p>Only HTML</p>")
    result.content_subtype = "html"
    return result


def _html_with_text() -> EmailMultiAlternatives:
    result = alternatives(html="", body="<p>HTML body</p>")
    result.content_subtype = "html"
    result.attach_alternative("Text version", "text/plain")
    return result


def _with_alternative(mimetype: str) -> EmailMultiAlternatives:
    result = alternatives()
    result.attach_alternative("<html>other</html>", mimetype)
    return result


def _merge_headers_over_headers() -> EmailMessage:
    result = merge(merge_headers={"bob@example.com": {"x-campaign": "bob", "X-New": "1"}})
    result.extra_headers = {"X-Campaign": "spring", "X-Keep": "k"}
    return result


def _merge_with_cc() -> EmailMessage:
    result = merge(template_id=1, merge_data={})
    result.cc = ["boss@example.com"]
    result.bcc = ["archive@example.com"]
    return result


def expected_from(theirs_payload: dict[str, Any], scenario: Scenario) -> dict[str, Any]:
    """anymail's JSON with the scenario's documented differences applied: ours must equal it."""
    result = json.loads(json.dumps(theirs_payload))
    if scenario.adjust is not None:
        scenario.adjust(result)
    for key, value in scenario.ours.items():
        if value is ABSENT:
            result.pop(key, None)
        else:
            result[key] = value
    return result


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_same_postmark_json_as_anymail(name: str) -> None:
    scenario = SCENARIOS[name]
    if scenario.since > ANYMAIL_MAJOR:
        pytest.skip(f"django-anymail {ANYMAIL_MAJOR} predates this behaviour ({scenario.since}+)")
    mine = scenario.build()
    other = copy.deepcopy(mine)  # the same message, random Content-IDs included
    ours_sent = send_through(ours(**scenario.options), mine)
    theirs_sent = send_through(theirs(**scenario.options), other)
    if scenario.refused is not None:
        our_class, their_class = scenario.refused
        assert isinstance(ours_sent.error, our_class), ours_sent.error
        assert isinstance(theirs_sent.error, their_class), theirs_sent.error
        assert ours_sent.calls == theirs_sent.calls == []
        return
    assert ours_sent.error is None and theirs_sent.error is None, (ours_sent, theirs_sent)
    # Same endpoint (anymail spells /email/withTemplate with a trailing slash) and token.
    their_paths = [(scenario.path or p.rstrip("/"), t) for p, t, _ in theirs_sent.calls]
    assert [(p, t) for p, t, _ in ours_sent.calls] == their_paths
    our_messages, their_messages = ours_sent.messages(), theirs_sent.messages()
    assert len(our_messages) == len(their_messages) >= 1
    for mine, other in zip(our_messages, their_messages, strict=True):
        assert mine == expected_from(other, scenario)
        for key, value in scenario.ours.items():  # the documented difference still holds
            assert other.get(key, ABSENT) != (
                mine.get(key, ABSENT) if value is not ABSENT else ABSENT
            )


def test_there_are_enough_scenarios() -> None:
    assert len(SCENARIOS) + len(STATUS_SCENARIOS) >= 60


def test_from_header_is_sent_by_us_and_refused_by_anymail() -> None:
    """Documented difference: anymail reads a From header as an envelope sender."""
    build = lambda: message(headers={"From": "Header <header@example.com>"})  # noqa: E731
    ours_sent = send_through(ours(), build())
    theirs_sent = send_through(theirs(), build())
    assert ours_sent.messages()[0]["From"] == "Header <header@example.com>"
    assert isinstance(theirs_sent.error, AnymailUnsupportedFeature)


def test_several_messages_are_one_batch_for_us_and_one_request_each_for_anymail() -> None:
    """Documented difference: we batch send_messages([...]); the JSON of each is the same."""
    build = [lambda: message(to=["a@example.com"]), lambda: message(to=["b@example.com"])]
    connection = ours()
    ours_batch = Sent()
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, f"{OURS}/email/batch", callback=echo)
        assert connection.send_messages([b() for b in build]) == 2
        ours_batch.calls = [("/email/batch", "", json.loads(c.request.body)) for c in mock.calls]
    theirs_each = [send_through(theirs(), b()) for b in build]
    assert ours_batch.messages() == [s.messages()[0] for s in theirs_each]


# --------------------------------------------------------------------------
# Scenarios: Postmark's answers and the status each backend reads from them

INACTIVE = (
    "You tried to send to recipient(s) that have been marked as inactive. Found inactive "
    "addresses: {}. Inactive recipients are ones that have generated a hard bounce, a spam "
    "complaint, or a manual suppression."
)

SOME_INACTIVE = (
    "Message OK, but will not deliver to these inactive addresses: gone@example.com. "
    "Inactive recipients are ones that have generated a hard bounce."
)
INACTIVE_ENTRY = {"ErrorCode": 406, "Message": INACTIVE.format("gone@example.com")}


def answering(status: int, body: Any) -> Callable[..., Any]:
    return lambda request: (status, {}, json.dumps(body))


def ok(text: str = "OK", message_id: str = "id-1") -> dict[str, Any]:
    return {"ErrorCode": 0, "Message": text, "MessageID": message_id}


def answering_with_to(status: int, body: Any) -> Callable[..., Any]:
    """Like :func:`answering`, with each accepted entry's ``To`` echoed, as Postmark does."""

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        sent = json.loads(request.body)
        sent = sent["Messages"] if isinstance(sent, dict) and "Messages" in sent else sent
        entries = body if isinstance(body, list) else [body]
        messages = sent if isinstance(sent, list) else [sent]
        for entry, message_sent in zip(entries, messages, strict=False):
            if entry.get("ErrorCode") == 0:
                entry["To"] = message_sent.get("To")
        return status, {}, json.dumps(body)

    return answer


@dataclass
class StatusScenario:
    build: Callable[[], EmailMessage]
    answer: Callable[..., Any]
    #: What both raise: (ours, anymail's), or None.
    raises: tuple[type[BaseException], type[BaseException]] | None = None
    #: Documented: anymail's status -> ours, where they differ.
    status_map: dict[str, str] = field(default_factory=dict)
    #: Documented: we raise where anymail does not.
    only_ours_raises: type[BaseException] | None = None
    options: dict[str, Any] = field(default_factory=dict)


STATUS_SCENARIOS: dict[str, StatusScenario] = {
    "accepted-to-cc-bcc": StatusScenario(
        lambda: message(cc=["c@example.com"], bcc=["b@example.com"]), answering_with_to(200, ok())
    ),
    "200-some-inactive": StatusScenario(
        lambda: message(to=["here@example.com", "gone@example.com"]),
        answering_with_to(
            200,
            ok(
                "Message OK, but will not deliver to these inactive addresses: "
                "gone@example.com. Inactive recipients are ones that have generated "
                "a hard bounce."
            ),
        ),
    ),
    "200-delivery-delayed": StatusScenario(
        message, answering_with_to(200, ok("Message accepted, but delivery may be delayed."))
    ),
    "406-every-recipient": StatusScenario(
        lambda: message(to=["gone@example.com"]),
        answering(422, {"ErrorCode": 406, "Message": INACTIVE.format("gone@example.com")}),
        raises=(RecipientsRefused, AnymailRecipientsRefused),
    ),
    "300-invalid-only-recipient": StatusScenario(
        lambda: message(to=["ada@localhost"]),
        answering(422, {"ErrorCode": 300, "Message": "Invalid 'To' address: 'ada@localhost'."}),
        raises=(RecipientsRefused, AnymailRecipientsRefused),
    ),
    "300-invalid-from": StatusScenario(
        message,
        answering(422, {"ErrorCode": 300, "Message": "Invalid 'From' address: 'sender'."}),
        raises=(APIError, AnymailAPIError),
    ),
    "500": StatusScenario(
        message,
        answering(500, {"ErrorCode": 500, "Message": "Internal"}),
        raises=(APIError, AnymailAPIError),
    ),
    "merge-batch-with-a-406-entry": StatusScenario(
        lambda: merge(["a@example.com", "gone@example.com"], template_id=1, merge_data={}),
        answering_with_to(
            200,
            [
                ok(message_id="id-a"),
                {"ErrorCode": 406, "Message": INACTIVE.format("gone@example.com")},
            ],
        ),
    ),
    "406-naming-one-of-two": StatusScenario(
        lambda: message(to=["gone@example.com", "other@example.com"]),
        answering(422, {"ErrorCode": 406, "Message": INACTIVE.format("gone@example.com")}),
        # anymail: "unknown" and no error (it counts the message as sent);
        # Postmark sent nothing, so we say "failed" and raise the 406.
        status_map={"unknown": "failed"},
        only_ours_raises=APIError,
    ),
    "406-with-ignore-recipient-status": StatusScenario(
        lambda: message(to=["gone@example.com"]),
        answering(422, {"ErrorCode": 406, "Message": INACTIVE.format("gone@example.com")}),
        options={"ignore_recipient_status": True},
    ),
}


def statuses(recipients: Any) -> dict[str, tuple[str, Any]]:
    return {addr.lower(): (s.status, s.message_id) for addr, s in recipients.items()}


@pytest.mark.parametrize("name", list(STATUS_SCENARIOS))
def test_same_recipient_status_as_anymail(name: str) -> None:
    scenario = STATUS_SCENARIOS[name]
    mine = scenario.build()
    other = copy.deepcopy(mine)
    ours_sent = send_through(ours(**scenario.options), mine, scenario.answer)
    theirs_sent = send_through(theirs(**scenario.options), other, scenario.answer)
    if scenario.raises is not None:
        assert isinstance(ours_sent.error, scenario.raises[0]), ours_sent.error
        assert isinstance(theirs_sent.error, scenario.raises[1]), theirs_sent.error
    elif scenario.only_ours_raises is not None:
        assert isinstance(ours_sent.error, scenario.only_ours_raises)
        assert theirs_sent.error is None
    else:
        assert ours_sent.error is None and theirs_sent.error is None
    if not other.anymail_status.recipients:
        return  # anymail raised before reading any status (a non-recipient error)
    expected = {
        addr: (scenario.status_map.get(status, status), message_id)
        for addr, (status, message_id) in statuses(other.anymail_status.recipients).items()
    }
    assert statuses(mine.postmark_recipients) == expected
