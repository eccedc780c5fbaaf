"""One test per way the library used to do something other than what 0.7, Postmark
or the caller meant (issue "Exactly the old contract where it matters, and safe
on every path"). Each failed before the fix.

HTTP is faked with ``responses`` at requests' adapter; the async client's
cases use a stand-in ``AsyncHTTPClient``.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import re
from decimal import Decimal
from typing import Any

import pytest
import requests
import responses
from requests.adapters import HTTPAdapter
from tornado.httpclient import HTTPRequest, HTTPResponse
from urllib3.util import Retry

import postmark
from postmark import PMMail, ServerClient
from postmark.exceptions import (
    ConfigurationError,
    InactiveRecipientError,
    InvalidMessageError,
    ServerError,
    UnprocessableEntityError,
)
from postmark.sending import BatchPlan
from postmark.tornado import AsyncServerClient

API = "https://api.postmarkapp.com"
MESSAGE = {"From": "me@example.com", "To": "you@example.com", "Subject": "Hi", "TextBody": "x"}
REFUSED_IN_200 = {"ErrorCode": 300, "Message": "Invalid 'To' address: 'nobody'."}


class AsyncAnswer:
    """A stand-in AsyncHTTPClient answering every request with ``status`` and ``body``."""

    def __init__(self, status: int, body: Any) -> None:
        self.status, self.body, self.requests = status, body, 0

    async def fetch(self, request: HTTPRequest, raise_error: bool = True) -> HTTPResponse:
        self.requests += 1
        return HTTPResponse(request, self.status, buffer=io.BytesIO(json.dumps(self.body).encode()))


def async_send(answer: AsyncAnswer, message: dict[str, Any]) -> Any:
    async def send() -> Any:
        return await AsyncServerClient("t", http_client=answer, retries=0).email.send(message)

    return asyncio.run(send())


# --------------------------------------------------------------------------
# Silent failure: a 200 answer with a non-zero ErrorCode


@responses.activate
def test_a_200_with_an_error_code_raises_on_the_sync_paths() -> None:
    responses.post(f"{API}/email", json=REFUSED_IN_200)
    with pytest.raises(UnprocessableEntityError) as caught:
        ServerClient("t").email.send(MESSAGE)
    assert (caught.value.http_status, caught.value.error_code) == (200, 300)
    assert caught.value.api_message == REFUSED_IN_200["Message"]
    assert caught.value.may_have_been_sent is False
    with pytest.raises(postmark.PMMailUnprocessableEntityException):
        PMMail(
            api_key="t", sender="me@example.com", to="you@example.com", subject="Hi", text_body="x"
        ).send()


@responses.activate
def test_a_200_with_error_code_406_is_an_inactive_recipient_error() -> None:
    responses.post(
        f"{API}/email",
        json={"ErrorCode": 406, "Message": "Found inactive addresses: you@example.com."},
    )
    with pytest.raises(InactiveRecipientError) as caught:
        ServerClient("t").email.send(MESSAGE)
    assert caught.value.inactive_recipients == ["you@example.com"]


def test_a_200_with_an_error_code_raises_on_the_async_client() -> None:
    with pytest.raises(UnprocessableEntityError):
        async_send(AsyncAnswer(200, REFUSED_IN_200), MESSAGE)


# --------------------------------------------------------------------------
# Dishonest flag: may_have_been_sent


@responses.activate
@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_post_answered_with_a_server_error_may_have_been_sent(status: int) -> None:
    responses.post(f"{API}/email", status=status, json={"ErrorCode": 0, "Message": "oops"})
    with pytest.raises(ServerError) as caught:
        ServerClient("t").email.send(MESSAGE)
    assert caught.value.may_have_been_sent is True
    assert len(responses.calls) == 1  # never repeated


@responses.activate
def test_503_and_429_refusals_say_nothing_was_sent() -> None:
    responses.post(f"{API}/email", status=503, json={"ErrorCode": 0, "Message": "maintenance"})
    with pytest.raises(ServerError) as caught:
        ServerClient("t", retries=0).email.send(MESSAGE)
    assert caught.value.may_have_been_sent is False


def test_the_async_client_says_the_same() -> None:
    with pytest.raises(ServerError) as caught:
        async_send(AsyncAnswer(500, {"ErrorCode": 0, "Message": "oops"}), MESSAGE)
    assert caught.value.may_have_been_sent is True


@responses.activate
def test_every_outcome_of_a_failed_batch_chunk_may_have_been_sent() -> None:
    calls = iter([(500, {"ErrorCode": 0, "Message": "oops"})])

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        items = json.loads(request.body)
        status, body = next(calls, (200, [{"ErrorCode": 0, "MessageID": "m"} for _ in items]))
        return status, {}, json.dumps(body)

    responses.add_callback(responses.POST, f"{API}/email/batch", callback=answer)
    messages = [dict(MESSAGE, To=f"u{i}@example.com") for i in range(1200)]
    result = ServerClient("t").email.send_batch(messages)
    assert [len(json.loads(c.request.body)) for c in responses.calls] == [500, 500, 200]
    assert all(o.error is not None and o.error.may_have_been_sent for o in result[:500])
    assert all(o.ok for o in result[500:])


@responses.activate
def test_a_batch_mixing_sent_and_not_sent_failures_says_it_may_have_been_sent() -> None:
    answers = iter([(429, {"ErrorCode": 0, "Message": "slow"}), (500, {"ErrorCode": 0})])
    responses.add_callback(
        responses.POST,
        f"{API}/email/batch",
        callback=lambda request: (lambda s, b: (s, {}, json.dumps(b)))(*next(answers)),
    )
    plan = BatchPlan(max_count=1)
    plan.add(0, MESSAGE)
    plan.add(1, dict(MESSAGE, To="other@example.com"))
    result = ServerClient("t", retries=0).email.send_batch(plan)
    assert [o.error.may_have_been_sent for o in result if o.error] == [False, True]
    with pytest.raises(postmark.PostmarkError) as caught:
        result.raise_for_failures()
    assert caught.value.may_have_been_sent is True


def test_a_session_whose_adapter_replays_posts_is_refused() -> None:
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=Retry(total=3, allowed_methods=None)))
    with pytest.raises(ConfigurationError, match="retries POST"):
        ServerClient("t", session=session)
    polite = requests.Session()
    polite.mount("https://", HTTPAdapter(max_retries=3))  # urllib3's default methods: no POST
    assert ServerClient("t", session=polite).transport.session is polite


# --------------------------------------------------------------------------
# Injection on the paths that skipped the check


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ({"Headers": [{"Name": "X-A\r\nBcc", "Value": "v"}]}, "Headers"),
        ({"Headers": [{"Name": "X-A", "Value": "v\r\nBcc: x@evil.example"}]}, "Header X-A"),
        ({"Headers": [{"Name": "X-A", "Value": 5}]}, "Header X-A"),
        (
            {
                "Attachments": [
                    {"Name": "a\r\n.txt", "Content": "aGk=", "ContentType": "text/plain"}
                ]
            },
            "Attachments",
        ),
        ({"Metadata": {"k": "v\r\nx"}}, "Metadata"),
        ({"MessageStream": "outbound\r\nBcc: x"}, "MessageStream"),
        ({"Subject": "a\x00b"}, "Subject"),
        ({"To": "a@example.com; b@example.com"}, "To"),
    ],
)
def test_a_postmark_form_dict_gets_every_check(message: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidMessageError) as caught:
        ServerClient("t").email.send({**MESSAGE, **message})
    assert caught.value.field == field


def test_fifty_to_and_one_bcc_are_refused_locally() -> None:
    to = ", ".join(f"u{i}@example.com" for i in range(50))
    ServerClient("t")  # building works; the check is per message
    with pytest.raises(InvalidMessageError, match="51 recipients"):
        postmark.payloads.build_message(
            sender="me@example.com", to=to, bcc="b@example.com", subject="s", text_body="x"
        )
    assert (
        postmark.payloads.build_message(sender="me@example.com", to=to, subject="s", text_body="x")[
            "To"
        ]
        == to
    )


# --------------------------------------------------------------------------
# Token exposure


@pytest.mark.parametrize(
    "url",
    [
        "http://api.postmarkapp.com",
        "https://api.postmarkapp.com@evil.example",
        "https://user:pw@api.postmarkapp.com",
        "https://api.postmarkapp.com\\@evil.example",
        "https://api.postmarkapp.com:0",
        "https://api.postmark\x00app.com",
    ],
)
def test_a_base_url_that_could_leak_the_token_is_refused(url: str, monkeypatch: Any) -> None:
    with pytest.raises(ConfigurationError):
        ServerClient("t", base_url=url)
    if "\x00" not in url:  # an environment variable cannot hold a NUL
        monkeypatch.setenv("POSTMARK_API_URL", url)
        with pytest.raises(ConfigurationError):
            ServerClient("t")


def test_plain_http_is_for_loopback_or_an_explicit_opt_in(caplog: Any) -> None:
    for local in (
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:2",
        "http://127.8.9.1",
    ):
        assert ServerClient("t", base_url=local).base_url == local
    with caplog.at_level("WARNING", logger="postmark"):
        ServerClient("t", base_url="http://mail.internal.example", allow_http=True)
        ServerClient("t", base_url="http://mail.internal.example", allow_http=True)
    warnings = [r for r in caplog.records if "plain HTTP" in r.getMessage()]
    assert len(warnings) == 1 and "t" not in warnings[0].getMessage().split()


# --------------------------------------------------------------------------
# Crashes instead of errors


def test_a_lone_surrogate_in_a_body_fails_its_message_naming_the_field() -> None:
    with pytest.raises(InvalidMessageError) as caught:
        ServerClient("t").email.send({**MESSAGE, "TextBody": "broken \ud800 text"})
    assert caught.value.field == "TextBody"


@responses.activate
def test_one_unencodable_value_fails_only_its_message_in_a_batch() -> None:
    responses.add_callback(
        responses.POST,
        f"{API}/email/batch",
        callback=lambda r: (
            200,
            {},
            json.dumps([{"ErrorCode": 0, "MessageID": "m"}] * len(json.loads(r.body))),
        ),
    )
    good = dict(MESSAGE, Metadata={"price": "1"})
    decimal = dict(MESSAGE, TemplateModel={"total": Decimal("9.99")})  # encoded as a string
    odd = dict(MESSAGE, TemplateModel={"items": [{"price": object()}]})
    result = ServerClient("t").email.send_batch([good, decimal, odd, good])
    assert [o.ok for o in result] == [True, True, False, True]
    assert result[2].error is not None and "TemplateModel.items[0].price" in str(result[2].error)
    [sent] = [json.loads(c.request.body) for c in responses.calls]
    assert sent[1]["TemplateModel"] == {"total": "9.99"}


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, 0, "nan"])
def test_a_timeout_or_deadline_that_cannot_work_is_refused_when_the_client_is_built(
    value: Any, monkeypatch: Any
) -> None:
    for options in ({"timeout": value}, {"timeout": (1.0, value)}, {"deadline": value}):
        with pytest.raises(ConfigurationError):
            ServerClient("t", **options)
    monkeypatch.setenv("POSTMARK_TIMEOUT", str(value))
    with pytest.raises(ConfigurationError):
        ServerClient("t")


# --------------------------------------------------------------------------
# Content changed on the way


def test_a_mime_part_that_declares_a_charset_keeps_it() -> None:
    from email.mime.text import MIMEText

    part = MIMEText("héllo", "plain", "utf-8")
    part.add_header("Content-Disposition", "attachment", filename="notes.txt")
    [attachment] = PMMail(
        sender="me@example.com",
        to="you@example.com",
        subject="s",
        text_body="x",
        attachments=[part],
    ).to_json_message()["Attachments"]
    assert attachment["ContentType"] == 'text/plain; charset="utf-8"'


@pytest.mark.parametrize("tag", [["a", "b"], 7, {"k": "v"}])
def test_a_tag_that_is_not_a_string_is_refused(tag: Any) -> None:
    with pytest.raises(InvalidMessageError) as caught:
        ServerClient("t").email.send({**MESSAGE, "Tag": tag})
    assert caught.value.field == "Tag"
    assert re.search("must be a string", str(caught.value))
