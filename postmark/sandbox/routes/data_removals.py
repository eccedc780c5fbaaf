"""Data removals API (account token): ``POST /data-removals``, ``GET /data-removals/{id}``.

The erasure runs at once, in every server: sent messages to the address
(with their bounces and events), its bounces and suppressions, and inbound
mail from it. The ``POST`` answer still says ``Pending``, as Postmark's does;
``GET`` then answers ``Done``. ErrorCodes: 1300 a bad request, 1301 an
unknown ID. Postmark enables the API per account (1302 otherwise); the
sandbox always does.
"""

from __future__ import annotations

from typing import Any

from .. import servers
from ..http.errors import ApiError
from ..http.router import Context, Router
from ..rules.validation import Kind, check_fields, is_valid_email

routes = Router()

TABLE = "data_removals"
FIELDS = {"RequestedBy": Kind.STR, "RequestedFor": Kind.STR, "NotifyWhenCompleted": Kind.BOOL}


def _checked(body: Any) -> dict[str, Any]:
    """The request's fields; every problem is 1300, Postmark's "invalid request" code."""
    if not isinstance(body, dict) or not body:
        raise ApiError(1300, "The data removal request is empty.")
    try:
        data = check_fields(body, FIELDS)
    except ApiError as err:
        raise ApiError(1300, err.message) from None
    for name in ("RequestedBy", "RequestedFor"):
        if not is_valid_email(str(data.get(name) or "")):
            raise ApiError(1300, f"'{name}' must be a valid email address.")
    return data


@routes.route("POST", "/data-removals", auth="account")
def create_removal(ctx: Context) -> Any:
    """``POST /data-removals``: ``RequestedBy``, ``RequestedFor``, ``NotifyWhenCompleted``."""
    body = _checked(ctx.json)
    for server in servers.every(ctx.app):
        server.store.erase_address(body["RequestedFor"])
    removal_id = ctx.app.store.add_record(TABLE, None, {**body, "Status": "Done"})
    return {"ID": removal_id, "Status": "Pending"}


@routes.route("GET", "/data-removals/{id}", auth="account")
def get_removal(ctx: Context) -> Any:
    """``GET /data-removals/{id}``: ``{ID, Status}``."""
    record = ctx.app.store.record(TABLE, ctx.params["id"])
    if record is None:
        raise ApiError(1301, f"The data removal request '{ctx.params['id']}' was not found.")
    return {"ID": record.id, "Status": record.data["Status"]}
