"""Inbound rule triggers: list, create, delete (``/triggers/inboundrules``).

A rule is an email address or a domain; inbound mail from it is blocked
(see :mod:`postmark.sandbox.rules.inbound`). ErrorCodes: 800 bad paging, 809 no
rule given, 810 the rule exists already (any case), 812 unknown rule ID,
and 813 (from Postmark's older table) for a rule that is neither an address
nor a domain.
"""

from __future__ import annotations

import re
from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..rules.validation import Kind, check_fields, is_valid_email
from ..store.connection import row_id
from .paging import paging

routes = Router()

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})+$")


@routes.route("GET", "/triggers/inboundrules")
def list_rules(ctx: Context) -> Any:
    """``GET /triggers/inboundrules?count=&offset=``: oldest first."""
    count, offset = paging(ctx, 800, window=None)
    total, rows = ctx.app.store.rules(count, offset)
    return {"TotalCount": total, "InboundRules": [{"ID": r.id, "Rule": r.rule} for r in rows]}


@routes.route("POST", "/triggers/inboundrules")
def create_rule(ctx: Context) -> Any:
    """``POST /triggers/inboundrules`` with ``{"Rule": "spam@example.com"}`` or a domain."""
    data = check_fields(ctx.json if ctx.json is not None else {}, {"Rule": Kind.STR})
    rule = str(data.get("Rule") or "").strip()
    if not rule:
        raise ApiError(809, 'No rule data was received: send {"Rule": address or domain}.')
    if not (is_valid_email(rule) or _DOMAIN.match(rule)):
        raise ApiError(813, f"The rule '{rule}' is not a valid email address or domain.")
    rule_id = ctx.app.store.add_rule(rule)
    if rule_id is None:
        raise ApiError(810, f"The rule '{rule}' already exists.")
    return {"ID": rule_id, "Rule": rule}


@routes.route("DELETE", "/triggers/inboundrules/{id}")
def delete_rule(ctx: Context) -> Any:
    """``DELETE /triggers/inboundrules/{triggerid}``."""
    text = ctx.params["id"]
    found = row_id(text)
    row = ctx.app.store.rule(found) if found is not None else None
    if row is None:
        raise ApiError(812, f"The inbound rule '{text}' was not found.")
    ctx.app.store.delete_rule(row.id)
    return {"ErrorCode": 0, "Message": f"Rule {row.rule} removed."}
