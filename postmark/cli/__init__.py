"""The ``postmark`` command: send mail and manage a Postmark server from a shell.

    postmark send --from me@example.com --to you@example.com --subject Hi --text Hello
    postmark batch messages.csv --results results.jsonl
    postmark bounces list --type HardBounce
    postmark sandbox --port 8025

The server token comes from ``--token`` or ``POSTMARK_SERVER_TOKEN`` (the
account token from ``--account-token`` or ``POSTMARK_ACCOUNT_TOKEN``) and is
never printed. Exit codes: 0 success, 1 Postmark refused something (or some
batch messages failed), 2 bad usage or input, 3 configuration (e.g. no token),
4 network failure.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from postmark import config
from postmark.exceptions import (
    ConfigurationError,
    InvalidMessageError,
    PostmarkError,
    TransportError,
)

EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_CONFIG, EXIT_NETWORK = 0, 1, 2, 3, 4

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """An expected failure of a command: printed without a traceback."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


# --------------------------------------------------------------------------
# Clients from the global options


def server_client(args: argparse.Namespace) -> Any:
    from postmark.client import ServerClient

    return ServerClient(
        args.token, base_url=args.api_url, timeout=args.timeout, retries=args.retries
    )


def account_client(args: argparse.Namespace) -> Any:
    from postmark.client import AccountClient

    return AccountClient(
        args.account_token, base_url=args.api_url, timeout=args.timeout, retries=args.retries
    )


# --------------------------------------------------------------------------
# Parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="postmark",
        description="Send mail and manage Postmark from the command line.",
        epilog="Exit codes: 0 ok, 1 refused by Postmark, 2 bad usage/input, 3 configuration, "
        "4 network.",
    )
    parser.add_argument("--token", help="server token (default: $POSTMARK_SERVER_TOKEN)")
    parser.add_argument("--account-token", help="account token (default: $POSTMARK_ACCOUNT_TOKEN)")
    parser.add_argument("--api-url", help="base URL (default: $POSTMARK_API_URL or Postmark)")
    parser.add_argument("--timeout", type=float, help="seconds per connect/read")
    parser.add_argument("--retries", type=int, help="retries for safe-to-repeat failures")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    from postmark.cli import batch, bounces, manage, messages, sandbox, send, templates

    for module in (send, batch, bounces, messages, templates, manage, sandbox):
        module.register(commands)
    return parser


def run(args: argparse.Namespace) -> int:
    handler: Handler = args.handler
    try:
        return handler(args)
    except CommandError as error:
        return fail(str(error), error.code)
    except (ConfigurationError, PostmarkError) as error:
        return fail(str(error), exit_code_for(error))
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except OSError as error:  # files named on the command line
        return fail(f"{error.strerror or error}: {error.filename or ''}".strip(": "), EXIT_USAGE)


def exit_code_for(error: PostmarkError) -> int:
    if isinstance(error, ConfigurationError):
        return EXIT_CONFIG
    if isinstance(error, InvalidMessageError):
        return EXIT_USAGE
    if isinstance(error, TransportError):
        return EXIT_NETWORK
    return EXIT_API  # APIError, and any other Postmark error


def fail(message: str, code: int) -> int:
    print(f"postmark: error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``postmark`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.token = config.lookup("POSTMARK_SERVER_TOKEN", args.token)
    args.account_token = config.lookup("POSTMARK_ACCOUNT_TOKEN", args.account_token)
    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
