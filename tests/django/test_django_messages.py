"""Django message -> Postmark JSON: bodies, attachments, headers, options, templates."""

from __future__ import annotations

import base64
import email.message
from email.mime.image import MIMEImage
from email.mime.text import MIMEText
from typing import Any

import django
import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils.translation import gettext_lazy

from postmark.django import PMEmailMessage, PMEmailMultiAlternatives, attach_inline_image
from postmark.django.messages import SendDefaults, UnsupportedContentError, to_postmark
from postmark.exceptions import InvalidMessageError

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def message(**kwargs: Any) -> EmailMessage:
    kwargs.setdefault("subject", "Hello")
    kwargs.setdefault("body", "hello there")
    kwargs.setdefault("from_email", "sender@example.com")
    kwargs.setdefault("to", ["to@example.com"])
    return EmailMessage(**kwargs)


def alternatives(**kwargs: Any) -> EmailMultiAlternatives:
    kwargs.setdefault("subject", "Hello")
    kwargs.setdefault("body", "hello there")
    kwargs.setdefault("from_email", "sender@example.com")
    kwargs.setdefault("to", ["to@example.com"])
    return EmailMultiAlternatives(**kwargs)


# --------------------------------------------------------------------------
# Bodies


def test_text_body_plus_html_alternative() -> None:  # legacy test 12
    msg = alternatives()
    msg.attach_alternative("<b>hello</b> there", "text/html")
    payload = to_postmark(msg)
    assert payload["TextBody"] == "hello there"
    assert payload["HtmlBody"] == "<b>hello</b> there"


def test_content_subtype_html_sends_html_only() -> None:  # legacy tests 13 and 14
    for msg in (message(body="<b>hi</b>"), alternatives(body="<b>hi</b>")):
        msg.content_subtype = "html"
        payload = to_postmark(msg)
        assert payload["HtmlBody"] == "<b>hi</b>"
        assert "TextBody" not in payload


def test_html_body_plus_text_alternative() -> None:
    msg = alternatives(body="<p>hi</p>")
    msg.content_subtype = "html"
    msg.attach_alternative("hi", "text/plain")
    payload = to_postmark(msg)
    assert (payload["HtmlBody"], payload["TextBody"]) == ("<p>hi</p>", "hi")


def test_empty_text_body_next_to_html_is_left_out() -> None:
    msg = alternatives(body="")
    msg.attach_alternative("<p>only html</p>", "text/html; charset=utf-8")
    payload = to_postmark(msg)
    assert payload["HtmlBody"] == "<p>only html</p>"
    assert "TextBody" not in payload


def test_a_message_without_any_body_still_has_one() -> None:
    assert to_postmark(message(body=""))["TextBody"] == ""


def test_second_html_alternative_is_refused() -> None:
    msg = alternatives()
    msg.attach_alternative("<p>one</p>", "text/html")
    msg.attach_alternative("<p>two</p>", "text/html")
    with pytest.raises(UnsupportedContentError, match="two HTML parts"):
        to_postmark(msg)


def test_html_alternative_next_to_an_html_body_is_refused() -> None:
    msg = alternatives(body="<p>body</p>")
    msg.content_subtype = "html"
    msg.attach_alternative("<p>alternative</p>", "text/html")
    with pytest.raises(UnsupportedContentError, match="HtmlBody"):
        to_postmark(msg)


@pytest.mark.parametrize("mimetype", ["text/calendar", "application/json", "text/x-amp-html"])
def test_other_alternative_types_are_refused_not_dropped(mimetype: str) -> None:
    msg = alternatives()
    msg.attach_alternative("BEGIN:VCALENDAR", mimetype)
    with pytest.raises(UnsupportedContentError, match=mimetype) as info:
        to_postmark(msg)
    assert isinstance(info.value, InvalidMessageError)


def test_second_plain_text_part_is_refused() -> None:
    msg = alternatives(body="one")
    msg.attach_alternative("two", "text/plain")
    with pytest.raises(UnsupportedContentError, match="two plain-text parts"):
        to_postmark(msg)


def test_unknown_content_subtype_is_refused() -> None:
    msg = message()
    msg.content_subtype = "xml"
    with pytest.raises(UnsupportedContentError, match="xml"):
        to_postmark(msg)


