"""Sending: ``client.email`` (Postmark's Email API and template sends).

https://postmarkapp.com/developer/api/email-api

Every send goes through the sending core (:mod:`postmark.sending`): this
section only says which request each method makes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from postmark.api.base import M, Plan, Section, Walk, compact, endpoint, operation, paged
from postmark.exceptions import InvalidMessageError
from postmark.outcomes import BatchResult, SendResponse
from postmark.parallel import Concurrently, check_concurrency
from postmark.payloads import (
    MAX_BATCH_BYTES,
    MESSAGE_FIELDS,
    Addresses,
    build_message_from,
    check_encoded_size,
    check_message,
    headers_payload,
    is_template_message,
    join_addresses,
)
from postmark.protocol import Request, encode_json, path_segment
from postmark.sending import BatchPlan, deliver, prepare, to_payload

if TYPE_CHECKING:
    # Annotations only: the TypedDicts stay out of ``from postmark import PMMail``
    # (import time; see docs/performance.md).
    from postmark.api.types import BulkRequestList, BulkStatus

# Kept importable from here (their home before the sending core).
as_payload = to_payload
__all__ = ["EmailAPI", "SendResponse", "as_payload", "bulk_recipient"]

_BULK = "/email/bulk"
# Per-recipient fields of a bulk send; they may not appear on the shared message.
_RECIPIENT_FIELDS = ("to", "cc", "bcc", "template_model")


def bulk_recipient(
    *,
    to: Addresses,
    cc: Addresses = None,
    bcc: Addresses = None,
    template_model: Mapping[str, Any] | None = None,
    metadata: Mapping[str, str] | None = None,
    headers: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """One entry of a bulk send's ``Messages`` from snake_case arguments.

    ``template_model`` fills the shared message's ``{{placeholders}}`` for
    this recipient; ``metadata`` and ``headers`` win over the shared ones.
    """
    recipient = {
        "To": join_addresses("To", to),
        "Cc": join_addresses("Cc", cc),
        "Bcc": join_addresses("Bcc", bcc),
        "TemplateModel": dict(template_model) if template_model is not None else None,
        "Metadata": dict(metadata) if metadata else None,
        "Headers": headers_payload(headers) or None,
    }
    return _checked_recipient(compact(recipient))


def _checked_recipient(recipient: dict[str, Any]) -> dict[str, Any]:
    if not recipient.get("To"):
        raise InvalidMessageError("Every bulk recipient needs a To address.", field="To")
    return check_message(recipient, sender=False)


def _as_recipient(item: Mapping[str, Any]) -> dict[str, Any]:
    """A recipient in Postmark's form (``To`` ...) or in snake_case (``to`` ...)."""
    if any(key[:1].isupper() for key in item):
        return _checked_recipient(dict(item))
    return bulk_recipient(**item)


def _list_bulk(count: int | None, pagination_key: str | None) -> Request[BulkRequestList]:
    return Request("GET", _BULK, params={"count": count, "paginationKey": pagination_key})


