"""Templates: the list, and a preview rendered with an editable test model.

Every page shows the server named by ``?server=`` (the default one without it).

``GET /inbox/templates``
    Every active template and layout.
``GET /inbox/templates/{id}?model=<JSON>``
    A Standard template rendered as a send with this ``TemplateModel``
    would be, its layout applied (:func:`postmark.sandbox.rules.templates.preview`):
    subject, HTML (in ``<iframe sandbox="">``) and text. Without ``model``
    the suggested model (every key the template and layout read) is used;
    a model that is not a JSON object is reported, not replaced.
``GET /inbox/templates/{id}/html?model=<JSON>``
    That HTML alone, with :data:`~.layout.BODY_CSP`, for the frame.
"""

from __future__ import annotations

import json
from typing import Any

from ..app import App
from ..http.errors import ApiError
from ..http.router import Context, Reply, Router
from ..rules.templates import preview, suggested_model
from ..store.templates import TemplateRow
from .format import esc, url
from .forms import hidden, url_with_server
from .layout import BODY_CSP, COMMON_HEADERS, not_found, page
from .message_html import iframe
from .scope import chosen_server
from .server_picker import server_picker

routes = Router()
PATH = "/inbox/templates"


@routes.route("GET", PATH, auth="none")
def template_list(ctx: Context) -> Reply:
    """Every active template, layouts included."""
    server = chosen_server(ctx)
    if server is None:
        return not_found("This server")
    rows = [t for t in server.store.templates() if t.active]
    cells = "".join(
        f'<tr><td><a href="{esc(url_with_server(f"{PATH}/{t.id}", server))}">'
        f"{esc(t.name)}</a></td>"
        f"<td>{esc(t.alias or '')}</td><td>{esc(t.template_type)}</td>"
        f"<td>{esc(t.layout_template or '')}</td><td>{t.id}</td></tr>"
        for t in rows
    )
    body = (
        f"<h1>Templates</h1>{server_picker(ctx, server, PATH)}"
        f'<p class="muted">{len(rows)} template(s)</p>'
        "<table><thead><tr><th>Name</th><th>Alias</th><th>Type</th><th>Layout</th>"
        "<th>ID</th></tr></thead><tbody>"
        + (cells or '<tr><td colspan=5 class="muted">No templates.</td></tr>')
        + "</tbody></table>"
    )
    return page(ctx, "Templates", body, nav="templates")


def _template(ctx: Context) -> tuple[App, TemplateRow] | None:
    server = chosen_server(ctx)
    row = None if server is None else server.store.template(ctx.params["id"])
    return None if server is None or row is None or not row.active else (server, row)


def _model(ctx: Context, server: App, row: TemplateRow) -> tuple[str, Any, str | None]:
    """The model's text, the model (``None`` when unusable) and what is wrong with it."""
    text = ctx.arg("model")
    if text is None:
        suggested = suggested_model(server.store, row)
        return json.dumps(suggested, indent=2, ensure_ascii=False), suggested, None
    try:
        model = json.loads(text)
    except ValueError as err:
        return text, None, f"The test model is not valid JSON: {err}."
    if not isinstance(model, dict):
        return text, None, "The test model must be a JSON object ({...}), as a TemplateModel is."
    return text, model, None


@routes.route("GET", f"{PATH}/{{id:int}}", auth="none")
def template_page(ctx: Context) -> Reply:
    """The preview: the test model form, then subject, HTML and text as a send renders them."""
    found = _template(ctx)
    if found is None:
        return not_found("This template")
    server, row = found
    text, model, problem = _model(ctx, server, row)
    facts = (
        f'<dl class="fields"><dt>Alias</dt><dd>{esc(row.alias or "")}</dd><dt>Type</dt>'
        f"<dd>{esc(row.template_type)}</dd><dt>Layout</dt><dd>{esc(row.layout_template or '')}</dd>"
        "</dl>"
    )
    back = esc(url_with_server(PATH, server))
    head = f'<h1>{esc(row.name)}</h1><p><a href="{back}">All templates</a></p>{facts}'
    if row.template_type == "Layout":
        users = [t.name for t in server.store.templates() if _uses(t, row)]
        note = ", ".join(users) or "none yet"
        body = (
            f"{head}<p>A layout is previewed through the templates that use it: "
            f"{esc(note)}.</p><h2>HTML source</h2><pre>{esc(row.html_body or '')}</pre>"
        )
        return page(ctx, row.name, body, nav="templates")
    form = (
        f'<form method="get" action="{esc(f"{PATH}/{row.id}")}" class="model-form">'
        + hidden("server", str(server.config.server_id))
        + '<label for="model">Test model (JSON)</label>'
        f'<textarea id="model" name="model" rows="8" spellcheck="false">{esc(text)}</textarea>'
        '<button type="submit">Render</button></form>'
    )
    rendered = _rendered(server, row, model, problem)
    return page(ctx, row.name, head + form + rendered, nav="templates")


def _uses(template: TemplateRow, layout: TemplateRow) -> bool:
    return (
        template.active
        and layout.alias is not None
        and (template.layout_template or "").lower() == layout.alias.lower()
    )


def _rendered(server: App, row: TemplateRow, model: Any, problem: str | None) -> str:
    if problem is None:
        try:
            parts = preview(server.store, row, model)
        except ApiError as err:
            problem = err.message
    if problem is not None:
        return f'<p class="danger" role="alert" id="model-problem">{esc(problem)}</p>'
    sid = server.config.server_id
    frame = url(f"{PATH}/{row.id}/html", model=json.dumps(model, ensure_ascii=False), server=sid)
    html_part = (
        iframe(esc(frame), "Rendered HTML body")
        if "HtmlBody" in parts
        else '<p class="muted">No HTML body.</p>'
    )
    text_part = (
        f'<pre id="rendered-text">{esc(parts["TextBody"])}</pre>'
        if "TextBody" in parts
        else '<p class="muted">No text body.</p>'
    )
    return (
        f'<h2>Subject</h2><p id="rendered-subject">{esc(parts.get("Subject", ""))}</p>'
        f"<h2>HTML body</h2>{html_part}<h2>Text body</h2>{text_part}"
    )


@routes.route("GET", f"{PATH}/{{id:int}}/html", auth="none")
def template_html(ctx: Context) -> Reply:
    """The rendered HTML body alone, locked down like an email's (for the preview frame)."""
    found = _template(ctx)
    if found is None or found[1].template_type != "Standard":
        return not_found("This template")
    server, row = found
    _, model, problem = _model(ctx, server, row)
    html_body = ""
    if problem is None:
        try:
            html_body = preview(server.store, row, model).get("HtmlBody", "")
        except ApiError as err:
            problem = err.message
    headers = [("Content-Security-Policy", BODY_CSP), ("X-Frame-Options", "SAMEORIGIN")]
    content = html_body if problem is None else f"<p>{esc(problem)}</p>"
    return Reply.html(content, headers=headers + COMMON_HEADERS)
