"""AsyncServerClient over real sockets: the JSON sent, the errors raised, retries, TLS."""

from __future__ import annotations

import asyncio
import io
import json
import socket
import ssl
import time
from pathlib import Path
from typing import Any

import pytest
import tornado
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest, HTTPResponse
from tornado.httpserver import HTTPServer
from tornado.netutil import Resolver
from tornado.testing import bind_unused_port
from tornado.web import Application, RequestHandler
from tornado_fakes import TOKEN, FakePostmark, run_with_fake

import postmark
from postmark import PMMail
from postmark.api.email import SendResponse
from postmark.exceptions import (
    APIError,
    ConfigurationError,
    InactiveRecipientError,
    InvalidMessageError,
    NotFoundError,
    PayloadTooLargeError,
    PMMailInactiveRecipientException,
    PMMailSendException,
    PMMailServerErrorException,
    PMMailUnauthorizedException,
    PMMailUnprocessableEntityException,
    PMMailURLException,
    PostmarkError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    TLSError,
    TransportError,
    UnauthorizedError,
    UnprocessableEntityError,
)
from postmark.sending import BatchPlan
from postmark.tornado import AsyncServerClient, SendFuture, wait_for_sends

CERTS = Path(__file__).parent / "certs"


def client(url: str, token: str = TOKEN, **options: Any) -> AsyncServerClient:
    return AsyncServerClient(token, base_url=url, **options)


# --------------------------------------------------------------------------
# What goes on the wire


def test_send_posts_postmarks_json_with_the_token_header() -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        return await client(url).send(
            sender="Me <me@example.com>",
            to=["ada@example.com", "bob@example.com"],
            cc="carol@example.com",
            bcc="dave@example.com",
            reply_to="help@example.com",
            subject="Hello",
            html_body="<b>Hi</b>",
            text_body="Hi",
            tag="welcome",
            metadata={"user": "42"},
            headers={"X-Campaign": "spring"},
            attachments=[("a.txt", "aGk=", "text/plain")],
            track_opens=True,
            track_links="HtmlOnly",
            message_stream="outbound",
        ), fake

    answer, fake = run_with_fake(scenario)
    assert [r.path for r in fake.received] == ["/email"]
    request = fake.received[0]
    assert request.method == "POST"
    assert request.json == {
        "From": "Me <me@example.com>",
        "To": "ada@example.com, bob@example.com",
        "Cc": "carol@example.com",
        "Bcc": "dave@example.com",
        "ReplyTo": "help@example.com",
        "Subject": "Hello",
        "HtmlBody": "<b>Hi</b>",
        "TextBody": "Hi",
        "Tag": "welcome",
        "Metadata": {"user": "42"},
        "Headers": [{"Name": "X-Campaign", "Value": "spring"}],
        "Attachments": [{"Name": "a.txt", "Content": "aGk=", "ContentType": "text/plain"}],
        "TrackOpens": True,
        "TrackLinks": "HtmlOnly",
        "MessageStream": "outbound",
    }
    assert request.headers["X-Postmark-Server-Token"] == TOKEN
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith(f"python-postmark/{postmark.__version__} (")
    assert f"Tornado {tornado.version}" in request.headers["User-Agent"]
    assert answer.message_id == answer["MessageID"]
    assert fake.messages == [request.json]
    assert answer["To"] == "ada@example.com, bob@example.com"


def test_the_answer_is_a_send_response_with_the_message_id() -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        future = client(url).send({"From": "me@example.com", "To": "a@example.com"})
        assert isinstance(future, SendFuture)
        return await future

    answer = run_with_fake(scenario)
    assert isinstance(answer, SendResponse)
    assert answer.message_id == answer["MessageID"]
    assert len(answer.message_id or "") == 36


def test_template_send_goes_to_with_template() -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        await client(url).send_with_template(
            sender="me@example.com",
            to="a@example.com",
            template_alias="welcome",
            template_model={"name": "Ada"},
            inline_css=False,
        )
        await client(url).send(sender="me@example.com", to="b@example.com", template_id=7)
        return fake

    fake = run_with_fake(scenario)
    assert [r.path for r in fake.received] == ["/email/withTemplate", "/email/withTemplate"]
    assert fake.received[0].json == {
        "From": "me@example.com",
        "To": "a@example.com",
        "TemplateAlias": "welcome",
        "TemplateModel": {"name": "Ada"},
        "InlineCss": False,
    }
    assert fake.received[1].json["TemplateId"] == 7


