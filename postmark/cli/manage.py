"""Management commands: server, streams, suppressions, webhooks (server token) and
servers, domains, senders (account token).

Each prints Postmark's answer: a table in a terminal, JSON when piped or with
--json (tokens masked). Values for create and edit come from flags; server
settings without a flag are passed as JSON with server edit --set '{"Key": value}'.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from postmark.cli import EXIT_OK, CommandError, Table, account_client, emit, server_client

Action = Callable[[Any, argparse.Namespace], Any]


def _command(
    actions: Any,
    name: str,
    help_text: str,
    action: Action,
    *,
    account: bool = False,
    arguments: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (),
    table: Table | None = None,
) -> None:
    """Add one sub-action that opens the right client, runs ``action`` and prints its answer.

    ``table`` says how a list answer is shown in a terminal.
    """
    parser = actions.add_parser(name, help=help_text, description=help_text)
    for flags, options in arguments:
        parser.add_argument(*flags, **options)

    def handler(args: argparse.Namespace) -> int:
        opener = account_client if account else server_client
        with opener(args) as client:
            emit(action(client, args), args, table)
        return EXIT_OK

    parser.set_defaults(handler=handler)


def _group(commands: Any, name: str, help_text: str) -> Any:
    parser = commands.add_parser(name, help=help_text, description=help_text)
    return parser.add_subparsers(dest="action", metavar="ACTION", required=True)


ID = (("id",), {"help": "the id"})
STREAM = (("stream",), {"help": "message stream id, e.g. outbound"})
EMAILS = (("emails",), {"nargs": "+", "metavar": "EMAIL"})


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as error:
        raise CommandError(f"--set is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise CommandError("--set must be a JSON object")
    return value


def _server_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """``{"TrackOpens": true}`` -> ``{"track_opens": True}``, refusing unknown keys."""
    from postmark.api.server import ServerSettings

    known = set(ServerSettings.__annotations__)
    out = {}
    for key, value in settings.items():
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in key).lstrip("_")
        if snake not in known:
            raise CommandError(f"unknown server setting {key!r}")
        out[snake] = value
    return out


def register(commands: Any) -> None:
    _register_server(commands)
    _register_streams(commands)
    _register_suppressions(commands)
    _register_webhooks(commands)
    _register_servers(commands)
    _register_domains(commands)
    _register_senders(commands)


def _register_server(commands: Any) -> None:
    actions = _group(commands, "server", "the server of the token (GET/PUT /server)")
    _command(actions, "get", "show the server", lambda c, a: c.server.get())
    _command(
        actions,
        "edit",
        "change server settings",
        lambda c, a: c.server.edit(**_server_settings(_json_object(a.set))),
        arguments=(
            (
                ("--set",),
                {
                    "required": True,
                    "metavar": "JSON",
                    "help": 'e.g. \'{"Name": "Shop", "TrackOpens": true}\'',
                },
            ),
        ),
    )


def _register_streams(commands: Any) -> None:
    actions = _group(commands, "streams", "message streams")
    _command(
        actions,
        "list",
        "every stream",
        lambda c, a: c.message_streams.list(include_archived_streams=a.archived or None),
        arguments=(
            (("--archived",), {"action": "store_true", "help": "include archived streams"}),
        ),
        table=Table(
            ("ID", "Name", "MessageStreamType", "Description", "ArchivedAt"),
            rows="MessageStreams",
        ),
    )
    _command(
        actions, "get", "one stream", lambda c, a: c.message_streams.get(a.id), arguments=(ID,)
    )
    _command(
        actions,
        "create",
        "create a stream",
        lambda c, a: c.message_streams.create(
            stream_id=a.id, name=a.name, message_stream_type=a.type, description=a.description
        ),
        arguments=(
            ID,
            (("--name",), {"required": True}),
            (("--type",), {"required": True, "choices": ["Transactional", "Broadcasts"]}),
            (("--description",), {}),
        ),
    )
    _command(
        actions,
        "edit",
        "rename or describe a stream",
        lambda c, a: c.message_streams.edit(a.id, name=a.name, description=a.description),
        arguments=(ID, (("--name",), {}), (("--description",), {})),
    )
    _command(
        actions,
        "archive",
        "archive a stream",
        lambda c, a: c.message_streams.archive(a.id),
        arguments=(ID,),
    )
    _command(
        actions,
        "unarchive",
        "bring an archived stream back",
        lambda c, a: c.message_streams.unarchive(a.id),
        arguments=(ID,),
    )


def _register_suppressions(commands: Any) -> None:
    actions = _group(commands, "suppressions", "addresses a stream will not send to")
    _command(
        actions,
        "list",
        "every suppressed address of a stream",
        lambda c, a: c.suppressions.dump(a.stream, email_address=a.email),
        arguments=(STREAM, (("--email",), {"help": "only this address"})),
        table=Table(
            ("EmailAddress", "SuppressionReason", "Origin", "CreatedAt"), rows="Suppressions"
        ),
    )
    _command(
        actions,
        "add",
        "suppress addresses",
        lambda c, a: c.suppressions.create(a.stream, a.emails),
        arguments=(STREAM, EMAILS),
    )
    _command(
        actions,
        "remove",
        "reactivate addresses",
        lambda c, a: c.suppressions.delete(a.stream, a.emails),
        arguments=(STREAM, EMAILS),
    )


_TRIGGERS = ["open", "click", "delivery", "bounce", "spam_complaint", "subscription_change"]


def _register_webhooks(commands: Any) -> None:
    from postmark.api.webhooks import webhook_triggers

    actions = _group(commands, "webhooks", "webhook configuration")
    _command(
        actions,
        "list",
        "every webhook",
        lambda c, a: c.webhooks.list(message_stream=a.stream),
        arguments=((("--stream",), {}),),
        table=Table(("ID", "Url", "MessageStream"), rows="Webhooks"),
    )
    _command(actions, "get", "one webhook", lambda c, a: c.webhooks.get(a.id), arguments=(ID,))
    _command(
        actions,
        "create",
        "create a webhook",
        lambda c, a: c.webhooks.create(
            url=a.url,
            message_stream=a.stream,
            triggers=webhook_triggers(**{name: True for name in a.trigger or []}),
        ),
        arguments=(
            (("--url",), {"required": True}),
            (("--stream",), {}),
            (("--trigger",), {"action": "append", "choices": _TRIGGERS, "help": "repeatable"}),
        ),
    )
    _command(
        actions, "delete", "delete a webhook", lambda c, a: c.webhooks.delete(a.id), arguments=(ID,)
    )


def _register_servers(commands: Any) -> None:
    actions = _group(commands, "servers", "the account's servers (account token)")
    _command(
        actions,
        "list",
        "every server",
        lambda c, a: list(c.servers.iter(name=a.name)),
        account=True,
        arguments=((("--name",), {"help": "name contains"}),),
        table=Table(("ID", "Name", "Color", "DeliveryType")),
    )
    _command(
        actions,
        "get",
        "one server",
        lambda c, a: c.servers.get(a.id),
        account=True,
        arguments=(ID,),
    )
    _command(
        actions,
        "create",
        "create a server",
        lambda c, a: c.servers.create(name=a.name),
        account=True,
        arguments=((("--name",), {"required": True}),),
    )
    _command(
        actions,
        "delete",
        "delete a server",
        lambda c, a: c.servers.delete(a.id),
        account=True,
        arguments=(ID,),
    )


def _register_domains(commands: Any) -> None:
    actions = _group(commands, "domains", "sending domains (account token)")
    _command(
        actions,
        "list",
        "every domain",
        lambda c, a: list(c.domains.iter()),
        account=True,
        table=Table(("ID", "Name", "DKIMVerified", "ReturnPathDomainVerified")),
    )
    _command(
        actions,
        "get",
        "one domain",
        lambda c, a: c.domains.get(a.id),
        account=True,
        arguments=(ID,),
    )
    _command(
        actions,
        "create",
        "add a domain",
        lambda c, a: c.domains.create(name=a.name, return_path_domain=a.return_path),
        account=True,
        arguments=((("--name",), {"required": True}), (("--return-path",), {})),
    )
    for name, help_text, method in (
        ("verify-dkim", "check the DKIM DNS record", "verify_dkim"),
        ("verify-return-path", "check the Return-Path CNAME", "verify_return_path"),
        ("rotate-dkim", "start a DKIM key rotation", "rotate_dkim"),
        ("delete", "remove a domain", "delete"),
    ):
        _command(
            actions,
            name,
            help_text,
            _domain_action(method),
            account=True,
            arguments=(ID,),
        )


def _domain_action(method: str) -> Action:
    def run(client: Any, args: argparse.Namespace) -> Any:
        return getattr(client.domains, method)(args.id)

    return run


def _register_senders(commands: Any) -> None:
    actions = _group(commands, "senders", "sender signatures (account token)")
    _command(
        actions,
        "list",
        "every sender signature",
        lambda c, a: list(c.sender_signatures.iter()),
        account=True,
        table=Table(("ID", "EmailAddress", "Name", "Domain", "Confirmed")),
    )
    _command(
        actions,
        "get",
        "one sender signature",
        lambda c, a: c.sender_signatures.get(a.id),
        account=True,
        arguments=(ID,),
    )
    _command(
        actions,
        "create",
        "add a sender signature (Postmark emails a confirmation)",
        lambda c, a: c.sender_signatures.create(from_email=a.email, name=a.name),
        account=True,
        arguments=((("--email",), {"required": True}), (("--name",), {"required": True})),
    )
    _command(
        actions,
        "resend",
        "resend the confirmation email",
        lambda c, a: c.sender_signatures.resend_confirmation(a.id),
        account=True,
        arguments=(ID,),
    )
    _command(
        actions,
        "delete",
        "remove a sender signature",
        lambda c, a: c.sender_signatures.delete(a.id),
        account=True,
        arguments=(ID,),
    )
