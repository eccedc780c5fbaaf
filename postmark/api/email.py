"""Sending: ``client.email`` (Postmark's Email API and template sends).

https://postmarkapp.com/developer/api/email-api
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from postmark.api.base import Section, compact
from postmark.batching import (
    BatchResult,
    Chunk,
    SendOutcome,
    chunk_encoded,
    failed_outcome,
    missing_answer,
    outcome_from_entry,
)
from postmark.exceptions import (
    InvalidMessageError,
    PostmarkError,
    UnauthorizedError,
    parse_inactive_recipients,
)
from postmark.payloads import (
    MAX_BATCH_BYTES,
    MAX_BATCH_MESSAGES,
    MAX_MESSAGE_BYTES,
    Addresses,
    build_message,
    check_encoded_size,
    check_message,
    encode_message,
    headers_payload,
    is_template_message,
    join_addresses,
)
from postmark.protocol import encode_json, path_segment

if TYPE_CHECKING:
    # Annotations only: importing the TypedDicts was half of the import time of
    # ``from postmark import PMMail`` (see benchmarks/README.md).
    from postmark.api.types import BulkRequestList, BulkStatus

_BATCH = "/email/batch"
_BATCH_TEMPLATES = "/email/batchWithTemplates"
_WRAP_PLAIN = (b"[", b"]")
_WRAP_TEMPLATES = (b'{"Messages":[', b"]}")
_BULK = "/email/bulk"
# Per-recipient fields of a bulk send; they may not appear on the shared message.
_RECIPIENT_FIELDS = ("to", "cc", "bcc", "template_model")


class SendResponse(dict[str, Any]):
    """Postmark's send answer, unchanged, with two conveniences."""

    @property
    def message_id(self) -> str | None:
        value = self.get("MessageID")
        return value if isinstance(value, str) else None

    @property
    def inactive_recipients(self) -> list[str]:
        """Addresses Postmark accepted the message for but will not deliver to.

        Postmark answers 200 with "Message OK, but will not deliver to these
        inactive addresses: ..." when only some recipients are suppressed.
        """
        return parse_inactive_recipients(self.get("Message"))


def as_payload(message: Any) -> dict[str, Any]:
    """Postmark's JSON for a dict in Postmark's form or an object with ``to_json_message()``.

    An object with ``to_postmark()`` (PMMail and the legacy layer) runs its
    own legacy checks and returns a fresh payload that has passed
    :func:`check_message`: it is used as it is, not checked and copied again
    (that was a quarter of the cost of a 10,000-message batch).
    """
    if hasattr(message, "to_postmark"):
        checked: dict[str, Any] = message.to_postmark()
        return checked
    if hasattr(message, "to_json_message"):
        payload = message.to_json_message()
    elif isinstance(message, Mapping):
        payload = dict(message)
    else:
        raise InvalidMessageError(
            f"Cannot send a {type(message).__name__}: pass a dict in Postmark's form "
            "(From, To, Subject, HtmlBody ...) or a PMMail.",
            field="message",
        )
    check_message(payload)
    return dict(payload)


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
    check_message(recipient)
    return recipient


def _as_recipient(item: Mapping[str, Any]) -> dict[str, Any]:
    """A recipient in Postmark's form (``To`` ...) or in snake_case (``to`` ...)."""
    if any(key[:1].isupper() for key in item):
        return _checked_recipient(dict(item))
    return bulk_recipient(**item)


def _encode_chunks(
    group: list[tuple[int, dict[str, Any]]],
    wrap: tuple[bytes, bytes],
    outcomes: dict[int, SendOutcome],
    max_count: int,
    max_bytes: int,
) -> list[Chunk]:
    """Request bodies for ``group`` (input position, payload), ``max_count`` messages at most.

    Each run of ``max_count`` is encoded with one ``json`` call. A body of at
    most 10 MB proves every message in it is under Postmark's 10 MB limit;
    only a larger one is encoded message by message, to refuse an oversized
    message alone and split by size exactly (:func:`chunk_encoded`).
    """
    chunks: list[Chunk] = []
    for start in range(0, len(group), max_count):
        run = group[start : start + max_count]
        payloads = [payload for _, payload in run]
        body = encode_json(payloads if wrap == _WRAP_PLAIN else {"Messages": payloads})
        if len(body) <= min(MAX_MESSAGE_BYTES, max_bytes):
            chunks.append(Chunk([index for index, _ in run], body))
            continue
        encoded: list[tuple[int, bytes]] = []
        for index, payload in run:
            single = encode_message(payload)
            try:
                check_encoded_size(single)
            except PostmarkError as error:
                outcomes[index] = failed_outcome(index, error)
                continue
            encoded.append((index, single))
        chunks.extend(chunk_encoded(encoded, wrap=wrap, max_count=max_count, max_bytes=max_bytes))
    return chunks


def plan_batch(
    messages: Iterable[Any],
    *,
    max_count: int = MAX_BATCH_MESSAGES,
    max_bytes: int = MAX_BATCH_BYTES,
) -> tuple[dict[int, SendOutcome], list[tuple[str, Chunk]]]:
    """Check and encode a batch before anything is sent.

    Returns the outcomes of messages refused locally (by input position)
    and the requests to make, in order: ``(path, chunk)`` with template
    messages going to ``/email/batchWithTemplates``. Shared by the sync
    client and the Tornado client, so both split and route alike.
    """
    outcomes: dict[int, SendOutcome] = {}
    plain: list[tuple[int, dict[str, Any]]] = []
    templated: list[tuple[int, dict[str, Any]]] = []
    for index, message in enumerate(messages):
        try:
            payload = as_payload(message)
        except PostmarkError as error:
            outcomes[index] = failed_outcome(index, error)
            continue
        (templated if is_template_message(payload) else plain).append((index, payload))
    # Every body is encoded before the first request, so a message json
    # cannot encode (TypeError) stops the batch before anything is sent.
    requests = [
        (path, chunk)
        for path, group, wrap in (
            (_BATCH, plain, _WRAP_PLAIN),
            (_BATCH_TEMPLATES, templated, _WRAP_TEMPLATES),
        )
        for chunk in _encode_chunks(group, wrap, outcomes, max_count, max_bytes)
    ]
    return outcomes, requests


