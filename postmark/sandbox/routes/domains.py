"""Domains API (account token): list, create, get, edit, delete, DNS checks, DKIM rotation.

ErrorCodes: 500 bad paging, 510 unknown domain, 511 no body, 512 a domain
already on the account, 514 no ``Name``, 515 ``Name`` over 255 characters,
516 a badly formed name, 503 a public mail domain, 522 a return-path domain
that is not a subdomain, 505 a rotation already pending. How verification
is simulated: :mod:`postmark.sandbox.rules.domains`. Path segments ignore
case (``verifyDkim``, ``verifydkim`` and ``verifyDKIM`` all work).
"""

from __future__ import annotations

from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..rules import domains
from ..rules.validation import Kind, check_fields
from ..store.account import Record
from .paging import paging

routes = Router()

TABLE = "domains"
CREATE_FIELDS = {"Name": Kind.STR, "ReturnPathDomain": Kind.STR}
EDIT_FIELDS = {"ReturnPathDomain": Kind.STR}


def domain_json(record: Record) -> dict[str, Any]:
    """Postmark's full domain object."""
    return {"ID": record.id, **record.data}


def _summary(record: Record) -> dict[str, Any]:
    keys = ("Name", "SPFVerified", "DKIMVerified", "WeakDKIM", "ReturnPathDomainVerified")
    return {"ID": record.id, **{k: record.data[k] for k in keys}}


def _domain(ctx: Context) -> Record:
    record = ctx.app.store.record(TABLE, ctx.params["id"])
    if record is None:
        raise ApiError(510, f"The domain '{ctx.params['id']}' was not found.")
    return record


def _body(ctx: Context, fields: dict[str, Kind]) -> dict[str, Any]:
    if not isinstance(ctx.json, dict) or not ctx.json:
        raise ApiError(511, "No valid domain fields were supplied.")
    return check_fields(ctx.json, fields)


@routes.route("GET", "/domains", auth="account")
def list_domains(ctx: Context) -> Any:
    """``GET /domains?count=&offset=``: by ID."""
    count, offset = paging(ctx, 500, window=None)
    total, records = ctx.app.store.records(TABLE, count or 0, offset)
    return {"TotalCount": total, "Domains": [_summary(r) for r in records]}


@routes.route("POST", "/domains", auth="account")
def create_domain(ctx: Context) -> Any:
    """``POST /domains``: ``Name`` and an optional ``ReturnPathDomain``."""
    data = _body(ctx, CREATE_FIELDS)
    raw = (data.get("Name") or "").strip()
    if not raw:
        raise ApiError(514, "A 'Name' is required to create a domain.")
    if len(raw) > domains.MAX_DOMAIN_NAME:
        raise ApiError(515, f"The domain 'Name' may not be longer than {domains.MAX_DOMAIN_NAME}.")
    name = domains.check_domain_name(raw, code=516)
    if ctx.app.store.record_by_key(TABLE, name) is not None:
        raise ApiError(512, f"The domain '{name}' is already on this account.")
    return_path = domains.check_return_path(name, data.get("ReturnPathDomain"))
    record = Record(0, {"Name": name, **domains.new_dns(name, return_path)})
    record.id = ctx.app.store.add_record(TABLE, name, record.data)
    return domain_json(record)


@routes.route("GET", "/domains/{id}", auth="account")
def get_domain(ctx: Context) -> Any:
    """``GET /domains/{domainid}``."""
    return domain_json(_domain(ctx))


@routes.route("PUT", "/domains/{id}", auth="account")
def edit_domain(ctx: Context) -> Any:
    """``PUT /domains/{domainid}``: the ``ReturnPathDomain`` (checked again when verified)."""
    record = _domain(ctx)
    data = _body(ctx, EDIT_FIELDS)
    if "ReturnPathDomain" in data:
        value = domains.check_return_path(record.data["Name"], data["ReturnPathDomain"])
        if value != record.data["ReturnPathDomain"]:
            record.data.update(ReturnPathDomain=value, ReturnPathDomainVerified=False)
    ctx.app.store.save_record(TABLE, record)
    return domain_json(record)


@routes.route("DELETE", "/domains/{id}", auth="account")
def delete_domain(ctx: Context) -> Any:
    """``DELETE /domains/{domainid}``."""
    record = _domain(ctx)
    ctx.app.store.delete_record(TABLE, record.id)
    return {"ErrorCode": 0, "Message": f"Domain {record.data['Name']} removed."}


def _checked(ctx: Context, check: Any) -> Record:
    record = _domain(ctx)
    check(record.data)
    ctx.app.store.save_record(TABLE, record)
    return record


@routes.route("PUT", "/domains/{id}/verifyDkim", auth="account")
def verify_dkim(ctx: Context) -> Any:
    """``PUT /domains/{domainid}/verifyDkim``: the pending key becomes active."""
    return domain_json(_checked(ctx, domains.verify_dkim))


@routes.route("PUT", "/domains/{id}/verifyReturnPath", auth="account")
def verify_return_path(ctx: Context) -> Any:
    """``PUT /domains/{domainid}/verifyReturnPath``."""
    return domain_json(_checked(ctx, domains.verify_return_path))


@routes.route("POST", "/domains/{id}/verifySpf", auth="account")
def verify_spf(ctx: Context) -> Any:
    """``POST /domains/{domainid}/verifyspf``: ``{SPFHost, SPFVerified, SPFTextValue}``."""
    data = _checked(ctx, domains.verify_spf).data
    return {k: data[k] for k in ("SPFHost", "SPFVerified", "SPFTextValue")}


@routes.route("POST", "/domains/{id}/rotateDkim", auth="account")
def rotate_dkim(ctx: Context) -> Any:
    """``POST /domains/{domainid}/rotatedkim``: a new pending key; answers the DKIM fields."""
    record = _checked(ctx, domains.rotate_dkim)
    return {"ID": record.id, "Name": record.data["Name"]} | {
        k: record.data[k] for k in domains.DKIM_FIELDS
    }
