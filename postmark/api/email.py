"""Sending: ``client.email`` (Postmark's Email API and template sends).

https://postmarkapp.com/developer/api/email-api
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from postmark.api.base import Section
from postmark.batching import (
    BatchResult,
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
    build_message,
    check_encoded_size,
    check_message,
    is_template_message,
)
from postmark.protocol import encode_json

_BATCH = "/email/batch"
_BATCH_TEMPLATES = "/email/batchWithTemplates"
_WRAP_PLAIN = (b"[", b"]")
_WRAP_TEMPLATES = (b'{"Messages":[', b"]}")


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
    """Postmark's JSON for a dict in Postmark's form or an object with ``to_json_message()``."""
    if hasattr(message, "to_postmark"):  # PMMail: runs its legacy checks too
        payload = message.to_postmark()
    elif hasattr(message, "to_json_message"):
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
        body = encode_json(payload)
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
        outcomes: dict[int, SendOutcome] = {}
        plain: list[tuple[int, bytes]] = []
        templated: list[tuple[int, bytes]] = []
        for index, message in enumerate(messages):
            try:
                payload = as_payload(message)
                body = encode_json(payload)
                check_encoded_size(body)
            except PostmarkError as error:
                outcomes[index] = failed_outcome(index, error)
                continue
            (templated if is_template_message(payload) else plain).append((index, body))
        fatal: PostmarkError | None = None
        for path, group, wrap in (
            (_BATCH, plain, _WRAP_PLAIN),
            (_BATCH_TEMPLATES, templated, _WRAP_TEMPLATES),
        ):
            for chunk in chunk_encoded(group, wrap=wrap):
                fatal = self._send_chunk(path, chunk.indexes, chunk.body, outcomes, fatal)
        return BatchResult([outcomes[i] for i in sorted(outcomes)])

    send_batch_with_templates = send_batch

    def _send_chunk(
        self,
        path: str,
        indexes: list[int],
        body: bytes,
        outcomes: dict[int, SendOutcome],
        fatal: PostmarkError | None,
    ) -> PostmarkError | None:
        """Send one chunk and record its outcomes; returns an error that stops the rest."""
        if fatal is not None:
            # A bad token fails every chunk alike: do not send the rest at all.
            outcomes.update((i, failed_outcome(i, fatal)) for i in indexes)
            return fatal
        try:
            answer = self._transport.call("POST", path, body=body)
        except PostmarkError as error:
            outcomes.update((i, failed_outcome(i, error)) for i in indexes)
            return error if isinstance(error, UnauthorizedError) else None
        entries = answer if isinstance(answer, list) else []
        for position, index in enumerate(indexes):
            outcomes[index] = (
                outcome_from_entry(index, entries[position])
                if position < len(entries)
                else missing_answer(index)
            )
        return None
