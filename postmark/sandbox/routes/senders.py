"""Sender signatures API (account token): ``/senders`` and their confirmation and checks.

A new signature is unconfirmed. Postmark then emails the address a
confirmation link; the sandbox treats ``POST /senders/{id}/resend`` as that
email being sent and clicked, so the signature is confirmed afterwards (a
second resend answers 506), except for addresses under ``.invalid``. Its DNS
fields are those of its domain: the account's domain record when there is
one (:mod:`.domains`), otherwise its own, simulated the same way
(:mod:`postmark.sandbox.rules.domains`).

ErrorCodes: 500 bad paging, 501 unknown signature, 502 no body, 503 a public
mail domain, 504 the address already has a signature, 506 already
confirmed, 520 ``FromEmail``/``Name`` missing, 521 a personal note over 400
characters, 522 a bad address, return-path domain or blank note.
"""

from __future__ import annotations

from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..rules import domains
from ..rules.validation import Kind, check_fields, is_valid_email
from ..store.account import Record
from .paging import paging

routes = Router()

TABLE = "sender_signatures"
MAX_NOTE = 400
EDIT_FIELDS = {
    "Name": Kind.STR,
    "ReplyToEmail": Kind.STR,
    "ReturnPathDomain": Kind.STR,
    "ConfirmationPersonalNote": Kind.STR,
}
CREATE_FIELDS = {"FromEmail": Kind.STR, **EDIT_FIELDS}
_SUMMARY = ("Domain", "EmailAddress", "ReplyToEmailAddress", "Name", "Confirmed")


def signature_json(ctx: Context, record: Record) -> dict[str, Any]:
    """Postmark's full signature: its own fields and its domain's DNS fields."""
    data = dict(record.data)
    domain = ctx.app.store.record_by_key("domains", data["Domain"])
    if domain is not None:
        data.update({k: v for k, v in domain.data.items() if k != "Name"})
    return {"ID": record.id, **data}


def _signature(ctx: Context) -> Record:
    record = ctx.app.store.record(TABLE, ctx.params["id"])
    if record is None:
        raise ApiError(501, f"The sender signature '{ctx.params['id']}' was not found.")
    return record


def _body(ctx: Context, fields: dict[str, Kind]) -> dict[str, Any]:
    if not isinstance(ctx.json, dict) or not ctx.json:
        raise ApiError(502, "No sender signature data was received.")
    data = check_fields(ctx.json, fields)
    if not (data.get("Name") or "").strip():
        raise ApiError(520, "The 'Name' field is required.")
    if data.get("ReplyToEmail") and not is_valid_email(data["ReplyToEmail"]):
        raise ApiError(522, f"'{data['ReplyToEmail']}' is not a valid email address.")
    note = data.get("ConfirmationPersonalNote")
    if note is not None and len(note) > MAX_NOTE:
        raise ApiError(521, f"'ConfirmationPersonalNote' may be at most {MAX_NOTE} characters.")
    if note is not None and not note.strip():
        raise ApiError(522, "'ConfirmationPersonalNote' must not be blank.")
    return data


@routes.route("GET", "/senders", auth="account")
def list_signatures(ctx: Context) -> Any:
    """``GET /senders?count=&offset=``: by ID."""
    count, offset = paging(ctx, 500, window=None)
    total, records = ctx.app.store.records(TABLE, count or 0, offset)
    items = [{"ID": r.id, **{k: r.data[k] for k in _SUMMARY}} for r in records]
    return {"TotalCount": total, "SenderSignatures": items}


