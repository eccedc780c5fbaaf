"""PMMail: the legacy keywords, checks, JSON and send() results, over faked HTTP."""

from __future__ import annotations

import base64
import json
import warnings
from email.mime.image import MIMEImage
from typing import Any

import pytest
import responses

import postmark
from postmark import PMMail
from postmark.core import PMMail as CorePMMail

API = "https://api.postmarkapp.com"
OK = {
    "To": "you@example.com",
    "SubmittedAt": "2024-05-14T09:21:37.5512864-04:00",
    "MessageID": "ac70c50b-4904-45f9-80eb-07941a7ec46d",
    "ErrorCode": 0,
    "Message": "OK",
}


def mail(**overrides: Any) -> PMMail:
    fields: dict[str, Any] = {
        "api_key": "server-token",
        "sender": "me@example.com",
        "to": "you@example.com",
        "subject": "Hello",
        "text_body": "Hi there",
    }
    fields.update(overrides)
    return PMMail(**fields)


def sent_json(call_index: int = 0) -> Any:
    return json.loads(responses.calls[call_index].request.body)


def test_core_import_path_is_the_same_class() -> None:
    assert CorePMMail is PMMail
    from postmark.core import PMMailMissingValueException

    assert PMMailMissingValueException is postmark.PMMailMissingValueException


# --------------------------------------------------------------------------
# Missing values: the exact 0.x messages, in the 0.x order


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"api_key": None}, "Cannot send an e-mail without a Postmark API Key", None),
        ({"sender": None}, "Cannot send an e-mail without a sender (.sender field)", "From"),
        (
            {"to": None},
            "Cannot send an e-mail without at least one recipient (.to field or .bcc field)",
            "To",
        ),
        (
            {"template_id": 7},
            "Cannot send a template e-mail without a both template_id and template_model set",
            "TemplateModel",
        ),
        (
            {"template_alias": "welcome"},
            "Cannot send a template e-mail without both a template_alias and template_model set",
            "TemplateModel",
        ),
        (
            {"template_model": {"name": "Ada"}},
            "Cannot send a template e-mail without either a template_id or template_alias set",
            "TemplateId",
        ),
        ({"subject": None}, "Cannot send an e-mail without a subject", "Subject"),
        (
            {"text_body": None},
            "Cannot send an e-mail without either an HTML or text version of your e-mail body",
            "TextBody",
        ),
    ],
)
@responses.activate
def test_missing_values_raise_legacy_messages_and_send_nothing(
    overrides: dict[str, Any], message: str, field: str | None
) -> None:
    with pytest.raises(postmark.PMMailMissingValueException) as caught:
        mail(**overrides).send()
    assert caught.value.parameter == message
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, postmark.MissingValueError)
    assert caught.value.field == field  # the Postmark field it is about, as for every check
    assert len(responses.calls) == 0


def test_first_missing_value_wins() -> None:
    with pytest.raises(postmark.PMMailMissingValueException) as caught:
        PMMail(to="x@example.com").send()
    assert caught.value.parameter == "Cannot send an e-mail without a Postmark API Key"


@responses.activate
def test_bcc_only_message_is_sent() -> None:
    responses.post(f"{API}/email", json=OK)
    assert mail(to=None, bcc="hidden@example.com").send() is True
    body = sent_json()
    assert body["Bcc"] == "hidden@example.com"
    assert "To" not in body


# --------------------------------------------------------------------------
# JSON


def test_to_json_message_maps_every_field() -> None:
    message = mail(
        reply_to="help@example.com",
        cc=["a@example.com", "B <b@example.com>"],
        bcc="c@example.com",
        tag="welcome",
        html_body="<b>Hi</b>",
        track_opens=True,
        track_links="HtmlOnly",
        custom_headers={"X-Campaign": "spring"},
        metadata={"user": "42", "plan": 3},
        message_stream="broadcast",
    )
    assert message.to_json_message() == {
        "From": "me@example.com",
        "To": "you@example.com",
        "Cc": "a@example.com, B <b@example.com>",
        "Bcc": "c@example.com",
        "Subject": "Hello",
        "ReplyTo": "help@example.com",
        "Tag": "welcome",
        "HtmlBody": "<b>Hi</b>",
        "TextBody": "Hi there",
        "TrackOpens": True,
        "TrackLinks": "HtmlOnly",
        "Headers": [{"Name": "X-Campaign", "Value": "spring"}],
        "Metadata": {"user": "42", "plan": 3},
        "MessageStream": "broadcast",
    }


