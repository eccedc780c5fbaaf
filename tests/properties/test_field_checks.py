"""For arbitrary text in every header-bound field, on every sending path (hypothesis):

either the message is refused before anything is sent, with an
:class:`InvalidMessageError` naming the field, or it is accepted, reaches
the sandbox over a real socket unchanged (addresses with their domains in
IDNA form), and no header of the MIME message the sandbox builds from it
holds a control character.

Paths: ``ServerClient.email.send`` with keywords and with a Postmark-form
dict, ``send_batch``, ``PMMail.send`` and the async client. (The Django
backend's path is tests/django/test_django_field_checks.py.)
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from postmark import PMMail, ServerClient
from postmark.checks import check_addresses
from postmark.exceptions import InvalidMessageError, PostmarkError
from postmark.sandbox import Sandbox
from postmark.tornado import AsyncServerClient

EXAMPLES = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Any text at all, including control characters, separators, quotes and
# lone surrogates; and text shaped like addresses, so that many examples pass.
anything = st.text(st.characters(), max_size=40)
word = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,10}[A-Za-z0-9]", fullmatch=True),
)
address_like = st.one_of(
    st.builds(lambda local, domain: f"{local}@{domain}.example", word, word),
    st.builds(lambda name, local: f"{name} <{local}@example.com>", word, word),
    st.builds(lambda a, b: f"{a}@example.com, {b}@example.org", word, word),
    st.builds(lambda a, b: f'"{a}" <{b}@bücher.example>', word, word),
)
value = st.one_of(anything, address_like)

#: field -> (where it goes in the message, the InvalidMessageError.field it names)
FIELDS = {
    "sender": "From",
    "to": "To",
    "cc": "Cc",
    "bcc": "Bcc",
    "reply_to": "ReplyTo",
    "subject": "Subject",
    "tag": "Tag",
    "header_name": "Headers",
    "header_value": "Header X-Test",
    "metadata_key": "Metadata",
    "metadata_value": "Metadata",
    "attachment_name": "Attachments",
    "attachment_type": "Attachments",
    "attachment_id": "Attachments",
}
ADDRESSES = {"sender": "From", "to": "To", "cc": "Cc", "bcc": "Bcc", "reply_to": "ReplyTo"}
ATTACHMENT_KEYS = {
    "attachment_name": "Name",
    "attachment_type": "ContentType",
    "attachment_id": "ContentID",
}
# A header line of the MIME source, once unfolded: no control character but TAB.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def keywords(field: str, text: str) -> dict[str, Any]:
    """A complete message as ServerClient.email.send's keywords, ``text`` in ``field``."""
    fields: dict[str, Any] = {
        "sender": "me@example.com",
        "to": "you@example.com",
        "subject": "Hello",
        "text_body": "Hi",
    }
    attachment = {"Name": "a.txt", "Content": "aGk=", "ContentType": "text/plain"}
    if field in ADDRESSES or field in ("subject", "tag"):
        fields[field] = text
    elif field == "header_name":
        fields["headers"] = {text: "v"}
    elif field == "header_value":
        fields["headers"] = {"X-Test": text}
    elif field == "metadata_key":
        fields["metadata"] = {text: "v"}
    elif field == "metadata_value":
        fields["metadata"] = {"k": text}
    else:
        attachment[ATTACHMENT_KEYS[field]] = text
        fields["attachments"] = [attachment]
    return fields


def as_dict(fields: dict[str, Any]) -> dict[str, Any]:
    keys = {"sender": "From", "to": "To", "cc": "Cc", "bcc": "Bcc", "reply_to": "ReplyTo"}
    keys |= {"subject": "Subject", "tag": "Tag", "text_body": "TextBody"}
    message = {keys[k]: v for k, v in fields.items() if k in keys}
    if "headers" in fields:
        message["Headers"] = [{"Name": n, "Value": v} for n, v in fields["headers"].items()]
    if "metadata" in fields:
        message["Metadata"] = fields["metadata"]
    if "attachments" in fields:
        message["Attachments"] = fields["attachments"]
    return message


def stored_value(field: str, request: dict[str, Any], text: str) -> Any:
    if field in ADDRESSES:
        return request[ADDRESSES[field]]
    if field in ("subject", "tag"):
        return request[FIELDS[field]]
    if field == "header_name":
        return request["Headers"][0]["Name"]
    if field == "header_value":
        return request["Headers"][0]["Value"]
    if field == "metadata_key":
        return next(iter(request["Metadata"]))
    if field == "metadata_value":
        return request["Metadata"]["k"]
    return request["Attachments"][0][ATTACHMENT_KEYS[field]]


def expected_value(field: str, text: str) -> str:
    if field in ADDRESSES:
        return check_addresses(ADDRESSES[field], text)[0]  # its domains in IDNA form
    return text


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


