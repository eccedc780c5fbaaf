"""Per-recipient status from Postmark's answers, and RecipientsRefused (issue #13, item 1)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django_helpers import API, send_response

import postmark
import postmark.django
from postmark.django.backend import EmailBackend
from postmark.django.recipients import RecipientStatus, RecipientStatuses, invalid_addresses
from postmark.exceptions import (
    APIError,
    InactiveRecipientError,
    PMMailInactiveRecipientException,
    RecipientsRefused,
    ServerError,
    UnprocessableEntityError,
)

INACTIVE_406 = (
    "You tried to send to recipient(s) that have been marked as inactive. Found inactive "
    "addresses: gone@example.com. Inactive recipients are ones that have generated a hard "
    "bounce, a spam complaint, or a manual suppression."
)


def msg(to: list[str], **kwargs: Any) -> EmailMessage:
    return EmailMessage("Hello", "Hi", "sender@example.com", to, **kwargs)


def ok(message_id: str, text: str = "OK", to: str = "x@example.com") -> dict[str, Any]:
    return {**send_response(message_id), "Message": text, "To": to}


def test_every_recipient_gets_a_status_and_the_message_id(mocked: Any) -> None:
    mocked.post(f"{API}/email", json=ok("id-1"))
    message = msg(["Ada <ada@example.com>"], cc=["cc@example.com"], bcc=["bcc@example.com"])
    assert EmailBackend().send_messages([message]) == 1
    assert dict(message.postmark_recipients) == {
        "ada@example.com": RecipientStatus("sent", "id-1"),
        "cc@example.com": RecipientStatus("sent", "id-1"),
        "bcc@example.com": RecipientStatus("sent", "id-1"),
    }
    assert message.postmark_recipients["ADA@example.com"].status == "sent"  # any letter case


def test_inactive_addresses_in_a_200_answer_are_rejected_the_others_sent(mocked: Any) -> None:
    text = "Message OK, but will not deliver to these inactive addresses: gone@example.com."
    mocked.post(f"{API}/email", json=ok("id-2", text))
    message = msg(["Here@example.com", "Gone@Example.com"])
    assert EmailBackend().send_messages([message]) == 1
    assert message.postmark_status == "sent"
    assert message.postmark_recipients["here@example.com"] == RecipientStatus("sent", "id-2")
    assert message.postmark_recipients["gone@example.com"] == RecipientStatus("rejected", None)
    # Keys keep the address as the message spelled it.
    assert list(message.postmark_recipients) == ["Here@example.com", "Gone@Example.com"]


def test_delivery_may_be_delayed_means_queued(mocked: Any) -> None:
    mocked.post(f"{API}/email", json=ok("id-3", "Message accepted, but delivery may be delayed."))
    message = msg(["ada@example.com"])
    EmailBackend().send_messages([message])
    assert message.postmark_recipients["ada@example.com"] == RecipientStatus("queued", "id-3")


def test_200_with_every_recipient_inactive_raises_recipients_refused(mocked: Any) -> None:
    text = "Message OK, but will not deliver to these inactive addresses: gone@example.com."
    mocked.post(f"{API}/email", json=ok("id-4", text))
    message = msg(["gone@example.com"])
    with pytest.raises(RecipientsRefused, match=r"gone@example\.com") as info:
        EmailBackend().send_messages([message])
    assert message.postmark_status == "failed"
    assert message.postmark_error is info.value
    assert message.postmark_recipients["gone@example.com"].status == "rejected"


def test_406_raises_recipients_refused_that_old_except_clauses_still_catch(mocked: Any) -> None:
    mocked.post(f"{API}/email", status=422, json={"ErrorCode": 406, "Message": INACTIVE_406})
    message = msg(["gone@example.com"])
    with pytest.raises(RecipientsRefused) as info:
        EmailBackend().send_messages([message])
    error = info.value
    assert isinstance(error, InactiveRecipientError)
    assert isinstance(error, PMMailInactiveRecipientException)
    assert error.error_code == 406 and error.inactive_recipients == ["gone@example.com"]
    assert message.postmark_recipients["gone@example.com"] == RecipientStatus("rejected")


def test_406_naming_only_some_recipients_fails_the_others(mocked: Any) -> None:
    mocked.post(f"{API}/email", status=422, json={"ErrorCode": 406, "Message": INACTIVE_406})
    message = msg(["gone@example.com", "here@example.com"])
    with pytest.raises(InactiveRecipientError) as info:
        EmailBackend().send_messages([message])
    assert not isinstance(info.value, RecipientsRefused)  # here@ got nothing for another reason
    assert message.postmark_recipients.statuses == {"rejected", "failed"}
    assert message.postmark_recipients["here@example.com"].status == "failed"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Invalid 'To' address: 'not-an-address'.", "not-an-address"),
        ("Error parsing 'Cc': Illegal email domain 'x' in address 'a@x'.", "a@x"),
        (
            "Error parsing 'Bcc': Illegal email address 'nobody'. It must contain the '@' symbol.",
            "nobody",
        ),
    ],
)
def test_300_naming_a_recipient_marks_it_invalid(mocked: Any, text: str, address: str) -> None:
    mocked.post(f"{API}/email", status=422, json={"ErrorCode": 300, "Message": text})
    message = msg(["ok@example.com"])
    with pytest.raises(UnprocessableEntityError):
        EmailBackend().send_messages([message])
    assert invalid_addresses(message.postmark_error) == [address]


def test_300_for_the_only_recipient_raises_recipients_refused(mocked: Any) -> None:
    text = "Invalid 'To' address: 'nobody@example.com'."
    mocked.post(f"{API}/email", status=422, json={"ErrorCode": 300, "Message": text})
    message = msg(["nobody@example.com"])
    with pytest.raises(RecipientsRefused) as info:
        EmailBackend().send_messages([message])
    assert isinstance(info.value, UnprocessableEntityError) and info.value.error_code == 300
    assert message.postmark_recipients["nobody@example.com"].status == "invalid"


def test_300_about_the_sender_is_not_a_recipient_status(mocked: Any) -> None:
    text = "Invalid 'From' address: 'nobody'."
    mocked.post(f"{API}/email", status=422, json={"ErrorCode": 300, "Message": text})
    message = msg(["ada@example.com"])
    with pytest.raises(UnprocessableEntityError) as info:
        EmailBackend().send_messages([message])
    assert not isinstance(info.value, RecipientsRefused)
    assert message.postmark_recipients["ada@example.com"].status == "failed"


def test_server_errors_fail_every_recipient(mocked: Any) -> None:
    mocked.post(f"{API}/email", status=500, json={"ErrorCode": 500, "Message": "Boom"})
    message = msg(["ada@example.com", "bob@example.com"])
    with pytest.raises(ServerError):
        EmailBackend().send_messages([message])
    assert message.postmark_recipients.statuses == {"failed"}


def test_batch_entries_give_each_message_its_recipients_status(mocked: Any) -> None:
    entries = [
        ok("id-a", to="a@example.com"),
        {"ErrorCode": 406, "Message": INACTIVE_406},
        ok("id-c", "Message OK, but will not deliver to these inactive addresses: d@example.com."),
    ]
    mocked.post(f"{API}/email/batch", json=entries)
    messages = [msg(["a@example.com"]), msg(["gone@example.com"]), msg(["c@example.com"])]
    messages[2].cc = ["d@example.com"]
    with pytest.raises(RecipientsRefused) as info:
        EmailBackend().send_messages(messages)
    # Every failure was a refusal of all recipients, so the batch's error is one too,
    # and still an InactiveRecipientError (every refusal was a 406).
    assert isinstance(info.value, InactiveRecipientError)
    assert info.value.inactive_recipients == ["gone@example.com"]
    assert "1 of 3" in str(info.value)
    assert messages[0].postmark_recipients["a@example.com"] == RecipientStatus("sent", "id-a")
    assert messages[1].postmark_recipients["gone@example.com"] == RecipientStatus("rejected")
    assert messages[2].postmark_recipients["c@example.com"] == RecipientStatus("sent", "id-c")
    assert messages[2].postmark_recipients["d@example.com"] == RecipientStatus("rejected")
    assert [m.postmark_status for m in messages] == ["sent", "failed", "sent"]


def test_batch_with_a_refusal_and_another_error_raises_the_other_class(mocked: Any) -> None:
    entries = [{"ErrorCode": 406, "Message": INACTIVE_406}, {"ErrorCode": 1235, "Message": "No"}]
    mocked.post(f"{API}/email/batch", json=entries)
    with pytest.raises(UnprocessableEntityError) as info:
        EmailBackend().send_messages([msg(["gone@example.com"]), msg(["b@example.com"])])
    assert not isinstance(info.value, RecipientsRefused)
    assert "2 of 2" in str(info.value)


@pytest.mark.parametrize(
    "configure",
    [
        lambda s: setattr(s, "POSTMARK_IGNORE_RECIPIENT_STATUS", True),
        lambda s: setattr(s, "ANYMAIL", {"IGNORE_RECIPIENT_STATUS": True}),
        lambda s: setattr(s, "ANYMAIL_IGNORE_RECIPIENT_STATUS", True),
    ],
    ids=["ours", "ANYMAIL-dict", "ANYMAIL_-prefix"],
)
def test_ignore_recipient_status_settings(mocked: Any, settings: Any, configure: Any) -> None:
    configure(settings)
    mocked.post(f"{API}/email", status=422, json={"ErrorCode": 406, "Message": INACTIVE_406})
    message = msg(["gone@example.com"])
    assert EmailBackend().send_messages([message]) == 0  # not raised, not counted as sent
    assert message.postmark_status == "failed"
    assert isinstance(message.postmark_error, RecipientsRefused)
    assert message.postmark_recipients["gone@example.com"].status == "rejected"


def test_ignore_recipient_status_does_not_hide_other_errors(mocked: Any) -> None:
    mocked.post(f"{API}/email", status=500, json={"ErrorCode": 500, "Message": "Boom"})
    with pytest.raises(ServerError):
        EmailBackend(ignore_recipient_status=True).send_messages([msg(["a@example.com"])])


def test_our_setting_wins_over_anymails(mocked: Any, settings: Any) -> None:
    settings.ANYMAIL = {"IGNORE_RECIPIENT_STATUS": True}
    settings.POSTMARK_IGNORE_RECIPIENT_STATUS = False
    assert EmailBackend().ignore_recipient_status is False


def test_fail_silently_covers_recipients_refused(
    mocked: Any, caplog: pytest.LogCaptureFixture
) -> None:
    mocked.post(f"{API}/email", status=422, json={"ErrorCode": 406, "Message": INACTIVE_406})
    message = msg(["gone@example.com"])
    with caplog.at_level(logging.ERROR, logger="postmark.django"):
        assert EmailBackend(fail_silently=True).send_messages([message]) == 0
    assert "refused every recipient" in caplog.text


def test_recipients_refused_is_exported_and_an_api_error() -> None:
    assert postmark.RecipientsRefused is RecipientsRefused is postmark.django.RecipientsRefused
    assert issubclass(RecipientsRefused, APIError)


def test_local_refusals_fail_every_recipient(mocked: Any) -> None:
    message = msg(["ada@example.com"], headers={"X-Bad": "a\r\nb"})
    with pytest.raises(postmark.InvalidMessageError):
        EmailBackend().send_messages([message])
    assert message.postmark_recipients["ada@example.com"].status == "failed"
    assert len(mocked.calls) == 0


def test_statuses_mapping_basics() -> None:
    statuses = RecipientStatuses([("A@x.com", RecipientStatus("sent", "1"))])
    statuses["a@X.com"] = RecipientStatus("rejected")
    assert list(statuses) == ["A@x.com"] and len(statuses) == 1
    assert statuses.all_refused and not RecipientStatuses().all_refused
    assert "rejected" in repr(statuses)
    assert json.dumps({k: v.status for k, v in statuses.items()}) == '{"A@x.com": "rejected"}'