def test_track_opens_false_is_left_out_like_before() -> None:
    assert "TrackOpens" not in mail(track_opens=False).to_json_message()


def test_recipient_is_the_legacy_alias_of_to() -> None:
    message = PMMail(recipient="old@example.com")
    assert message.to == "old@example.com"
    message.recipient = "new@example.com"
    assert message.to == "new@example.com"


def test_template_message_json() -> None:
    message = mail(
        subject=None,
        text_body=None,
        template_alias="welcome",
        template_model={"name": "Ada"},
        inline_css=False,
    )
    body = message.to_json_message()
    assert body["TemplateAlias"] == "welcome"
    assert body["TemplateModel"] == {"name": "Ada"}
    assert body["InlineCss"] is False
    assert "Subject" not in body


def test_property_deleters_reset_to_defaults() -> None:
    message = mail(metadata={"a": "b"}, custom_headers={"X": "1"}, attachments=[("a", "b", "c")])
    del message.metadata
    del message.custom_headers
    del message.attachments
    del message.subject
    assert message.metadata == {}
    assert message.custom_headers == {}
    assert message.attachments == []
    assert message.subject is None


@pytest.mark.parametrize(
    ("keyword", "value", "text"),
    [
        ("custom_headers", ["X-A"], "Custom headers must be a dictionary of key-value pairs"),
        ("metadata", "user=1", "Metadata must be a dictionary of key-value pairs"),
        ("metadata", {"nested": {}}, "Metadata keys and values can only be strings or integers"),
        ("attachments", ("a", "b", "c"), "Attachments must be a list"),
    ],
)
def test_type_errors_in_constructor_as_before(keyword: str, value: Any, text: str) -> None:
    with pytest.raises(TypeError) as caught:
        PMMail(**{keyword: value})
    assert str(caught.value) == text


def test_unknown_keyword_warns_instead_of_vanishing() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        PMMail(html="<b>typo</b>")
    assert any("html" in str(w.message) for w in caught)


# --------------------------------------------------------------------------
# Attachments


def test_attachment_tuples_and_mime_parts_follow_the_legacy_cid_rule() -> None:
    png = b"\x89PNG fake image bytes"
    plain = MIMEImage(png, "png")
    plain.add_header("Content-Disposition", "attachment", filename="image.png")
    by_id = MIMEImage(png, "png")
    by_id.add_header("Content-ID", "<image2@postmarkapp.com>")
    by_id.add_header("Content-Disposition", "attachment", filename="image2.png")
    inline = MIMEImage(png, "png")
    inline.add_header("Content-ID", "<image3@postmarkapp.com>")
    inline.add_header("Content-Disposition", "inline", filename="image3.png")
    message = mail(
        attachments=[
            ("report.csv", "MSwyLDM=", "text/csv"),
            ("logo.png", "aGk=", "image/png", "cid:image@postmarkapp.com"),
            plain,
            by_id,
            inline,
        ]
    )
    items = message.to_json_message()["Attachments"]
    assert items[0] == {"Name": "report.csv", "Content": "MSwyLDM=", "ContentType": "text/csv"}
    assert items[1]["ContentID"] == "cid:image@postmarkapp.com"
    assert items[2]["Name"] == "image.png"
    assert "ContentID" not in items[2]
    assert base64.b64decode(items[2]["Content"]) == png
    assert items[3]["ContentID"] == "image2@postmarkapp.com"
    assert items[4]["ContentID"] == "cid:image3@postmarkapp.com"
    assert items[4]["ContentType"] == "image/png"
    # A part without a file name: Postmark needs a Name, so it is refused here.
    nameless = MIMEImage(png, "png")
    with pytest.raises(postmark.InvalidMessageError, match="has no Name") as caught:
        mail(attachments=[nameless]).to_json_message()
    assert caught.value.field == "Attachments"


def test_attachment_helpers_encode_bytes_and_files(tmp_path: Any) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("héllo".encode())
    from_file = postmark.attachment_from_file(path)
    assert from_file["Name"] == "notes.txt"
    assert from_file["ContentType"] == "text/plain"
    assert base64.b64decode(from_file["Content"]) == "héllo".encode()
    logo = postmark.attachment_from_bytes(b"\x00\x01", "logo.png", content_id="cid:logo")
    assert logo["ContentType"] == "image/png"
    assert logo["ContentID"] == "cid:logo"
    unknown = postmark.attachment_from_bytes(b"x", "blob")
    assert unknown["ContentType"] == "application/octet-stream"
    items = mail(attachments=[from_file, logo]).to_json_message()["Attachments"]
    assert items == [from_file, logo]


