"""End to end: a Tornado app with PostmarkMixin -> HTTP -> the local sandbox -> SQLite.

The sandbox is an independent reading of Postmark's docs (it imports nothing
from the client), so these tests check the mixin against something it was
not written with. Its fault injection shows the retry rules where it counts:
what ends up stored.
"""

from __future__ import annotations

import json
import os
from typing import Any
from unittest import mock

import tornado.options
from tornado.options import OptionParser
from tornado.testing import AsyncHTTPTestCase, gen_test
from tornado.web import Application, RequestHandler

from postmark.exceptions import PostmarkError
from postmark.sandbox import Sandbox
from postmark.tornado import AsyncTransport, PostmarkMixin, wait_for_sends
from postmark.tornado_mixin import PostmarkMixin as LegacyPostmarkMixin

SENDER = "shop@example.com"
BOUNCE = "hardbounce@bounce-testing.postmarkapp.com"


class LegacySignup(LegacyPostmarkMixin, RequestHandler):
    def post(self) -> None:
        self.send_email(body="<p>Welcome!</p>", to=self.get_argument("to"), subject="Welcome")
        self.write("ok")


class Send(PostmarkMixin, RequestHandler):
    async def post(self) -> None:
        try:
            answer = await self.send_email(**json.loads(self.request.body))
        except PostmarkError as error:
            self.set_status(502)
            self.write(
                {
                    "error": type(error).__name__,
                    "may_have_been_sent": error.may_have_been_sent,
                    "inactive": getattr(error, "inactive_recipients", None),
                }
            )
            return
        self.write(answer)


class Batch(PostmarkMixin, RequestHandler):
    async def post(self) -> None:
        result = await self.send_batch(json.loads(self.request.body))
        self.write({"ok": [o.ok for o in result], "codes": [o.error_code for o in result]})


class SandboxTestCase(AsyncHTTPTestCase):
    sandbox: Sandbox

    @classmethod
    def setUpClass(cls) -> None:
        cls.sandbox = Sandbox().start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.sandbox.stop()

    def setUp(self) -> None:
        self.sandbox.clear()
        super().setUp()

    def stored(self) -> list[dict[str, Any]]:
        return [m["Request"] for m in self.sandbox.messages()]


class LegacySandboxTest(SandboxTestCase):
    def get_app(self) -> Application:
        return Application([(r"/signup", LegacySignup)])  # no settings at all, as in 0.x

    @gen_test
    async def test_a_legacy_handler_sends_through_the_sandbox(self) -> None:
        parser = OptionParser()
        parser.define("postmark_signature", default="legacy-token")
        parser.define("postmark_sendemail", default="legacy@example.com")
        env = {"POSTMARK_API_URL": self.sandbox.url}
        with (
            mock.patch.object(tornado.options, "options", parser),
            mock.patch.dict(os.environ, env),
        ):
            response = await self.http_client.fetch(
                self.get_url("/signup"), method="POST", body="to=ada@example.com"
            )
            self.assertEqual(response.body, b"ok")
            self.assertEqual(await wait_for_sends(timeout=3), 0)
        self.assertEqual(
            self.stored(),
            [
                {
                    "From": "legacy@example.com",
                    "To": "ada@example.com",
                    "Subject": "Welcome",
                    "HtmlBody": "<p>Welcome!</p>",
                }
            ],
        )


class SandboxTest(SandboxTestCase):
    def get_app(self) -> Application:
        return Application(
            [(r"/signup", LegacySignup), (r"/send", Send), (r"/batch", Batch)],
            postmark_server_token="sandbox-token",
            postmark_sender=SENDER,
            postmark_api_url=self.sandbox.url,
        )

    async def send(self, **fields: Any) -> Any:
        response = await self.http_client.fetch(
            self.get_url("/send"), method="POST", body=json.dumps(fields), raise_error=False
        )
        return response.code, json.loads(response.body)

    @gen_test
    async def test_the_message_id_is_the_one_the_sandbox_stored(self) -> None:
        status, answer = await self.send(to="ada@example.com", subject="Hi", text_body="Hi")
        self.assertEqual(status, 200)
        [message] = self.sandbox.messages()
        self.assertEqual(answer["MessageID"], message["MessageID"])
        self.assertEqual(message["Request"]["From"], SENDER)

    @gen_test
    async def test_429_then_success_stores_one_message(self) -> None:
        self.sandbox.inject_fault("429", count=1)
        with mock.patch.object(AsyncTransport, "default_sleep", staticmethod(_no_wait)):
            status, _ = await self.send(to="ada@example.com", subject="Hi", text_body="x")
        self.assertEqual(status, 200)
        self.assertEqual(len(self.stored()), 1)

    @gen_test
    async def test_500_on_a_send_is_not_retried(self) -> None:
        self.sandbox.inject_fault("500", count=1)
        status, answer = await self.send(to="ada@example.com", subject="Hi", text_body="x")
        self.assertEqual((status, answer["error"]), (502, "ServerError"))
        self.assertEqual(self.stored(), [])  # a retry would have been stored

    @gen_test
    async def test_a_dropped_send_is_not_retried_and_may_have_been_sent(self) -> None:
        self.sandbox.inject_fault("drop", count=1)
        status, answer = await self.send(to="ada@example.com", subject="Hi", text_body="x")
        self.assertEqual(status, 502)
        self.assertEqual(
            answer, {"error": "TransportError", "may_have_been_sent": True, "inactive": None}
        )
        self.assertEqual(self.stored(), [])  # a retry would have been stored

    @gen_test
    async def test_a_send_that_times_out_after_being_stored_is_not_sent_twice(self) -> None:
        self.sandbox.inject_fault("stall", count=1, seconds=1.0)
        with mock.patch.dict(os.environ, {"POSTMARK_TIMEOUT": "0.2"}):
            status, answer = await self.send(to="ada@example.com", subject="Hi", text_body="x")
        self.assertEqual(status, 502)
        self.assertEqual(answer["error"], "RequestTimeoutError")
        self.assertTrue(answer["may_have_been_sent"])
        self.assertEqual(len(self.stored()), 1)  # Postmark took it once; we did not repeat it

    @gen_test
    async def test_an_inactive_recipient_is_an_inactive_recipient_error(self) -> None:
        await self.send(to=BOUNCE, subject="Hi", text_body="x")  # hard bounce: suppressed
        status, answer = await self.send(to=BOUNCE, subject="Again", text_body="x")
        self.assertEqual(status, 502)
        self.assertEqual(answer["error"], "InactiveRecipientError")
        self.assertEqual(answer["inactive"], [BOUNCE])

    @gen_test
    async def test_refused_content_and_a_batch_round_trip(self) -> None:
        status, answer = await self.send(to="ada@example.com", subject="No body")
        self.assertEqual(status, 502)
        self.assertEqual(answer["error"], "UnprocessableEntityError")
        response = await self.http_client.fetch(
            self.get_url("/batch"),
            method="POST",
            body=json.dumps(
                [
                    {"To": "a@example.com", "Subject": "1", "TextBody": "x"},
                    {"To": "b@example.com", "Subject": "2"},
                    {"To": "c@example.com", "Subject": "3", "HtmlBody": "<p>x</p>"},
                ]
            ),
        )
        result = json.loads(response.body)
        self.assertEqual(result["ok"], [True, False, True])
        self.assertEqual([m["To"] for m in self.stored()], ["a@example.com", "c@example.com"])


async def _no_wait(seconds: float) -> None:
    return None
