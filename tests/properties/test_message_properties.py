"""Properties of message building, for arbitrary input (hypothesis).

* unicode names, subjects and bodies reach the JSON exactly, and the
  sandbox over a real socket stores them exactly;
* CR or LF never reaches a header: a header field holding one is refused
  before anything is sent, and one without is used unchanged;
* attachments survive byte for byte: attachment_from_bytes -> JSON ->
  base64, through PMMail.to_json_message and through the sandbox;
* encode_message (which copies large attachments straight into the body)
  produces exactly encode_json's bytes.

Example counts are kept modest so the whole module runs in a few seconds.
"""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import postmark.payloads
from postmark import PMBatchMail, PMMail, ServerClient, attachment_from_bytes
from postmark.exceptions import InvalidMessageError
from postmark.payloads import build_message, encode_message
from postmark.protocol import encode_json
from postmark.sandbox import Sandbox

FAST = settings(max_examples=150, deadline=None)
OVER_SOCKETS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Any unicode text (hypothesis leaves out lone surrogates, which no JSON encoder
# can put in UTF-8), and text a header may hold: no control characters or
# line separators (test_field_checks.py covers what happens to those).
text = st.text(max_size=200)
one_line = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60)
with_line_break = st.builds(
    lambda head, brk, tail: head + brk + tail,
    one_line,
    st.sampled_from(["\r", "\n", "\r\n"]),
    one_line,
)
# Display names for a "Name <address>" sender: no quotes, brackets or commas to escape.
display_name = (
    st.text(
        st.characters(
            blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters='"\\<>,;:@()[]\r\n'
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)

HEADER_FIELDS = ("sender", "to", "cc", "bcc", "reply_to", "subject", "tag")
ADDRESS_FIELDS = {"to", "cc", "bcc", "reply_to"}


def minimal(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "sender": "me@example.com",
        "to": "a@example.com",
        "subject": "s",
        "text_body": "x",
    }
    values.update(fields)
    return values


def key_of(field: str) -> str:
    return {
        "sender": "From",
        "to": "To",
        "cc": "Cc",
        "bcc": "Bcc",
        "reply_to": "ReplyTo",
        "subject": "Subject",
        "tag": "Tag",
    }[field]


# --------------------------------------------------------------------------
# Unicode round trips


@FAST
@given(name=display_name, subject=one_line, html=text, body=text, meta=one_line)
def test_unicode_fields_round_trip_through_the_json(
    name: str, subject: str, html: str, body: str, meta: str
) -> None:
    sender = f'"{name}" <me@example.com>'
    message = build_message(
        sender=sender,
        to="a@example.com",
        subject=subject,
        html_body=html,
        text_body=body,
        metadata={"note": meta},
    )
    decoded = json.loads(encode_json(message))
    assert decoded["From"] == sender
    assert decoded["Subject"] == subject
    assert decoded["HtmlBody"] == html
    assert decoded["TextBody"] == body
    assert decoded["Metadata"] == {"note": meta}
    assert decoded == message


@FAST
@given(subject=one_line, html=text, body=text)
def test_pmmail_json_is_the_same_as_build_message(subject: str, html: str, body: str) -> None:
    mail = PMMail(
        sender="me@example.com", to="a@example.com", subject=subject, html_body=html, text_body=body
    )
    expected = build_message(
        sender="me@example.com", to="a@example.com", subject=subject, html_body=html, text_body=body
    )
    assert mail.to_json_message() == expected
    assert json.loads(encode_json(mail.to_json_message())) == expected


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> Iterator[ServerClient]:
    with ServerClient("property-token", base_url=sandbox.url, retries=0) as server_client:
        yield server_client


@OVER_SOCKETS
@given(
    name=display_name,
    subject=one_line.filter(lambda s: s.strip()),
    html=text,
    body=text.filter(str.strip),  # Postmark needs a text or an HTML body
    data=st.binary(min_size=1, max_size=2048),
)
def test_what_the_sandbox_stores_is_what_was_given(
    client: ServerClient,
    sandbox: Sandbox,
    name: str,
    subject: str,
    html: str,
    body: str,
    data: bytes,
) -> None:
    sandbox.clear()
    sender = f'"{name}" <me@example.com>'
    answer = client.email.send(
        sender=sender,
        to="a@example.com",
        subject=subject,
        html_body=html,
        text_body=body,
        attachments=[attachment_from_bytes(data, "report.pdf")],
    )
    [stored] = sandbox.messages()
    request = stored["Request"]
    assert stored["MessageID"] == answer["MessageID"]
    assert (request["From"], request["Subject"]) == (sender, subject)
    assert (request.get("HtmlBody"), request.get("TextBody")) == (html, body)
    assert base64.b64decode(request["Attachments"][0]["Content"]) == data


# --------------------------------------------------------------------------
# CR and LF never reach a header


@FAST
@given(field=st.sampled_from(HEADER_FIELDS), value=with_line_break)
def test_a_line_break_in_any_header_field_is_refused(field: str, value: str) -> None:
    with pytest.raises(InvalidMessageError) as caught:
        build_message(**minimal(**{field: value}))
    assert "line break" in str(caught.value)


@FAST
@given(field=st.sampled_from(HEADER_FIELDS), value=with_line_break)
def test_a_line_break_is_refused_in_a_dict_and_in_a_pmmail_before_sending(
    field: str, value: str
) -> None:
    # A closed port: had anything been sent, this would be a TransportError instead.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ServerClient("t", base_url=f"http://127.0.0.1:{port}", retries=0)
    as_dict = {
        "From": "me@example.com",
        "To": "a@example.com",
        "Subject": "s",
        "TextBody": "x",
        key_of(field): value,
    }
    with pytest.raises(InvalidMessageError):
        client.email.send(as_dict)
    with pytest.raises(InvalidMessageError):
        client.email.send_batch([as_dict]).raise_for_failures()
    with pytest.raises(InvalidMessageError):
        PMMail(**minimal(**{field: value})).to_json_message()


@FAST
@given(field=st.sampled_from(("subject", "tag")), value=one_line.filter(lambda s: s.strip()))
def test_text_header_fields_without_control_characters_are_used_unchanged(
    field: str, value: str
) -> None:
    # Addresses follow Postmark's address rules: see test_field_checks.py.
    message = build_message(**minimal(**{field: value}))
    assert message[key_of(field)] == value


@FAST
@given(local=st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,15}[a-z0-9]", fullmatch=True))
def test_addresses_as_strings_and_as_lists_are_used_unchanged(local: str) -> None:
    for field in sorted(ADDRESS_FIELDS):
        address = f"{local.replace('..', '.')}@example.com"
        assert build_message(**minimal(**{field: address}))[key_of(field)] == address
        assert build_message(**minimal(**{field: [address]}))[key_of(field)] == address


@FAST
@given(name=st.from_regex(r"X-[A-Za-z0-9-]{1,20}", fullmatch=True), value=with_line_break)
def test_custom_header_values_with_line_breaks_are_refused(name: str, value: str) -> None:
    with pytest.raises(InvalidMessageError):
        build_message(**minimal(headers={name: value}))
    with pytest.raises(InvalidMessageError):
        build_message(**minimal(headers=[{"Name": name, "Value": value}]))


@FAST
@given(name=st.from_regex(r"X-[A-Za-z0-9-]{1,20}", fullmatch=True), value=one_line)
def test_custom_header_values_without_line_breaks_are_kept(name: str, value: str) -> None:
    assert build_message(**minimal(headers={name: value}))["Headers"] == [
        {"Name": name, "Value": value}
    ]


@FAST
@given(name=one_line.filter(lambda n: any(c in n for c in ": ") or not n.isascii() or not n))
def test_custom_header_names_that_could_break_the_header_are_refused(name: str) -> None:
    with pytest.raises(InvalidMessageError):
        build_message(**minimal(headers={name: "v"}))


# --------------------------------------------------------------------------
# Attachments, byte for byte


@FAST
@given(data=st.binary(max_size=4096), name=display_name)
def test_attachment_bytes_survive_json_and_base64(data: bytes, name: str) -> None:
    if not data:
        with pytest.raises(InvalidMessageError, match="is empty"):
            attachment_from_bytes(data, name + ".pdf")
        return
    attachment = attachment_from_bytes(data, name + ".pdf")
    message = build_message(**minimal(attachments=[attachment]))
    decoded = json.loads(encode_message(message))
    [sent] = decoded["Attachments"]
    assert base64.b64decode(sent["Content"], validate=True) == data
    assert sent["Name"] == name + ".pdf"
    mail = PMMail(**minimal(attachments=[attachment]))
    [again] = json.loads(encode_json(mail.to_json_message()))["Attachments"]
    assert base64.b64decode(again["Content"]) == data


@FAST
@given(
    contents=st.lists(
        st.one_of(
            st.binary(min_size=0, max_size=300).map(lambda b: base64.b64encode(b).decode()),
            st.text(max_size=60),  # anything: quotes, backslashes, controls, unicode
        ),
        min_size=1,
        max_size=4,
    ),
    subject=text,
)
def test_encode_message_gives_exactly_encode_jsons_bytes(contents: list[str], subject: str) -> None:
    message = {
        "From": "me@example.com",
        "Subject": subject,
        "Attachments": [
            {"Name": f"f{i}.txt", "Content": c, "ContentType": "text/plain"}
            for i, c in enumerate(contents)
        ],
    }
    with pytest.MonkeyPatch.context() as patch:
        # A tiny threshold and slice so that small examples take the splicing path too.
        patch.setattr(postmark.payloads, "SPLICE_MIN_CHARS", 1)
        patch.setattr(postmark.payloads, "_SPLICE_SLICE", 7)
        assert encode_message(message) == encode_json(message)


# --------------------------------------------------------------------------
# Settings are read once per send, never kept longer


@OVER_SOCKETS
@given(
    senders=st.lists(
        st.from_regex(r"[a-z]{1,12}@example\.com", fullmatch=True), min_size=1, max_size=4
    )
)
def test_a_changed_sender_setting_applies_to_the_next_send(
    sandbox: Sandbox, senders: list[str]
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POSTMARK_API_URL", sandbox.url)
        patch.setenv("POSTMARK_SERVER_TOKEN", "property-token")
        for sender in senders:
            sandbox.clear()
            patch.setenv("POSTMARK_SENDER", sender)
            patch.setenv("POSTMARK_TRACK_OPENS", "true" if len(sender) % 2 else "false")
            PMMail(to="a@example.com", subject="one", html_body="<p>x</p>").send()
            PMBatchMail(
                messages=[
                    PMMail(to="b@example.com", subject=f"batch {i}", html_body="<p>x</p>")
                    for i in range(3)
                ]
            ).send()
            stored = [message["Request"] for message in sandbox.messages()]
            assert [m["From"] for m in stored] == [sender] * 4
            assert [m.get("TrackOpens", False) for m in stored] == [len(sender) % 2 == 1] * 4
