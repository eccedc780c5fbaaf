"""``postmark sandbox event|inbound|deliveries``: drive a running sandbox from a shell.

    postmark sandbox event open MESSAGE_ID
    postmark sandbox event click MESSAGE_ID --link https://example.com/welcome
    postmark sandbox event spam MESSAGE_ID --recipient you@example.com
    postmark sandbox event subscription MESSAGE_ID
    postmark sandbox event bounce MESSAGE_ID --bounce-type SoftBounce
    postmark sandbox inbound reply.eml
    postmark sandbox deliveries --message-id MESSAGE_ID --wait 5

Each talks to the sandbox's admin routes (``/__sandbox/...``, no token) at
``--url``, else ``--api-url`` / ``POSTMARK_API_URL``, else
``http://127.0.0.1:8025``, and prints the JSON answer. The admin routes are
not Postmark's API, so these calls use the standard library rather than
the library's transport (no token, no retries).
"""

from __future__ import annotations

import argparse
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from postmark import config
from postmark.cli import EXIT_API, EXIT_NETWORK, EXIT_OK, CommandError, print_json

DEFAULT_URL = "http://127.0.0.1:8025"
EVENT_KINDS = ("open", "click", "spam", "subscription", "bounce")
TIMEOUT = 40.0  # seconds; a deliveries --wait may hold the answer up to 30


def register(subcommands: Any) -> None:
    """Add ``event``, ``inbound`` and ``deliveries`` under ``postmark sandbox``."""
    _register_event(subcommands)
    _register_inbound(subcommands)
    _register_deliveries(subcommands)


def _url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url", help=f"the running sandbox (default: --api-url, $POSTMARK_API_URL, {DEFAULT_URL})"
    )


def _register_event(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "event",
        help="make an open, click, spam complaint, unsubscribe or bounce happen",
        description="Make an event happen to a message sent to a running sandbox; the "
        "sandbox posts it to the webhooks of the message's stream. An open needs the "
        "message's TrackOpens, a click its TrackLinks.",
    )
    parser.add_argument("kind", choices=EVENT_KINDS, help="what happens")
    parser.add_argument("message_id", metavar="MESSAGE_ID", help="the MessageID of the send")
    parser.add_argument("--recipient", help="who (default: the first recipient not bounced)")
    parser.add_argument("--link", help="click: the link (default: the first in the body)")
    parser.add_argument("--location", choices=("HTML", "Text"), help="click: which body")
    parser.add_argument("--platform", choices=("WebMail", "Desktop", "Mobile", "Unknown"))
    parser.add_argument("--user-agent", help="open, click: the reader's User-Agent")
    parser.add_argument("--read-seconds", type=int, help="open: seconds spent reading")
    parser.add_argument("--bounce-type", help="bounce: a Postmark bounce type (HardBounce...)")
    _url_option(parser)
    parser.set_defaults(handler=run_event)


def _register_inbound(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "inbound",
        help="receive a raw email (.eml) as inbound mail",
        description="Hand a raw email to a running sandbox as if it had arrived at the "
        "server's inbound address: inbound rules apply, then it is posted to the "
        "server's InboundHookUrl (with RawEmail when RawEmailEnabled is on).",
    )
    parser.add_argument("file", type=Path, metavar="FILE.eml", help="the message's source")
    parser.add_argument("--stream", help="the inbound stream (default: the server's)")
    parser.add_argument(
        "--status",
        choices=("processed", "blocked", "queued", "failed", "scheduled"),
        help="store with this status instead of applying the rules",
    )
    _url_option(parser)
    parser.set_defaults(handler=run_inbound)


def _register_deliveries(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "deliveries",
        help="list the webhook calls the sandbox made",
        description="List every webhook call of a running sandbox (URL, status, outcome, "
        "response excerpt, timing, attempt number), oldest first.",
    )
    parser.add_argument("--message-id", help="only this message's events")
    parser.add_argument("--wait", type=float, help="first wait up to SECONDS for queued calls")
    _url_option(parser)
    parser.set_defaults(handler=run_deliveries)


def run_event(args: argparse.Namespace) -> int:
    options = {
        "recipient": args.recipient,
        "link": args.link,
        "location": args.location,
        "platform": args.platform,
        "user_agent": args.user_agent,
        "read_seconds": args.read_seconds,
        "bounce_type": args.bounce_type,
    }
    body = {"type": args.kind, "message_id": args.message_id}
    body.update({k: v for k, v in options.items() if v is not None})
    print_json(_call(args, "POST", "/__sandbox/events", body))
    return EXIT_OK


def run_inbound(args: argparse.Namespace) -> int:
    # Mail is 7-bit or UTF-8 almost always; a stray byte must not stop a test.
    raw = args.file.read_bytes().decode("utf-8", "replace")
    body: dict[str, Any] = {"RawEmail": raw}
    if args.stream:
        body["MessageStream"] = args.stream
    query = f"?{urlencode({'status': args.status})}" if args.status else ""
    print_json(_call(args, "POST", f"/__sandbox/inbound/raw{query}", body))
    return EXIT_OK


def run_deliveries(args: argparse.Namespace) -> int:
    query = {"message_id": args.message_id, "wait": args.wait}
    given = {k: v for k, v in query.items() if v is not None}
    suffix = f"?{urlencode(given)}" if given else ""
    print_json(_call(args, "GET", f"/__sandbox/webhook-deliveries{suffix}", None))
    return EXIT_OK


def sandbox_url(args: argparse.Namespace) -> str:
    """``--url``, else the API URL the rest of the CLI would use, else the default port."""
    url = args.url or config.lookup("POSTMARK_API_URL", getattr(args, "api_url", None))
    return str(url or DEFAULT_URL).rstrip("/")


def _call(args: argparse.Namespace, method: str, path: str, body: Any) -> Any:
    base = sandbox_url(args)
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 - the URL is the user's sandbox
        base + path,
        data=data,
        method=method,
        headers={"Accept": "application/json", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raise CommandError(_refusal(error, base), EXIT_API) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise CommandError(
            f"no sandbox answered at {base} ({reason}); start one with `postmark sandbox` "
            "or pass its address with --url.",
            EXIT_NETWORK,
        ) from None


def _refusal(error: urllib.error.HTTPError, base: str) -> str:
    try:
        message = json.loads(error.read()).get("Message")
    except (ValueError, AttributeError):
        message = None
    if error.code == 404 and not message:
        return f"{base} is not a Postmark sandbox (no /__sandbox/ routes)."
    return f"the sandbox refused ({error.code}): {message or error.reason}"
