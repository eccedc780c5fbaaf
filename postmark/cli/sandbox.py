"""``postmark sandbox``: run the local Postmark-compatible server in the foreground.

``postmark sandbox event|inbound|deliveries`` drive a running one
(:mod:`postmark.cli.sandbox_events`).
"""

from __future__ import annotations

import argparse
import sqlite3
from typing import Any

from postmark.cli import EXIT_OK, CommandError, sandbox_events


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
    parser.add_argument(
        "--webhook-retry-scale",
        type=float,
        default=1.0,
        metavar="FACTOR",
        help="multiply Postmark's webhook retry delays (1-15 minutes); 0.001 for quick tests",
    )
    parser.set_defaults(handler=run)
    subcommands = parser.add_subparsers(dest="sandbox_command", metavar="SUBCOMMAND")
    sandbox_events.register(subcommands)


def run(args: argparse.Namespace) -> int:
    from postmark.sandbox import serve

    try:
        serve(
            port=args.port,
            host=args.host,
            db=args.db,
            tokens=args.tokens,
            allowed_hosts=args.allowed_hosts,
            webhook_retry_scale=args.webhook_retry_scale,
        )
    except sqlite3.Error as error:
        # The store opens the file when the server starts: a missing folder, a
        # read-only place or a file that is not an SQLite database all land here.
        raise CommandError(
            f"cannot use --db {args.db} ({error}); pass a writable path to a new or an "
            "existing sandbox database, or --db :memory:"
        ) from None
    except OverflowError:
        raise CommandError(f"--port {args.port} is not a port (0 to 65535)") from None
    except OSError as error:
        raise CommandError(
            f"cannot listen on {args.host}:{args.port} ({error.strerror or error}); "
            "choose another --port (0 picks a free one)"
        ) from None
    return EXIT_OK
