"""A Tornado app that sends mail through Postmark without blocking its IOLoop.

    python examples/tornado_app.py            # embedded local sandbox, http://127.0.0.1:8888/
    python examples/tornado_app.py --demo     # start, send one mail to itself, print, exit

Nothing reaches the real Postmark unless you ask: without POSTMARK_API_URL
the app starts the library's local sandbox (no account, no internet) and
sends there. With POSTMARK_API_URL and POSTMARK_SERVER_TOKEN set it sends to
that server instead; POSTMARK_SENDER sets the From address.

Routes:
    GET  /            a form
    POST /send        await the send and show Postmark's answer (MessageID)
    POST /send-later  start the send and answer at once (202); failures are logged
    GET  /ping        answers while sends are waiting on Postmark

    curl -d to=ada@example.com -d subject=Hi -d body='<b>Hi</b>' http://127.0.0.1:8888/send
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from typing import Any

from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from postmark.exceptions import InvalidMessageError, PostmarkError
from postmark.tornado import PostmarkMixin, wait_for_sends

FORM = """<!doctype html><title>python-postmark + Tornado</title>
<form method="post" action="/send">
  <p><label>To <input name="to" value="ada@example.com"></label></p>
  <p><label>Subject <input name="subject" value="Hello from Tornado"></label></p>
  <p><label>Body
    <textarea name="body">&lt;p&gt;Sent without blocking.&lt;/p&gt;</textarea></label></p>
  <p><button>Send</button></p>
</form>"""


class FormHandler(RequestHandler):
    def get(self) -> None:
        self.write(FORM)


class SendHandler(PostmarkMixin, RequestHandler):
    """Waits for Postmark's answer: the IOLoop serves other requests meanwhile."""

    async def post(self) -> None:
        try:
            answer = await self.send_email(
                to=self.get_argument("to"),
                subject=self.get_argument("subject"),
                body=self.get_argument("body"),
                tag="tornado-example",
            )
        except InvalidMessageError as error:  # refused locally: nothing was sent
            self.set_status(400)
            self.write({"error": type(error).__name__, "message": str(error)})
            return
        except PostmarkError as error:
            self.set_status(502)
            self.write(
                {
                    "error": type(error).__name__,
                    "message": str(error),
                    "may_have_been_sent": error.may_have_been_sent,
                }
            )
            return
        self.write({"MessageID": answer.message_id, "To": answer.get("To")})


class SendLaterHandler(PostmarkMixin, RequestHandler):
    """Fire and forget, as the 0.x mixin was used: the send runs on, failures are logged."""

    def post(self) -> None:
        self.send_email(
            to=self.get_argument("to"),
            subject=self.get_argument("subject"),
            body=self.get_argument("body"),
        )
        self.set_status(202)
        self.write({"queued": True})


class PingHandler(RequestHandler):
    def get(self) -> None:
        self.write("pong")


def make_app(**settings: Any) -> Application:
    """The application; settings: ``postmark_server_token``, ``postmark_sender``,
    ``postmark_api_url`` (anything missing falls back to tornado options / POSTMARK_*).
    """
    return Application(
        [
            (r"/", FormHandler),
            (r"/send", SendHandler),
            (r"/send-later", SendLaterHandler),
            (r"/ping", PingHandler),
        ],
        **settings,
    )


async def demo(port: int) -> int:
    """Send one mail through our own /send route and print the answer."""
    response = await AsyncHTTPClient().fetch(
        f"http://127.0.0.1:{port}/send",
        method="POST",
        body="to=ada@example.com&subject=Hello+from+Tornado&body=%3Cp%3EHi%3C%2Fp%3E",
        raise_error=False,
    )
    print(f"POST /send -> {response.code} {response.body.decode()}")
    return 0 if response.code == 200 else 1


async def serve(settings: dict[str, Any], port: int, run_demo: bool) -> int:
    sockets = bind_sockets(port, "127.0.0.1")
    server = HTTPServer(make_app(**settings))
    server.add_sockets(sockets)
    bound = sockets[0].getsockname()[1]
    print(f"Listening on http://127.0.0.1:{bound}/ (sending to {settings['postmark_api_url']})")
    try:
        if run_demo:
            return await demo(bound)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # not on Windows
                loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        return 0
    finally:
        server.stop()
        # Let sends that handlers did not await finish before the loop goes away.
        left = await wait_for_sends(timeout=10)
        if left:
            print(f"{left} sends were still running at shutdown", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8888, help="0 picks a free port")
    parser.add_argument("--demo", action="store_true", help="send one mail to itself and exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    with contextlib.ExitStack() as stack:
        api_url = os.environ.get("POSTMARK_API_URL")
        token = os.environ.get("POSTMARK_SERVER_TOKEN")
        if not api_url:
            from postmark.sandbox import Sandbox

            sandbox = stack.enter_context(Sandbox())
            api_url, token = sandbox.url, token or "sandbox-token"
            print(f"Started a local Postmark sandbox at {api_url} (its inbox is at that URL)")
        if not token:
            parser.error("POSTMARK_API_URL is set: set POSTMARK_SERVER_TOKEN too")
        settings = {
            "postmark_server_token": token,
            "postmark_sender": os.environ.get(
                "POSTMARK_SENDER", "Tornado Example <app@example.com>"
            ),
            "postmark_api_url": api_url,
        }
        return asyncio.run(serve(settings, 0 if args.demo else args.port, args.demo))


if __name__ == "__main__":
    sys.exit(main())
