"""The exception tree: pinned hierarchy, fields, str/repr/args, pickling, inactive parsing."""

from __future__ import annotations

import copy
import inspect
import pickle
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import postmark
from postmark import exceptions
from postmark.exceptions import (
    APIError,
    ConfigurationError,
    InactiveRecipientError,
    InvalidMessageError,
    MissingValueError,
    NotFoundError,
    PayloadTooLargeError,
    PMMailInactiveRecipientException,
    PMMailMissingValueException,
    PMMailSendException,
    PMMailServerErrorException,
    PMMailUnauthorizedException,
    PMMailUnprocessableEntityException,
    PMMailURLException,
    PostmarkError,
    RateLimitError,
    RecipientsRefused,
    RequestTimeoutError,
    ServerError,
    TLSError,
    TransportError,
    UnauthorizedError,
    UnprocessableEntityError,
    parse_inactive_recipients,
)

# --------------------------------------------------------------------------
# The hierarchy, pinned: changing a base class must change this table.

EXPECTED_BASES: dict[type[BaseException], tuple[type[BaseException], ...]] = {
    # legacy 0.x classes
    PMMailMissingValueException: (Exception,),
    PMMailSendException: (Exception,),
    PMMailUnauthorizedException: (PMMailSendException,),
    PMMailUnprocessableEntityException: (PMMailSendException,),
    PMMailServerErrorException: (PMMailSendException,),
    PMMailURLException: (PMMailSendException,),
    PMMailInactiveRecipientException: (PMMailSendException,),
    # the tree
    PostmarkError: (Exception,),
    ConfigurationError: (PostmarkError,),
    InvalidMessageError: (PostmarkError, ValueError),
    MissingValueError: (InvalidMessageError, PMMailMissingValueException),
    TransportError: (PostmarkError, PMMailURLException),
    RequestTimeoutError: (TransportError,),
    TLSError: (TransportError,),
    APIError: (PostmarkError, PMMailSendException),
    UnauthorizedError: (APIError, PMMailUnauthorizedException),
    NotFoundError: (APIError,),
    PayloadTooLargeError: (APIError,),
    UnprocessableEntityError: (APIError, PMMailUnprocessableEntityException),
    InactiveRecipientError: (APIError, PMMailInactiveRecipientException),
    RateLimitError: (APIError,),
    ServerError: (APIError, PMMailServerErrorException),
    RecipientsRefused: (APIError,),
}

LEGACY = [
    PMMailMissingValueException,
    PMMailSendException,
    PMMailUnauthorizedException,
    PMMailUnprocessableEntityException,
    PMMailServerErrorException,
    PMMailURLException,
    PMMailInactiveRecipientException,
]
NEW = [cls for cls in EXPECTED_BASES if cls not in LEGACY]

API_ERRORS: set[type[BaseException]] = {
    APIError,
    UnauthorizedError,
    NotFoundError,
    PayloadTooLargeError,
    UnprocessableEntityError,
    InactiveRecipientError,
    RateLimitError,
    ServerError,
    RecipientsRefused,
}
TRANSPORT_ERRORS: set[type[BaseException]] = {TransportError, RequestTimeoutError, TLSError}

#: Which new classes each legacy ``except`` clause catches (and nothing else).
LEGACY_CATCHES: dict[type[BaseException], set[type[BaseException]]] = {
    PMMailMissingValueException: {MissingValueError},
    PMMailSendException: API_ERRORS | TRANSPORT_ERRORS,
    PMMailURLException: TRANSPORT_ERRORS,
    PMMailUnauthorizedException: {UnauthorizedError},
    PMMailUnprocessableEntityException: {UnprocessableEntityError},
    PMMailServerErrorException: {ServerError},
    PMMailInactiveRecipientException: {InactiveRecipientError},
}


def test_every_exception_class_is_pinned() -> None:
    defined = {
        obj
        for _, obj in inspect.getmembers(exceptions, inspect.isclass)
        if issubclass(obj, BaseException) and obj.__module__ == exceptions.__name__
    }
    assert defined == set(EXPECTED_BASES)


@pytest.mark.parametrize("cls", list(EXPECTED_BASES), ids=lambda c: c.__name__)
def test_exact_bases(cls: type[BaseException]) -> None:
    assert cls.__bases__ == EXPECTED_BASES[cls]