def test_a_pmmail_is_sent_as_is() -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        mail = PMMail(sender="me@example.com", to="a@example.com", subject="S", text_body="T")
        await client(url).send(mail)
        return fake

    fake = run_with_fake(scenario)
    assert fake.received[0].json["TextBody"] == "T"


def test_cancelling_the_future_does_not_cut_the_send_off() -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        fake.next(delay=0.2)
        future = client(url).send(sender="me@example.com", to="a@example.com")
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(future, 0.05)  # the caller gives up waiting ...
        assert future.cancelled()
        assert await wait_for_sends(timeout=2) == 0  # ... the send still completes
        return fake

    fake = run_with_fake(scenario)
    assert len(fake.messages) == 1


def test_a_failure_after_the_caller_gave_up_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        fake.next(500, {"ErrorCode": 101, "Message": "Internal error"}, delay=0.2)
        future = client(url).send(sender="me@example.com", to="a@example.com")
        future.cancel()
        await wait_for_sends(timeout=2)

    with caplog.at_level("ERROR", logger="postmark"):
        run_with_fake(scenario)
    [record] = [r for r in caplog.records if r.name == "postmark"]
    assert "POST /email failed and nobody awaited it" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is ServerError


def test_local_checks_raise_at_once_and_send_nothing() -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        with pytest.raises(InvalidMessageError) as caught:
            client(url).send(sender="me@example.com", to="a@example.com", subject="a\r\nBcc: x")
        assert caught.value.field == "Subject"
        with pytest.raises(InvalidMessageError):
            client(url).send_with_template(sender="me@example.com", to="a@example.com")
        big = "x" * (10 * 1024 * 1024 + 1)
        with pytest.raises(InvalidMessageError, match="10 MB"):
            client(url).send(sender="me@example.com", to="a@example.com", html_body=big)
        return fake

    assert run_with_fake(scenario).received == []


def test_calling_outside_a_running_loop_says_so() -> None:
    with pytest.raises(RuntimeError, match="no running event loop"):
        client("http://127.0.0.1:9").send(sender="me@example.com", to="a@example.com")


def test_a_token_is_required() -> None:
    with pytest.raises(ConfigurationError, match="POSTMARK_SERVER_TOKEN"):
        AsyncServerClient(base_url="http://127.0.0.1:9")


def test_token_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        monkeypatch.setenv("POSTMARK_SERVER_TOKEN", TOKEN)
        monkeypatch.setenv("POSTMARK_API_URL", url)
        return await AsyncServerClient().send(sender="me@example.com", to="a@example.com")

    assert run_with_fake(scenario)["ErrorCode"] == 0


def test_the_token_never_shows_in_reprs() -> None:
    c = client("http://127.0.0.1:9", token="secret-token-value")
    assert "secret-token-value" not in repr(c) + repr(c.transport)


def test_request_calls_any_endpoint_with_a_query() -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        fake.next(200, {"Name": "server"})
        answer = await client(url).request("GET", "/server", params={"count": 1, "x": None})
        return answer, fake

    answer, fake = run_with_fake(scenario)
    assert answer == {"Name": "server"}
    assert fake.received[0].method == "GET"
    assert fake.received[0].path == "/server"


# --------------------------------------------------------------------------
# Errors: the sync core's classes


ERROR_CASES = [
    # (how to provoke it, expected class, legacy class, http status, error code)
    ("bad-token", UnauthorizedError, PMMailUnauthorizedException, 401, 10),
    ("inactive", InactiveRecipientError, PMMailInactiveRecipientException, 422, 406),
    ("refused", UnprocessableEntityError, PMMailUnprocessableEntityException, 422, 300),
    ("500", ServerError, PMMailServerErrorException, 500, 101),
    ("413", PayloadTooLargeError, PMMailSendException, 413, None),
    ("not-json", APIError, PMMailSendException, 200, None),
    ("redirect", APIError, PMMailSendException, 302, None),
]


