"""``postmark messages``: search sent messages, show one, print its raw source."""

from __future__ import annotations

import argparse
from typing import Any

from postmark.cli import EXIT_OK, Table, emit, server_client

MESSAGES = Table(("MessageID", "Status", "Recipients", "Subject", "ReceivedAt"), rows="Messages")


def register(commands: Any) -> None:
    parser = commands.add_parser("messages", help="search and inspect sent messages")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    search = actions.add_parser("search", help="one page of sent messages (GET /messages/outbound)")
    search.add_argument("--recipient")
    search.add_argument("--from-email")
    search.add_argument("--tag")
    search.add_argument("--status", choices=["queued", "sent", "processed"])
    search.add_argument("--subject")
    search.add_argument("--from-date", help="YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (Eastern)")
    search.add_argument("--to-date", help="YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (Eastern)")
    search.add_argument("--stream", dest="message_stream")
    search.add_argument("--count", type=int, default=25, help="page size (max 500)")
    search.add_argument("--offset", type=int, default=0)
    search.set_defaults(handler=run_search)

    for name, help_text, handler in (
        ("details", "one message with bodies and events", run_details),
        ("dump", "the raw MIME source", run_dump),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("message_id")
        action.set_defaults(handler=handler)


def run_search(args: argparse.Namespace) -> int:
    filters = {
        "recipient": args.recipient,
        "from_email": args.from_email,
        "tag": args.tag,
        "status": args.status,
        "subject": args.subject,
        "from_date": args.from_date,
        "to_date": args.to_date,
        "message_stream": args.message_stream,
    }
    with server_client(args) as client:
        found = client.messages.list(
            args.count, args.offset, **{k: v for k, v in filters.items() if v is not None}
        )
        emit(found, args, MESSAGES)
    return EXIT_OK


def run_details(args: argparse.Namespace) -> int:
    with server_client(args) as client:
        emit(client.messages.get(args.message_id), args)
    return EXIT_OK


def run_dump(args: argparse.Namespace) -> int:
    with server_client(args) as client:
        print(client.messages.dump(args.message_id).get("Body", ""))
    return EXIT_OK