def test_bad_attachment_says_which_and_what_to_use() -> None:
    with pytest.raises(postmark.InvalidMessageError) as caught:
        mail(attachments=[("only-name",)]).to_json_message()
    assert "#1" in str(caught.value)
    assert "attachment_from_file" in str(caught.value)
    assert caught.value.field == "Attachments"


# --------------------------------------------------------------------------
# Header injection and local checks


@pytest.mark.parametrize(
    "overrides",
    [
        {"subject": "Hi\r\nBcc: victim@example.com"},
        {"to": "you@example.com\nBcc: victim@example.com"},
        {"cc": ["ok@example.com", "bad@example.com\r"]},
        {"sender": "me@example.com\r\nX-Evil: 1"},
        {"reply_to": "a@example.com\n"},
        {"tag": "t\nX: y"},
        {"custom_headers": {"X-Ok": "fine\r\nX-Evil: 1"}},
        {"custom_headers": {"X-Bad\r\nName": "v"}},
        {"custom_headers": {"Bad Name": "v"}},
    ],
)
@responses.activate
def test_line_breaks_in_headers_are_refused_before_sending(overrides: dict[str, Any]) -> None:
    with pytest.raises(postmark.InvalidMessageError) as caught:
        mail(**overrides).send()
    assert "line break" in str(caught.value) or "header name" in str(caught.value)
    assert len(responses.calls) == 0


@responses.activate
def test_more_than_50_recipients_is_refused_locally() -> None:
    to = [f"user{i}@example.com" for i in range(30)]
    cc = [f"copy{i}@example.com" for i in range(21)]
    with pytest.raises(postmark.InvalidMessageError) as caught:
        mail(to=to, cc=cc).send()
    assert "51 recipients" in str(caught.value)
    assert len(responses.calls) == 0


def test_fifty_recipients_with_quoted_commas_are_fine() -> None:
    to = [f'"Doe, Jane {i}" <jane{i}@example.com>' for i in range(50)]
    assert mail(to=to).to_json_message()["To"].count("@") == 50


def test_invalid_track_links_is_refused() -> None:
    with pytest.raises(postmark.InvalidMessageError) as caught:
        mail(track_links="Always").to_json_message()
    assert "HtmlAndText" in str(caught.value)


@responses.activate
def test_message_over_10_mb_is_refused_before_sending() -> None:
    big = base64.b64encode(b"x" * (8 * 1024 * 1024)).decode()
    with pytest.raises(postmark.InvalidMessageError) as caught:
        mail(attachments=[("big.dat", big, "application/octet-stream")]).send()
    assert "10 MB" in str(caught.value)
    assert len(responses.calls) == 0


# --------------------------------------------------------------------------
# send()


@responses.activate
def test_send_posts_json_and_sets_message_id() -> None:
    responses.post(f"{API}/email", json=OK)
    message = mail()
    assert message.send() is True
    assert message.message_id == OK["MessageID"]
    request = responses.calls[0].request
    assert request.headers["X-Postmark-Server-Token"] == "server-token"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Content-Type"] == "application/json"
    assert sent_json() == message.to_json_message()


@responses.activate
def test_send_return_json_returns_postmarks_answer() -> None:
    responses.post(f"{API}/email", json=OK)
    assert mail().send(return_json=True) == OK


@responses.activate
def test_return_json_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    responses.post(f"{API}/email", json=OK)
    monkeypatch.setenv("POSTMARK_RETURN_JSON", "true")
    assert mail().send()["MessageID"] == OK["MessageID"]


@responses.activate
def test_template_message_goes_to_with_template_endpoint() -> None:
    responses.post(f"{API}/email/withTemplate", json=OK)
    message = mail(subject=None, text_body=None, template_id=12, template_model={"x": 1})
    assert message.send() is True
    assert sent_json()["TemplateId"] == 12


@responses.activate
def test_test_mode_prints_json_and_sends_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert mail().send(test=True) is None
    out = capsys.readouterr().out
    assert out.startswith("JSON message is:\n")
    assert json.loads(out.split("\n", 1)[1]) == mail().to_json_message()
    assert len(responses.calls) == 0


