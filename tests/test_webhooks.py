"""postmark.webhooks: parsing every payload type and checking credentials, without Django."""

from __future__ import annotations

import base64
import email.message
import hmac
import json
import pathlib
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import postmark.webhooks as webhooks
from postmark.exceptions import ConfigurationError
from postmark.webhooks import (
    Bounce,
    Click,
    Delivery,
    Inbound,
    Open,
    SpamComplaint,
    SubscriptionChange,
    UnknownEvent,
    WebhookAuth,
    WebhookError,
    WrongWebhook,
    basic_auth_header,
    check_basic_auth,
    check_secret_header,
    parse_datetime,
    parse_event,
    parse_inbound,
)

PAYLOADS = pathlib.Path(__file__).parent / "webhooks"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / name).read_text())
    return data


def test_module_imports_no_web_framework() -> None:
    code = (
        "import sys, postmark.webhooks; "
        "print(sorted(m for m in ('django', 'tornado', 'flask') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------
# Each record type


def test_bounce() -> None:
    event = parse_event((PAYLOADS / "bounce.json").read_bytes())
    assert type(event) is Bounce
    assert event.record_type == "Bounce"
    assert event.id == 692560173
    assert (event.type, event.type_code, event.name) == ("HardBounce", 1, "Hard bounce")
    assert event.email == "no.such.user@example.com"
    assert event.from_email == "support@example.org"
    assert event.message_id == "f105174b-cf63-4277-9f56-e74b27a1f287"
    assert event.message_stream == "outbound"
    assert event.server_id == 123456
    assert event.tag == "password-reset"
    assert event.metadata == {"user-id": "42", "flow": "password-reset"}
    assert event.bounced_at == datetime(2024, 5, 14, 13, 25, 2, 417864, tzinfo=timezone.utc)
    assert event.inactive and event.can_activate and event.dump_available
    assert event.subject == "Reset your password"
    assert event.content is not None and event.content.startswith("<raw bounce")
    assert "raw bounce" not in repr(event)  # big fields stay out of reprs


def test_spam_complaint_is_not_a_bounce() -> None:
    event = parse_event(load("spam-complaint.json"))
    assert type(event) is SpamComplaint
    assert not isinstance(event, Bounce)
    assert event.type_code == 100001 and event.inactive and not event.can_activate
    assert event.content == "<abuse report>"


def test_delivery() -> None:
    event = parse_event(json.dumps(load("delivery.json")))
    assert type(event) is Delivery
    assert event.recipient == "john@example.com"
    assert event.delivered_at == datetime(2024, 5, 14, 16, 30, 52, tzinfo=timezone.utc)
    assert event.details == "Test delivery webhook details"
    assert event.metadata == {"a_key": "a_value", "b_key": "b_value"}


def test_open() -> None:
    event = parse_event(load("open.json"))
    assert type(event) is Open
    assert event.first_open is True and event.read_seconds == 5
    assert event.platform == "WebMail"
    assert event.client is not None and event.client.family == "Chrome"
    assert event.os is not None and event.os.company == "Apple Computer, Inc."
    assert event.geo is not None and (event.geo.city, event.geo.ip) == ("Novi Sad", "192.0.2.55")
    assert event.received_at == datetime(2024, 5, 14, 16, 31, 18, 521000, tzinfo=timezone.utc)


def test_click() -> None:
    event = parse_event(load("click.json"))
    assert type(event) is Click
    assert event.original_link == "https://example.com/welcome?step=2"
    assert event.click_location == "HTML"
    assert event.recipient == "john@example.com"
    assert event.geo is not None and event.geo.country_iso_code == "RS"


def test_subscription_change() -> None:
    event = parse_event(load("subscription-change.json"))
    assert type(event) is SubscriptionChange
    assert event.suppress_sending is True
    assert event.suppression_reason == "HardBounce"
    assert event.origin == "Recipient"
    assert event.changed_at == datetime(2024, 5, 14, 16, 40, tzinfo=timezone.utc)


def test_reactivation_has_no_reason_and_no_message() -> None:
    data = load("subscription-change.json") | {
        "SuppressSending": False,
        "SuppressionReason": None,
        "MessageID": None,
        "Origin": "Customer",
    }
    event = parse_event(data)
    assert isinstance(event, SubscriptionChange)
    assert (event.suppress_sending, event.suppression_reason, event.message_id) == (
        False,
        None,
        None,
    )


def test_inbound() -> None:
    message = parse_inbound((PAYLOADS / "inbound.json").read_bytes())
    assert message.record_type == "Inbound"
    assert message.from_email == "ada@example.com" and message.from_name == "Ada Customer"
    assert message.from_full is not None and message.from_full.mailbox_hash is None
    assert [m.email for m in message.to_full] == [
        "4f7c2d1e9a0b+ticket-1234@inbound.postmarkapp.com"
    ]
    assert message.to_full[0].mailbox_hash == "ticket-1234"
    assert message.cc_full[0].name == "Grace Colleague"
    assert message.bcc_full == []
    assert message.mailbox_hash == "ticket-1234"
    assert message.stripped_text_reply == "Thanks, that fixed it."
    assert message.sent_at == datetime(2024, 5, 14, 10, 15, 3, tzinfo=timezone(-timedelta(hours=4)))
    assert message.header("x-spam-status") == "No"
    assert message.header("In-Reply-To") == "<b1f3c0de@example.org>"
    assert message.header("X-Missing") is None
    assert message.spam_score == -0.1
    (attachment,) = message.attachments
    assert (attachment.name, attachment.content_type, attachment.content_length) == (
        "note.txt",
        "text/plain",
        18,
    )
    assert attachment.content == b"Hello, attachment!"
    assert attachment.content_id is None


def test_a_check_payload_has_its_attachment_bytes_in_data() -> None:
    # What Postmark's "Check" button posts: attachments carry Data, not Content.
    message = parse_inbound((PAYLOADS / "inbound-check.json").read_bytes())
    (attachment,) = message.attachments
    assert attachment.content == b"This is attachment contents, base-64 encoded."
    assert attachment.content_length == len(attachment.content)
    both = {"Name": "a.txt", "Content": "Q29udGVudA==", "Data": "RGF0YQ=="}
    assert parse_inbound({"Attachments": [both]}).attachments[0].content == b"Content"


@pytest.mark.parametrize("key", ["ServerID", "ServerId"])
def test_both_spellings_of_server_id(key: str) -> None:
    data = {k: v for k, v in load("delivery.json").items() if k != "ServerID"}
    event = parse_event(data | {key: 23})
    assert isinstance(event, Delivery) and event.server_id == 23


def test_raw_email_is_parsed_on_demand() -> None:
    raw = (
        "From: Ada <ada@example.com>\nTo: help@example.org\nSubject: =?utf-8?q?Caf=C3=A9?=\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain; charset=utf-8\n\nThanks!\n"
        '--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename="n.txt"\n\n'
        "note\n--b--\n"
    )
    message = parse_inbound(load("inbound.json") | {"RawEmail": raw})
    parsed = message.raw_message
    assert isinstance(parsed, email.message.EmailMessage)
    assert parsed["Subject"] == "Café"
    assert parsed["From"].addresses[0].username == "ada"  # policy.default: header objects
    body = parsed.get_body()
    assert body is not None and body.get_content() == "Thanks!"
    assert [a.get_filename() for a in parsed.iter_attachments()] == ["n.txt"]
    assert message.raw_message is parsed  # parsed once
    assert message.raw_email == raw


@pytest.mark.parametrize("raw", [None, ""])
def test_no_raw_email_is_no_raw_message(raw: Any) -> None:
    data = load("inbound.json") | {"RawEmail": raw}
    assert parse_inbound(data).raw_message is None
    assert parse_inbound(load("inbound.json")).raw_message is None


def inbound_with_headers(*headers: tuple[str, Any]) -> Inbound:
    data = load("inbound.json") | {"Headers": [{"Name": n, "Value": v} for n, v in headers]}
    return parse_inbound(data)


@pytest.mark.parametrize(
    ("headers", "sender"),
    [
        (
            [("Return-Path", "<bounces+x@example.com>"), ("Received-SPF", "pass")],
            "bounces+x@example.com",
        ),
        ([("return-path", " plain@example.com ")], "plain@example.com"),
        ([("Return-Path", "<>")], None),  # the null sender of a bounce
        # A Return-Path further down came with the message: not Postmark's.
        ([("X-Spam-Status", "No"), ("Return-Path", "<forged@example.com>")], None),
        (
            # RFC 7208's example header
            [
                (
                    "Received-SPF",
                    "pass (mybox.example.org: domain of myname@example.com designates 192.0.2.1 "
                    "as permitted sender) receiver=mybox.example.org; client-ip=192.0.2.1; "
                    'envelope-from="myname@example.com"; helo=foo.example.com;',
                )
            ],
            "myname@example.com",
        ),
        (
            [
                (
                    "Received-SPF",
                    "Pass (sender SPF authorized) identity=mailfrom; client-ip=192.0.2.7; "
                    "helo=mail.example.net; envelope-from=user@example.net; receiver=x",
                )
            ],
            "user@example.net",
        ),
        ([("Received-SPF", "none (no SPF record) envelope-from=<>; helo=x")], None),
        ([], None),
        ([("Received-SPF", "")], None),
        ([("Received-SPF", "softfail (domain of transitioning)")], None),
    ],
)
def test_envelope_sender(headers: list[tuple[str, str]], sender: str | None) -> None:
    assert inbound_with_headers(*headers).envelope_sender == sender


def test_envelope_sender_of_the_reference_payload_comes_from_received_spf() -> None:
    # "pass (example.com: domain of ada@example.com designates 192.0.2.10 as permitted sender)"
    assert parse_inbound(load("inbound.json")).envelope_sender == "ada@example.com"


@pytest.mark.parametrize(
    ("headers", "score", "detected"),
    [
        ([("X-Spam-Status", "No"), ("X-Spam-Score", "-0.1")], -0.1, False),
        (
            [("X-Spam-Status", "Yes, score=6.3 required=5.0 tests=X"), ("X-Spam-Score", "6.3")],
            6.3,
            True,
        ),
        ([("X-Spam-Status", "yes")], None, True),
        ([("X-Spam-Status", "No, score=-1.2 required=5.0")], -1.2, False),  # no X-Spam-Score
        ([("X-Spam-Score", " 12 ")], 12.0, None),
        ([], None, None),
        ([("X-Spam-Score", ""), ("X-Spam-Status", "")], None, None),
        ([("X-Spam-Score", "NaN"), ("X-Spam-Status", "Maybe")], None, None),
        ([("X-Spam-Score", "inf"), ("X-Spam-Status", "Yesterday")], None, None),
        ([("X-Spam-Score", "1_000")], None, None),
        ([("X-Spam-Score", "²")], None, None),
        ([("X-Spam-Score", "1,5")], None, None),
        ([("X-Spam-Score", "9" * 400)], None, None),  # past float: inf is no score
        ([("X-Spam-Status", "No, score=1.2.3")], None, False),
    ],
)
def test_spam_score_and_verdict(
    headers: list[tuple[str, str]], score: float | None, detected: bool | None
) -> None:
    message = inbound_with_headers(*headers)
    assert message.spam_score == score
    assert message.spam_detected is detected


def test_inbound_is_recognised_without_a_record_type() -> None:
    assert type(parse_event(load("inbound.json"), accept_inbound=True)) is Inbound
    explicit = {"RecordType": "Inbound", "Subject": "hi"}
    assert type(parse_event(explicit, accept_inbound=True)) is Inbound
    assert type(parse_inbound(explicit)) is Inbound


# --------------------------------------------------------------------------
# kind: what happened, the same words for every record type


@pytest.mark.parametrize(
    ("filename", "kind"),
    [
        ("bounce.json", "bounced"),
        ("spam-complaint.json", "complained"),
        ("delivery.json", "delivered"),
        ("open.json", "opened"),
        ("click.json", "clicked"),
        ("subscription-change.json", "unsubscribed"),
        ("unknown-record-type.json", "unknown"),
    ],
)
def test_every_event_has_a_kind_beside_postmarks_record_type(filename: str, kind: str) -> None:
    assert parse_event(load(filename)).kind == kind


def test_inbound_email_is_of_kind_inbound() -> None:
    assert parse_inbound(load("inbound.json")).kind == "inbound"


@pytest.mark.parametrize(
    ("bounce_type", "kind"),
    [
        ("HardBounce", "bounced"),
        ("SoftBounce", "bounced"),
        ("Transient", "deferred"),
        ("DnsError", "deferred"),
        ("ChallengeVerification", "deferred"),
        ("Unsubscribe", "unsubscribed"),
        ("Subscribe", "subscribed"),
        ("AutoResponder", "autoresponded"),
        ("SpamNotification", "complained"),
        ("Blocked", "bounced"),
        ("SomeFutureType", "bounced"),  # a Bounce record all the same
        (None, "bounced"),
    ],
)
def test_a_bounce_that_is_not_a_bounce_has_the_kind_of_its_type(
    bounce_type: str | None, kind: str
) -> None:
    event = parse_event(load("bounce.json") | {"Type": bounce_type})
    assert isinstance(event, Bounce) and event.record_type == "Bounce"
    assert event.type == bounce_type and event.kind == kind


def test_every_postmark_bounce_type_has_a_kind() -> None:
    # Postmark's bounce types (API.md 2.2, the bounce API's list), TypeCode order.
    types = [
        "HardBounce",
        "Transient",
        "Unsubscribe",
        "Subscribe",
        "AutoResponder",
        "AddressChange",
        "DnsError",
        "SpamNotification",
        "OpenRelayTest",
        "Unknown",
        "SoftBounce",
        "VirusNotification",
        "ChallengeVerification",
        "BadEmailAddress",
        "SpamComplaint",
        "ManuallyDeactivated",
        "Unconfirmed",
        "Blocked",
        "SMTPApiError",
        "InboundError",
        "DMARCPolicy",
        "TemplateRenderingFailed",
    ]
    assert list(webhooks.BOUNCE_KINDS) == types
    kinds = {"bounced", "deferred", "autoresponded", "complained", "unsubscribed", "subscribed"}
    assert set(webhooks.BOUNCE_KINDS.values()) == kinds


def test_the_docs_table_of_bounce_kinds_is_bounce_kinds() -> None:
    page = (pathlib.Path(__file__).parent.parent / "docs" / "django.md").read_text()
    table = page.split("<!-- bounce-kinds:", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[1:3] for line in table.splitlines() if line.startswith("| ")]
    documented = {name.strip(): kind.strip(" `") for name, kind in rows[2:]}
    assert documented == webhooks.BOUNCE_KINDS
    assert list(documented) == list(webhooks.BOUNCE_KINDS)


@pytest.mark.parametrize(
    ("suppress_sending", "kind"), [(True, "unsubscribed"), (False, "subscribed"), (None, "unknown")]
)
def test_a_subscription_change_is_unsubscribed_or_subscribed(
    suppress_sending: bool | None, kind: str
) -> None:
    for reason in ("HardBounce", "SpamComplaint", "ManualSuppression", None):
        data = load("subscription-change.json") | {
            "SuppressSending": suppress_sending,
            "SuppressionReason": reason,
        }
        assert parse_event(data).kind == kind


# --------------------------------------------------------------------------
# A payload of the other webhook: a webhook pointed at the wrong URL


@pytest.mark.parametrize(
    ("filename", "record_type"),
    [
        ("bounce.json", "Bounce"),
        ("spam-complaint.json", "SpamComplaint"),
        ("delivery.json", "Delivery"),
        ("open.json", "Open"),
        ("click.json", "Click"),
        ("subscription-change.json", "SubscriptionChange"),
        ("unknown-record-type.json", "SomethingNew"),
    ],
)
def test_an_outbound_event_is_not_inbound_email(filename: str, record_type: str) -> None:
    with pytest.raises(WrongWebhook) as info:
        parse_inbound(load(filename))
    error = info.value
    assert isinstance(error, WebhookError)
    assert (error.record_type, error.expected) == (record_type, "inbound")
    assert str(error).startswith(f"This looks like an outbound {record_type} event, but it was ")
    assert f"point Postmark's the {record_type} webhook" not in str(error)
    assert f"point Postmark's {record_type} webhook" in str(error)


@pytest.mark.parametrize("data", [{}, {"Hello": "world"}, {"RecordType": None, "ServerId": 1}])
def test_an_object_without_the_inbound_shape_is_not_inbound_email(data: dict[str, Any]) -> None:
    # e.g. the old DeliveryHookUrl's payload: no RecordType, no inbound field
    with pytest.raises(WrongWebhook) as info:
        parse_inbound(data)
    assert info.value.record_type == ""
    assert str(info.value).startswith("This is not inbound email (no RecordType")


@pytest.mark.parametrize("data", [load("inbound.json"), {"RecordType": "Inbound"}])
def test_inbound_email_is_not_an_outbound_event(data: dict[str, Any]) -> None:
    with pytest.raises(WrongWebhook) as info:
        parse_event(data)
    assert (info.value.record_type, info.value.expected) == ("Inbound", "events")
    assert str(info.value).startswith("This looks like an inbound email, but it was posted to")


def test_the_wrong_webhook_message_names_both_urls() -> None:
    error = WrongWebhook("Delivery", expected="inbound")
    text = error.explain("/postmark/inbound/", "/postmark/events/")
    assert text == (
        "This looks like an outbound Delivery event, but it was posted to the inbound webhook "
        "URL (/postmark/inbound/): point Postmark's Delivery webhook (the message stream's "
        "Webhooks page) at the events webhook URL (/postmark/events/) instead; only the "
        "server's inbound webhook belongs here."
    )
    assert "(/postmark/inbound/)" in WrongWebhook("Inbound", "events").explain(
        "/hooks/events/", "/postmark/inbound/"
    )


def test_unknown_record_type_keeps_everything() -> None:
    event = parse_event(load("unknown-record-type.json"))
    assert type(event) is UnknownEvent
    assert event.record_type == "SomethingNew"
    assert event.message_id == "5f1b2e3c-0000-4000-8000-000000000001"
    assert event.raw["FutureField"] == {"nested": [1, 2, 3]}


def test_object_without_record_type_or_inbound_fields_is_unknown() -> None:
    event = parse_event({"Hello": "world"})
    assert type(event) is UnknownEvent and event.record_type == ""


# --------------------------------------------------------------------------
# Tolerance


def test_unknown_fields_are_ignored_but_kept_in_raw() -> None:
    data = load("delivery.json") | {"BrandNewField": 1}
    event = parse_event(data)
    assert type(event) is Delivery
    assert event.raw["BrandNewField"] == 1


def test_wrong_types_become_none_instead_of_errors() -> None:
    data = load("bounce.json") | {
        "ID": "not a number",
        "TypeCode": None,
        "BouncedAt": "yesterday",
        "Metadata": ["not", "a", "dict"],
        "Inactive": "maybe",
        "Email": 12,
        "ServerID": True,
    }
    event = parse_event(data)
    assert isinstance(event, Bounce)
    assert event.id is None and event.type_code is None and event.server_id is None
    assert event.bounced_at is None
    assert event.metadata == {}
    assert event.inactive is False
    assert event.email == "12"


def test_metadata_values_are_text() -> None:
    event = parse_event({"RecordType": "Delivery", "Metadata": {"n": 5, "none": None, "s": "x"}})
    assert isinstance(event, Delivery)
    assert event.metadata == {"n": "5", "s": "x"}


def test_damaged_inbound_parts_are_skipped() -> None:
    data = load("inbound.json") | {
        "ToFull": [{"Name": "no email"}, "junk", {"Email": "ok@example.com"}],
        "Headers": [{"Value": "no name"}, {"Name": "X-Ok", "Value": None}],
        "Attachments": [{"Name": "bad.bin", "Content": "%%%not base64%%%"}, "junk"],
        "Date": "not a date",
    }
    message = parse_inbound(data)
    assert [m.email for m in message.to_full] == ["ok@example.com"]
    assert [(h.name, h.value) for h in message.headers] == [("X-Ok", "")]
    assert message.attachments[0].content == b""
    assert message.sent_at is None and message.spam_score is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-14T13:25:02.4178645Z", datetime(2024, 5, 14, 13, 25, 2, 417864, timezone.utc)),
        (
            "2024-05-14T09:21:37.5512864-04:00",
            datetime(2024, 5, 14, 9, 21, 37, 551286, timezone(-timedelta(hours=4))),
        ),
        ("2024-05-14T10:02:41Z", datetime(2024, 5, 14, 10, 2, 41, tzinfo=timezone.utc)),
        (
            "2024-05-14T10:02:41+0200",
            datetime(2024, 5, 14, 10, 2, 41, 0, timezone(timedelta(2 / 24))),
        ),
        ("2024-05-14T10:02:41", datetime(2024, 5, 14, 10, 2, 41)),
        ("2024-02-30T10:02:41Z", None),
        ("soon", None),
        (None, None),
        (1715692800, None),
    ],
)
def test_parse_datetime(text: Any, expected: datetime | None) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b"[{}]", b"null", b"42", b"\xff\xfe", '{"RecordType": '],
)
def test_bodies_that_are_not_a_json_object_are_refused(body: bytes | str) -> None:
    with pytest.raises(WebhookError) as info:
        parse_event(body)
    assert isinstance(info.value, ValueError)
    with pytest.raises(WebhookError):
        parse_inbound(body)


