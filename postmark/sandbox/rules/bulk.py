"""Bulk sends: one shared message, many recipients, sent in the background.

``POST /email/bulk`` is checked as a whole first: the shared fields, every
recipient (``To``/``Cc``/``Bcc``, ``TemplateModel``, ``Metadata``,
``Headers``) and the message each recipient would get, with
``{{placeholders}}`` in the shared Subject and bodies filled from the
recipient's ``TemplateModel`` (or a stored template's, with ``TemplateId``
or ``TemplateAlias``). One problem (or one problem of the shared message, however many
recipients it spoils) answers its own ErrorCode (300, 1101...); several
answer ErrorCode 11 with an ``Errors`` list; either way nothing is sent.
The request is then stored ``Accepted`` and a background thread stores one
message per recipient, ``Processing`` until ``Completed``; a suppressed
recipient counts in ``FailedCount`` instead (as Postmark documents). Each
stored message gets its events (Delivery, or a test Bounce) and webhooks as
a single send does (:func:`.events.after_send`).
Per-recipient ``Metadata`` and ``Headers`` win over the shared ones.

Postmark enables bulk sending per account (ErrorCode 14 otherwise); the
sandbox always does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..app import App
from ..http.errors import ApiError, invalid_field
from ..store.bulk import BulkRow
from . import clock, mustachio
from .delivery import check_active, deliver
from .events import after_send
from .templates import render_for_send
from .validation import (
    CONTENT_FIELDS,
    MESSAGE_FIELDS,
    Kind,
    check_fields,
    validate_message,
)

SHARED_FIELDS: Mapping[str, Kind] = {
    **{k: v for k, v in MESSAGE_FIELDS.items() if k not in ("To", "Cc", "Bcc")},
    "TemplateId": Kind.INT,
    "TemplateAlias": Kind.STR,
    "InlineCss": Kind.BOOL,
}
RECIPIENT_FIELDS: Mapping[str, Kind] = {
    "To": Kind.STR,
    "Cc": Kind.STR,
    "Bcc": Kind.STR,
    "TemplateModel": Kind.OBJECT,
    "Metadata": Kind.OBJECT,
    "Headers": Kind.HEADERS,
}
_TEMPLATE_KEYS = ("TemplateId", "TemplateAlias")


class BulkError(ApiError):
    """422 / ErrorCode 11: several problems, listed in ``Errors``."""

    def __init__(self, problems: list[tuple[int, ApiError]]) -> None:
        super().__init__(11, f"The bulk request has {len(problems)} problems; see 'Errors'.")
        self.errors = [
            {"Index": i, "ErrorCode": err.error_code, "Message": err.message} for i, err in problems
        ]

    def body(self) -> dict[str, Any]:
        return {**super().body(), "Errors": self.errors}


Composed = tuple[dict[str, Any], dict[str, Any] | None]  # message fields, template used


def checked_request(app: App, body: Any) -> list[Composed]:
    """Every recipient's message, checked; raises for a request that cannot be sent."""
    if not isinstance(body, dict):
        raise invalid_field("body")
    shared = check_fields({k: v for k, v in body.items() if k != "Messages"}, SHARED_FIELDS)
    if any(k in shared for k in _TEMPLATE_KEYS) and any(k in shared for k in CONTENT_FIELDS):
        raise ApiError(1123, "Send either content fields or a template, not both.")
    items = body.get("Messages")
    if not isinstance(items, list) or not items:
        raise ApiError(300, "A bulk request needs at least one recipient in 'Messages'.")
    composed: list[Composed] = []
    problems: list[tuple[int, ApiError]] = []
    for index, item in enumerate(items):
        try:
            recipient = check_fields(item, RECIPIENT_FIELDS, f"Messages[{index}].")
            data, used = _compose(app, shared, recipient)
            validate_message(data, app.stream_type, require_subject=used is None)
            composed.append((data, used))
        except ApiError as err:
            problems.append((index, err))
    # A problem of the shared message repeats for every recipient: say it once.
    distinct = {(err.error_code, err.message) for _, err in problems}
    if len(distinct) == 1:
        raise problems[0][1]
    if problems:
        raise BulkError(problems)
    return composed


def _compose(
    app: App, shared: dict[str, Any], recipient: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    data = {k: v for k, v in shared.items() if k not in (*_TEMPLATE_KEYS, "InlineCss")}
    data.update({k: recipient[k] for k in ("To", "Cc", "Bcc") if k in recipient})
    if "Metadata" in shared or "Metadata" in recipient:
        data["Metadata"] = {**shared.get("Metadata", {}), **recipient.get("Metadata", {})}
    if "Headers" in recipient:
        names = {str(h.get("Name", "")).lower() for h in recipient["Headers"]}
        kept = [h for h in shared.get("Headers", []) if str(h.get("Name", "")).lower() not in names]
        data["Headers"] = kept + recipient["Headers"]
    model = recipient.get("TemplateModel") or {}
    if any(k in shared for k in _TEMPLATE_KEYS):
        template = {k: shared[k] for k in _TEMPLATE_KEYS if k in shared}
        rendered, used = render_for_send(app.store, {**template, "TemplateModel": model})
        data.update({k: rendered[k] for k in CONTENT_FIELDS if k in rendered})
        return data, used
    for part in CONTENT_FIELDS:
        if data.get(part):
            data[part] = _fill(data[part], model, escape_html=part == "HtmlBody")
    return data, None


def _fill(source: str, model: Any, *, escape_html: bool) -> str:
    try:
        return mustachio.parse(source).render(model, escape_html=escape_html)
    except mustachio.TemplateSyntaxError as err:
        raise ApiError(1122, f"The content could not be rendered: {err}") from None


def status_json(row: BulkRow) -> dict[str, Any]:
    """Postmark's bulk status object."""
    done = row.released + row.failed
    return {
        "Id": row.id,
        "SubmittedAt": clock.postmark_timestamp(row.submitted_ts),
        "TotalMessages": row.total,
        "PercentageCompleted": round(100.0 * done / row.total, 2) if row.total else 100.0,
        "Status": row.status,
        "ReleasedCount": row.released,
        "FailedCount": row.failed,
        "Subject": row.subject,
    }


def send_all(app: App, bulk_id: str, composed: list[Composed]) -> None:
    """Store one message per recipient, recording progress (run in the background)."""
    released = failed = 0
    app.store.bulk_progress(bulk_id, "Processing", 0, 0)
    for data, used in composed:
        if app.stopping.is_set():
            return  # the sandbox is stopping: the request stays "Processing"
        message = validate_message(data, app.stream_type, require_subject=used is None)
        try:
            check_active(app.store, message, batch_item=True)
        except ApiError:
            failed += 1
        else:
            answer = deliver(app.store, message, data, used)
            after_send(app, answer["MessageID"])  # Delivery/Bounce events and webhooks
            released += 1
        app.store.bulk_progress(bulk_id, "Processing", released, failed)
    app.store.bulk_progress(bulk_id, "Completed", released, failed)
