"""Templates API, account part: ``PUT /templates/push`` (``X-Postmark-Account-Token``).

Postmark copies every template that has an alias from one server to
another: a template whose alias the destination lacks is created
(``"Action": "Create"``), one whose alias it has is overwritten (``"Edit"``);
templates without an alias are not pushed (none at all: 1124); with
``PerformChanges: false`` nothing changes and the answer lists what would.

The sandbox models one server (``ID`` 1), so ``SourceServerID`` and
``DestinationServerID`` must both be its ID (601, "server not found",
otherwise). Postmark does not document whether it refuses a push from a
server to itself; the sandbox allows it, as the one way to exercise the
route: every aliased template is listed as ``Edit`` and performing the push
changes nothing, since each template would be overwritten with itself.
"""

from __future__ import annotations

from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..rules.validation import Kind, check_fields

routes = Router()

PUSH_FIELDS = {
    "SourceServerID": Kind.INT,
    "DestinationServerID": Kind.INT,
    "PerformChanges": Kind.BOOL,
}


def _server(ctx: Context, value: Any, role: str) -> int:
    if value != ctx.app.config.server_id:
        raise ApiError(601, f"The {role} server '{value}' was not found.")
    return int(value)


@routes.route("PUT", "/templates/push", auth="account")
def push_templates(ctx: Context) -> Any:
    """``PUT /templates/push``.

    Answers ``{TotalCount, Templates: [{Action, TemplateId, Alias, Name, TemplateType}]}``.
    """
    data = check_fields(ctx.json if ctx.json is not None else {}, PUSH_FIELDS)
    _server(ctx, data.get("SourceServerID"), "source")
    _server(ctx, data.get("DestinationServerID"), "destination")
    pushed = [t for t in ctx.app.store.templates() if t.alias]
    if not pushed:
        raise ApiError(1124, "The source server has no templates with an alias to push.")
    destination = {t.alias.lower() for t in ctx.app.store.templates() if t.alias}
    actions = [
        {
            "Action": "Edit" if (t.alias or "").lower() in destination else "Create",
            "TemplateId": t.id,
            "Alias": t.alias,
            "Name": t.name,
            "TemplateType": t.template_type,
        }
        for t in pushed
    ]
    return {"TotalCount": len(actions), "Templates": actions}
