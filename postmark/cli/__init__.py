"""The ``postmark`` command: send mail and manage a Postmark server from a shell.

    postmark send --from me@example.com --to you@example.com --subject Hi --text Hello
    postmark batch messages.csv --results results.jsonl
    postmark bounces list --type HardBounce
    postmark sandbox --port 8025

The server token comes from ``--token`` or ``POSTMARK_SERVER_TOKEN`` (the
account token from ``--account-token`` or ``POSTMARK_ACCOUNT_TOKEN``) and is
never printed. Global options work before or after the command. Exit codes:
0 success, 1 Postmark refused something (or some batch messages failed), 2 bad
usage or input, 3 configuration (e.g. no token), 4 network failure, 5 (batch)
messages an earlier request may have sent were left unsent. Expected errors
print one line, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from postmark import config
from postmark.cli.errors import (
    EXIT_API,
    EXIT_CONFIG,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    Target,
    describe,
)
from postmark.cli.output import Table, emit

__all__ = [
    "EXIT_API",
    "EXIT_CONFIG",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_USAGE",
    "CommandError",
    "Parser",
    "Table",
    "account_client",
    "build_parser",
    "emit",
    "main",
    "plain",
    "print_json",
    "run",
    "server_client",
]

Handler = Callable[[argparse.Namespace], int]


def print_json(data: Any, args: argparse.Namespace | None = None) -> None:
    """Print an answer as JSON, whatever the terminal (tokens masked)."""
    given = vars(args) if args is not None else {}
    emit(data, argparse.Namespace(**{**given, "json_output": True}))


def plain(text: str | None) -> str:
    """A docstring without reStructuredText markup, for ``--help``.

    ````x```` and ```x``` become ``x``; ``:role:`x``` becomes ``x``; a
    paragraph's closing ``::`` becomes ``:``.
    """
    text = re.sub(r":\w+:`([^`]+)`", r"\1", text or "")
    text = re.sub(r"`{1,2}([^`]+)`{1,2}", r"\1", text)
    return re.sub(r"::$", ":", text, flags=re.MULTILINE)


# --------------------------------------------------------------------------
# Clients from the global options


def server_client(args: argparse.Namespace) -> Any:
    """A ServerClient from ``--token``/``--base-url``... (remembered for error messages)."""
    from postmark.client import ServerClient

    return _client(args, ServerClient, args.token, account=False)


def account_client(args: argparse.Namespace) -> Any:
    """An AccountClient from ``--account-token``/``--base-url``..."""
    from postmark.client import AccountClient

    return _client(args, AccountClient, args.account_token, account=True)


def _client(args: argparse.Namespace, cls: Any, token: str | None, *, account: bool) -> Any:
    if not token:
        option, variable = (
            ("--account-token", "POSTMARK_ACCOUNT_TOKEN")
            if account
            else ("--token", "POSTMARK_SERVER_TOKEN")
        )
        kind = "account" if account else "server"
        raise CommandError(f"no {kind} token: pass {option} or set {variable}", EXIT_CONFIG)
    url = base_url(args)
    args.target = Target(url, account=account)
    return cls(token, base_url=url, timeout=args.timeout, retries=args.retries)


def base_url(args: argparse.Namespace) -> str:
    """``--base-url`` > ``POSTMARK_API_URL`` > Postmark, checked before any request."""
    from postmark.exceptions import ConfigurationError
    from postmark.protocol import resolve_base_url

    try:
        return resolve_base_url(args.api_url)
    except ConfigurationError:
        given = config.lookup("POSTMARK_API_URL", args.api_url)
        raise CommandError(
            f"--base-url / POSTMARK_API_URL must be an http:// or https:// URL with a host, "
            f"such as https://api.postmarkapp.com (got {given!r})",
            EXIT_CONFIG,
        ) from None


# --------------------------------------------------------------------------
# Parser


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2) instead of the usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"postmark: error: {message} (see '{self.prog} --help')\n")


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if number <= 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return number


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


#: Options every command accepts, before or after its name: (flags, argparse keywords).
GLOBAL_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("--token",), {"metavar": "TOKEN", "help": "server token (default: $POSTMARK_SERVER_TOKEN)"}),
    (
        ("--account-token",),
        {"metavar": "TOKEN", "help": "account token (default: $POSTMARK_ACCOUNT_TOKEN)"},
    ),
    (
        ("--base-url", "--api-url"),
        {
            "dest": "api_url",
            "metavar": "URL",
            "help": "API base URL, e.g. a local sandbox "
            "(default: $POSTMARK_API_URL, then Postmark)",
        },
    ),
    (
        ("--timeout",),
        {"type": _positive, "metavar": "SECONDS", "help": "seconds per connect and per read"},
    ),
    (
        ("--retries",),
        {"type": _count, "metavar": "N", "help": "retries for failures safe to repeat (3)"},
    ),
    (
        ("--json",),
        {
            "dest": "json_output",
            "action": "store_true",
            "help": "print JSON (the default when the output is not a terminal)",
        },
    ),
)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="postmark",
        description="Send mail and manage Postmark from the command line.",
        epilog="Global options may also follow the command. Exit codes: 0 ok, "
        "1 refused by Postmark, 2 bad usage/input, 3 configuration, 4 network, "
        "5 batch messages of uncertain fate left unsent.",
    )
    for flags, options in GLOBAL_OPTIONS:
        parser.add_argument(*flags, **options)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    from postmark.cli import batch, bounces, manage, messages, sandbox, send, templates

    for module in (send, batch, bounces, messages, templates, manage, sandbox):
        module.register(commands)
    for sub in _subparsers(parser):
        _add_global_options(sub)
    return parser


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every parser below ``parser`` (commands, their actions ...)."""
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases repeat a parser
                found += [sub, *_subparsers(sub)]
    return found


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    """Accept the global options after the command too (``bounces list --token X``).

    ``SUPPRESS`` keeps an option given before the command from being reset to
    its default by the sub-parser. A command's own option of the same name
    (``send --json FILE``) wins there.
    """
    group = parser.add_argument_group("global options (also accepted before the command)")
    for flags, options in GLOBAL_OPTIONS:
        if any(flag in parser._option_string_actions for flag in flags):
            continue
        group.add_argument(*flags, **{**options, "default": argparse.SUPPRESS})


# --------------------------------------------------------------------------
# Running


def run(args: argparse.Namespace) -> int:
    """Run the chosen command; any expected error becomes one line and its exit code."""
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:  # `postmark ... | head`: the reader has gone, nothing to say
        _silence_stdout()
        return EXIT_OK
    except Exception as error:  # the one place every error is reported
        try:
            message, code = describe(error, getattr(args, "target", None))
        except Exception:  # an unexpected error: still one line
            message = f"unexpected {type(error).__name__}: {error} (a bug: please report it)"
            code = EXIT_API
        return fail(message, code)


def _silence_stdout() -> None:
    # Python would otherwise complain about the closed pipe when flushing at exit.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def fail(message: str, code: int) -> int:
    """Print ``postmark: error: ...`` on one line (whatever the message held) to stderr."""
    line = " ".join(str(message).split())
    print(f"postmark: error: {line}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``postmark`` console script."""
    args = build_parser().parse_args(argv)
    args.token = config.lookup("POSTMARK_SERVER_TOKEN", args.token)
    args.account_token = config.lookup("POSTMARK_ACCOUNT_TOKEN", args.account_token)
    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
