"""anymail's attributes, esp_extra, per-message tokens, unsupported features (items 3, 4)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import responses
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django_helpers import API, TOKEN, batch_echo, send_response

from postmark.django import PMEmailMultiAlternatives, UnsupportedFeature
from postmark.django.backend import EmailBackend
from postmark.django.messages import UnsupportedContentError, to_postmark
from postmark.exceptions import InvalidMessageError


def msg(**attributes: Any) -> EmailMessage:
    message = EmailMessage("Hello", "Hi", "sender@example.com", ["to@example.com"])
    for name, value in attributes.items():
        setattr(message, name, value)
    return message


def body_of(call: Any) -> Any:
    return json.loads(call.request.body)


# --------------------------------------------------------------------------
# anymail's attribute names


def test_tags_and_track_clicks_reach_the_wire(mocked: Any) -> None:
    mocked.post(f"{API}/email", json=send_response())
    msg(tags=["welcome"], track_clicks=True, track_opens=False).send()
    sent = body_of(mocked.calls[0])
    assert sent["Tag"] == "welcome"
    assert sent["TrackLinks"] == "HtmlAndText"
    assert sent["TrackOpens"] is False
    assert to_postmark(msg(track_clicks=False))["TrackLinks"] == "None"
    assert to_postmark(msg(track_clicks=False, track_links="HtmlOnly"))["TrackLinks"] == "HtmlOnly"


def test_tag_and_the_same_first_tag_are_one_tag() -> None:
    assert to_postmark(msg(tag="a", tags=["a"]))["Tag"] == "a"
    assert to_postmark(msg(tags="single"))["Tag"] == "single"


def test_more_than_one_tag_is_unsupported() -> None:
    with pytest.raises(UnsupportedFeature, match="multiple tags") as info:
        to_postmark(msg(tags=["a", "b"]))
    assert info.value.feature == "multiple tags"
    assert isinstance(info.value, UnsupportedContentError)


def test_anymail_unset_attributes_are_not_options() -> None:
    from anymail.message import AnymailMessage

    message = AnymailMessage("s", "b", "f@example.com", ["t@example.com"])
    sent = to_postmark(message)
    assert sent == {"From": "f@example.com", "To": "t@example.com", "Subject": "s", "TextBody": "b"}


# --------------------------------------------------------------------------
# esp_extra and the per-message token


def test_esp_extra_keys_win_over_what_was_built(mocked: Any) -> None:
    mocked.post(f"{API}/email", json=send_response())
    message = msg(tag="ours", esp_extra={"Tag": "extra", "MessageStream": "broadcast"})
    message.send()
    sent = body_of(mocked.calls[0])
    assert sent["Tag"] == "extra" and sent["MessageStream"] == "broadcast"


def test_esp_extra_is_checked_like_any_message() -> None:
    with pytest.raises(InvalidMessageError, match="TrackLinks"):
        to_postmark(msg(esp_extra={"TrackLinks": "Always"}))
    with pytest.raises(InvalidMessageError, match="esp_extra"):
        to_postmark(msg(esp_extra=["Tag"]))


@pytest.mark.parametrize("how", ["attribute", "esp_extra"])
def test_a_message_with_its_own_server_token(mocked: Any, how: str) -> None:
    mocked.post(f"{API}/email", json=send_response())
    message = msg(server_token="other-server") if how == "attribute" else msg()
    if how == "esp_extra":
        message.esp_extra = {"server_token": "other-server"}
    assert EmailBackend().send_messages([message]) == 1
    request = mocked.calls[0].request
    assert request.headers["X-Postmark-Server-Token"] == "other-server"
    assert "server_token" not in body_of(mocked.calls[0])


def test_batches_are_grouped_by_token(mocked: Any) -> None:
    mocked.add_callback(responses.POST, f"{API}/email/batch", callback=batch_echo)
    mocked.post(f"{API}/email", json=send_response("lone"))
    messages = [EmailMessage("s", "b", "f@example.com", [f"user{i}@example.com"]) for i in range(4)]
    messages[1].server_token = "tenant-b"
    messages[3].server_token = "tenant-b"
    messages[2].esp_extra = {"server_token": "tenant-c"}
    assert EmailBackend().send_messages(messages) == 4
    by_token = {
        call.request.headers["X-Postmark-Server-Token"]: (call.request.url, body_of(call))
        for call in mocked.calls
    }
    assert by_token[TOKEN] == (f"{API}/email", by_token[TOKEN][1])  # alone in its group
    assert by_token[TOKEN][1]["To"] == "user0@example.com"
    url, tenant_b = by_token["tenant-b"]
    assert url == f"{API}/email/batch"
    assert [m["To"] for m in tenant_b] == ["user1@example.com", "user3@example.com"]
    assert by_token["tenant-c"][1]["To"] == "user2@example.com"
    assert [m.message_id for m in messages] == [
        "lone",
        "id-user1@example.com",
        "lone",
        "id-user3@example.com",
    ]


# --------------------------------------------------------------------------
# No silent drops


@pytest.mark.parametrize(
    ("attributes", "feature"),
    [
        ({"send_at": dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)}, "send_at"),
        ({"envelope_sender": "bounces@example.com"}, "envelope_sender"),
        ({"tags": ["one", "two"]}, "multiple tags"),
    ],
)
def test_unsupported_features_raise_and_name_themselves(
    mocked: Any, attributes: dict[str, Any], feature: str
) -> None:
    message = msg(**attributes)
    with pytest.raises(UnsupportedFeature) as info:
        EmailBackend(fail_silently=True).send_messages([message])  # never silenced
    assert info.value.feature == feature and feature in str(info.value)
    assert "POSTMARK_IGNORE_UNSUPPORTED_FEATURES" in str(info.value)
    assert len(mocked.calls) == 0


@pytest.mark.parametrize(
    ("mimetype", "feature"),
    [("text/x-amp-html", "text/x-amp-html"), ("text/calendar", "text/calendar")],
)
def test_amp_and_other_alternatives_are_unsupported(mimetype: str, feature: str) -> None:
    message = EmailMultiAlternatives("s", "text", "f@example.com", ["t@example.com"])
    message.attach_alternative("<html amp4email>", mimetype)
    with pytest.raises(UnsupportedFeature, match=feature):
        to_postmark(message)


@pytest.mark.parametrize(
    "configure",
    [
        lambda s: setattr(s, "POSTMARK_IGNORE_UNSUPPORTED_FEATURES", True),
        lambda s: setattr(s, "ANYMAIL", {"IGNORE_UNSUPPORTED_FEATURES": True}),
        lambda s: setattr(s, "ANYMAIL_IGNORE_UNSUPPORTED_FEATURES", "true"),
    ],
    ids=["ours", "ANYMAIL-dict", "ANYMAIL_-prefix"],
)
def test_ignoring_unsupported_features_sends_without_them(
    mocked: Any, settings: Any, configure: Any
) -> None:
    configure(settings)
    mocked.post(f"{API}/email", json=send_response())
    message = PMEmailMultiAlternatives(
        "s", "text", "f@example.com", ["t@example.com"],
        send_at=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc),
        envelope_sender="bounces@example.com",
        tags=["one", "two"],
    )  # fmt: skip
    message.attach_alternative("<p>html</p>", "text/html")
    message.attach_alternative("<html amp4email>", "text/x-amp-html")
    message.attach_alternative("<p>second</p>", "text/html")
    assert EmailBackend().send_messages([message]) == 1
    sent = body_of(mocked.calls[0])
    assert sent["Tag"] == "one" and sent["HtmlBody"] == "<p>html</p>"
    assert "send_at" not in json.dumps(sent) and "amp4email" not in json.dumps(sent)


def test_bad_anymail_flag_value_is_a_configuration_error(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.ANYMAIL = {"IGNORE_UNSUPPORTED_FEATURES": "perhaps"}
    with pytest.raises(ImproperlyConfigured, match="IGNORE_UNSUPPORTED_FEATURES"):
        EmailBackend()