@pytest.mark.parametrize("legacy", LEGACY, ids=lambda c: c.__name__)
@pytest.mark.parametrize("new", NEW, ids=lambda c: c.__name__)
def test_legacy_except_clauses_catch_exactly_what_they_should(
    new: type[BaseException], legacy: type[BaseException]
) -> None:
    assert issubclass(new, legacy) is (new in LEGACY_CATCHES[legacy])


@pytest.mark.parametrize("legacy_a", LEGACY, ids=lambda c: c.__name__)
@pytest.mark.parametrize("legacy_b", LEGACY, ids=lambda c: c.__name__)
def test_legacy_classes_relate_as_in_0x(
    legacy_a: type[BaseException], legacy_b: type[BaseException]
) -> None:
    expected = legacy_a is legacy_b or (
        legacy_b is PMMailSendException and legacy_a is not PMMailMissingValueException
    )
    assert issubclass(legacy_a, legacy_b) is expected


def test_inactive_recipient_is_not_an_unprocessable_entity() -> None:
    assert not issubclass(PMMailInactiveRecipientException, PMMailUnprocessableEntityException)
    assert not issubclass(InactiveRecipientError, PMMailUnprocessableEntityException)
    assert not issubclass(InactiveRecipientError, UnprocessableEntityError)
    with pytest.raises(PMMailInactiveRecipientException):
        try:
            raise InactiveRecipientError("x", error_code=406)
        except PMMailUnprocessableEntityException:  # pragma: no cover - must not catch
            pytest.fail("an inactive recipient must not be caught as a 422")


def test_legacy_classes_are_not_postmark_errors() -> None:
    # A legacy class never gains the new base: `except PostmarkError` catches
    # only what the library raises, not user code raising old names.
    for cls in LEGACY:
        assert not issubclass(cls, PostmarkError)


@pytest.mark.parametrize("cls", NEW, ids=lambda c: c.__name__)
def test_value_error_only_for_local_message_errors(cls: type[BaseException]) -> None:
    assert issubclass(cls, ValueError) is (cls in (InvalidMessageError, MissingValueError))


def test_public_names_are_the_same_objects() -> None:
    for cls in EXPECTED_BASES:
        assert getattr(postmark, cls.__name__) is cls
        assert cls.__name__ in postmark.__all__


# --------------------------------------------------------------------------
# Legacy attributes


def test_missing_value_error_is_value_error_and_legacy_with_parameter() -> None:
    text = "Cannot send an e-mail without a sender (.sender field)"
    error = MissingValueError(text, field="sender")
    assert isinstance(error, ValueError)
    assert isinstance(error, PMMailMissingValueException)
    assert error.parameter == text
    assert error.args == (text,)
    assert str(error) == text
    assert error.field == "sender"
    with pytest.raises(PMMailMissingValueException) as caught:
        raise error
    assert caught.value.parameter == text


def test_legacy_missing_value_exception_keeps_parameter() -> None:
    error = PMMailMissingValueException("Cannot send an e-mail without a Postmark API Key")
    assert error.parameter == "Cannot send an e-mail without a Postmark API Key"
    assert error.args == ("Cannot send an e-mail without a Postmark API Key",)
    assert str(error) == "Cannot send an e-mail without a Postmark API Key"


def test_legacy_send_exception_keeps_inner_exception() -> None:
    inner = OSError("boom")
    error = PMMailURLException("could not reach Postmark", inner)
    assert error.inner_exception is inner
    assert error.parameter == "could not reach Postmark"
    assert error.args == ("could not reach Postmark",)
    assert str(error) == "could not reach Postmark"
    assert PMMailSendException("x").inner_exception is None


def test_new_send_exceptions_keep_inner_exception_keyword() -> None:
    inner = ConnectionRefusedError(111, "refused")
    error = TransportError("could not connect", inner_exception=inner)
    assert error.inner_exception is inner
    assert isinstance(error, PMMailURLException)
    assert error.parameter == "could not connect"


# --------------------------------------------------------------------------
# Fields, args, str, repr


def _full(cls: type[PostmarkError]) -> PostmarkError:
    return cls(
        "POST /email failed with HTTP 422, ErrorCode 300: Invalid 'To' address.",
        http_status=422,
        error_code=300,
        api_message="Invalid 'To' address.",
        response={"ErrorCode": 300, "Message": "Invalid 'To' address."},
        retryable=True,
        retry_after=2.5,
        may_have_been_sent=True,
        inner_exception=OSError("inner"),
        outcomes=[{"ErrorCode": 300}],
    )


