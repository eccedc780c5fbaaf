"""Templates: ``client.templates`` (Postmark's Templates API).

Pushing templates between servers needs the account token, so it lives on
``AccountClient.templates`` (:class:`AccountTemplatesAPI`).

https://postmarkapp.com/developer/api/templates-api
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from postmark.api.base import M, Section, Walk, compact, endpoint, paged
from postmark.api.paging import iterate
from postmark.api.types import (
    Acknowledgement,
    Template,
    TemplateList,
    TemplatePushResult,
    TemplateSummary,
    TemplateValidation,
)
from postmark.protocol import Request, path_segment


def _path(template_id_or_alias: int | str) -> str:
    return f"/templates/{path_segment(template_id_or_alias)}"


def _list(
    count: int, offset: int, template_type: str | None, layout_template: str | None
) -> Request[TemplateList]:
    params = {
        "Count": count,
        "Offset": offset,
        "TemplateType": template_type,
        "LayoutTemplate": layout_template,
    }
    return Request("GET", "/templates", params=params)


#: Postmark's key for each template field (create and edit share them).
_TEMPLATE_KEYS = {
    "name": "Name",
    "alias": "Alias",
    "subject": "Subject",
    "html_body": "HtmlBody",
    "text_body": "TextBody",
    "template_type": "TemplateType",
    "layout_template": "LayoutTemplate",
}


def _template_body(**fields: str | None) -> dict[str, Any]:
    """The JSON of a template create or edit; fields left at None are not sent."""
    return compact({_TEMPLATE_KEYS[name]: value for name, value in fields.items()})


class TemplatesAPI(Section[M]):
    """Stored templates and layouts of the server: list, read, write, validate."""

    @endpoint
    def list(
        self,
        count: int = 100,
        offset: int = 0,
        *,
        template_type: str | None = None,
        layout_template: str | None = None,
    ) -> Request[TemplateList]:
        """One page of templates: ``{"TotalCount", "Templates": [...]}``.

        ``GET /templates?Count=&Offset=&TemplateType=&LayoutTemplate=``

        Args:
            count: page size, at most 500.
            template_type: ``All`` (Postmark's default), ``Standard`` or ``Layout``.
            layout_template: only templates using the layout with this alias.
        """
        return _list(count, offset, template_type, layout_template)

    @paged
    def iter(
        self, *, template_type: str | None = None, layout_template: str | None = None
    ) -> Walk[TemplateSummary]:
        """Every template, lazily, 500 per request (same filters as :meth:`list`).

        ``GET /templates``
        """
        return iterate(
            lambda count, offset: _list(count, offset, template_type, layout_template),
            "Templates",
            window=None,
        )

    @endpoint
    def get(self, template_id_or_alias: int | str) -> Request[Template]:
        """One template with its subject and bodies.

        ``GET /templates/{templateIdOrAlias}``
        """
        return Request("GET", _path(template_id_or_alias))

    @endpoint
    def create(
        self,
        *,
        name: str,
        subject: str | None = None,
        html_body: str | None = None,
        text_body: str | None = None,
        alias: str | None = None,
        template_type: str | None = None,
        layout_template: str | None = None,
    ) -> Request[TemplateSummary]:
        """Create a template (or a layout, with ``template_type="Layout"``).

        ``POST /templates``

        Args:
            subject: required for a standard template, not allowed for a layout.
            html_body, text_body: at least one; a layout's body must contain
                ``{{{ @content }}}`` exactly once.
            template_type: ``Standard`` (default) or ``Layout``; cannot change later.
            layout_template: alias of the layout this template uses.
        """
        body = _template_body(
            name=name,
            alias=alias,
            subject=subject,
            html_body=html_body,
            text_body=text_body,
            template_type=template_type,
            layout_template=layout_template,
        )
        return Request("POST", "/templates", json=body)

    @endpoint
    def edit(
        self,
        template_id_or_alias: int | str,
        *,
        name: str | None = None,
        subject: str | None = None,
        html_body: str | None = None,
        text_body: str | None = None,
        alias: str | None = None,
        layout_template: str | None = None,
    ) -> Request[TemplateSummary]:
        """Change a template; arguments left at ``None`` stay as they are.

        ``PUT /templates/{templateIdOrAlias}``; ``layout_template=""`` removes the layout.
        """
        body = _template_body(
            name=name,
            alias=alias,
            subject=subject,
            html_body=html_body,
            text_body=text_body,
            layout_template=layout_template,
        )
        return Request("PUT", _path(template_id_or_alias), json=body)

    @endpoint
    def delete(self, template_id_or_alias: int | str) -> Request[Acknowledgement]:
        """Delete a template.

        ``DELETE /templates/{templateIdOrAlias}``
        """
        return Request("DELETE", _path(template_id_or_alias))

    @endpoint
    def validate(
        self,
        *,
        subject: str | None = None,
        html_body: str | None = None,
        text_body: str | None = None,
        test_render_model: Mapping[str, Any] | None = None,
        inline_css_for_html_test_render: bool | None = None,
        template_type: str | None = None,
        layout_template: str | None = None,
    ) -> Request[TemplateValidation]:
        """Check template content and render it with a test model, without saving.

        ``POST /templates/validate``

        Returns:
            ``{"AllContentIsValid", "Subject", "HtmlBody", "TextBody",
            "SuggestedTemplateModel"}``; each part carries ``ContentIsValid``,
            ``ValidationErrors`` and ``RenderedContent``.
        """
        body = {
            "Subject": subject,
            "HtmlBody": html_body,
            "TextBody": text_body,
            "TestRenderModel": test_render_model,
            "InlineCssForHtmlTestRender": inline_css_for_html_test_render,
            "TemplateType": template_type,
            "LayoutTemplate": layout_template,
        }
        return Request("POST", "/templates/validate", json=compact(body))


class AccountTemplatesAPI(Section[M]):
    """Template operations that need the account token."""

    @endpoint
    def push(
        self,
        *,
        source_server_id: int,
        destination_server_id: int,
        perform_changes: bool = False,
    ) -> Request[TemplatePushResult]:
        """Copy templates (matched by alias) from one server to another.

        ``PUT /templates/push`` (account token). Templates without an alias
        are not pushed.

        Args:
            perform_changes: ``False`` (the default here) is a dry run that
                only reports what would be created or edited.
        """
        body = {
            "SourceServerID": source_server_id,
            "DestinationServerID": destination_server_id,
            "PerformChanges": perform_changes,
        }
        return Request("PUT", "/templates/push", json=body)