async def provoke(case: str, fake: FakePostmark, url: str) -> Any:
    token, to = TOKEN, "a@example.com"
    if case == "bad-token":
        token = "wrong"
    elif case == "inactive":
        to = "inactive@example.com"
    elif case == "refused":
        fake.next(422, {"ErrorCode": 300, "Message": "Invalid email request"})
    elif case == "500":
        fake.next(500, {"ErrorCode": 101, "Message": "Internal error"})
    elif case == "413":
        fake.next(413, b"Request Entity Too Large")
    elif case == "not-json":
        fake.next(200, b"<html>maintenance</html>")
    elif case == "redirect":
        fake.next(302, b"", headers={"Location": url + "/email"})
    return await client(url, token=token).send(sender="me@example.com", to=to, subject="S")


@pytest.mark.parametrize(("case", "cls", "legacy", "status", "code"), ERROR_CASES)
def test_errors_raise_the_sync_cores_classes(
    case: str, cls: type[PostmarkError], legacy: type[Exception], status: int, code: int | None
) -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        with pytest.raises(cls) as caught:
            await provoke(case, fake, url)
        return caught.value, fake

    error, fake = run_with_fake(scenario)
    assert type(error) is cls
    assert isinstance(error, legacy)
    assert error.http_status == status
    assert error.error_code == code
    assert len(fake.received) == 1  # none of these is retried, a redirect is not followed
    assert TOKEN not in str(error) + repr(error)


def test_inactive_recipients_are_listed() -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        with pytest.raises(InactiveRecipientError) as caught:
            await provoke("inactive", fake, url)
        return caught.value

    assert run_with_fake(scenario).inactive_recipients == ["inactive@example.com"]


def test_unknown_endpoint_is_not_found() -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        with pytest.raises(NotFoundError):
            await client(url).request("GET", "/nowhere")

    run_with_fake(scenario)


# --------------------------------------------------------------------------
# Retries: a POST is replayed only when Postmark provably took nothing


def test_429_then_200_stores_one_message(waits: list[float]) -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        fake.next(429, {"ErrorCode": 429, "Message": "Rate limit exceeded"})
        return await client(url).send(sender="me@example.com", to="a@example.com"), fake

    answer, fake = run_with_fake(scenario)
    assert [r.path for r in fake.received] == ["/email", "/email"]
    assert fake.received[0].body == fake.received[1].body
    assert len(fake.messages) == 1
    assert answer["ErrorCode"] == 0
    assert len(waits) == 1


def test_the_wait_between_attempts_is_a_timer_honouring_retry_after() -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        fake.next(503, {"ErrorCode": 100, "Message": "Maintenance"}, headers={"Retry-After": "0.2"})
        started = time.monotonic()
        await client(url).send(sender="me@example.com", to="a@example.com")
        return time.monotonic() - started, fake

    elapsed, fake = run_with_fake(scenario)
    assert len(fake.received) == 2
    assert len(fake.messages) == 1
    assert 0.2 <= elapsed < 1.5


def test_429_until_the_attempts_run_out(waits: list[float]) -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        for _ in range(4):
            fake.next(429, {"ErrorCode": 429, "Message": "Rate limit exceeded"})
        with pytest.raises(RateLimitError) as caught:
            await client(url).send(sender="me@example.com", to="a@example.com")
        return caught.value, fake

    error, fake = run_with_fake(scenario)
    assert len(fake.received) == 4  # 1 + 3 retries
    assert fake.messages == []
    assert len(waits) == 3
    assert error.retryable


def test_retries_zero_disables_retrying(waits: list[float]) -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        fake.next(429, {"ErrorCode": 429, "Message": "Rate limit exceeded"})
        with pytest.raises(RateLimitError):
            await client(url, retries=0).send(sender="me@example.com", to="a@example.com")
        return fake

    assert len(run_with_fake(scenario).received) == 1
    assert waits == []


def test_500_on_a_post_is_not_retried(waits: list[float]) -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        fake.next(500, {"ErrorCode": 101, "Message": "Internal error"})
        with pytest.raises(ServerError) as caught:
            await client(url).send(sender="me@example.com", to="a@example.com")
        return caught.value, fake

    error, fake = run_with_fake(scenario)
    assert len(fake.received) == 1
    assert waits == []
    assert not error.retryable
    assert "not repeated" in str(error)