@pytest.mark.parametrize("cls", [c for c in NEW if c is not MissingValueError], ids=str)
def test_fields_args_str_repr(cls: type[PostmarkError]) -> None:
    error = _full(cls)
    message = "POST /email failed with HTTP 422, ErrorCode 300: Invalid 'To' address."
    assert error.args == (message,)
    assert str(error) == message
    assert error.message == message
    assert error.parameter == message
    assert (error.http_status, error.error_code) == (422, 300)
    assert error.api_message == "Invalid 'To' address."
    assert error.response == {"ErrorCode": 300, "Message": "Invalid 'To' address."}
    assert error.retryable is True
    assert error.retry_after == 2.5
    assert error.may_have_been_sent is True
    assert isinstance(error.inner_exception, OSError)
    assert error.outcomes == [{"ErrorCode": 300}]
    text = repr(error)
    assert text.startswith(f"{cls.__name__}(")
    assert repr(message) in text
    assert "http_status=422" in text
    assert "error_code=300" in text


def test_defaults_are_unknown_not_made_up() -> None:
    error = PostmarkError("plain")
    assert error.args == ("plain",)
    assert (error.http_status, error.error_code, error.api_message, error.response) == (
        None,
        None,
        None,
        None,
    )
    assert error.retryable is False
    assert error.may_have_been_sent is False
    assert error.inner_exception is None
    assert repr(error) == "PostmarkError('plain')"


@pytest.mark.parametrize("cls", NEW, ids=lambda c: c.__name__)
def test_pickle_and_copy_round_trip_keep_every_field(cls: type[PostmarkError]) -> None:
    if cls is MissingValueError:
        error: PostmarkError = MissingValueError("Cannot send without a subject", field="subject")
    else:
        error = _full(cls)
    for clone in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(clone) is cls
        assert clone.args == error.args
        assert str(clone) == str(error)
        assert repr(clone) == repr(error)
        for name in (
            "http_status",
            "error_code",
            "api_message",
            "response",
            "retryable",
            "retry_after",
            "may_have_been_sent",
            "outcomes",
            "parameter",
        ):
            assert getattr(clone, name) == getattr(error, name), name
        assert type(clone.inner_exception) is type(error.inner_exception)
    if cls is MissingValueError:
        assert pickle.loads(pickle.dumps(error)).field == "subject"


def test_pickled_inactive_recipient_error_keeps_addresses() -> None:
    error = InactiveRecipientError(
        "POST /email failed",
        http_status=422,
        error_code=406,
        api_message="Found inactive addresses: a@example.com, b@example.com. "
        "Inactive recipients are ones that have generated a hard bounce.",
    )
    clone = pickle.loads(pickle.dumps(error))
    assert clone.inactive_recipients == ["a@example.com", "b@example.com"]
    assert clone.error_code == 406


def test_inactive_recipients_fall_back_to_the_message() -> None:
    error = InactiveRecipientError(
        "You tried to send to a recipient that has been marked as inactive. "
        "Found inactive addresses: x@example.com. Inactive recipients are ones ..."
    )
    assert error.inactive_recipients == ["x@example.com"]
    assert InactiveRecipientError("no list here").inactive_recipients == []


# --------------------------------------------------------------------------
# Postmark's inactive-address sentences, as seen over the years (Postmark's
# docs, the official SDKs' fixtures, Anymail's tests, users' bug reports).

