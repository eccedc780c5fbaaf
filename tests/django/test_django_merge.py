"""merge_data / merge_global_data / merge_metadata / merge_headers: one message per To (item 2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from django.core.mail import EmailMessage
from django_helpers import API, batch_echo

from postmark.django import PMEmailMessage, UnsupportedFeature
from postmark.django.backend import EmailBackend
from postmark.django.recipients import RecipientStatus
from postmark.exceptions import InvalidMessageError, PostmarkError, RecipientsRefused, ServerError

INACTIVE = (
    "You tried to send to a recipient that has been marked as inactive. Found inactive "
    "addresses: b@example.com. Inactive recipients are ones that have generated a hard "
    "bounce, a spam complaint, or a manual suppression. "
)


def sent_messages(mocked: Any, call: int = 0) -> list[dict[str, Any]]:
    body = json.loads(mocked.calls[call].request.body)
    return body["Messages"] if isinstance(body, dict) else body


@pytest.fixture
def batch(mocked: responses.RequestsMock) -> responses.RequestsMock:
    mocked.add_callback(responses.POST, f"{API}/email/batch", callback=batch_echo)
    mocked.add_callback(responses.POST, f"{API}/email/batchWithTemplates", callback=batch_echo)
    return mocked


def test_plain_email_message_with_merge_data_sends_one_template_message_each(batch: Any) -> None:
    # The attributes an anymail user sets on a plain EmailMessage (ignored before #13).
    message = EmailMessage(
        from_email="shop@example.com", to=["Ada <ada@example.com>", "b@example.com"]
    )
    message.template_id = 1234
    message.merge_global_data = {"shop": "Acme", "greeting": "Hi"}
    message.merge_data = {"ada@example.com": {"name": "Ada", "greeting": "Hello"}}
    assert EmailBackend().send_messages([message]) == 1
    assert batch.calls[0].request.url == f"{API}/email/batchWithTemplates"
    first, second = sent_messages(batch)
    assert first["To"] == "Ada <ada@example.com>"
    assert first["TemplateModel"] == {"shop": "Acme", "greeting": "Hello", "name": "Ada"}
    assert second["To"] == "b@example.com"
    assert second["TemplateModel"] == {"shop": "Acme", "greeting": "Hi"}
    assert first["TemplateId"] == second["TemplateId"] == 1234


def test_template_model_and_merge_global_data_combine(batch: Any) -> None:
    message = PMEmailMessage(
        to=["a@example.com"],
        template_alias="welcome",
        template_model={"a": 1, "b": 1},
        merge_global_data={"b": 2},
        merge_data={"a@example.com": {"c": 3}},
    )
    EmailBackend().send_messages([message])
    assert sent_messages(batch)[0]["TemplateModel"] == {"a": 1, "b": 2, "c": 3}


def test_every_recipient_result_lands_in_the_status(batch: Any) -> None:
    message = PMEmailMessage(
        to=["a@example.com", "b@example.com"], template_id=7, merge_data={}, cc=["c@example.com"]
    )
    EmailBackend().send_messages([message])
    recipients = message.postmark_recipients
    assert recipients["a@example.com"] == RecipientStatus("sent", "id-a@example.com")
    assert recipients["b@example.com"] == RecipientStatus("sent", "id-b@example.com")
    assert recipients["c@example.com"].status == "sent"  # cc'd on every copy
    assert message.message_id == {"id-a@example.com", "id-b@example.com"}
    assert [o.message_id for o in message.postmark_outcomes] == [
        "id-a@example.com",
        "id-b@example.com",
    ]
    assert message.postmark_status == "sent"
    assert [m["Cc"] for m in sent_messages(batch)] == ["c@example.com", "c@example.com"]


def test_metadata_and_headers_per_recipient_without_a_template(batch: Any) -> None:
    message = EmailMessage(
        "Your invoice", "Attached.", "shop@example.com", ["a@example.com", "b@example.com"],
        headers={"X-Campaign": "spring", "X-Locale": "en"},
    )  # fmt: skip
    message.metadata = {"campaign": "spring"}
    message.merge_metadata = {"a@example.com": {"user": 1}, "b@example.com": {"user": 2}}
    message.merge_headers = {"b@example.com": {"x-locale": "fr", "List-Unsubscribe": "<u>"}}
    assert EmailBackend().send_messages([message]) == 1
    assert batch.calls[0].request.url == f"{API}/email/batch"
    first, second = sent_messages(batch)
    assert first["Metadata"] == {"campaign": "spring", "user": "1"}
    assert second["Metadata"] == {"campaign": "spring", "user": "2"}
    assert first["Headers"] == [
        {"Name": "X-Campaign", "Value": "spring"},
        {"Name": "X-Locale", "Value": "en"},
    ]
    assert second["Headers"] == [
        {"Name": "X-Campaign", "Value": "spring"},
        {"Name": "x-locale", "Value": "fr"},
        {"Name": "List-Unsubscribe", "Value": "<u>"},
    ]
    assert first["Subject"] == second["Subject"] == "Your invoice"


def test_one_recipient_merge_still_uses_the_batch_endpoint(batch: Any) -> None:
    message = PMEmailMessage("s", "b", "f@example.com", ["a@example.com"], merge_metadata={})
    EmailBackend().send_messages([message])
    assert batch.calls[0].request.url == f"{API}/email/batch"


def test_merge_and_plain_messages_share_the_batch(batch: Any) -> None:
    merged = PMEmailMessage("s", "b", "f@example.com", ["a@example.com", "b@example.com"])
    merged.merge_metadata = {}
    plain = EmailMessage("s", "b", "f@example.com", ["c@example.com"])
    assert EmailBackend().send_messages([merged, plain]) == 2
    assert [m["To"] for m in sent_messages(batch)] == [
        "a@example.com",
        "b@example.com",
        "c@example.com",
    ]
    assert plain.message_id == "id-c@example.com"


def test_merge_data_without_a_template_is_unsupported(batch: Any) -> None:
    message = EmailMessage("s", "b", "f@example.com", ["a@example.com"])
    message.merge_data = {"a@example.com": {"x": 1}}
    with pytest.raises(UnsupportedFeature, match="merge_data without template_id"):
        EmailBackend().send_messages([message])
    assert len(batch.calls) == 0
    # ... and sent without it when unsupported features are ignored.
    assert EmailBackend(ignore_unsupported_features=True).send_messages([message]) == 1
    assert "TemplateModel" not in sent_messages(batch)[0]


def test_merge_global_data_without_a_template_is_unsupported(batch: Any) -> None:
    message = EmailMessage("s", "b", "f@example.com", ["a@example.com"])
    message.merge_global_data = {"x": 1}
    with pytest.raises(UnsupportedFeature, match="merge_global_data"):
        EmailBackend().send_messages([message])


def test_a_refused_recipient_is_a_status_not_a_failed_message(mocked: Any) -> None:
    answer = [
        {"ErrorCode": 0, "Message": "OK", "MessageID": "id-a", "To": "a@example.com"},
        {"ErrorCode": 406, "Message": INACTIVE},
    ]
    mocked.post(f"{API}/email/batchWithTemplates", json=answer)
    message = PMEmailMessage(to=["a@example.com", "b@example.com"], template_id=1, merge_data={})
    assert EmailBackend().send_messages([message]) == 1
    assert message.postmark_status == "sent" and message.postmark_error is None
    assert message.postmark_recipients["b@example.com"] == RecipientStatus("rejected")
    assert message.message_id == "id-a"


def test_every_copy_refused_raises_recipients_refused(mocked: Any) -> None:
    answer = [
        {"ErrorCode": 406, "Message": INACTIVE.replace("b@", "a@")},
        {"ErrorCode": 406, "Message": INACTIVE},
    ]
    mocked.post(f"{API}/email/batchWithTemplates", json=answer)
    message = PMEmailMessage(to=["a@example.com", "b@example.com"], template_id=1, merge_data={})
    with pytest.raises(RecipientsRefused, match=r"a@example\.com, b@example\.com"):
        EmailBackend().send_messages([message])


def test_a_copy_that_failed_for_another_reason_makes_the_message_partial(mocked: Any) -> None:
    answer = [
        {"ErrorCode": 0, "Message": "OK", "MessageID": "id-a", "To": "a@example.com"},
        {"ErrorCode": 1101, "Message": "Template rendering failed"},
    ]
    mocked.post(f"{API}/email/batchWithTemplates", json=answer)
    message = PMEmailMessage(to=["a@example.com", "b@example.com"], template_id=1, merge_data={})
    with pytest.raises(PostmarkError) as info:
        EmailBackend().send_messages([message])
    assert info.value.error_code == 1101
    assert message.postmark_status == "partial"
    assert message.postmark_recipients.statuses == {"sent", "failed"}


def test_a_failed_batch_request_fails_every_copy(mocked: Any, no_sleep: Any) -> None:
    mocked.post(f"{API}/email/batch", status=500, json={"ErrorCode": 500, "Message": "Boom"})
    message = PMEmailMessage("s", "b", "f@example.com", ["a@example.com", "b@example.com"])
    message.merge_metadata = {}
    with pytest.raises(ServerError):
        EmailBackend().send_messages([message])
    assert message.postmark_status == "failed"
    assert message.postmark_recipients.statuses == {"failed"}


def test_merge_attributes_must_be_dicts(batch: Any) -> None:
    message = PMEmailMessage("s", "b", "f@example.com", ["a@example.com"])
    message.merge_metadata = ["a@example.com"]  # type: ignore[assignment]
    with pytest.raises(InvalidMessageError, match="merge_metadata"):
        EmailBackend().send_messages([message])


def test_test_mode_logs_every_copy(settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    settings.POSTMARK_TEST_MODE = True
    message = PMEmailMessage(to=["a@example.com", "b@example.com"], template_id=1, merge_data={})
    with caplog.at_level("INFO", logger="postmark"):
        assert EmailBackend().send_messages([message]) == 1
    assert caplog.text.count("JSON message is") == 2
    assert message.postmark_status == "test"
