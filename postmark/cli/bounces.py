"""``postmark bounces``: list, show, dump and reactivate bounces."""

from __future__ import annotations

import argparse
from typing import Any

from postmark.cli import EXIT_OK, Table, emit, server_client

BOUNCES = Table(("ID", "Type", "Email", "BouncedAt", "Inactive", "Tag"), rows="Bounces")


def register(commands: Any) -> None:
    parser = commands.add_parser("bounces", help="list, show, dump and reactivate bounces")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="one page of bounces (GET /bounces)")
    listing.add_argument("--type", help="e.g. HardBounce, SoftBounce, Transient")
    listing.add_argument("--inactive", choices=["true", "false"])
    listing.add_argument("--email", dest="email_filter", help="address filter")
    listing.add_argument("--tag")
    listing.add_argument("--message-id")
    listing.add_argument("--from-date", help="YYYY-MM-DD (inclusive)")
    listing.add_argument("--to-date", help="YYYY-MM-DD (inclusive)")
    listing.add_argument("--stream", dest="message_stream")
    listing.add_argument("--count", type=int, default=25, help="page size (max 500)")
    listing.add_argument("--offset", type=int, default=0)
    listing.set_defaults(handler=run_list)

    for name, help_text, handler in (
        ("get", "one bounce (GET /bounces/{id})", run_get),
        ("dump", "raw SMTP source (GET /bounces/{id}/dump)", run_dump),
        ("activate", "reactivate the address (PUT /bounces/{id}/activate)", run_activate),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("bounce_id", help="the bounce's ID")
        action.set_defaults(handler=handler)


def run_list(args: argparse.Namespace) -> int:
    inactive = None if args.inactive is None else args.inactive == "true"
    with server_client(args) as client:
        emit(
            client.bounces.list(
                args.count,
                args.offset,
                type=args.type,
                inactive=inactive,
                email_filter=args.email_filter,
                tag=args.tag,
                message_id=args.message_id,
                from_date=args.from_date,
                to_date=args.to_date,
                message_stream=args.message_stream,
            ),
            args,
            BOUNCES,
        )
    return EXIT_OK


def run_get(args: argparse.Namespace) -> int:
    with server_client(args) as client:
        emit(client.bounces.get(args.bounce_id), args)
    return EXIT_OK


def run_dump(args: argparse.Namespace) -> int:
    with server_client(args) as client:
        print(client.bounces.dump(args.bounce_id).get("Body", ""))
    return EXIT_OK


def run_activate(args: argparse.Namespace) -> int:
    with server_client(args) as client:
        emit(client.bounces.activate(args.bounce_id), args)
    return EXIT_OK
