"""Templates API, account part: ``PUT /templates/push`` (``X-Postmark-Account-Token``).

Postmark copies every template that has an alias from one server to
another: a template whose alias the destination lacks is created
(``"Action": "Create"``), one whose alias it has is overwritten (``"Edit"``);
templates without an alias are not pushed (none at all: 1124); with
``PerformChanges: false`` nothing changes and the answer lists what would.

``SourceServerID`` and ``DestinationServerID`` are the default server
(``ID`` 1) or servers made with ``POST /servers`` (601, "server not found",
otherwise). An alias that is a layout on one side and a standard template on
the other answers 1125 and changes nothing. Postmark does not document
whether it refuses a push from a server to itself; the sandbox allows it:
every aliased template is listed as ``Edit`` and nothing changes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import servers
from ..app import App
from ..http.errors import ApiError
from ..http.router import Context, Router
from ..rules.validation import Kind, check_fields
from ..store.templates import TemplateRow

routes = Router()

PUSH_FIELDS = {
    "SourceServerID": Kind.INT,
    "DestinationServerID": Kind.INT,
    "PerformChanges": Kind.BOOL,
}


def _server(ctx: Context, value: Any, role: str) -> App:
    server = servers.find(ctx.app, value) if isinstance(value, int) else None
    if server is None:
        raise ApiError(601, f"The {role} server '{value}' was not found.")
    return server


@routes.route("PUT", "/templates/push", auth="account")
def push_templates(ctx: Context) -> Any:
    """``PUT /templates/push``.

    Answers ``{TotalCount, Templates: [{Action, TemplateId, Alias, Name, TemplateType}]}``.
    """
    data = check_fields(ctx.json if ctx.json is not None else {}, PUSH_FIELDS)
    source = _server(ctx, data.get("SourceServerID"), "source")
    destination = _server(ctx, data.get("DestinationServerID"), "destination")
    pushed = [t for t in source.store.templates() if t.alias]
    if not pushed:
        raise ApiError(1124, "The source server has no templates with an alias to push.")
    existing = {(t.alias or "").lower(): t for t in destination.store.templates() if t.alias}
    for template in pushed:
        target = existing.get((template.alias or "").lower())
        if target is not None and target.template_type != template.template_type:
            raise ApiError(
                1125,
                f"The alias '{template.alias}' is a {template.template_type} template on the "
                f"source server and a {target.template_type} template on the destination.",
            )
    actions = [_action(t, existing) for t in pushed]
    if data.get("PerformChanges"):
        for template in pushed:
            _copy(destination, template, existing.get((template.alias or "").lower()))
    return {"TotalCount": len(actions), "Templates": actions}


def _action(template: TemplateRow, existing: dict[str, TemplateRow]) -> dict[str, Any]:
    return {
        "Action": "Edit" if (template.alias or "").lower() in existing else "Create",
        "TemplateId": template.id,
        "Alias": template.alias,
        "Name": template.name,
        "TemplateType": template.template_type,
    }


def _copy(destination: App, template: TemplateRow, target: TemplateRow | None) -> None:
    if target is None:
        destination.store.add_template(replace(template, id=0, active=True))
    else:
        destination.store.update_template(replace(template, id=target.id, active=True))