def test_500_on_a_get_is_retried(waits: list[float]) -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        fake.next(500, {"ErrorCode": 101, "Message": "Internal error"})
        fake.next(200, {"Name": "server"})
        return await client(url).request("GET", "/server"), fake

    answer, fake = run_with_fake(scenario)
    assert answer == {"Name": "server"}
    assert len(fake.received) == 2
    assert len(waits) == 1


def test_a_read_timeout_on_a_post_is_not_retried(waits: list[float]) -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        fake.next(delay=1.0)
        started = time.monotonic()
        with pytest.raises(RequestTimeoutError) as caught:
            await client(url, timeout=(0.1, 0.1)).send(sender="me@example.com", to="a@example.com")
        return caught.value, fake, time.monotonic() - started

    error, fake, elapsed = run_with_fake(scenario)
    assert len(fake.received) == 1
    assert waits == []
    assert error.may_have_been_sent
    assert not error.retryable
    assert "did not answer in time" in str(error)
    assert "not repeated" in str(error)
    assert elapsed < 0.8


def test_a_read_timeout_on_a_get_is_retried(waits: list[float]) -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        fake.next(delay=1.0)
        fake.next(200, {"Name": "server"})
        return await client(url, timeout=(0.1, 0.1)).request("GET", "/server"), fake

    answer, fake = run_with_fake(scenario)
    assert answer == {"Name": "server"}
    assert len(fake.received) == 2
    assert len(waits) == 1


def test_a_dropped_connection_after_sending_is_not_retried(waits: list[float]) -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        fake.next(drop=True)
        with pytest.raises(TransportError) as caught:
            await client(url).send(sender="me@example.com", to="a@example.com")
        return caught.value, fake

    error, fake = run_with_fake(scenario)
    assert type(error) is TransportError
    assert isinstance(error, PMMailURLException)
    assert len(fake.received) == 1
    assert waits == []
    assert error.may_have_been_sent
    assert "may have reached Postmark" in str(error)


def test_connection_refused_is_retried_until_postmark_is_back(waits: list[float]) -> None:
    async def scenario() -> Any:
        fake = FakePostmark()
        sock, port = bind_unused_port()
        sock.close()  # nothing listens there yet: the first attempt is refused
        server = HTTPServer(fake.app())

        async def come_back(seconds: float) -> None:
            waits.append(seconds)
            if len(waits) == 1:
                server.listen(port, "127.0.0.1")

        try:
            answer = await client(f"http://127.0.0.1:{port}", sleep=come_back).send(
                sender="me@example.com", to="a@example.com"
            )
        finally:
            server.stop()
        return answer, fake

    answer, fake = asyncio.run(scenario())
    assert answer["ErrorCode"] == 0
    assert len(waits) == 1
    assert len(fake.received) == 1
    assert len(fake.messages) == 1


def test_connection_refused_every_time_says_nothing_was_sent(waits: list[float]) -> None:
    sock, port = bind_unused_port()
    sock.close()

    async def scenario() -> Any:
        with pytest.raises(TransportError) as caught:
            await client(f"http://127.0.0.1:{port}").send(
                sender="me@example.com", to="a@example.com"
            )
        return caught.value

    error = asyncio.run(scenario())
    assert len(waits) == 3
    assert not error.may_have_been_sent
    assert error.retryable
    assert "could not connect (ConnectionRefusedError)" in str(error)
    assert isinstance(error.inner_exception, ConnectionRefusedError)


class _NoSuchHost(Resolver):
    async def resolve(self, host: str, port: int, family: Any = socket.AF_UNSPEC) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def test_dns_failure_is_retried_and_says_nothing_was_sent(waits: list[float]) -> None:
    async def scenario() -> Any:
        http = AsyncHTTPClient(force_instance=True, resolver=_NoSuchHost())
        with pytest.raises(TransportError) as caught:
            await client("https://api.example.invalid", http_client=http).send(
                sender="me@example.com", to="a@example.com"
            )
        http.close()
        return caught.value

    error = asyncio.run(scenario())
    assert len(waits) == 3
    assert not error.may_have_been_sent
    assert "could not connect (gaierror)" in str(error)