# --------------------------------------------------------------------------
# Credentials

CREDENTIALS = (webhooks.BasicAuth("postmark", "s3cret pass"),)


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        (basic_auth_header("postmark", "s3cret pass"), True),
        ("basic " + base64.b64encode(b"postmark:s3cret pass").decode(), True),
        (basic_auth_header("postmark", "s3cret pas"), False),
        (basic_auth_header("postmar", "s3cret pass"), False),
        (basic_auth_header("postmark", "s3cret pass:extra"), False),
        ("Bearer " + base64.b64encode(b"postmark:s3cret pass").decode(), False),
        ("Basic " + base64.b64encode(b"postmarks3cret pass").decode(), False),
        ("Basic ???", False),
        ("Basic", False),
        ("", False),
        (None, False),
    ],
)
def test_check_basic_auth(header: str | None, ok: bool) -> None:
    assert check_basic_auth(header, CREDENTIALS) is ok


def test_non_ascii_credentials() -> None:
    credentials = (webhooks.BasicAuth("jürgen", "pässwörd"),)
    assert check_basic_auth(basic_auth_header("jürgen", "pässwörd"), credentials)
    assert not check_basic_auth(basic_auth_header("jurgen", "pässwörd"), credentials)


def test_basic_auth_compares_user_and_password_in_constant_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    two = (webhooks.BasicAuth("a", "1"), webhooks.BasicAuth("b", "2"))
    assert not check_basic_auth(basic_auth_header("wrong-user", "x"), two)
    # Both fields of every credential are compared, even after a wrong username.
    assert compared == [(b"wrong-user", b"a"), (b"x", b"1"), (b"wrong-user", b"b"), (b"x", b"2")]
    compared.clear()
    assert check_secret_header("guess", "secret") is False
    assert compared == [(b"guess", b"secret")]


