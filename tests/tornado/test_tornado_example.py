"""examples/tornado_app.py: its routes against a fake Postmark, and its --demo run."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

from tornado.testing import gen_test
from tornado.web import Application
from tornado_fakes import TOKEN, FakePostmark, PostmarkTestCase, run_with_fake

from postmark.tornado import wait_for_sends

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tornado_app.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tornado_app_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


example = load_example()
FORM = {"to": "ada@example.com", "subject": "Hi", "body": "<p>Hi</p>"}


class ExampleAppTest(PostmarkTestCase):
    def get_app(self) -> Application:
        app: Application = example.make_app(
            postmark_server_token=TOKEN,
            postmark_sender="app@example.com",
            postmark_api_url=self.fake_url,
        )
        return app

    async def post(self, path: str, **fields: str) -> Any:
        return await self.http_client.fetch(
            self.get_url(path), method="POST", body=urlencode(fields), raise_error=False
        )

    @gen_test
    async def test_send_shows_the_message_id(self) -> None:
        response = await self.post("/send", **FORM)
        self.assertEqual(response.code, 200)
        self.assertEqual(len(json.loads(response.body)["MessageID"]), 36)
        self.assertEqual(
            self.fake.received[0].json,
            {
                "From": "app@example.com",
                "To": "ada@example.com",
                "Subject": "Hi",
                "HtmlBody": "<p>Hi</p>",
                "Tag": "tornado-example",
            },
        )

    @gen_test
    async def test_send_later_answers_at_once_and_the_mail_arrives(self) -> None:
        response = await self.post("/send-later", **FORM)
        self.assertEqual(response.code, 202)
        await wait_for_sends(timeout=2)
        self.assertEqual(len(self.fake.messages), 1)

    @gen_test
    async def test_errors_are_reported_with_their_class(self) -> None:
        refused = await self.post("/send", **{**FORM, "subject": "a\nBcc: x"})
        self.assertEqual(refused.code, 400)
        self.assertEqual(json.loads(refused.body)["error"], "InvalidMessageError")
        self.fake.next(drop=True)
        dropped = await self.post("/send", **FORM)
        self.assertEqual(dropped.code, 502)
        answer = json.loads(dropped.body)
        self.assertEqual(answer["error"], "TransportError")
        self.assertTrue(answer["may_have_been_sent"])
        self.assertEqual(self.fake.messages, [])


async def run_demo(env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLE),
        "--demo",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTMARK_")}
    env["PYTHONPATH"] = str(EXAMPLE.parents[1])
    env.update(extra)
    return env


def test_demo_sends_to_postmark_api_url() -> None:
    async def scenario(fake: FakePostmark, url: str) -> Any:
        return await run_demo(clean_env(POSTMARK_API_URL=url, POSTMARK_SERVER_TOKEN=TOKEN)), fake

    (code, output), fake = run_with_fake(scenario, timeout=20)
    assert code == 0, output
    assert "POST /send -> 200" in output
    assert [m["To"] for m in fake.messages] == ["ada@example.com"]
    assert fake.received[0].json["From"] == "Tornado Example <app@example.com>"


def test_demo_uses_the_embedded_sandbox_by_default() -> None:
    code, output = asyncio.run(run_demo(clean_env()))
    assert code == 0, output
    assert "Started a local Postmark sandbox" in output
    assert "POST /send -> 200" in output
    assert '"MessageID": "' in output