# --------------------------------------------------------------------------
# Batches


def test_batch_gives_one_outcome_per_message_in_order() -> None:
    messages: list[Any] = [
        {"From": "me@example.com", "To": "a@example.com", "Subject": "1"},
        {"From": "me@example.com", "To": "inactive@example.com", "Subject": "2"},
        {"From": "me@example.com", "To": "b@example.com", "Subject": "3\nBcc: x"},  # refused here
        {"From": "me@example.com", "To": "c@example.com", "TemplateAlias": "t"},
        PMMail(sender="me@example.com", to="d@example.com", subject="5", text_body="x"),
    ]

    async def scenario(fake: FakePostmark, url: str) -> Any:
        return await client(url).send_batch(messages), fake

    result, fake = run_with_fake(scenario)
    assert [r.path for r in fake.received] == ["/email/batch", "/email/batchWithTemplates"]
    assert [m["To"] for m in fake.received[0].json] == [
        "a@example.com",
        "inactive@example.com",
        "d@example.com",
    ]
    assert fake.received[1].json == {
        "Messages": [{"From": "me@example.com", "To": "c@example.com", "TemplateAlias": "t"}]
    }
    assert [o.index for o in result] == [0, 1, 2, 3, 4]
    assert [o.ok for o in result] == [True, False, False, True, True]
    assert isinstance(result[1].error, InactiveRecipientError)
    assert isinstance(result[2].error, InvalidMessageError)
    assert result.message_ids[0] is not None


def test_batch_splits_by_count_and_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BatchPlan, "max_count", 3)
    monkeypatch.setattr(BatchPlan, "max_bytes", 300)
    messages = [
        {"From": "me@example.com", "To": f"user{i}@example.com", "Subject": "x" * (i * 20)}
        for i in range(7)
    ]

    async def scenario(fake: FakePostmark, url: str) -> Any:
        return await client(url).send_batch(messages), fake

    result, fake = run_with_fake(scenario)
    assert len(fake.received) > 7 // 3
    assert all(len(r.json) <= 3 and len(r.body) <= 300 for r in fake.received)
    sent = [m["To"] for r in fake.received for m in r.json]
    assert sent == [m["To"] for m in messages]  # every message once, in order
    assert all(o.ok for o in result)


def test_default_batch_limits_are_postmarks(monkeypatch: pytest.MonkeyPatch) -> None:
    messages = [{"From": "me@example.com", "To": f"u{i}@example.com"} for i in range(501)]

    async def scenario(fake: FakePostmark, url: str) -> Any:
        return await client(url).send_batch(messages), fake

    result, fake = run_with_fake(scenario)
    assert [len(r.json) for r in fake.received] == [500, 1]
    assert len(result.succeeded) == 501


def test_batch_with_a_bad_token_stops_after_the_first_request() -> None:
    messages = [{"From": "me@example.com", "To": f"u{i}@example.com"} for i in range(3)]

    async def scenario(fake: FakePostmark, url: str) -> Any:
        BatchPlan.max_count, saved = 1, BatchPlan.max_count
        try:
            return await client(url, token="wrong").send_batch(messages), fake
        finally:
            BatchPlan.max_count = saved

    result, fake = run_with_fake(scenario)
    assert len(fake.received) == 1
    assert all(isinstance(o.error, UnauthorizedError) for o in result)
    with pytest.raises(UnauthorizedError):
        result.raise_for_failures()


def test_batch_survives_a_failed_chunk(waits: list[float]) -> None:
    messages = [{"From": "me@example.com", "To": f"u{i}@example.com"} for i in range(2)]

    async def scenario(fake: FakePostmark, url: str) -> Any:
        BatchPlan.max_count, saved = 1, BatchPlan.max_count
        fake.next(500, {"ErrorCode": 101, "Message": "Internal error"})
        try:
            return await client(url).send_batch(messages), fake
        finally:
            BatchPlan.max_count = saved

    result, fake = run_with_fake(scenario)
    assert [o.ok for o in result] == [False, True]
    assert isinstance(result[0].error, ServerError)
    assert len(fake.received) == 2


# --------------------------------------------------------------------------
# TLS: always verified; trust comes from ca_bundle or REQUESTS_CA_BUNDLE


