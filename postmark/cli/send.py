"""``postmark send``: one message from flags, a JSON file or an .eml file."""

from __future__ import annotations

import argparse
import json
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from postmark.cli import EXIT_OK, CommandError, emit, server_client
from postmark.payloads import attachment_from_bytes, attachment_from_file, build_message

# Headers an .eml file carries that map to Postmark fields (or that Postmark sets itself).
_STANDARD_HEADERS = {
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "reply-to",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "x-pm-tag",
}


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "send",
        help="send one message",
        description="Send one message from flags, a JSON file (Postmark's message "
        "format) or an .eml file.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--json", metavar="FILE", help="a message in Postmark's JSON form")
    source.add_argument("--eml", metavar="FILE", help="an RFC 822 message (.eml)")
    parser.add_argument("--from", dest="sender", help="From address")
    parser.add_argument("--to", action="append", help="recipient (repeatable)")
    parser.add_argument("--cc", action="append", help="Cc recipient (repeatable)")
    parser.add_argument("--bcc", action="append", help="Bcc recipient (repeatable)")
    parser.add_argument("--reply-to", help="Reply-To address")
    parser.add_argument("--subject")
    parser.add_argument("--text", help="plain-text body")
    parser.add_argument("--html", help="HTML body")
    parser.add_argument("--tag")
    parser.add_argument("--stream", help="message stream (default: outbound)")
    parser.add_argument("--header", action="append", metavar="NAME:VALUE", help="extra header")
    parser.add_argument("--metadata", action="append", metavar="KEY=VALUE")
    parser.add_argument("--attach", action="append", metavar="FILE", help="attach a file")
    parser.add_argument("--track-opens", action="store_true")
    parser.add_argument("--track-links", choices=["None", "HtmlAndText", "HtmlOnly", "TextOnly"])
    parser.add_argument("--template-id", type=int)
    parser.add_argument("--template-alias")
    parser.add_argument("--model", help="template model as JSON")
    parser.set_defaults(handler=run)


def _pairs(items: list[str] | None, separator: str, what: str) -> dict[str, str]:
    result = {}
    for item in items or []:
        key, found, value = item.partition(separator)
        if not found or not key.strip():
            raise CommandError(f"{what} {item!r} must look like NAME{separator}VALUE")
        result[key.strip()] = value.strip()
    return result


def message_from_flags(args: argparse.Namespace) -> dict[str, Any]:
    model = None
    if args.model:
        try:
            model = json.loads(args.model)
        except ValueError as error:
            raise CommandError(f"--model is not valid JSON: {error}") from None
    return build_message(
        sender=args.sender,
        to=args.to,
        cc=args.cc,
        bcc=args.bcc,
        reply_to=args.reply_to,
        subject=args.subject,
        text_body=args.text,
        html_body=args.html,
        tag=args.tag,
        message_stream=args.stream,
        headers=_pairs(args.header, ":", "--header"),
        metadata=_pairs(args.metadata, "=", "--metadata"),
        attachments=[attachment_from_file(path) for path in args.attach or []],
        track_opens=True if args.track_opens else None,
        track_links=args.track_links,
        template_id=args.template_id,
        template_alias=args.template_alias,
        template_model=model,
    )


def message_from_json(path: str) -> dict[str, Any]:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        message = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{path} is not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from None
    except ValueError as error:
        raise CommandError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(message, dict):
        raise CommandError(f"{path} must hold one JSON object (a Postmark message)")
    return message


def _payload_bytes(part: Any) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def message_from_eml(path: str) -> dict[str, Any]:
    """Postmark's JSON from an .eml file: addresses, bodies, attachments, extra headers."""
    with open(path, "rb") as handle:
        mail = BytesParser(policy=policy.default).parse(handle)
    assert isinstance(mail, EmailMessage)
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    attachments = [
        attachment_from_bytes(
            _payload_bytes(part),
            part.get_filename() or "attachment",
            part.get_content_type(),
            f"cid:{part['Content-ID'].strip('<>')}" if part["Content-ID"] else None,
        )
        for part in mail.iter_attachments()
    ]
    headers = {
        name: str(value) for name, value in mail.items() if name.lower() not in _STANDARD_HEADERS
    }
    return build_message(
        sender=str(mail["From"]) if mail["From"] else None,
        to=str(mail["To"]) if mail["To"] else None,
        cc=str(mail["Cc"]) if mail["Cc"] else None,
        bcc=str(mail["Bcc"]) if mail["Bcc"] else None,
        reply_to=str(mail["Reply-To"]) if mail["Reply-To"] else None,
        subject=str(mail["Subject"]) if mail["Subject"] else None,
        tag=str(mail["X-PM-Tag"]) if mail["X-PM-Tag"] else None,
        text_body=text.get_content() if text is not None else None,
        html_body=html.get_content() if html is not None else None,
        headers=headers,
        attachments=attachments,
    )


def run(args: argparse.Namespace) -> int:
    if args.json:
        message = message_from_json(args.json)
    elif args.eml:
        message = message_from_eml(args.eml)
    else:
        message = message_from_flags(args)
    with server_client(args) as client:
        emit(client.email.send(message), args)
    return EXIT_OK
