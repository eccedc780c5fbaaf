"""Templates API: every endpoint on the wire, plus iter and the account-side push."""

from __future__ import annotations

from typing import Any

import pytest
import responses

import postmark

from .wire import API, Case, check, ids, sent

TEMPLATE = {
    "TemplateId": 1234,
    "Name": "Welcome",
    "Subject": "Hi {{name}}",
    "HtmlBody": "<p>Hello {{name}}</p>",
    "TextBody": "Hello {{name}}",
    "AssociatedServerId": 1,
    "Active": True,
    "Alias": "welcome",
    "TemplateType": "Standard",
    "LayoutTemplate": "base",
}
SUMMARY = {k: TEMPLATE[k] for k in ("TemplateId", "Name", "Active", "Alias", "TemplateType")}

CASES = [
    Case(
        "list",
        lambda c: c.templates.list(50, 100, template_type="Layout", layout_template="base"),
        "GET",
        "/templates",
        query={"Count": "50", "Offset": "100", "TemplateType": "Layout", "LayoutTemplate": "base"},
        answer={"TotalCount": 1, "Templates": [SUMMARY]},
    ),
    Case(
        "get-by-alias-encoded",
        lambda c: c.templates.get("welcome/v2"),
        "GET",
        "/templates/welcome%2Fv2",
        answer=TEMPLATE,
    ),
    Case(
        "create",
        lambda c: c.templates.create(
            name="Welcome",
            alias="welcome",
            subject="Hi {{name}}",
            html_body="<p>Hello {{name}}</p>",
            text_body="Hello {{name}}",
            layout_template="base",
        ),
        "POST",
        "/templates",
        body={
            "Name": "Welcome",
            "Alias": "welcome",
            "Subject": "Hi {{name}}",
            "HtmlBody": "<p>Hello {{name}}</p>",
            "TextBody": "Hello {{name}}",
            "LayoutTemplate": "base",
        },
        answer=SUMMARY,
    ),
    Case(
        "create-layout",
        lambda c: c.templates.create(
            name="Base", html_body="<main>{{{ @content }}}</main>", template_type="Layout"
        ),
        "POST",
        "/templates",
        body={
            "Name": "Base",
            "HtmlBody": "<main>{{{ @content }}}</main>",
            "TemplateType": "Layout",
        },
        answer={**SUMMARY, "TemplateType": "Layout"},
    ),
    Case(
        "edit-removes-layout-with-empty-string",
        lambda c: c.templates.edit(1234, subject="New", layout_template=""),
        "PUT",
        "/templates/1234",
        body={"Subject": "New", "LayoutTemplate": ""},
        answer=SUMMARY,
    ),
    Case(
        "delete",
        lambda c: c.templates.delete("welcome"),
        "DELETE",
        "/templates/welcome",
        answer={"ErrorCode": 0, "Message": "Template 1234 removed."},
    ),
    Case(
        "validate",
        lambda c: c.templates.validate(
            subject="Hi {{name}}",
            html_body="<p>{{name}}</p>",
            test_render_model={"name": "Ann"},
            inline_css_for_html_test_render=False,
        ),
        "POST",
        "/templates/validate",
        body={
            "Subject": "Hi {{name}}",
            "HtmlBody": "<p>{{name}}</p>",
            "TestRenderModel": {"name": "Ann"},
            "InlineCssForHtmlTestRender": False,
        },
        answer={
            "AllContentIsValid": True,
            "Subject": {
                "ContentIsValid": True,
                "ValidationErrors": [],
                "RenderedContent": "Hi Ann",
            },
            "SuggestedTemplateModel": {"name": "name_Value"},
        },
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_endpoint(case: Case, server: postmark.ServerClient) -> None:
    check(case, server, "server")


def test_push_uses_the_account_token_and_defaults_to_a_dry_run(
    account: postmark.AccountClient,
) -> None:
    answer = {
        "TotalCount": 1,
        "Templates": [{"Action": "Create", "TemplateId": 7, "Alias": "welcome", "Name": "W"}],
    }
    check(
        Case(
            "push",
            lambda c: c.templates.push(source_server_id=1, destination_server_id=2),
            "PUT",
            "/templates/push",
            body={"SourceServerID": 1, "DestinationServerID": 2, "PerformChanges": False},
            answer=answer,
        ),
        account,
        "account",
    )


def test_server_client_has_no_push_and_account_client_has_no_template_crud(
    server: postmark.ServerClient, account: postmark.AccountClient
) -> None:
    assert not hasattr(server.templates, "push")
    assert not hasattr(account.templates, "get")


def test_iter_walks_pages_with_postmarks_capitalised_parameters(
    server: postmark.ServerClient,
) -> None:
    pages: list[dict[str, Any]] = [
        {"TotalCount": 3, "Templates": [{"TemplateId": 1}, {"TemplateId": 2}]},
        {"TotalCount": 3, "Templates": [{"TemplateId": 3}]},
    ]
    for page in pages:
        responses.get(f"{API}/templates", json=page)
    found = [t["TemplateId"] for t in server.templates.iter(template_type="Standard")]
    assert found == [1, 2, 3]
    assert [sent(i).query for i in range(2)] == [
        {"Count": "500", "Offset": "0", "TemplateType": "Standard"},
        {"Count": "500", "Offset": "2", "TemplateType": "Standard"},
    ]