class EmailAPI(Section[M]):
    """Send single and batch messages, with or without templates."""

    @endpoint
    def send(
        self, message: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Request[SendResponse]:
        """Send one message.

        ``POST /email`` (``POST /email/withTemplate`` for a message with a
        ``TemplateId``/``TemplateAlias``).

        Args:
            message: a dict in Postmark's form, or leave it out and pass the
                fields as snake_case keywords (``sender``, ``to``, ``subject``,
                ``html_body``, ``text_body``, ``cc``, ``bcc``, ``reply_to``,
                ``tag``, ``headers``, ``metadata``, ``attachments``,
                ``track_opens``, ``track_links``, ``message_stream``,
                ``template_id``/``template_alias``/``template_model``).

        Returns:
            Postmark's answer: ``{"To", "SubmittedAt", "MessageID", "ErrorCode", "Message"}``.

        Raises:
            InvalidMessageError: refused locally, nothing was sent.
            InactiveRecipientError: every recipient is suppressed (ErrorCode 406).
            UnprocessableEntityError: Postmark refused the message (also when
                it says so in an HTTP 200 answer with a non-zero ErrorCode).
        """
        return prepare(message, fields).request()

    @endpoint
    def send_with_template(
        self, message: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Request[SendResponse]:
        """Send one message rendered from a stored template.

        ``POST /email/withTemplate``; pass ``template_id`` or ``template_alias``
        and ``template_model`` (plus ``inline_css``) instead of subject and bodies.
        """
        outgoing = prepare(message, fields)
        if not is_template_message(outgoing.payload):
            raise InvalidMessageError(
                "A template send needs TemplateId or TemplateAlias (template_id= or "
                "template_alias=).",
                field="TemplateId",
            )
        return outgoing.request()

    @operation
    def send_batch(
        self, messages: Iterable[Any] | BatchPlan, *, concurrency: int = 1
    ) -> Plan[BatchResult]:
        """Send any number of messages, 500 (and at most 50 MB) per request.

        ``POST /email/batch``, and ``POST /email/batchWithTemplates`` for
        template messages (a mixed list works). Every chunk is attempted; a
        message refused locally or by Postmark gets an error outcome and does
        not stop the others (only a 401 stops the remaining requests).

        Args:
            messages: dicts in Postmark's form or PMMail objects; or a
                :class:`~postmark.sending.BatchPlan` the caller filled, whose
                outcomes keep the indexes given to ``plan.add`` (how the
                Django backend, the CLI and ``PMBatchMail`` send).
            concurrency: how many of those requests may be in flight at once
                (default 1: one after another, every body encoded first).
                With ``concurrency=8``, eight ``POST /email/batch`` go out
                side by side over pooled keep-alive connections while the
                next chunks are encoded; outcomes keep input order, a
                429/503 makes every request wait, a 401 stops starting new
                ones, and no chunk is ever sent twice (see docs/batches.md).

        Returns:
            A :class:`~postmark.outcomes.BatchResult`: one outcome per message,
            in input order. Call ``.raise_for_failures()`` to turn failures
            into an exception.

        Raises:
            TypeError, ValueError: ``concurrency`` is not a whole number of 1
                or more; nothing was sent.
        """
        width = check_concurrency(concurrency)
        if width == 1:
            plan = messages if isinstance(messages, BatchPlan) else BatchPlan.of(messages)
            return (yield from deliver(plan))
        if isinstance(messages, BatchPlan):
            step = Concurrently(messages, width)
        else:  # checked and encoded chunk by chunk, while the first chunks are in flight
            plan = BatchPlan()
            step = Concurrently(plan, width, plan.pending_while_adding(enumerate(messages)))
        yield step  # the executor sends the chunks and records their outcomes on the plan
        return step.plan.result()

    send_batch_with_templates = send_batch

    @endpoint
    def send_bulk(
        self,
        message: Mapping[str, Any] | None = None,
        /,
        *,
        messages: Iterable[Mapping[str, Any]] | None = None,
        **fields: Any,
    ) -> Request[BulkStatus]:
        """Send one message to many recipients, each with their own template model.

        ``POST /email/bulk`` (needs bulk sending enabled on the account, else
        ErrorCode 14). Postmark accepts the request, then sends in the
        background: follow it with :meth:`get_bulk`.

        Args:
            message: the whole request in Postmark's form (with ``Messages``),
                or leave it out and pass the shared message as snake_case
                keywords (``sender``, ``subject``, ``html_body``, ``text_body``
                or ``template_id``/``template_alias``, ``inline_css``,
                ``reply_to``, ``tag``, ``metadata``, ``message_stream`` (a
                broadcast stream), ``track_opens``, ``track_links``,
                ``attachments``, ``headers``).
            messages: the recipients: dicts in Postmark's form
                (``{"To", "Cc", "Bcc", "TemplateModel", "Metadata", "Headers"}``)
                or snake_case (see :func:`bulk_recipient`).

        Returns:
            Postmark's bulk status: ``{"Id", "Status", "SubmittedAt", ...}``.

        Raises:
            InvalidMessageError: refused locally (no recipient, a recipient
                without To, over 50 MB encoded), nothing was sent.
        """
        if message is not None:
            payload = dict(message)
            recipients = [_as_recipient(item) for item in payload.get("Messages") or []]
            check_message(payload, recipients=False)
        else:
            misplaced = [name for name in _RECIPIENT_FIELDS if name in fields]
            if misplaced:
                raise InvalidMessageError(
                    f"{', '.join(misplaced)} belong to each recipient of a bulk send: pass "
                    "them inside messages=[{...}], not on the shared message.",
                    field="Messages",
                )
            unknown = sorted(set(fields) - set(MESSAGE_FIELDS))
            if unknown:
                raise TypeError(f"send_bulk() got unexpected keyword(s): {', '.join(unknown)}")
            payload = build_message_from(fields, recipients=False)
            recipients = [_as_recipient(item) for item in messages or ()]
        if not recipients:
            raise InvalidMessageError("A bulk send needs at least one recipient.", field="Messages")
        body = encode_json({**payload, "Messages": recipients})
        check_encoded_size(body, limit=MAX_BATCH_BYTES, what="bulk request")
        return Request("POST", _BULK, body=body)

    @endpoint
    def get_bulk(self, bulk_request_id: str) -> Request[BulkStatus]:
        """The progress of a bulk send: ``Status``, ``PercentageCompleted`` ...

        ``GET /email/bulk/{bulkRequestId}``
        """
        return Request("GET", f"{_BULK}/{path_segment(bulk_request_id)}")

    @endpoint
    def list_bulk(
        self, count: int | None = None, pagination_key: str | None = None
    ) -> Request[BulkRequestList]:
        """One page of bulk requests, newest first: ``{"Requests", "PaginationKey"}``.

        ``GET /email/bulk?count=&paginationKey=``; pass the answer's
        ``PaginationKey`` back for the next page.
        """
        return _list_bulk(count, pagination_key)

    @paged
    def iter_bulk(self, count: int | None = None) -> Walk[BulkStatus]:
        """Every bulk request, newest first, following ``PaginationKey``.

        ``GET /email/bulk``
        """
        key: str | None = None
        used: set[str] = set()
        while True:
            page = yield _list_bulk(count, key)
            yield from page.get("Requests") or []
            key = page.get("PaginationKey")
            # A key seen before would restart the same pages: stop instead of looping.
            if not key or key in used:
                return
            used.add(key)