# --------------------------------------------------------------------------
# Addresses and headers


def test_recipients_cc_bcc_and_reply_to() -> None:
    msg = message(
        to=["a@example.com", "B <b@example.com>"],
        cc=["c@example.com"],
        bcc=["d@example.com", "e@example.com"],
        reply_to=["r@example.com", "s@example.com"],
    )
    payload = to_postmark(msg)
    assert payload["To"] == "a@example.com, B <b@example.com>"
    assert payload["Cc"] == "c@example.com"
    assert payload["Bcc"] == "d@example.com, e@example.com"
    assert payload["ReplyTo"] == "r@example.com, s@example.com"


@pytest.mark.parametrize("name", ["Reply-To", "reply-to", "REPLY-TO"])
def test_reply_to_header_in_any_case_wins_and_caller_keeps_it(name: str) -> None:
    headers = {name: "header@example.com", "X-Custom": "1"}
    msg = message(reply_to=["attribute@example.com"], headers=headers)
    payload = to_postmark(msg)
    assert payload["ReplyTo"] == "header@example.com"
    assert payload["Headers"] == [{"Name": "X-Custom", "Value": "1"}]
    # The old backend popped Reply-To out of the caller's dict.
    assert msg.extra_headers == {name: "header@example.com", "X-Custom": "1"}
    assert msg.extra_headers is headers


def test_extra_headers_become_postmark_headers() -> None:
    msg = message(headers={"X-PM-Tag": "legacy", "Message-ID": "<id@example.com>", "X-Num": 7})
    assert to_postmark(msg)["Headers"] == [
        {"Name": "X-PM-Tag", "Value": "legacy"},
        {"Name": "Message-ID", "Value": "<id@example.com>"},
        {"Name": "X-Num", "Value": "7"},
    ]


@pytest.mark.parametrize(
    "headers",
    [{"X-Evil": "a\r\nBcc: victim@example.com"}, {"X-Evil": "line\nbreak"}],
)
def test_line_breaks_in_headers_are_refused(headers: dict[str, str]) -> None:
    with pytest.raises(InvalidMessageError, match="line break"):
        to_postmark(message(headers=headers))


def test_line_break_in_subject_is_refused() -> None:
    with pytest.raises(InvalidMessageError, match="Subject"):
        to_postmark(message(subject="Hi\nBcc: x@example.com"))


def test_from_header_overrides_from_email_as_django_does() -> None:
    msg = message(headers={"From": "Display <sender@example.com>"})
    payload = to_postmark(msg)
    assert payload["From"] == "Display <sender@example.com>"
    assert "Headers" not in payload


def test_to_header_matching_the_recipients_is_accepted() -> None:
    msg = message(to=["a@example.com"], headers={"To": "A <A@example.com>"})
    assert to_postmark(msg)["To"] == "a@example.com"


def test_display_only_to_header_is_refused() -> None:
    msg = message(to=["a@example.com"], headers={"To": "list@example.com"})
    with pytest.raises(UnsupportedContentError, match="To header"):
        to_postmark(msg)


def test_bcc_header_is_refused() -> None:
    with pytest.raises(UnsupportedContentError, match="bcc"):
        to_postmark(message(headers={"Bcc": "x@example.com"}))


def test_postmark_sender_fills_an_empty_or_placeholder_from() -> None:
    defaults = SendDefaults(sender="pm@example.com", placeholder_from="webmaster@localhost")
    empty = message()
    empty.from_email = ""
    assert to_postmark(empty, defaults)["From"] == "pm@example.com"
    placeholder = message(from_email="webmaster@localhost")
    assert to_postmark(placeholder, defaults)["From"] == "pm@example.com"
    own = message(from_email="own@example.com")
    assert to_postmark(own, defaults)["From"] == "own@example.com"


# --------------------------------------------------------------------------
# Attachments