WORDINGS = [
    pytest.param(
        "You tried to send to recipient(s) that have been marked as inactive. Found inactive "
        "addresses: invalid@example.com. Inactive recipients are ones that have generated a "
        "hard bounce, a spam complaint, or a manual suppression.",
        ["invalid@example.com"],
        id="single-send-recipient(s)",
    ),
    pytest.param(
        "You tried to send to a recipient that has been marked as inactive. Found inactive "
        "addresses: bounced.recipient@example.com. Inactive recipients are ones that have "
        "generated a hard bounce, a spam complaint, or a manual suppression. ",
        ["bounced.recipient@example.com"],
        id="batch-item-trailing-space",
    ),
    pytest.param(
        "You tried to send to a recipient that has been marked as inactive.\n"
        "Found inactive addresses: itsuki.kikuyama@example.jp.\n"
        "Inactive recipients are ones that have generated a hard bounce, a spam complaint, "
        "or a manual suppression. ",
        ["itsuki.kikuyama@example.jp"],
        id="newline-separated",
    ),
    pytest.param(
        "InactiveRecipientsError: You tried to send to recipients that have all been marked "
        "as inactive.\nFound inactive addresses: nothing2@example.com, nothing@example.com.\n"
        "Inactive recipients are ones that have generated a hard bounce, a spam complaint, "
        "or a manual suppression.\n",
        ["nothing2@example.com", "nothing@example.com"],
        id="all-inactive-multi-newlines",
    ),
    pytest.param(
        "You tried to send to recipient(s) that have been marked as inactive. Found inactive "
        "addresses: HardBounce@bounce-testing.postmarkapp.com. Inactive recipients are ones "
        "that have generated a hard bounce, a spam complaint, or a manual suppression.",
        ["HardBounce@bounce-testing.postmarkapp.com"],
        id="case-kept",
    ),
    pytest.param(
        "Message OK, but will not deliver to these inactive addresses: email1@example.com",
        ["email1@example.com"],
        id="partial-no-period",
    ),
    pytest.param(
        "Message OK, but will not deliver to these inactive addresses: a@x.com, b@x.com.",
        ["a@x.com", "b@x.com"],
        id="partial-multi-trailing-period",
    ),
    pytest.param(
        "Message OK, but will not deliver to these inactive addresses: hardbounce@example.com,"
        " spam@example.com. Inactive recipients are ones that have generated a hard bounce or "
        "a spam complaint.",
        ["hardbounce@example.com", "spam@example.com"],
        id="partial-older-hard-bounce-or-spam",
    ),
    pytest.param(
        "Message OK, but will not deliver to these inactive addresses: unknown@unknown.pub. "
        "Inactive recipients are ones that have generated a hard bounce or a spam complaint.",
        ["unknown@unknown.pub"],
        id="partial-older-single",
    ),
    pytest.param(
        "Message OK, but will not deliver to these inactive addresses: nothing2@example.com, "
        "nothing@example.com. Inactive addresses can be activated.",
        ["nothing2@example.com", "nothing@example.com"],
        id="partial-can-be-activated",
    ),
    pytest.param(
        "Found inactive addresses: first.last+tag@mail.example.co.uk, "
        "o'brien@example.ie, first.last+tag@mail.example.co.uk.",
        ["first.last+tag@mail.example.co.uk", "o'brien@example.ie"],
        id="plus-subdomain-dedup",
    ),
]


@pytest.mark.parametrize(("text", "expected"), WORDINGS)
def test_parse_inactive_recipients_real_wordings(text: str, expected: list[str]) -> None:
    assert parse_inactive_recipients(text) == expected


@pytest.mark.parametrize(("text", "expected"), WORDINGS)
def test_inactive_recipient_error_parses_api_message(text: str, expected: list[str]) -> None:
    error = InactiveRecipientError(
        "POST /email failed with HTTP 422, ErrorCode 406", error_code=406, api_message=text
    )
    assert error.inactive_recipients == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "OK",
        "You tried to send to a recipient that has been marked as inactive.",
        "Invalid 'To' address: 'someone@example.com'.",  # an address, but not an inactive list
        "Found inactive addresses: .",
    ],
)
def test_parse_inactive_recipients_without_a_list(text: str | None) -> None:
    assert parse_inactive_recipients(text) == []


_LOCAL = st.text(string.ascii_lowercase + string.digits + "._+-", min_size=1, max_size=12).filter(
    lambda s: not s.startswith(".") and not s.endswith(".")
)
_DOMAIN = st.from_regex(r"\A[a-z][a-z0-9-]{0,10}\.(com|org|co\.uk|io)\Z")
_ADDRESSES = st.lists(
    st.builds(lambda a, b: f"{a}@{b}", _LOCAL, _DOMAIN), min_size=1, max_size=5, unique=True
)


@settings(max_examples=60, deadline=None)
@given(addresses=_ADDRESSES, separator=st.sampled_from([", ", ",", ",\n", " , "]))
def test_parse_inactive_recipients_round_trips(addresses: list[str], separator: str) -> None:
    listed = separator.join(addresses)
    for text in (
        f"You tried to send to recipient(s) that have been marked as inactive. Found inactive "
        f"addresses: {listed}. Inactive recipients are ones that have generated a hard bounce, "
        "a spam complaint, or a manual suppression.",
        f"Message OK, but will not deliver to these inactive addresses: {listed}.",
        f"Message OK, but will not deliver to these inactive addresses: {listed}",
    ):
        assert parse_inactive_recipients(text) == addresses


def test_module_doc_tree_matches_classes() -> None:
    # The docstring tree is what readers trust; keep it in step with the code.
    doc = exceptions.__doc__ or ""
    for cls in NEW:
        assert cls.__name__ in doc
