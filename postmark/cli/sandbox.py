"""``postmark sandbox``: run the local Postmark-compatible server in the foreground."""

from __future__ import annotations

import argparse
from typing import Any

from postmark.cli import EXIT_OK, CommandError


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "sandbox",
        help="run a local Postmark-compatible server with a web inbox",
        description="Run a local Postmark-compatible API server and web inbox on "
        "127.0.0.1. Point the library at it with POSTMARK_API_URL=<printed URL>.",
    )
    parser.add_argument("--port", type=int, default=8025, help="port (0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--db",
        default="postmark-sandbox.sqlite3",
        help="SQLite file that keeps messages across restarts (':memory:' for none)",
    )
    parser.add_argument(
        "--accept-token",
        action="append",
        dest="tokens",
        metavar="TOKEN",
        help="accept only these server tokens (default: any non-empty token)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        dest="allowed_hosts",
        metavar="NAME",
        help="also answer requests addressed to this host name, e.g. a docker service "
        "(repeatable; default: localhost, IP addresses and this machine's name)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from postmark.sandbox import serve

    try:
        serve(
            port=args.port,
            host=args.host,
            db=args.db,
            tokens=args.tokens,
            allowed_hosts=args.allowed_hosts,
        )
    except OSError as error:
        raise CommandError(
            f"cannot listen on {args.host}:{args.port} ({error.strerror or error}); "
            "choose another --port (0 picks a free one)."
        ) from None
    return EXIT_OK
