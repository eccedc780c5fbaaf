"""PostmarkMixin inside a running Tornado application (tornado.testing).

The application under test and a fake Postmark share one IOLoop, so a
mixin that blocked the loop could not get an answer at all.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import tornado.options
from tornado import gen
from tornado.options import OptionParser
from tornado.testing import gen_test
from tornado.web import Application, RequestHandler
from tornado_fakes import TOKEN, PostmarkTestCase

from postmark.exceptions import (
    ConfigurationError,
    InactiveRecipientError,
    InvalidMessageError,
    PostmarkError,
)
from postmark.tornado import PostmarkMixin, SendFuture, wait_for_sends
from postmark.tornado_mixin import PostmarkMixin as LegacyPostmarkMixin

SENDER = "app@example.com"


@contextmanager
def fresh_options() -> Iterator[OptionParser]:
    """A blank tornado.options for one test (the real one is process-wide)."""
    parser = OptionParser()
    with mock.patch.object(tornado.options, "options", parser):
        yield parser


# --------------------------------------------------------------------------
# A handler exactly as python-postmark 0.x users wrote it


class LegacyHandler(LegacyPostmarkMixin, RequestHandler):
    def post(self) -> None:
        self.send_email(
            body=self.get_argument("body"),
            to=self.get_argument("to"),
            subject=self.get_argument("subject"),
        )
        self.write("queued")


class LegacyMixinTest(PostmarkTestCase):
    """No application settings: options postmark_signature/postmark_sendemail, as in 0.x."""

    def get_app(self) -> Application:
        return Application([(r"/signup", LegacyHandler)])

    def post_form(self, **fields: str) -> Any:
        body = "&".join(f"{k}={v}" for k, v in fields.items())
        return self.http_client.fetch(self.get_url("/signup"), method="POST", body=body)

    @gen_test
    async def test_legacy_handler_works_unchanged_and_the_mail_arrives(self) -> None:
        with fresh_options(), mock.patch.dict(os.environ, {"POSTMARK_API_URL": self.fake_url}):
            tornado.options.define("postmark_signature", default=TOKEN)
            tornado.options.define("postmark_sendemail", default=SENDER)
            response = await self.post_form(
                body="<b>Welcome</b>", to="ada@example.com", subject="Hi"
            )
            self.assertEqual(response.body, b"queued")
            self.assertEqual(await wait_for_sends(timeout=2), 0)
        self.assertEqual(
            self.fake.messages,
            [
                {
                    "From": SENDER,
                    "To": "ada@example.com",
                    "Subject": "Hi",
                    "HtmlBody": "<b>Welcome</b>",
                }
            ],
        )
        self.assertEqual(self.fake.received[0].headers["X-Postmark-Server-Token"], TOKEN)

    @gen_test
    async def test_options_set_after_define_are_read_at_send_time(self) -> None:
        with (
            fresh_options() as options,
            mock.patch.dict(os.environ, {"POSTMARK_API_URL": self.fake_url}),
        ):
            tornado.options.define("postmark_signature", default=None, type=str)
            tornado.options.define("postmark_sendemail", default=None, type=str)
            options.parse_command_line(
                ["app", f"--postmark_signature={TOKEN}", "--postmark_sendemail=cli@example.com"]
            )
            await self.post_form(body="x", to="ada@example.com", subject="Hi")
            await wait_for_sends(timeout=2)
        self.assertEqual(self.fake.messages[0]["From"], "cli@example.com")

    @gen_test
    async def test_no_token_anywhere_fails_the_request_loudly_and_sends_nothing(self) -> None:
        with fresh_options(), self.assertLogs("tornado.application", "ERROR") as logs:
            response = await self.http_client.fetch(
                self.get_url("/signup"),
                method="POST",
                body="body=x&to=a@example.com&subject=S",
                raise_error=False,
            )
        self.assertEqual(response.code, 500)
        self.assertIn("ConfigurationError: No Postmark server token", "\n".join(logs.output))
        self.assertEqual(self.fake.received, [])


# --------------------------------------------------------------------------
# A modern application: settings, awaiting, every field, batches


class SendHandler(PostmarkMixin, RequestHandler):
    async def post(self) -> None:
        fields = json.loads(self.request.body)
        try:
            answer = await self.send_email(**fields)
        except PostmarkError as error:
            self.set_status(502)
            self.write({"error": type(error).__name__, "status": error.http_status})
            return
        self.write(answer)


class FireAndForgetHandler(PostmarkMixin, RequestHandler):
    def post(self) -> None:
        self.send_email(**json.loads(self.request.body))
        self.write("queued")


class BatchHandler(PostmarkMixin, RequestHandler):
    async def post(self) -> None:
        result = await self.send_batch(json.loads(self.request.body))
        self.write({"ids": result.message_ids, "errors": [o.error_code for o in result]})


class GenCoroutineHandler(PostmarkMixin, RequestHandler):
    """The pre-async/await style: yield the future from a gen.coroutine."""

    @gen.coroutine
    def post(self) -> Any:
        answer = yield self.send_email(to="ada@example.com", subject="gen", body="<p>x</p>")
        self.write({"id": answer["MessageID"]})


class PingHandler(RequestHandler):
    def get(self) -> None:
        self.write("pong")


class MixinTest(PostmarkTestCase):
    def get_app(self) -> Application:
        return Application(
            [
                (r"/send", SendHandler),
                (r"/later", FireAndForgetHandler),
                (r"/batch", BatchHandler),
                (r"/ping", PingHandler),
                (r"/gen", GenCoroutineHandler),
            ],
            postmark_server_token=TOKEN,
            postmark_sender=SENDER,
            postmark_api_url=self.fake_url,
        )

    async def post_json(self, path: str, data: Any, **options: Any) -> Any:
        return await self.http_client.fetch(
            self.get_url(path), method="POST", body=json.dumps(data), **options
        )

    @gen_test
    async def test_awaiting_send_email_gives_postmarks_answer(self) -> None:
        response = await self.post_json(
            "/send", {"to": "ada@example.com", "subject": "Hi", "body": "<p>Hi</p>"}
        )
        answer = json.loads(response.body)
        self.assertEqual(answer["ErrorCode"], 0)
        self.assertEqual(len(answer["MessageID"]), 36)
        self.assertEqual(
            self.fake.received[0].json,
            {"From": SENDER, "To": "ada@example.com", "Subject": "Hi", "HtmlBody": "<p>Hi</p>"},
        )

    @gen_test
    async def test_a_gen_coroutine_handler_can_yield_the_send(self) -> None:
        response = await self.post_json("/gen", {})
        self.assertEqual(len(json.loads(response.body)["id"]), 36)
        self.assertEqual(self.fake.messages[0]["Subject"], "gen")

    @gen_test
    async def test_every_message_field(self) -> None:
        fields = {
            "sender": "Other <other@example.com>",
            "to": ["ada@example.com", "bob@example.com"],
            "cc": "carol@example.com",
            "bcc": ["dave@example.com"],
            "reply_to": "help@example.com",
            "subject": "Hi",
            "html_body": "<p>Hi</p>",
            "text_body": "Hi",
            "tag": "welcome",
            "metadata": {"user": "42"},
            "headers": {"X-Campaign": "spring"},
            "attachments": [{"Name": "a.txt", "Content": "aGk="}],
            "track_opens": True,
            "track_links": "HtmlAndText",
            "message_stream": "broadcast",
        }
        await self.post_json("/send", fields)
        self.assertEqual(
            self.fake.received[0].json,
            {
                "From": "Other <other@example.com>",
                "To": "ada@example.com, bob@example.com",
                "Cc": "carol@example.com",
                "Bcc": "dave@example.com",
                "ReplyTo": "help@example.com",
                "Subject": "Hi",
                "HtmlBody": "<p>Hi</p>",
                "TextBody": "Hi",
                "Tag": "welcome",
                "Metadata": {"user": "42"},
                "Headers": [{"Name": "X-Campaign", "Value": "spring"}],
                "Attachments": [{"Name": "a.txt", "Content": "aGk=", "ContentType": "text/plain"}],
                "TrackOpens": True,
                "TrackLinks": "HtmlAndText",
                "MessageStream": "broadcast",
            },
        )

    @gen_test
    async def test_template_fields_go_to_with_template(self) -> None:
        await self.post_json(
            "/send",
            {"to": "ada@example.com", "template_alias": "welcome", "template_model": {"n": 1}},
        )
        await self.post_json("/send", {"to": "ada@example.com", "template_id": 12345})
        self.assertEqual([r.path for r in self.fake.received], ["/email/withTemplate"] * 2)
        self.assertEqual(
            self.fake.received[0].json,
            {
                "From": SENDER,
                "To": "ada@example.com",
                "TemplateAlias": "welcome",
                "TemplateModel": {"n": 1},
            },
        )
        self.assertEqual(self.fake.received[1].json["TemplateId"], 12345)

    @gen_test
    async def test_postmark_errors_reach_the_handler_as_the_cores_classes(self) -> None:
        cases = [
            ({"to": "inactive@example.com"}, None, "InactiveRecipientError", 422),
            ({"to": "ada@example.com"}, (500, {"ErrorCode": 101}), "ServerError", 500),
            (
                {"to": "ada@example.com"},
                (422, {"ErrorCode": 300, "Message": "Invalid email request"}),
                "UnprocessableEntityError",
                422,
            ),
        ]
        for fields, scripted, name, status in cases:
            if scripted:
                self.fake.next(*scripted)
            response = await self.post_json("/send", fields, raise_error=False)
            self.assertEqual(response.code, 502)
            self.assertEqual(json.loads(response.body), {"error": name, "status": status})

    @gen_test
    async def test_a_wrong_token_in_the_settings_is_unauthorized(self) -> None:
        self._app.settings["postmark_server_token"] = "wrong"
        response = await self.post_json("/send", {"to": "a@example.com"}, raise_error=False)
        self.assertEqual(json.loads(response.body), {"error": "UnauthorizedError", "status": 401})

    @gen_test(timeout=10)
    async def test_a_slow_postmark_does_not_block_other_requests(self) -> None:
        self.fake.next(delay=1.0)  # Postmark takes a second to answer this send
        started = time.monotonic()
        send = asyncio.ensure_future(self.post_json("/send", {"to": "ada@example.com"}))
        gaps: list[float] = []

        async def heartbeat() -> None:  # how long the loop ever goes without turning
            last = time.monotonic()
            while not send.done():
                await asyncio.sleep(0.01)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        beat = asyncio.ensure_future(heartbeat())
        while not self.fake.received:  # the send has reached Postmark and is waiting
            await asyncio.sleep(0.01)
        ping_started = time.monotonic()
        pong = await self.http_client.fetch(self.get_url("/ping"))
        ping_time = time.monotonic() - ping_started
        self.assertEqual(pong.body, b"pong")
        self.assertFalse(send.done(), "the send should still be waiting on Postmark")
        self.assertLess(ping_time, 0.3)
        response = await send
        await beat
        self.assertGreaterEqual(time.monotonic() - started, 1.0)
        self.assertEqual(json.loads(response.body)["ErrorCode"], 0)
        self.assertLess(max(gaps), 0.2, "the IOLoop was blocked")

    @gen_test
    async def test_a_send_nobody_awaits_still_goes_out(self) -> None:
        response = await self.post_json("/later", {"to": "ada@example.com", "subject": "Later"})
        self.assertEqual(response.body, b"queued")
        self.assertEqual(await wait_for_sends(timeout=2), 0)
        self.assertEqual([m["Subject"] for m in self.fake.messages], ["Later"])

    @gen_test
    async def test_a_failure_nobody_awaits_is_logged_on_the_postmark_logger(self) -> None:
        with self.assertLogs("postmark", level="ERROR") as logs:
            await self.post_json("/later", {"to": "inactive@example.com"})
            await wait_for_sends(timeout=2)
        [record] = logs.records
        self.assertIn("nobody awaited it", record.getMessage())
        self.assertIn("inactive@example.com", record.getMessage())
        assert record.exc_info is not None
        self.assertIs(record.exc_info[0], InactiveRecipientError)
        self.assertNotIn(TOKEN, "\n".join(logs.output))

    @gen_test
    async def test_an_awaited_failure_is_not_logged_twice(self) -> None:
        with self.assertNoLogs("postmark", level="ERROR"):
            response = await self.post_json(
                "/send", {"to": "inactive@example.com"}, raise_error=False
            )
        self.assertEqual(response.code, 502)

    @gen_test
    async def test_batch_fills_in_the_sender_and_reports_each_message(self) -> None:
        messages = [
            {"To": "ada@example.com", "Subject": "1"},
            {"To": "inactive@example.com", "Subject": "2"},
            {"From": "other@example.com", "To": "bob@example.com", "Subject": "3"},
        ]
        response = await self.post_json("/batch", messages)
        result = json.loads(response.body)
        self.assertEqual(result["errors"], [0, 406, 0])
        self.assertIsNone(result["ids"][1])
        self.assertEqual(
            [m["From"] for m in self.fake.received[0].json],
            [SENDER, SENDER, "other@example.com"],
        )

    @gen_test
    async def test_settings_win_over_options(self) -> None:
        with fresh_options():
            tornado.options.define("postmark_signature", default="option-token")
            tornado.options.define("postmark_sendemail", default="option@example.com")
            await self.post_json("/send", {"to": "ada@example.com"})
        self.assertEqual(self.fake.received[0].headers["X-Postmark-Server-Token"], TOKEN)
        self.assertEqual(self.fake.received[0].json["From"], SENDER)


# --------------------------------------------------------------------------
# The mixin on its own (no HTTP needed for local failures)


class Bare(PostmarkMixin):
    def __init__(self, **settings: Any) -> None:
        self.settings = settings


class MixinConfigurationTest(PostmarkTestCase):
    @gen_test
    async def test_missing_token_or_sender_is_a_clear_configuration_error(self) -> None:
        with fresh_options():
            with self.assertRaisesRegex(ConfigurationError, "postmark_server_token"):
                Bare(postmark_sender=SENDER).send_email(to="a@example.com")
            with self.assertRaisesRegex(ConfigurationError, "postmark_sendemail"):
                Bare(postmark_server_token=TOKEN).send_email(to="a@example.com")
        self.assertEqual(self.fake.received, [])

    @gen_test
    async def test_environment_settings_are_the_last_resort(self) -> None:
        env = {
            "POSTMARK_SERVER_TOKEN": TOKEN,
            "POSTMARK_SENDER": "env@example.com",
            "POSTMARK_API_URL": self.fake_url,
            "POSTMARK_TRACK_OPENS": "true",
        }
        with fresh_options(), mock.patch.dict(os.environ, env):
            answer = await Bare().send_email(to="a@example.com", subject="S")
        self.assertEqual(answer["ErrorCode"], 0)
        self.assertEqual(self.fake.received[0].json["From"], "env@example.com")
        self.assertIs(self.fake.received[0].json["TrackOpens"], True)

    @gen_test
    async def test_new_option_names_and_the_base_url_option(self) -> None:
        with fresh_options():
            tornado.options.define("postmark_server_token", default=TOKEN)
            tornado.options.define("postmark_sender", default="opt@example.com")
            tornado.options.define("postmark_api_url", default=self.fake_url)
            future = Bare().send_email(to="a@example.com")
            self.assertIsInstance(future, SendFuture)
            await future
        self.assertEqual(self.fake.received[0].json["From"], "opt@example.com")

    @gen_test
    async def test_body_and_html_body_together_are_refused(self) -> None:
        mixin = Bare(postmark_server_token=TOKEN, postmark_sender=SENDER)
        with self.assertRaises(InvalidMessageError):
            mixin.send_email(to="a@example.com", body="<p>a</p>", html_body="<p>b</p>")
        with self.assertRaises(TypeError):
            mixin.send_email(to="a@example.com", bodyy="typo")  # type: ignore[call-arg]
