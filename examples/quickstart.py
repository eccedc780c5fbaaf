"""The library's main job, end to end, against a local Postmark sandbox.

    python examples/quickstart.py             # embedded sandbox (no account, no internet)

It always starts its own embedded sandbox and sends only there: an exported
POSTMARK_API_URL or POSTMARK_SERVER_TOKEN (which would send 1,002 messages
to a real server) is ignored, with a note. In a terminal the sandbox then
stays up so its web inbox can be browsed (Ctrl-C stops it); --no-keep exits
at once, --keep always waits.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import postmark
from postmark import PMBatchMail, PMBounceManager, PMMail
from postmark.sandbox import Sandbox

SENDER = "Quick Start <quickstart@example.com>"


def send_one() -> str:
    message = PMMail(
        sender=SENDER,
        to="ada@example.com",
        subject="Hello from python-postmark",
        text_body="It works.",
        html_body="<p>It <b>works</b>.</p>",
        tag="quickstart",
        metadata={"example": "quickstart"},
        attachments=[postmark.attachment_from_bytes(b"hello, attachment\n", "hello.txt")],
    )
    message.send()
    return str(message.message_id)


def send_batch(count: int) -> int:
    messages = [
        PMMail(
            sender=SENDER,
            to=f"user{i}@example.com",
            subject=f"Batch message {i + 1} of {count}",
            text_body=f"This is message {i + 1}.",
            tag="quickstart-batch",
        )
        for i in range(count)
    ]
    PMBatchMail(messages=messages).send()
    return sum(1 for m in messages if m.message_id)


def bounce() -> dict[str, object]:
    PMMail(
        sender=SENDER,
        to="HardBounce@bounce-testing.postmarkapp.com",
        subject="This one bounces",
        text_body="Postmark's bounce-testing domain turns this into a hard bounce.",
    ).send()
    bounces = PMBounceManager().get_all(email_filter="bounce-testing.postmarkapp.com", count=10)
    return dict(bounces["Bounces"][0]) if bounces["Bounces"] else {}


def use_own_sandbox() -> Sandbox:
    """Start the embedded sandbox and point the library at it, whatever the environment says.

    The library reads POSTMARK_API_URL and POSTMARK_SERVER_TOKEN from the
    environment; this process's copy is overridden so that no demo message
    can reach a real Postmark server (or any other one).
    """
    for name in ("POSTMARK_API_URL", "POSTMARK_SERVER_TOKEN", "POSTMARK_API_KEY"):
        if os.environ.get(name):
            print(f"Note: ignoring {name} from the environment; the demo uses its own sandbox.")
    os.environ.pop("POSTMARK_API_KEY", None)
    sandbox = Sandbox().start()
    os.environ["POSTMARK_API_URL"] = sandbox.url
    os.environ["POSTMARK_SERVER_TOKEN"] = "quickstart-token"
    print(f"Started a local Postmark sandbox at {sandbox.url}", flush=True)
    return sandbox


def run(keep: bool) -> int:
    sandbox = use_own_sandbox()
    started = time.perf_counter()
    try:
        print(f"1. PMMail sent, MessageID {send_one()}", flush=True)
        print("2. Sending 1000 messages with PMBatchMail (500 per request) ...", flush=True)
        print(f"   PMBatchMail sent {send_batch(1000)} of 1000 messages", flush=True)
        found = bounce()
        print(
            f"3. Bounce recorded: {found.get('Type')} for {found.get('Email')} "
            f"(ID {found.get('ID')})"
        )
        print(f"Done in {time.perf_counter() - started:.1f} s.")
        print(f"Inbox: {sandbox.url}/", flush=True)
        if keep:
            print("Open the inbox in a browser; press Ctrl-C to stop the sandbox.", flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    finally:
        sandbox.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--keep",
        action=argparse.BooleanOptionalAction,
        default=sys.stdin.isatty(),
        help="keep the sandbox running for the inbox (default: when run in a terminal)",
    )
    return run(parser.parse_args().keep)


if __name__ == "__main__":
    sys.exit(main())