@responses.activate
def test_test_mode_setting_from_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POSTMARK_TEST_MODE", "1")
    assert mail().send() is None
    assert "JSON message is:" in capsys.readouterr().out
    assert len(responses.calls) == 0


def test_settings_fill_api_key_sender_and_track_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTMARK_API_KEY", "legacy-token")
    monkeypatch.setenv("POSTMARK_SENDER", "Default <default@example.com>")
    monkeypatch.setenv("POSTMARK_TRACK_OPENS", "true")
    message = PMMail(to="you@example.com")
    assert message.api_key == "legacy-token"
    assert message.sender == "Default <default@example.com>"
    assert message.track_opens is True
    monkeypatch.setenv("POSTMARK_SERVER_TOKEN", "new-token")
    assert PMMail().api_key == "new-token"
    assert PMMail(api_key="explicit").api_key == "explicit"


@pytest.mark.parametrize(
    ("status", "body", "legacy", "new"),
    [
        (
            401,
            {"ErrorCode": 10, "Message": "Bad token"},
            "PMMailUnauthorizedException",
            "UnauthorizedError",
        ),
        (
            422,
            {"ErrorCode": 300, "Message": "Invalid 'To' address: 'x'."},
            "PMMailUnprocessableEntityException",
            "UnprocessableEntityError",
        ),
        (
            422,
            {
                "ErrorCode": 406,
                "Message": "You tried to send to a recipient that has been "
                "marked as inactive. Found inactive addresses: gone@example.com. Inactive "
                "recipients are ones that have generated a hard bounce, a spam complaint, "
                "or a manual suppression. ",
            },
            "PMMailInactiveRecipientException",
            "InactiveRecipientError",
        ),
        (
            500,
            {"ErrorCode": 101, "Message": "Internal"},
            "PMMailServerErrorException",
            "ServerError",
        ),
        (404, {"ErrorCode": 0, "Message": "Not found"}, "PMMailSendException", "NotFoundError"),
    ],
)
@responses.activate
def test_http_errors_raise_legacy_and_new_classes(
    status: int, body: dict[str, Any], legacy: str, new: str
) -> None:
    responses.post(f"{API}/email", json=body, status=status)
    with pytest.raises(getattr(postmark, legacy)) as caught:
        mail().send()
    error = caught.value
    assert isinstance(error, getattr(postmark, new))
    assert error.http_status == status
    assert error.api_message == body["Message"]
    assert body["Message"] in str(error)
    assert len(responses.calls) == 1  # none of these is retried for a POST


@responses.activate
def test_inactive_error_lists_addresses_and_is_not_unprocessable() -> None:
    responses.post(
        f"{API}/email",
        status=422,
        json={
            "ErrorCode": 406,
            "Message": "You tried to send to recipient(s) that have been marked as inactive. "
            "Found inactive addresses: a@example.com, b@example.org. Inactive recipients are "
            "ones that have generated a hard bounce, a spam complaint, or a manual suppression.",
        },
    )
    with pytest.raises(postmark.InactiveRecipientError) as caught:
        mail(to="a@example.com, b@example.org").send()
    assert caught.value.inactive_recipients == ["a@example.com", "b@example.org"]
    assert not isinstance(caught.value, postmark.PMMailUnprocessableEntityException)


@pytest.mark.parametrize("status", [404, 429, 503])
@responses.activate
def test_statuses_that_used_to_return_none_now_raise(status: int, no_sleep: list[float]) -> None:
    responses.post(f"{API}/email", json={"ErrorCode": 0, "Message": "nope"}, status=status)
    with pytest.raises(postmark.APIError) as caught:
        mail().send()
    assert caught.value.http_status == status


@responses.activate
def test_partly_inactive_200_exposes_the_skipped_addresses() -> None:
    answer = dict(
        OK,
        Message="Message OK, but will not deliver to these inactive addresses: "
        "gone@example.com. Inactive recipients are ones that have generated a hard bounce "
        "or a spam complaint.",
    )
    responses.post(f"{API}/email", json=answer)
    message = mail(to="you@example.com, gone@example.com")
    assert message.send() is True
    assert message.inactive_recipients == ["gone@example.com"]


@responses.activate
def test_one_connection_pool_is_shared_by_messages_with_the_same_token() -> None:
    responses.post(f"{API}/email", json=OK)
    mail().send()
    mail().send()
    mail(api_key="other").send()
    assert len(postmark.core._clients) == 2


def test_repr_shows_no_token() -> None:
    assert "server-token" not in repr(mail())