def record_answer(outcomes: dict[int, SendOutcome], indexes: list[int], answer: Any) -> None:
    """One outcome per message of a batch request from Postmark's 200 answer."""
    entries = answer if isinstance(answer, list) else []
    for position, index in enumerate(indexes):
        outcomes[index] = (
            outcome_from_entry(index, entries[position])
            if position < len(entries)
            else missing_answer(index)
        )


def record_failure(
    outcomes: dict[int, SendOutcome], indexes: list[int], error: PostmarkError
) -> PostmarkError | None:
    """Every message of a failed request gets ``error``; returns it if it must stop the rest.

    A bad token fails every request alike, so the remaining ones are not sent.
    """
    outcomes.update((i, failed_outcome(i, error)) for i in indexes)
    return error if isinstance(error, UnauthorizedError) else None


class EmailAPI(Section):
    """Send single and batch messages, with or without templates."""

    def send(self, message: Mapping[str, Any] | None = None, /, **fields: Any) -> SendResponse:
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
        """
        payload = as_payload(message) if message is not None else build_message(**fields)
        body = encode_message(payload)
        check_encoded_size(body)
        path = "/email/withTemplate" if is_template_message(payload) else "/email"
        return SendResponse(self._transport.call("POST", path, body=body))

    def send_with_template(
        self, message: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> SendResponse:
        """Send one message rendered from a stored template.

        ``POST /email/withTemplate``; pass ``template_id`` or ``template_alias``
        and ``template_model`` (plus ``inline_css``) instead of subject and bodies.
        """
        payload = as_payload(message) if message is not None else build_message(**fields)
        if not is_template_message(payload):
            raise InvalidMessageError(
                "A template send needs TemplateId or TemplateAlias (template_id= or "
                "template_alias=).",
                field="TemplateId",
            )
        return self.send(payload)

    def send_batch(self, messages: Iterable[Any]) -> BatchResult:
        """Send any number of messages, 500 (and at most 50 MB) per request.

        ``POST /email/batch``, and ``POST /email/batchWithTemplates`` for
        template messages (a mixed list works). Every chunk is attempted; a
        message refused locally or by Postmark gets an error outcome and does
        not stop the others.

        Returns:
            A :class:`BatchResult`: one outcome per message, in input order.
            Call ``.raise_for_failures()`` to turn failures into an exception.
        """
        outcomes, requests = plan_batch(messages)
        fatal: PostmarkError | None = None
        for path, chunk in requests:
            if fatal is not None:
                record_failure(outcomes, chunk.indexes, fatal)
                continue
            try:
                answer = self._transport.call("POST", path, body=chunk.body)
            except PostmarkError as error:
                fatal = record_failure(outcomes, chunk.indexes, error)
                continue
            record_answer(outcomes, chunk.indexes, answer)
        return BatchResult([outcomes[i] for i in sorted(outcomes)])

    send_batch_with_templates = send_batch

    def send_bulk(
        self,
        message: Mapping[str, Any] | None = None,
        /,
        *,
        messages: Iterable[Mapping[str, Any]] | None = None,
        **fields: Any,
    ) -> BulkStatus:
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
            check_message(payload)
        else:
            misplaced = [name for name in _RECIPIENT_FIELDS if name in fields]
            if misplaced:
                raise InvalidMessageError(
                    f"{', '.join(misplaced)} belong to each recipient of a bulk send: pass "
                    "them inside messages=[{...}], not on the shared message.",
                    field="Messages",
                )
            payload = build_message(**fields)
            recipients = [_as_recipient(item) for item in messages or ()]
        if not recipients:
            raise InvalidMessageError("A bulk send needs at least one recipient.", field="Messages")
        body = encode_json({**payload, "Messages": recipients})
        check_encoded_size(body, limit=MAX_BATCH_BYTES, what="bulk request")
        result: BulkStatus = self._transport.call("POST", _BULK, body=body)
        return result

    def get_bulk(self, bulk_request_id: str) -> BulkStatus:
        """The progress of a bulk send: ``Status``, ``PercentageCompleted`` ...

        ``GET /email/bulk/{bulkRequestId}``
        """
        result: BulkStatus = self._call("GET", f"{_BULK}/{path_segment(bulk_request_id)}")
        return result

    def list_bulk(
        self, count: int | None = None, pagination_key: str | None = None
    ) -> BulkRequestList:
        """One page of bulk requests, newest first: ``{"Requests", "PaginationKey"}``.

        ``GET /email/bulk?count=&paginationKey=``; pass the answer's
        ``PaginationKey`` back for the next page.
        """
        params = {"count": count, "paginationKey": pagination_key}
        result: BulkRequestList = self._call("GET", _BULK, params=params)
        return result

    def iter_bulk(self, count: int | None = None) -> Iterator[BulkStatus]:
        """Every bulk request, newest first, following ``PaginationKey``.

        ``GET /email/bulk``
        """
        key: str | None = None
        used: set[str] = set()
        while True:
            page = self.list_bulk(count, key)
            yield from page.get("Requests") or []
            key = page.get("PaginationKey")
            # A key seen before would restart the same pages: stop instead of looping.
            if not key or key in used:
                return
            used.add(key)
