"""Template rules: what may be stored, how a send renders, what validate reports.

Postmark's rules (Templates API docs, ErrorCodes 1100-1131): a Standard
template needs a Name, a Subject and at least one body; a Layout has no
Subject and each of its bodies holds ``{{{ @content }}}`` exactly once,
which no Standard template may use; an alias starts with a letter; a send
names ``TemplateId`` (which wins) or ``TemplateAlias`` and gives a
``TemplateModel``. ``InlineCss`` is accepted but the sandbox does not inline
CSS.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..http.errors import ApiError, invalid_field
from ..store.database import Store
from ..store.templates import TemplateRow
from . import mustachio

TEMPLATE_TYPES = ("Standard", "Layout")
MAX_TEMPLATES = 100
PARTS = ("Subject", "HtmlBody", "TextBody")
_ALIAS = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
_PLACEHOLDER = "{{{ @content }}}"


def template_type(value: str | None) -> str:
    """``Standard`` (default) or ``Layout``, any case; 1122 otherwise."""
    for option in TEMPLATE_TYPES:
        if option.lower() == (value or "Standard").lower():
            return option
    raise ApiError(1122, f"Invalid 'TemplateType': '{value}'. Use Standard or Layout.")


def not_found(key: str, value: Any) -> ApiError:
    """1101 in the wording Postmark's SDK tests quote."""
    return ApiError(
        1101, f"The Template's '{key}' associated with this request is not valid or was not found."
    )


def find_active(store: Store, id_or_alias: str) -> TemplateRow | None:
    """An active template by ID or alias."""
    row = store.template(id_or_alias)
    return row if row is not None and row.active else None


def check_row(store: Store, row: TemplateRow) -> TemplateRow:
    """Validate a template about to be stored (created or edited); return it."""
    if not row.name.strip():
        raise ApiError(1120, "The 'Name' field is required.")
    _check_alias(store, row)
    if row.html_body is None and row.text_body is None:
        raise ApiError(1120, "Provide either 'HtmlBody' or 'TextBody' or both.")
    if row.template_type == "Layout":
        _check_layout(row)
    else:
        _check_standard(store, row)
    for part, text in zip(PARTS, (row.subject, row.html_body, row.text_body), strict=True):
        if text is not None:
            try:
                mustachio.parse(text)
            except mustachio.TemplateSyntaxError as err:
                raise ApiError(1122, f"The '{part}' could not be parsed: {err}") from None
    return row


def _check_alias(store: Store, row: TemplateRow) -> None:
    if row.alias is None:
        return
    if not _ALIAS.match(row.alias):
        raise ApiError(
            1122,
            f"Invalid 'Alias': '{row.alias}'. An alias starts with a letter and holds only "
            "letters, digits, '.', '-' and '_'.",
        )
    other = find_active(store, row.alias)
    if other is not None and other.id != row.id:
        raise ApiError(1122, f"The alias '{row.alias}' is already used by another template.")


def _check_layout(row: TemplateRow) -> None:
    if row.subject is not None:
        raise ApiError(1123, "A Layout template cannot have a 'Subject'.")
    if row.layout_template is not None:
        raise ApiError(1123, "A Layout template cannot use a 'LayoutTemplate'.")
    for body in (row.html_body, row.text_body):
        if body is not None and _placeholders(body) != 1:
            raise ApiError(
                1131, f"Layout bodies must contain the content placeholder {_PLACEHOLDER} once."
            )


def _check_standard(store: Store, row: TemplateRow) -> None:
    if not row.subject:
        raise ApiError(1120, "The 'Subject' field is required.")
    for body in (row.subject, row.html_body, row.text_body):
        if body is not None and _placeholders(body):
            raise ApiError(
                1131, f"The content placeholder {_PLACEHOLDER} is only allowed in layouts."
            )
    if row.layout_template is not None:
        layout = find_active(store, row.layout_template)
        if layout is None or layout.template_type != "Layout":
            raise ApiError(1101, f"The layout template '{row.layout_template}' was not found.")


def _placeholders(text: str) -> int:
    try:
        return mustachio.parse(text).content_placeholders
    except mustachio.TemplateSyntaxError:
        return 0  # reported as a syntax error by the caller


def merge_edit(current: TemplateRow, fields: Mapping[str, Any]) -> TemplateRow:
    """Apply a ``PUT /templates/{id}`` body; ``LayoutTemplate: ""`` removes the layout."""
    if "TemplateType" in fields and template_type(fields["TemplateType"]) != current.template_type:
        raise ApiError(1123, "The 'TemplateType' of a template cannot be changed.")
    layout = fields.get("LayoutTemplate", current.layout_template)
    return replace(
        current,
        name=fields.get("Name", current.name),
        alias=fields.get("Alias", current.alias) or None,
        subject=fields.get("Subject", current.subject),
        html_body=fields.get("HtmlBody", current.html_body),
        text_body=fields.get("TextBody", current.text_body),
        layout_template=layout or None,
    )