def test_check_secret_header() -> None:
    assert check_secret_header("value", "value")
    assert not check_secret_header("Value", "value")
    assert not check_secret_header(None, "value")
    assert not check_secret_header("", "value")


def test_webhook_auth_from_settings_forms() -> None:
    assert WebhookAuth.from_settings("u:p:with:colons").basic == (
        webhooks.BasicAuth("u", "p:with:colons"),
    )
    assert WebhookAuth.from_settings(("u", "p")).basic == (webhooks.BasicAuth("u", "p"),)
    rotation = WebhookAuth.from_settings(["u1:p1", ("u2", "p2")])
    assert [c.username for c in rotation.basic] == ["u1", "u2"]
    header = WebhookAuth.from_settings(secret_header="X-Secret: value with: colon").header
    assert header == webhooks.SecretHeader("X-Secret", "value with: colon")
    pair = WebhookAuth.from_settings(secret_header=("X-Secret", "v")).header
    assert pair == webhooks.SecretHeader("X-Secret", "v")
    assert not WebhookAuth.from_settings().configured


@pytest.mark.parametrize(
    "kwargs",
    [
        {"basic_auth": "no-colon"},
        {"basic_auth": ":password"},
        {"basic_auth": "user:"},
        {"basic_auth": 42},
        {"secret_header": "X-Secret"},
        {"secret_header": ("X Secret", "v")},
        {"secret_header": ("X-Secret", "")},
    ],
)
def test_bad_credential_settings(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        WebhookAuth.from_settings(**kwargs)


def test_secrets_stay_out_of_reprs() -> None:
    auth = WebhookAuth.from_settings("user:hunter2", ("X-Secret", "topsecret"))
    assert "hunter2" not in repr(auth) and "topsecret" not in repr(auth)


def test_webhook_auth_check() -> None:
    auth = WebhookAuth.from_settings("user:pw", ("X-Secret", "s"))
    good = {"authorization": basic_auth_header("user", "pw"), "x-secret": "s"}
    assert auth.check(good)  # any letter case in a plain dict
    assert not auth.check({"Authorization": basic_auth_header("user", "pw")})
    assert not auth.check({"X-Secret": "s"})
    assert auth.challenge is not None and auth.challenge.startswith('Basic realm="')
    header_only = WebhookAuth.from_settings(secret_header=("X-Secret", "s"))
    assert header_only.challenge is None
    assert header_only.check({"X-Secret": "s"})
    assert not WebhookAuth().check(good)  # nothing configured accepts nothing


# --------------------------------------------------------------------------
# Limits: any input is an event or a WebhookError, never another exception


def nested(depth: int) -> bytes:
    """A JSON object ``depth`` levels deep (the object itself is level 1)."""
    return b'{"RecordType": "Delivery", "Deep": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


@pytest.mark.parametrize("parse", [parse_event, parse_inbound])
def test_nesting_up_to_the_limit_is_read_one_level_more_is_refused(parse: Any) -> None:
    record_type = b"Inbound" if parse is parse_inbound else b"Delivery"
    body = nested(webhooks.MAX_DEPTH).replace(b"Delivery", record_type)
    assert parse(body).raw["RecordType"] == record_type.decode()
    with pytest.raises(WebhookError, match="nested"):
        parse(nested(webhooks.MAX_DEPTH + 1))


@pytest.mark.parametrize("parse", [parse_event, parse_inbound])
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_a_webhook_error_not_a_recursion_error(
    parse: Any, depth: int
) -> None:
    with pytest.raises(WebhookError, match="nested"):
        parse(nested(depth))
    with pytest.raises(WebhookError, match="nested"):
        parse(b"[" * depth)  # unterminated, too


def test_an_already_decoded_mapping_is_held_to_the_same_depth() -> None:
    deep: Any = []
    for _ in range(webhooks.MAX_DEPTH):
        deep = [deep]
    with pytest.raises(WebhookError, match="nested"):
        parse_event({"RecordType": "Bounce", "Metadata": {"k": deep}})
    loop: dict[str, Any] = {"RecordType": "Bounce"}
    loop["Metadata"] = {"self": loop}
    with pytest.raises(WebhookError, match="nested"):
        parse_event(loop)


@pytest.mark.parametrize(
    ("parse", "limit"),
    [(parse_event, webhooks.MAX_EVENT_BYTES), (parse_inbound, webhooks.MAX_INBOUND_BYTES)],
)
def test_a_body_of_exactly_the_limit_is_read_one_byte_more_is_too_large(
    parse: Any, limit: int
) -> None:
    record_type, field = (
        ("Inbound", "TextBody") if parse is parse_inbound else ("Delivery", "Details")
    )
    head = f'{{"RecordType": "{record_type}", "{field}": "'.encode()
    body = head + b"x" * (limit - len(head) - 2) + b'"}'
    assert len(body) == limit
    assert parse(body).raw[field].startswith("xxx")
    with pytest.raises(webhooks.WebhookTooLarge) as info:
        parse(body + b" ")
    assert isinstance(info.value, WebhookError) and info.value.max_bytes == limit


def test_the_size_limit_can_be_chosen_and_counts_utf8_bytes_of_text() -> None:
    body = '{"RecordType": "Delivery", "Details": "é"}'  # 42 characters, 43 bytes
    assert len(body) == 42
    assert parse_event(body, max_bytes=43).raw["Details"] == "é"
    with pytest.raises(webhooks.WebhookTooLarge):
        parse_event(body, max_bytes=42)
    with pytest.raises(webhooks.WebhookTooLarge):
        parse_event(body.encode(), max_bytes=42)
    assert parse_event(b" " * 100 + b"{}", max_bytes=None).record_type == ""


@pytest.mark.parametrize(
    "payload",
    [
        {"RecordType": "Bounce", "ID": "²"},  # isdigit() but not int(): ValueError
        {"RecordType": "Bounce", "TypeCode": "1" * 5000},  # past int's 4300 digits
        {"RecordType": "Open", "ReadSeconds": "٣" * 5000},
        {"FromFull": {}, "Date": "Mon, 1 Jan 99999999999 00:00:00 +0000"},  # OverflowError
        {"RecordType": "Delivery", "DeliveredAt": "2024-05-14T10:02:41+24:00"},
    ],
)
def test_hostile_field_values_become_none(payload: dict[str, Any]) -> None:
    event = parse_event(json.dumps(payload).encode(), accept_inbound=True)
    assert event.raw == payload


def test_metadata_that_is_not_json_is_shown_as_text() -> None:
    when = datetime(2024, 5, 14, tzinfo=timezone.utc)
    event = parse_event({"RecordType": "Delivery", "Metadata": {"when": when, "n": 1}})
    assert event.metadata == {"when": json.dumps(str(when)), "n": "1"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("body", [None, 42, object(), [b"{}"]])
def test_a_body_of_the_wrong_type_is_a_webhook_error(body: Any) -> None:
    with pytest.raises(WebhookError):
        parse_event(body)
