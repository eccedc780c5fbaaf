"""The batch fast paths decide exactly what the long ways decide (hypothesis).

* ``check_message`` (which skips the long way for plainly valid messages)
  accepts, refuses and rewrites exactly as ``check_every_rule`` (every rule,
  one after the other) does, for arbitrary messages;
* the quick tests it uses are sound against straightforward references kept
  here: a printable string holds no character the header checks refuse;
  every plain address is one ``check_addresses`` accepts unchanged;
* a PMMail built the short way (``_plain_payload``) gives the payload, the
  error and the warning of the long way (``build_message_from`` after the
  legacy checks), for any fields and settings, and its keywords are stored
  as the setattr() loop stores them.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmark import PMMail
from postmark.checks import (
    _BAD,
    _BAD_IN_VALUE,
    _PLAIN_ADDRESS,
    check_addresses,
    check_every_rule,
    check_message,
)
from postmark.core import _Defaults
from postmark.exceptions import InvalidMessageError, MissingValueError
from postmark.payloads import build_message_from

MANY = settings(max_examples=300, deadline=None)


def refused_in_headers(text: str, *, tab_allowed: bool = False) -> bool:
    """The reference: what checks.py documents as refused in a header-bound string."""
    for char in text:
        code = ord(char)
        if char == "\t" and tab_allowed:
            continue
        if code < 0x20 or 0x7F <= code <= 0x9F or char in "\u2028\u2029":
            return True
        if 0xD800 <= code <= 0xDFFF:  # a lone surrogate
            return True
    return False


# Text with every kind of character, weighted towards the ones that matter.
tricky_char = st.one_of(
    st.characters(),
    st.sampled_from(list("\r\n\t\x00\x1b\x7f\x85\x9f\u2028\u2029\ud800\udfff\xa0\u200d")),
    st.sampled_from(list("@.,;<>\"' \\!#$%&'`*+-/=^_{}|~")),
)
tricky_text = st.text(tricky_char, max_size=30)


@MANY
@given(tricky_text)
def test_the_control_character_patterns_refuse_exactly_the_reference(text: str) -> None:
    assert (_BAD.search(text) is not None) == refused_in_headers(text)
    assert (_BAD_IN_VALUE.search(text) is not None) == refused_in_headers(text, tab_allowed=True)


@MANY
@given(tricky_text)
def test_a_printable_string_holds_nothing_the_header_checks_refuse(text: str) -> None:
    if text.isprintable():
        assert not refused_in_headers(text)


atom = st.text(st.sampled_from("abcXYZ019!#$%&'`*+-/=^_{}|~"), min_size=1, max_size=6)
label = st.text(st.sampled_from("abcXYZ019-"), min_size=1, max_size=6)
plain_address = st.builds(
    lambda local, domain: ".".join(local) + "@" + ".".join(domain),
    st.lists(atom, min_size=1, max_size=3),
    st.lists(label, min_size=1, max_size=3),
)
named_address = st.builds(
    lambda name, address: f"{name}<{address}>",
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 .'_-]{0,12}", fullmatch=True),
    plain_address,
)
# Near misses: what a fast path could wrongly let through.
address_like = st.one_of(
    plain_address,
    named_address,
    st.builds(lambda a, b: f"{a}{b}", plain_address, tricky_text),
    st.builds(lambda a, b: f"{a}, {b}", plain_address, plain_address),
    st.builds(lambda a: f'"{a}" <x@example.com>', tricky_text),
    # LATIN SMALL LETTER LONG S: matches only the case-insensitive _ADDRESS.
    st.builds(lambda a: "\u017f" + a, plain_address),
    st.builds(lambda a: "x" * 240 + a, plain_address),  # around From's 255 characters
    st.builds(lambda a: f".{a}", plain_address),
    st.builds(lambda a: a.replace("@", "..@"), plain_address),
    st.builds(lambda a: f"{a}.", plain_address),
    st.builds(lambda a: a.replace("@", "@bücher."), plain_address),
    tricky_text,
)


@MANY
@given(address_like, st.sampled_from(["From", "To", "Cc", "Bcc", "ReplyTo"]))
def test_every_plain_address_is_accepted_unchanged_and_counted_once(value: str, field: str) -> None:
    if _PLAIN_ADDRESS.fullmatch(value) and (field != "From" or len(value) <= 255):
        assert check_addresses(field, value) == (value, 1)


field_value = st.one_of(
    address_like,
    st.none(),
    st.just(""),
    st.integers(),
    st.lists(plain_address, max_size=2),
    st.text(max_size=3000).filter(lambda s: len(s) > 900),  # near the length limits
    st.booleans(),
)
message_strategy = st.fixed_dictionaries(
    {},
    optional={
        "From": field_value,
        "To": field_value,
        "Cc": field_value,
        "Bcc": field_value,
        "ReplyTo": field_value,
        "Subject": st.one_of(tricky_text, field_value),
        "Tag": st.one_of(tricky_text, field_value),
        "MessageStream": st.one_of(tricky_text, st.none()),
        "TrackLinks": st.one_of(st.sampled_from(["None", "HtmlOnly", "Bogus", ""]), st.none()),
        "HtmlBody": tricky_text,
        "TextBody": tricky_text,
        "TemplateModel": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        "Headers": st.one_of(
            st.just([]),
            st.lists(st.fixed_dictionaries({"Name": tricky_text, "Value": tricky_text})),
        ),
        "Metadata": st.one_of(st.just({}), st.dictionaries(tricky_text, tricky_text, max_size=2)),
        "Attachments": st.one_of(
            st.just([]),
            st.lists(
                st.fixed_dictionaries(
                    {"Name": tricky_text, "Content": st.just("aGk="), "ContentType": tricky_text}
                ),
                max_size=2,
            ),
        ),
    },
)


def verdict(check: Any, message: dict[str, Any], **flags: bool) -> Any:
    try:
        result = check(message, **flags)
    except InvalidMessageError as error:
        return ("refused", str(error), error.field)
    assert result is message  # checked (and rewritten) in place
    return ("accepted", result)


@MANY
@given(message_strategy, st.booleans(), st.booleans())
def test_check_message_decides_as_every_rule_does(
    message: dict[str, Any], sender: bool, recipients: bool
) -> None:
    flags = {"sender": sender, "recipients": recipients}
    expected = verdict(check_every_rule, copy.deepcopy(message), **flags)
    assert verdict(check_message, message, **flags) == expected


def test_the_strategy_reaches_both_ways_and_both_verdicts() -> None:
    # Guards the test above: plainly valid messages, rewritten ones and refused ones.
    plain = {"From": "a@example.com", "To": "b@example.com", "Subject": "Hi"}
    assert check_message(dict(plain)) == plain
    idna = check_message({"From": "a@example.com", "To": "b@bücher.example"})
    assert idna["To"] == "b@xn--bcher-kva.example"
    with pytest.raises(InvalidMessageError, match="line break"):
        check_message({**plain, "Subject": "Hi\r\nBcc: x@evil.example"})


# --------------------------------------------------------------------------
# PMMail, the short way and the long way

address_or_list = st.one_of(address_like, st.lists(plain_address, max_size=2), st.just(""))
pmmail_fields = st.fixed_dictionaries(
    {},
    optional={
        "sender": address_or_list,
        "to": address_or_list,
        "cc": address_or_list,
        "bcc": address_or_list,
        "reply_to": address_or_list,
        "subject": st.one_of(tricky_text, st.just("")),
        "tag": tricky_text,
        "html_body": st.one_of(tricky_text, st.just("")),
        "text_body": st.one_of(tricky_text, st.just("")),
        "message_stream": tricky_text,
        "track_opens": st.booleans(),
        "template_alias": st.sampled_from(["welcome", ""]),
        "template_model": st.one_of(st.none(), st.just({"name": "Ada"})),
        "metadata": st.dictionaries(st.sampled_from(["k", "K"]), st.text(max_size=3), max_size=2),
    },
)
# Messages of text fields only, most of them complete: the short way's own shape.
text_only_fields = st.fixed_dictionaries(
    {
        "to": st.one_of(plain_address, named_address),
        "subject": st.text(st.characters(codec="ascii"), min_size=1, max_size=20),
        "text_body": st.text(min_size=1, max_size=20),
    },
    optional={
        "sender": st.one_of(plain_address, named_address, st.just("")),
        "cc": plain_address,
        "bcc": st.one_of(plain_address, st.just("")),
        "reply_to": named_address,
        "tag": tricky_text,
        "html_body": st.text(max_size=5),
        "message_stream": st.sampled_from(["outbound", "broadcast", "bad\nstream"]),
    },
)
defaults = st.builds(
    _Defaults, st.one_of(st.none(), st.just(""), plain_address, tricky_text), st.booleans()
)


def long_way(message: PMMail, settings: _Defaults) -> Any:
    try:
        return ("built", build_message_from(message._checked_fields(settings)))
    except (MissingValueError, InvalidMessageError) as error:
        return (type(error).__name__, str(error))


def short_way(message: PMMail, settings: _Defaults) -> Any:
    try:
        return ("built", message._payload(settings))
    except (MissingValueError, InvalidMessageError) as error:
        return (type(error).__name__, str(error))


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def warnings_of(run: Any) -> tuple[Any, list[str]]:
    """What ``run()`` returns and the warnings it logs on the "postmark" logger."""
    recorder = Recorder()
    logger = logging.getLogger("postmark")
    logger.addHandler(recorder)
    try:
        return run(), recorder.lines
    finally:
        logger.removeHandler(recorder)


@MANY
@given(fields=st.one_of(pmmail_fields, text_only_fields), settings=defaults)
def test_pmmail_payload_the_short_way_is_the_long_way(
    fields: dict[str, Any], settings: _Defaults
) -> None:
    message = PMMail(**fields)
    short = warnings_of(lambda: short_way(message, settings))
    assert short == warnings_of(lambda: long_way(message, settings))


def test_track_opens_from_the_settings_the_short_way() -> None:
    message = PMMail(
        sender="a@example.com",
        to="b@example.com",
        subject="s",
        text_body="t",
        message_stream="outbound",
    )
    payload, logged = warnings_of(lambda: message._payload(_Defaults(None, True)))
    assert list(payload) == ["From", "To", "Subject", "TextBody", "TrackOpens", "MessageStream"]
    assert payload["TrackOpens"] is True
    assert logged == [
        ".track_opens set to True with no .html_body set. "
        "Tracking opens will not work; message will still send."
    ]


def test_a_plain_pmmail_takes_the_short_way() -> None:
    # Guards the test above: the short way is really taken (and cached per shape).
    import postmark.core

    message = PMMail(sender="a@example.com", to="b@example.com", subject="s", text_body="t")
    plain = postmark.core._plain_payload(message.__dict__, _Defaults(None, False))
    assert plain == {
        "From": "a@example.com",
        "To": "b@example.com",
        "Subject": "s",
        "TextBody": "t",
    }
    assert (
        postmark.core._plain_payload(
            PMMail(
                sender="a@example.com", to=["b@example.com"], subject="s", text_body="t"
            ).__dict__,
            _Defaults(None, False),
        )
        is None
    )  # a list of addresses: the long way joins it


@MANY
@given(fields=pmmail_fields)
def test_pmmail_keywords_are_stored_as_the_setattr_loop_stores_them(
    fields: dict[str, Any],
) -> None:
    quick = PMMail(**fields)
    slow = PMMail.__new__(PMMail)
    slow._set_keywords(fields)
    slow.inactive_recipients = []
    assert vars(quick) == vars(slow)


def test_a_subclass_overriding_a_field_is_read_and_set_through_it() -> None:
    class Branded(PMMail):
        @property
        def sender(self) -> str:
            return "Brand <brand@example.com>"

        @sender.setter
        def sender(self, value: str) -> None:
            raise AssertionError("sender is fixed")

    message = Branded(to="b@example.com", subject="s", text_body="t")
    assert Branded._own_fields is False
    assert message.to_postmark()["From"] == "Brand <brand@example.com>"
    with pytest.raises(AssertionError, match="fixed"):
        Branded(sender="x@example.com")