def render_for_send(store: Store, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Render a templated send; return the message fields and what was used.

    The first value is ``data`` with Subject, HtmlBody and TextBody filled in,
    ready for the normal message checks.
    """
    template = _template_for_send(store, data)
    if "TemplateModel" not in data:
        raise ApiError(1120, "The 'TemplateModel' field is required.")
    model = data["TemplateModel"]
    layout = find_active(store, template.layout_template) if template.layout_template else None
    rendered = dict(data)
    rendered["Subject"] = _render(template.subject or "", model, escape_html=False)
    for part, body in (("HtmlBody", template.html_body), ("TextBody", template.text_body)):
        if body is not None:
            frame = None if layout is None else getattr(layout, _attr(part))
            text = _render(body, model, escape_html=part == "HtmlBody")
            rendered[part] = (
                text if frame is None else _render(frame, model, part == "HtmlBody", text)
            )
    used = {
        "TemplateId": template.id,
        "TemplateAlias": template.alias,
        "TemplateModel": model,
        "LayoutTemplate": template.layout_template,
    }
    return rendered, used


def preview(store: Store, template: TemplateRow, model: Any) -> dict[str, Any]:
    """What a send with ``template`` and ``model`` would carry: ``Subject``, ``HtmlBody``,
    ``TextBody`` (a part the template lacks is absent), its layout applied.

    Renders through :func:`render_for_send`, so the preview is the send.
    """
    rendered, _ = render_for_send(store, {"TemplateId": template.id, "TemplateModel": model})
    return {part: rendered[part] for part in PARTS if part in rendered}


def suggested_model(store: Store, template: TemplateRow) -> dict[str, Any]:
    """Every key the template and its layout read, with ``<key>_Value`` placeholders
    (as ``SuggestedTemplateModel`` in ``/templates/validate``).

    Stored templates and layouts always parse (:func:`check_row`).
    """
    layout = find_active(store, template.layout_template) if template.layout_template else None
    sources = [template.subject, template.html_body, template.text_body]
    if layout is not None:
        sources += [layout.html_body, layout.text_body]
    model: dict[str, Any] = {}
    for source in sources:
        if source is not None:
            model = mustachio.deep_merge(model, mustachio.parse(source).suggested_model())
    return model


def _template_for_send(store: Store, data: Mapping[str, Any]) -> TemplateRow:
    if "TemplateId" in data:
        key, value = "TemplateId", str(data["TemplateId"])
    elif data.get("TemplateAlias"):
        key, value = "Alias", data["TemplateAlias"]
    else:
        raise ApiError(1101, "Provide either 'TemplateId' or 'TemplateAlias'.")
    template = find_active(store, value)
    if template is None or template.template_type != "Standard":
        raise not_found(key, value)
    return template


def _attr(part: str) -> str:
    return {"Subject": "subject", "HtmlBody": "html_body", "TextBody": "text_body"}[part]


def _render(source: str, model: Any, escape_html: bool, content: str = "") -> str:
    try:
        return mustachio.parse(source).render(model, escape_html=escape_html, content=content)
    except mustachio.TemplateSyntaxError as err:
        raise ApiError(1122, f"The template could not be rendered: {err}") from None


# --- POST /templates/validate -------------------------------------------------


def validate_content(store: Store, data: Mapping[str, Any]) -> dict[str, Any]:
    """Postmark's ``/templates/validate`` answer for ``data`` (already type-checked)."""
    if not any(data.get(p) is not None for p in PARTS):
        raise ApiError(1120, "Provide at least one of 'Subject', 'HtmlBody' or 'TextBody'.")
    kind = template_type(data.get("TemplateType"))
    layout = _validate_layout(store, data, kind)
    parsed: dict[str, mustachio.Template | None] = {}
    results: dict[str, dict[str, Any]] = {}
    for part in PARTS:
        parsed[part], results[part] = _check_part(part, data.get(part), kind)
    suggested: dict[str, Any] = {}
    for template in parsed.values():
        if template is not None:
            suggested = mustachio.deep_merge(suggested, template.suggested_model())
    model = mustachio.deep_merge(suggested, data.get("TestRenderModel") or {})
    for part, template in parsed.items():
        if template is not None:
            text = template.render(model, escape_html=part == "HtmlBody")
            frame = None if layout is None or part == "Subject" else getattr(layout, _attr(part))
            if frame is not None:
                text = _render(frame, model, part == "HtmlBody", text)
            results[part]["RenderedContent"] = text
    valid = all(r["ContentIsValid"] for r in results.values())
    return {"AllContentIsValid": valid, **results, "SuggestedTemplateModel": model}


def _validate_layout(store: Store, data: Mapping[str, Any], kind: str) -> TemplateRow | None:
    name = data.get("LayoutTemplate")
    if not name or kind == "Layout":
        return None
    layout = find_active(store, name)
    if layout is None or layout.template_type != "Layout":
        raise ApiError(1101, f"The layout template '{name}' was not found.")
    return layout


def _check_part(
    part: str, source: str | None, kind: str
) -> tuple[mustachio.Template | None, dict[str, Any]]:
    result: dict[str, Any] = {"ContentIsValid": True, "ValidationErrors": [], "RenderedContent": ""}
    if source is None:
        return None, result
    try:
        template = mustachio.parse(source)
    except mustachio.TemplateSyntaxError as err:
        result["ContentIsValid"] = False
        result["ValidationErrors"].append(
            {"Message": err.message, "Line": err.line, "CharacterPosition": err.column}
        )
        return None, result
    problem = _placeholder_problem(part, template, kind)
    if problem:
        result["ContentIsValid"] = False
        result["ValidationErrors"].append(
            {"Message": problem, "Line": None, "CharacterPosition": None}
        )
    return template, result


def _placeholder_problem(part: str, template: mustachio.Template, kind: str) -> str | None:
    count = template.content_placeholders
    if kind == "Layout" and part != "Subject" and count != 1:
        return f"A layout must contain the content placeholder {_PLACEHOLDER} exactly once."
    if (kind == "Standard" or part == "Subject") and count:
        return f"The content placeholder {_PLACEHOLDER} is only allowed in layout bodies."
    return None


def check_no_content_fields(data: Any, where: str = "") -> None:
    """1123 when a templated send also gives Subject, HtmlBody or TextBody."""
    if not isinstance(data, dict):
        raise invalid_field(where or "body")
    for part in PARTS:
        if data.get(part) is not None:
            raise ApiError(1123, f"The '{part}' field is not allowed when sending with a template.")