def test_attach_bytes_and_str() -> None:  # legacy test 17 (str content)
    msg = message()
    msg.attach("data.csv", "1,2,3", "text/csv")
    msg.attach("blob.dat", b"\x00\xff", "application/octet-stream")
    msg.attach("café.txt", "prix: 5 €")
    assert to_postmark(msg)["Attachments"] == [
        # str content keeps its charset, as Django's SMTP backend sends it
        {"Name": "data.csv", "Content": b64(b"1,2,3"), "ContentType": 'text/csv; charset="utf-8"'},
        {
            "Name": "blob.dat",
            "Content": b64(b"\x00\xff"),
            "ContentType": "application/octet-stream",
        },
        {
            "Name": "café.txt",
            "Content": b64("prix: 5 €".encode()),
            "ContentType": 'text/plain; charset="utf-8"',
        },
    ]


def test_attach_file(tmp_path: Any) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(PNG)
    msg = message()
    msg.attach_file(str(path))
    assert to_postmark(msg)["Attachments"] == [
        {"Name": "logo.png", "Content": b64(PNG), "ContentType": "image/png"}
    ]


def test_attachments_given_to_the_constructor_as_tuples() -> None:
    msg = message(attachments=[("a.txt", "hello", "text/plain")])
    attachment = to_postmark(msg)["Attachments"][0]
    assert (attachment["Name"], attachment["Content"]) == ("a.txt", b64(b"hello"))


def test_email_attachment_namedtuples_on_django_5_2_and_later() -> None:
    msg = message()
    msg.attach("a.txt", "hello", "text/plain")
    if django.VERSION >= (5, 2):
        from django.core.mail import EmailAttachment

        assert isinstance(msg.attachments[0], EmailAttachment)
    assert to_postmark(msg)["Attachments"][0]["Content"] == b64(b"hello")


def test_mimebase_attachment() -> None:
    part = MIMEText("from a MIME part", "plain", "utf-8")
    part.add_header("Content-Disposition", "attachment", filename="part.txt")
    msg = message()
    msg.attachments.append(part)  # attach() warns about MIMEBase on Django 6
    assert to_postmark(msg)["Attachments"] == [
        {"Name": "part.txt", "Content": b64(b"from a MIME part"), "ContentType": "text/plain"}
    ]


def test_mimepart_attachment() -> None:
    part = email.message.MIMEPart()
    part.set_content(b"%PDF-1.4", "application", "pdf", filename="doc.pdf")
    msg = message()
    if django.VERSION >= (6, 0):
        msg.attach(part)  # Django 6 takes MIME parts through attach()
    else:
        msg.attachments.append(part)
    assert to_postmark(msg)["Attachments"] == [
        {"Name": "doc.pdf", "Content": b64(b"%PDF-1.4"), "ContentType": "application/pdf"}
    ]


def test_inline_image_content_id_becomes_cid() -> None:
    image = MIMEImage(PNG, "png")
    image.add_header("Content-ID", "<logo@example.com>")  # no disposition: inline
    msg = alternatives()
    msg.attach_alternative('<img src="cid:logo@example.com">', "text/html")
    msg.attachments.append(image)
    attachment = to_postmark(msg)["Attachments"][0]
    assert attachment["ContentID"] == "cid:logo@example.com"
    assert attachment["Content"] == b64(PNG)
    assert attachment["ContentType"] == "image/png"
    assert attachment["Name"]  # Postmark needs a name even for an unnamed image


def test_content_id_on_a_regular_attachment_is_not_inline() -> None:
    image = MIMEImage(PNG, "png")
    image.add_header("Content-ID", "<photo@example.com>")
    image.add_header("Content-Disposition", "attachment", filename="photo.png")
    msg = message()
    msg.attachments.append(image)
    assert "ContentID" not in to_postmark(msg)["Attachments"][0]


def test_attach_inline_image_helper() -> None:
    msg = PMEmailMultiAlternatives(
        subject="Logo", body="", from_email="sender@example.com", to=["to@example.com"]
    )
    cid = attach_inline_image(msg, PNG, "logo.png")
    msg.attach_alternative(f'<img src="cid:{cid}">', "text/html")
    other = msg.attach_inline_image(PNG, content_id="second@example.com")
    payload = to_postmark(msg)
    first, second = payload["Attachments"]
    assert first == {
        "Name": "logo.png",
        "Content": b64(PNG),
        "ContentType": "image/png",
        "ContentID": f"cid:{cid}",
    }
    assert other == "second@example.com"
    assert second["ContentID"] == "cid:second@example.com"
    assert payload["HtmlBody"] == f'<img src="cid:{cid}">'
    # The part is a real MIME part Django itself can render (e.g. for the SMTP backend).
    assert cid in msg.message().as_string()