class _Ok(RequestHandler):
    def post(self) -> None:
        self.write(json.dumps({"ErrorCode": 0, "Message": "OK", "MessageID": "tls-id"}))


def run_tls(scenario: Any) -> Any:
    async def main() -> Any:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(CERTS / "cert.pem", CERTS / "key.pem")
        sock, port = bind_unused_port()
        server = HTTPServer(Application([(r"/email", _Ok)]), ssl_options=context)
        server.add_sockets([sock])
        try:
            return await asyncio.wait_for(scenario(f"https://127.0.0.1:{port}"), 5)
        finally:
            server.stop()

    return asyncio.run(main())


def test_an_untrusted_certificate_is_a_tls_error_and_not_retried(waits: list[float]) -> None:
    async def scenario(url: str) -> Any:
        with pytest.raises(TLSError) as caught:
            await client(url).send(sender="me@example.com", to="a@example.com")
        return caught.value

    error = run_tls(scenario)
    assert waits == []
    assert isinstance(error, TransportError)
    assert isinstance(error.inner_exception, ssl.SSLError)
    assert "ca_bundle / REQUESTS_CA_BUNDLE" in str(error)


def test_ca_bundle_argument_is_trusted() -> None:
    async def scenario(url: str) -> Any:
        return await client(url, ca_bundle=str(CERTS / "cert.pem")).send(
            sender="me@example.com", to="a@example.com"
        )

    assert run_tls(scenario)["MessageID"] == "tls-id"


def test_requests_ca_bundle_is_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(CERTS / "cert.pem"))

    async def scenario(url: str) -> Any:
        return await client(url).send(sender="me@example.com", to="a@example.com")

    assert run_tls(scenario)["MessageID"] == "tls-id"


def test_a_missing_ca_bundle_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        client("https://api.postmarkapp.com", ca_bundle="/nonexistent/ca.pem")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")
    with pytest.raises(ConfigurationError, match="does not exist"):
        client("https://api.postmarkapp.com")


def test_certificates_are_verified_against_certifi_by_default() -> None:
    import certifi

    assert client("https://api.postmarkapp.com").transport.ca_bundle == certifi.where()


def test_the_tls_context_verifies_and_is_built_once_per_bundle() -> None:
    from postmark.tornado.transport import _tls_context

    context = _tls_context(str(CERTS / "cert.pem"))
    assert context is _tls_context(str(CERTS / "cert.pem"))
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


# --------------------------------------------------------------------------
# Whatever AsyncHTTPClient the application configured


class _StubClient:
    """An http_client whose fetch fails the way a raise_error client or a bug would."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.requests: list[HTTPRequest] = []

    async def fetch(self, request: HTTPRequest, raise_error: bool = True) -> HTTPResponse:
        self.requests.append(request)
        raise self.error


def test_an_http_client_error_with_a_response_is_decoded() -> None:
    body = json.dumps({"ErrorCode": 406, "Message": "Found inactive addresses: x@example.com."})
    request = HTTPRequest("http://127.0.0.1:9/email")
    answer = HTTPResponse(request, 422, buffer=io.BytesIO(body.encode()))
    stub = _StubClient(HTTPClientError(422, "Unprocessable", answer))

    async def scenario() -> Any:
        c = client("http://127.0.0.1:9", http_client=stub)
        with pytest.raises(InactiveRecipientError) as caught:
            await c.send(sender="me@example.com", to="x@example.com")
        return caught.value

    error = asyncio.run(scenario())
    assert error.inactive_recipients == ["x@example.com"]
    [sent] = stub.requests
    assert sent.validate_cert is True
    assert sent.follow_redirects is False
    assert sent.ssl_options is None  # not the simple client: it gets ca_certs
    assert sent.ca_certs == client("http://127.0.0.1:9").transport.ca_bundle


def test_an_error_that_is_not_about_the_connection_is_not_disguised() -> None:
    stub = _StubClient(ValueError("Unsupported url scheme"))

    async def scenario() -> None:
        c = client("http://127.0.0.1:9", http_client=stub)
        with pytest.raises(ValueError, match="Unsupported url scheme"):
            await c.send(sender="me@example.com", to="x@example.com")

    asyncio.run(scenario())
    assert len(stub.requests) == 1