@routes.route("POST", "/senders", auth="account")
def create_signature(ctx: Context) -> Any:
    """``POST /senders``: ``FromEmail``, ``Name`` and the optional fields."""
    data = _body(ctx, CREATE_FIELDS)
    email = (data.get("FromEmail") or "").strip()
    if not email:
        raise ApiError(520, "The 'FromEmail' field is required.")
    if not is_valid_email(email):
        raise ApiError(522, f"'{email}' is not a valid email address.")
    domain = domains.check_domain_name(email.rpartition("@")[2], code=522)
    if ctx.app.store.record_by_key(TABLE, email.lower()) is not None:
        raise ApiError(504, f"A sender signature for '{email}' already exists.")
    return_path = domains.check_return_path(domain, data.get("ReturnPathDomain"))
    fields = {
        "Domain": domain,
        "EmailAddress": email,
        "ReplyToEmailAddress": data.get("ReplyToEmail") or "",
        "Name": data["Name"],
        "Confirmed": False,
        "ConfirmationPersonalNote": data.get("ConfirmationPersonalNote") or "",
        **domains.new_dns(domain, return_path),
    }
    record = Record(ctx.app.store.add_record(TABLE, email.lower(), fields), fields)
    return signature_json(ctx, record)


@routes.route("GET", "/senders/{id}", auth="account")
def get_signature(ctx: Context) -> Any:
    """``GET /senders/{signatureid}``."""
    return signature_json(ctx, _signature(ctx))


@routes.route("PUT", "/senders/{id}", auth="account")
def edit_signature(ctx: Context) -> Any:
    """``PUT /senders/{signatureid}``: ``Name`` (required) and the optional fields."""
    record = _signature(ctx)
    data = _body(ctx, EDIT_FIELDS)
    record.data["Name"] = data["Name"]
    if "ReplyToEmail" in data:
        record.data["ReplyToEmailAddress"] = data["ReplyToEmail"] or ""
    if "ConfirmationPersonalNote" in data:
        record.data["ConfirmationPersonalNote"] = data["ConfirmationPersonalNote"]
    if "ReturnPathDomain" in data:
        value = domains.check_return_path(record.data["Domain"], data["ReturnPathDomain"])
        record.data.update(ReturnPathDomain=value, ReturnPathDomainVerified=False)
    ctx.app.store.save_record(TABLE, record)
    return signature_json(ctx, record)


@routes.route("DELETE", "/senders/{id}", auth="account")
def delete_signature(ctx: Context) -> Any:
    """``DELETE /senders/{signatureid}``."""
    record = _signature(ctx)
    ctx.app.store.delete_record(TABLE, record.id)
    return {"ErrorCode": 0, "Message": f"Signature {record.data['EmailAddress']} removed."}


@routes.route("POST", "/senders/{id}/resend", auth="account")
def resend_confirmation(ctx: Context) -> Any:
    """``POST /senders/{signatureid}/resend``: "sends" the link, which counts as clicked."""
    record = _signature(ctx)
    if record.data["Confirmed"]:
        raise ApiError(506, "This sender signature has already been confirmed.")
    record.data["Confirmed"] = domains.verifies(record.data["Domain"])
    ctx.app.store.save_record(TABLE, record)
    address = record.data["EmailAddress"]
    return {
        "ErrorCode": 0,
        "Message": f"Confirmation email for Sender Signature {address} was re-sent.",
    }


@routes.route("POST", "/senders/{id}/verifySpf", auth="account")
def verify_spf(ctx: Context) -> Any:
    """``POST /senders/{signatureid}/verifyspf`` (deprecated at Postmark): the signature."""
    record = _signature(ctx)
    record.data["SPFVerified"] = domains.verifies(record.data["Domain"])
    ctx.app.store.save_record(TABLE, record)
    return signature_json(ctx, record)


@routes.route("POST", "/senders/{id}/requestNewDkim", auth="account")
def request_new_dkim(ctx: Context) -> Any:
    """``POST /senders/{signatureid}/requestnewdkim`` (deprecated: use the domain's rotatedkim)."""
    record = _signature(ctx)
    data = record.data | {"Name": record.data["Domain"]}
    # A signature has no DKIM verify call: its pending key counts as found in DNS
    # now (never under .invalid, whose renewal then stays refused with 505), so the
    # third-party SDKs' create-then-request sequence works as it does at Postmark.
    domains.verify_dkim(data)
    domains.rotate_dkim(data)
    record.data.update({k: data[k] for k in domains.DKIM_FIELDS})
    ctx.app.store.save_record(TABLE, record)
    return {"ErrorCode": 0, "Message": f"A new DKIM key was requested for {record.data['Domain']}."}