def send_keywords(box: Sandbox, fields: dict[str, Any]) -> None:
    ServerClient("t", base_url=box.url, retries=0).email.send(**fields)


def send_dict(box: Sandbox, fields: dict[str, Any]) -> None:
    ServerClient("t", base_url=box.url, retries=0).email.send(as_dict(fields))


def send_batch(box: Sandbox, fields: dict[str, Any]) -> None:
    result = ServerClient("t", base_url=box.url, retries=0).email.send_batch([as_dict(fields)])
    result.raise_for_failures()


def send_pmmail(box: Sandbox, fields: dict[str, Any]) -> None:
    legacy = dict(fields)
    legacy["custom_headers"] = legacy.pop("headers", None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POSTMARK_API_URL", box.url)
        PMMail(api_key="t", **legacy).send()


def send_async(box: Sandbox, fields: dict[str, Any]) -> None:
    async def send() -> None:
        await AsyncServerClient("t", base_url=box.url, retries=0).email.send(**fields)

    asyncio.run(send())


PATHS: dict[str, Callable[[Sandbox, dict[str, Any]], None]] = {
    "keywords": send_keywords,
    "dict": send_dict,
    "batch": send_batch,
    "pmmail": send_pmmail,
    "async": send_async,
}


def check_one(box: Sandbox, path: str, field: str, text: str) -> None:
    box.clear()
    if field == "subject" and not text:
        return  # no Subject at all: a content rule Postmark (and the sandbox) answers
    fields = keywords(field, text)
    try:
        PATHS[path](box, fields)
    except InvalidMessageError as error:
        assert box.messages() == [], "refused, yet something was sent"
        named = {FIELDS[field]}
        if field in ("to", "cc", "bcc"):
            named.add("To")  # over 50 recipients across To, Cc and Bcc is reported on To
        if field == "header_value":
            named.add("Headers")
        assert error.field in named, (error.field, str(error))
        return
    except PostmarkError as error:  # pragma: no cover - would be a bug in the checks
        raise AssertionError(f"accepted locally, refused by the sandbox: {error}") from error
    [stored] = box.messages()
    if field in ADDRESSES and not text and field != "sender":
        assert stored["Request"].get(ADDRESSES[field]) in (None, "")  # empty: no such header
        return
    assert stored_value(field, stored["Request"], text) == expected_value(field, text)
    dump = ServerClient("t", base_url=box.url).messages.dump(stored["MessageID"])["Body"]
    head = re.split(r"\r?\n\r?\n", dump, maxsplit=1)[0]
    # Unfolded (a line break before a space or tab continues the header), each
    # header line is free of control characters.
    for line in re.split(r"\r?\n", re.sub(r"\r?\n[ \t]", " ", head)):
        assert not CONTROL.search(line), line


@EXAMPLES
@given(path=st.sampled_from(sorted(PATHS)), field=st.sampled_from(sorted(FIELDS)), text=value)
@example(path="pmmail", field="to", text="")  # 0.7's missing-recipient error names To
@example(path="pmmail", field="sender", text="")
def test_every_field_on_every_path_is_refused_by_name_or_sent_unchanged(
    sandbox: Sandbox, path: str, field: str, text: str
) -> None:
    check_one(sandbox, path, field, text)


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("to", "a@example.com\r\nBcc: victim@example.com"),
        ("subject", "Hi\x00there"),
        ("tag", "news\x1b[31m"),
        ("header_value", "v\r\nBcc: x@evil.example"),
        ("header_name", "X-A\r\nBcc"),
        ("metadata_key", "k\n"),
        ("metadata_value", "v\x7f"),
        ("attachment_name", "a\r\n.txt"),
        ("attachment_type", "text/plain\r\nX-Evil: 1"),
        ("attachment_id", "cid:\x0bx"),
        ("sender", "\ud800@example.com"),
        ("to", "not-an-address"),
        ("cc", '"unbalanced <a@example.com>'),
    ],
)
def test_known_attacks_are_refused_on_every_path(
    sandbox: Sandbox, path: str, field: str, text: str
) -> None:
    sandbox.clear()
    with pytest.raises(InvalidMessageError) as caught:
        PATHS[path](sandbox, keywords(field, text))
    assert caught.value.field in (FIELDS[field], "Headers")
    assert sandbox.messages() == []


@pytest.mark.parametrize("path", sorted(PATHS))
def test_a_non_ascii_domain_is_sent_in_idna(sandbox: Sandbox, path: str) -> None:
    sandbox.clear()
    PATHS[path](sandbox, keywords("to", "Jürgen <juergen@bücher.example>"))
    [stored] = sandbox.messages()
    assert stored["Request"]["To"] == "Jürgen <juergen@xn--bcher-kva.example>"
