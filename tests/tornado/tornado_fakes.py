"""A tiny Tornado app that plays Postmark, and a test case that runs it beside the app.

It answers the send endpoints the way Postmark's docs say (see
shared/postmark-api/API.md section 3): token check, 422 with ErrorCode 300
for a missing From/To, ErrorCode 406 for an inactive recipient, one entry
per message for batches. It records every request it receives and stores
every message it accepted, so a test can check both the JSON sent and how
many times it arrived. Scripted answers (``fake.next(...)``) inject 429/500
errors, slow answers and dropped connections for the next requests.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.testing import AsyncHTTPTestCase, bind_unused_port
from tornado.web import Application, RequestHandler

TOKEN = "server-token-123"  # the token the fake accepts
SUBMITTED_AT = "2024-05-14T09:21:37.5512864-04:00"
INACTIVE = (
    "You tried to send to recipient(s) that have been marked as inactive. Found inactive "
    "addresses: {to}. Inactive recipients are ones that have generated a hard bounce, a spam "
    "complaint, or a manual suppression."
)


@dataclass
class Received:
    """One request as the fake saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Scripted:
    """A canned behaviour for one coming request (None status: answer normally)."""

    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False


class FakePostmark:
    """State shared by the fake's handlers: what came in, what was stored, what comes next."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.messages: list[dict[str, Any]] = []
        self.script: list[Scripted] = []

    def next(self, status: int | None = None, body: Any = None, **options: Any) -> None:
        """Script the next request: an error status, a delay, or a dropped connection."""
        self.script.append(Scripted(status, body, **options))

    def app(self) -> Application:
        return Application([(r"/(.*)", _FakeHandler, {"fake": self})])

    def answer(self, path: str, payload: Any) -> tuple[int, Any]:
        """Postmark's answer to a well-formed request with a valid token."""
        if path == "email" or path == "email/withTemplate":
            return self._single(payload, template=path.endswith("withTemplate"))
        if path in ("email/batch", "email/batchWithTemplates"):
            items = payload.get("Messages", []) if isinstance(payload, dict) else payload
            return 200, [self._entry(item, template=path.endswith("Templates")) for item in items]
        return 404, {"ErrorCode": 404, "Message": f"No route /{path}"}

    def _single(self, message: dict[str, Any], *, template: bool) -> tuple[int, Any]:
        entry = self._entry(message, template=template)
        return (200 if entry["ErrorCode"] == 0 else 422), entry

    def _entry(self, message: dict[str, Any], *, template: bool) -> dict[str, Any]:
        if not message.get("From"):
            return {"ErrorCode": 300, "Message": "Invalid 'From' address: ''."}
        if not message.get("To"):
            return {"ErrorCode": 300, "Message": "Zero recipients specified"}
        if template and not (message.get("TemplateId") or message.get("TemplateAlias")):
            return {"ErrorCode": 1101, "Message": "Template not found."}
        if "inactive" in message["To"]:
            return {"ErrorCode": 406, "Message": INACTIVE.format(to=message["To"])}
        self.messages.append(message)
        return {
            "To": message["To"],
            "SubmittedAt": SUBMITTED_AT,
            "MessageID": str(uuid.uuid4()),
            "ErrorCode": 0,
            "Message": "OK",
        }


class _FakeHandler(RequestHandler):
    def initialize(self, fake: FakePostmark) -> None:
        self.fake = fake

    async def get(self, path: str) -> None:
        await self._handle(path)

    async def post(self, path: str) -> None:
        await self._handle(path)

    async def _handle(self, path: str) -> None:
        request = self.request
        self.fake.received.append(
            Received(request.method or "", "/" + path, dict(request.headers), request.body)
        )
        scripted = self.fake.script.pop(0) if self.fake.script else Scripted()
        if scripted.delay:
            await asyncio.sleep(scripted.delay)  # a slow Postmark, not a blocked loop
        if scripted.drop:
            request.connection.stream.close()  # type: ignore[union-attr]
            return
        if scripted.status is not None:
            self._reply(scripted.status, scripted.body, scripted.headers)
            return
        if request.headers.get("X-Postmark-Server-Token") != TOKEN:
            body = {"ErrorCode": 10, "Message": "The Server Token you provided was invalid."}
            self._reply(401, body)
            return
        if request.headers.get("Accept") != "application/json":
            self._reply(415, {"ErrorCode": 415, "Message": "Accept must be application/json"})
            return
        status, body = self.fake.answer(path, json.loads(request.body or b"null"))
        self._reply(status, body)

    def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.set_status(status)
        for name, value in (headers or {}).items():
            self.set_header(name, value)
        if body is not None:
            self.set_header("Content-Type", "application/json")
            self.write(json.dumps(body) if not isinstance(body, bytes) else body)


class PostmarkTestCase(AsyncHTTPTestCase):
    """An AsyncHTTPTestCase whose IOLoop also runs a :class:`FakePostmark`.

    Both servers share the one loop: if sending blocked the loop, the fake
    could not answer either, and the test would time out.
    """

    def setUp(self) -> None:
        self.fake = FakePostmark()
        self._fake_socket, port = bind_unused_port()
        self.fake_url = f"http://127.0.0.1:{port}"
        super().setUp()
        self.fake_server = HTTPServer(self.fake.app())
        self.fake_server.add_sockets([self._fake_socket])

    def tearDown(self) -> None:
        self.fake_server.stop()
        super().tearDown()

    def get_app(self) -> Application:
        return Application()


Scenario = Callable[[FakePostmark, str], Awaitable[Any]]


def run_with_fake(scenario: Scenario, *, timeout: float = 5.0) -> Any:
    """Run ``scenario(fake, url)`` on a new event loop that also serves a FakePostmark."""

    async def main() -> Any:
        fake = FakePostmark()
        sock, port = bind_unused_port()
        server = HTTPServer(fake.app())
        server.add_sockets([sock])
        try:
            return await asyncio.wait_for(scenario(fake, f"http://127.0.0.1:{port}"), timeout)
        finally:
            server.stop()
            await server.close_all_connections()

    return asyncio.run(main())
