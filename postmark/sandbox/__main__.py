"""``python -m postmark.sandbox``: run the sandbox in the foreground."""

from __future__ import annotations

import argparse
import sys

from .sandbox import serve

DEFAULT_PORT = 8025
DEFAULT_DB = "postmark-sandbox.sqlite3"


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and serve until Ctrl-C; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m postmark.sandbox",
        description="Local Postmark-compatible API server with a web inbox.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (0: any free)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind")
    parser.add_argument(
        "--db", default=DEFAULT_DB, help="SQLite file, or :memory: (default: %(default)s)"
    )
    parser.add_argument(
        "--token",
        action="append",
        dest="tokens",
        metavar="TOKEN",
        help="accept only this server token (repeatable; default: any non-empty token)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        dest="allowed_hosts",
        metavar="NAME",
        help="also answer requests addressed to this host name (repeatable)",
    )
    parser.add_argument(
        "--webhook-retry-scale",
        type=float,
        default=1.0,
        metavar="FACTOR",
        help="multiply Postmark's webhook retry delays (0.001 for quick tests)",
    )
    args = parser.parse_args(argv)
    try:
        serve(
            args.port,
            args.host,
            args.db,
            args.tokens,
            allowed_hosts=args.allowed_hosts,
            webhook_retry_scale=args.webhook_retry_scale,
        )
    except OSError as err:
        print(
            f"error: cannot serve on {args.host}:{args.port}: {err.strerror or err}",
            file=sys.stderr,
        )
        print("hint: pick another port with --port (0 chooses a free one)", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