def test_attached_email_message() -> None:
    inner = message(subject="Forwarded")
    msg = message()
    msg.attach("forwarded.eml", inner.message().as_bytes(), "message/rfc822")
    attachment = to_postmark(msg)["Attachments"][0]
    assert attachment["ContentType"] == "message/rfc822"
    assert b"Subject: Forwarded" in base64.b64decode(attachment["Content"])


def test_unreadable_attachment_is_refused() -> None:
    msg = message()
    msg.attachments.append(42)
    with pytest.raises(InvalidMessageError, match="Attachment #1"):
        to_postmark(msg)


# --------------------------------------------------------------------------
# Postmark options


def test_options_as_attributes_of_a_plain_message() -> None:
    msg = message()
    msg.tag = "welcome"
    msg.metadata = {"user-id": 42, "plan": "pro"}
    msg.message_stream = "broadcast"
    msg.track_opens = True
    msg.track_links = "HtmlOnly"
    payload = to_postmark(msg)
    assert payload["Tag"] == "welcome"
    assert payload["Metadata"] == {"user-id": "42", "plan": "pro"}  # values are strings
    assert payload["MessageStream"] == "broadcast"
    assert payload["TrackOpens"] is True
    assert payload["TrackLinks"] == "HtmlOnly"


def test_settings_defaults_apply_to_plain_messages() -> None:
    # The old backend overwrote POSTMARK_TRACK_OPENS with False for EmailMessage.
    defaults = SendDefaults(track_opens=True, track_links=True, message_stream="outbound-2")
    payload = to_postmark(message(), defaults)
    assert payload["TrackOpens"] is True
    assert payload["TrackLinks"] == "HtmlAndText"
    assert payload["MessageStream"] == "outbound-2"


def test_message_values_win_over_settings_defaults() -> None:
    msg = message()
    msg.track_opens = False
    msg.track_links = False
    msg.message_stream = "own"
    payload = to_postmark(msg, SendDefaults(track_opens=True, track_links="HtmlAndText"))
    assert payload["TrackOpens"] is False
    assert payload["TrackLinks"] == "None"
    assert payload["MessageStream"] == "own"


def test_unset_options_are_left_to_the_server() -> None:
    payload = to_postmark(message(), SendDefaults(track_opens=False))
    for key in ("TrackOpens", "TrackLinks", "MessageStream", "Tag", "Metadata", "Headers"):
        assert key not in payload


def test_bad_track_links_and_metadata_are_refused() -> None:
    msg = message()
    msg.track_links = "Always"
    with pytest.raises(InvalidMessageError, match="track_links"):
        to_postmark(msg)
    msg = message()
    msg.metadata = {"nested": {"no": "dicts"}}
    with pytest.raises(InvalidMessageError, match="Metadata"):
        to_postmark(msg)


# --------------------------------------------------------------------------
# Templates


def test_template_id_message() -> None:
    msg = PMEmailMessage(
        from_email="sender@example.com",
        to=["to@example.com"],
        template_id="1234",
        template_model={"name": "Ada"},
        tag="welcome",
    )
    payload = to_postmark(msg)
    assert payload["TemplateId"] == 1234
    assert payload["TemplateModel"] == {"name": "Ada"}
    for key in ("Subject", "TextBody", "HtmlBody"):
        assert key not in payload


def test_template_alias_without_model_sends_an_empty_model() -> None:
    msg = message(subject="", body="")
    msg.template_alias = "welcome"
    payload = to_postmark(msg)
    assert payload["TemplateAlias"] == "welcome"
    assert payload["TemplateModel"] == {}


def test_template_message_with_its_own_subject_is_refused() -> None:
    msg = message(subject="Ignored?", body="")
    msg.template_alias = "welcome"
    with pytest.raises(UnsupportedContentError, match="subject"):
        to_postmark(msg)


def test_template_model_without_a_template_is_refused() -> None:
    msg = message()
    msg.template_model = {"name": "Ada"}
    with pytest.raises(InvalidMessageError, match="template_model"):
        to_postmark(msg)


def test_non_numeric_template_id_is_an_alias_as_in_anymail() -> None:
    msg = message(subject="", body="")
    msg.template_id = "welcome"
    sent = to_postmark(msg)
    assert sent["TemplateAlias"] == "welcome" and "TemplateId" not in sent
    msg.template_id = " 42 "
    assert to_postmark(msg)["TemplateId"] == 42


def test_template_id_alias_and_a_different_template_alias_are_refused() -> None:
    msg = message(subject="", body="")
    msg.template_id = "welcome"
    msg.template_alias = "goodbye"
    with pytest.raises(InvalidMessageError, match="disagree"):
        to_postmark(msg)
    msg.template_alias = "welcome"
    assert to_postmark(msg)["TemplateAlias"] == "welcome"


# --------------------------------------------------------------------------
# Lazy translation strings


def test_lazy_strings_anywhere() -> None:
    lazy = gettext_lazy
    msg = EmailMultiAlternatives(
        subject=lazy("Subject"),
        body=lazy("Body"),
        from_email=lazy("sender@example.com"),
        to=[lazy("to@example.com")],
        cc=[lazy("cc@example.com")],
        reply_to=[lazy("reply@example.com")],
        headers={"X-Lazy": lazy("header value")},
    )
    msg.attach_alternative(lazy("<p>Body</p>"), "text/html")
    msg.attach(lazy("notes.txt"), lazy("attached text"), "text/plain")
    msg.tag = lazy("tag")
    msg.metadata = {"k": lazy("v")}
    payload = to_postmark(msg)
    assert payload["Subject"] == "Subject" and type(payload["Subject"]) is str
    assert payload["TextBody"] == "Body" and payload["HtmlBody"] == "<p>Body</p>"
    assert payload["To"] == "to@example.com" and payload["Cc"] == "cc@example.com"
    assert payload["ReplyTo"] == "reply@example.com"
    assert payload["Headers"] == [{"Name": "X-Lazy", "Value": "header value"}]
    assert payload["Attachments"][0]["Name"] == "notes.txt"
    assert payload["Tag"] == "tag" and payload["Metadata"] == {"k": "v"}
    templated = message(subject="", body="")
    templated.template_alias = lazy("welcome")
    templated.template_model = {"greeting": lazy("Hello"), "items": [lazy("one")]}
    payload = to_postmark(templated)
    assert payload["TemplateAlias"] == "welcome"
    assert payload["TemplateModel"] == {"greeting": "Hello", "items": ["one"]}


def test_lazy_subject_with_a_line_break_is_still_checked() -> None:
    with pytest.raises(InvalidMessageError, match="Subject"):
        to_postmark(message(subject=gettext_lazy("Hi\r\nBcc: x@example.com")))


# --------------------------------------------------------------------------
# PMEmailMessage and PMEmailMultiAlternatives


def test_pm_classes_take_the_old_keywords() -> None:
    msg = PMEmailMessage(
        "Subject",
        "Body",
        "sender@example.com",
        ["to@example.com"],
        tag="old-tag",
        track_opens=True,
        message_stream="broadcast",
    )
    payload = to_postmark(msg)
    assert (payload["Tag"], payload["TrackOpens"], payload["MessageStream"]) == (
        "old-tag",
        True,
        "broadcast",
    )
    assert isinstance(msg, EmailMessage)


def test_pm_classes_take_the_new_keywords() -> None:
    msg = PMEmailMultiAlternatives(
        subject="Subject",
        body="Body",
        from_email="sender@example.com",
        to=["to@example.com"],
        metadata={"order": "1"},
        track_links="TextOnly",
        inline_css=False,
    )
    msg.attach_alternative("<p>Body</p>", "text/html")
    payload = to_postmark(msg)
    assert payload["Metadata"] == {"order": "1"}
    assert payload["TrackLinks"] == "TextOnly"
    assert payload["HtmlBody"] == "<p>Body</p>"
    assert isinstance(msg, EmailMultiAlternatives)


def test_pm_class_without_options_defers_to_settings() -> None:
    msg = PMEmailMessage(subject="s", body="b", to=["to@example.com"])
    assert msg.track_opens is None and msg.tag is None
    assert to_postmark(msg, SendDefaults(track_opens=True))["TrackOpens"] is True
