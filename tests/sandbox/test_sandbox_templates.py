"""Templates API and template sends."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox

WELCOME = {
    "Name": "Welcome",
    "Alias": "welcome",
    "Subject": "Hi {{name}}",
    "HtmlBody": "<p>Hello {{name}}</p>{{#each items}}<li>{{title}}</li>{{/each}}",
    "TextBody": "Hello {{name}}",
}
LAYOUT = {
    "Name": "Base layout",
    "Alias": "base",
    "TemplateType": "Layout",
    "HtmlBody": "<html><body>{{{ @content }}}<footer>{{company}}</footer></body></html>",
    "TextBody": "{{{ @content }}}\n-- {{company}}",
}


def create(api: Api, **fields: Any) -> dict[str, Any]:
    result = api.post("/templates", {**WELCOME, **fields})
    assert result.status == 200, result.body
    body: dict[str, Any] = result.json
    return body


def templated(**fields: Any) -> dict[str, Any]:
    base = {
        "From": "sender@example.com",
        "To": "receiver@example.com",
        "TemplateAlias": "welcome",
        "TemplateModel": {"name": "Ann & <Bob>", "items": [{"title": "One"}, {"title": "Two"}]},
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def test_create_get_list(api: Api) -> None:
    created = create(api)
    assert set(created) == {
        "TemplateId",
        "Name",
        "Active",
        "Alias",
        "TemplateType",
        "LayoutTemplate",
    }
    assert (created["Name"], created["Alias"], created["Active"]) == ("Welcome", "welcome", True)
    assert (created["TemplateType"], created["LayoutTemplate"]) == ("Standard", None)
    by_id = api.get(f"/templates/{created['TemplateId']}").json
    by_alias = api.get("/templates/WELCOME").json
    assert by_id == by_alias
    assert by_id["Subject"] == "Hi {{name}}" and by_id["AssociatedServerId"] == 1
    listed = api.get("/templates?Count=10&Offset=0").json
    assert listed == {"TotalCount": 1, "Templates": [created]}


def test_list_filters_and_paging(api: Api) -> None:
    api.post("/templates", LAYOUT)
    create(api, Alias="a", LayoutTemplate="base")
    create(api, Alias="b")
    assert api.get("/templates?count=10&offset=0").json["TotalCount"] == 3
    layouts = api.get("/templates?count=10&offset=0&TemplateType=Layout").json
    assert [t["Alias"] for t in layouts["Templates"]] == ["base"]
    assert api.get("/templates?count=10&offset=0&templateType=standard").json["TotalCount"] == 2
    using = api.get("/templates?count=10&offset=0&LayoutTemplate=base").json
    assert [t["Alias"] for t in using["Templates"]] == ["a"]
    page = api.get("/templates?count=1&offset=1").json
    assert page["TotalCount"] == 3 and [t["Alias"] for t in page["Templates"]] == ["a"]


@pytest.mark.parametrize(
    "query",
    ["", "?count=10", "?offset=0", "?count=0&offset=0", "?count=10&offset=0&TemplateType=Other"],
)
def test_bad_list_queries_are_1100(api: Api, query: str) -> None:
    assert_error(api.get(f"/templates{query}"), 422, 1100)


@pytest.mark.parametrize(
    ("fields", "code", "text"),
    [
        ({"Name": ""}, 1120, "'Name'"),
        ({"Subject": None}, 1120, "'Subject'"),
        ({"HtmlBody": None, "TextBody": None}, 1120, "HtmlBody"),
        ({"Alias": "1st"}, 1122, "Invalid 'Alias'"),
        ({"Alias": "has space"}, 1122, "Invalid 'Alias'"),
        ({"HtmlBody": "{{#each items}}"}, 1122, "'HtmlBody' could not be parsed"),
        ({"Subject": "Hi {{name"}, 1122, "'Subject' could not be parsed"),
        ({"TemplateType": "Fancy"}, 1122, "TemplateType"),
        ({"HtmlBody": "<p>{{{ @content }}}</p>"}, 1131, "only allowed in layouts"),
        ({"LayoutTemplate": "nope"}, 1101, "'nope'"),
        ({"Unknown": "x"}, 403, "'Unknown'"),
    ],
)
def test_create_errors(api: Api, fields: dict[str, Any], code: int, text: str) -> None:
    body = {k: v for k, v in {**WELCOME, **fields}.items() if v is not None}
    assert_error(api.post("/templates", body), 422, code, text)


def test_layout_rules(api: Api) -> None:
    assert_error(api.post("/templates", {**LAYOUT, "Subject": "x"}), 422, 1123, "'Subject'")
    no_slot = {**LAYOUT, "HtmlBody": "<html></html>"}
    assert_error(api.post("/templates", no_slot), 422, 1131, "once")
    two_slots = {**LAYOUT, "TextBody": "{{{ @content }}} {{{ @content }}}"}
    assert_error(api.post("/templates", two_slots), 422, 1131)
    assert api.post("/templates", LAYOUT).json["TemplateType"] == "Layout"
    # A layout cannot be used as a layout for a Standard template of the same name...
    assert_error(
        api.post("/templates", {**LAYOUT, "Alias": "x", "LayoutTemplate": "base"}), 422, 1123
    )


def test_empty_body_and_duplicate_alias(api: Api) -> None:
    assert_error(api.post("/templates", {}), 422, 1109)
    assert_error(api.post("/templates", raw=b""), 422, 1109)
    create(api)
    assert_error(api.post("/templates", {**WELCOME, "Alias": "Welcome"}), 422, 1122, "already used")


def test_edit(api: Api) -> None:
    api.post("/templates", LAYOUT)
    template_id = create(api, LayoutTemplate="base")["TemplateId"]
    edited = api.put(f"/templates/{template_id}", {"Subject": "New {{name}}", "LayoutTemplate": ""})
    assert edited.status == 200
    assert edited.json["LayoutTemplate"] is None
    full = api.get("/templates/welcome").json
    assert (full["Subject"], full["TextBody"]) == ("New {{name}}", "Hello {{name}}")
    assert api.put("/templates/welcome", {"Alias": "hello"}).json["Alias"] == "hello"
    assert api.get("/templates/hello").json["TemplateId"] == template_id
    assert_error(api.put("/templates/hello", {"TemplateType": "Layout"}), 422, 1123)
    assert api.put("/templates/hello", {"TemplateType": "Standard"}).status == 200
    assert_error(api.put("/templates/hello", {"HtmlBody": "{{#x}}"}), 422, 1122)
    assert_error(api.put("/templates/nope", {"Name": "x"}), 422, 1101)
    assert_error(api.put("/templates/hello", {}), 422, 1109)


def test_delete(api: Api) -> None:
    api.post("/templates", LAYOUT)
    template_id = create(api, LayoutTemplate="base")["TemplateId"]
    assert_error(api.delete("/templates/base"), 422, 1130)
    assert api.delete(f"/templates/{template_id}").json == {
        "ErrorCode": 0,
        "Message": f"Template {template_id} removed.",
    }
    assert api.get(f"/templates/{template_id}").json["Active"] is False
    assert api.get("/templates?count=10&offset=0").json["TotalCount"] == 1
    assert_error(api.post("/email/withTemplate", templated()), 422, 1101)
    assert_error(api.delete(f"/templates/{template_id}"), 422, 1101)
    assert api.delete("/templates/base").status == 200
    create(api)  # the alias is free again


def test_template_limit_is_100(api: Api) -> None:
    for i in range(100):
        create(api, Alias=f"t{i}")
    assert_error(api.post("/templates", {**WELCOME, "Alias": "one-more"}), 422, 1105)


def test_send_with_template(api: Api, sandbox: Sandbox) -> None:
    api.post("/templates", LAYOUT)
    template_id = create(api, LayoutTemplate="base")["TemplateId"]
    model = {"name": "Ann & <Bob>", "items": [{"title": "One"}], "company": "ACME"}
    result = api.post("/email/withTemplate", templated(TemplateModel=model, Tag="welcome"))
    assert result.status == 200 and result.json["Message"] == "OK"
    [stored] = sandbox.messages()
    assert stored["Subject"] == "Hi Ann & <Bob>"
    assert stored["HtmlBody"] == (
        "<html><body><p>Hello Ann &amp; &lt;Bob&gt;</p><li>One</li>"
        "<footer>ACME</footer></body></html>"
    )
    assert stored["TextBody"] == "Hello Ann & <Bob>\n-- ACME"
    assert stored["TemplateModel"] == model and stored["TemplateAlias"] == "welcome"
    assert stored["Tag"] == "welcome"
    # The ID wins over the alias.
    create(api, Alias="other", Subject="Other")
    api.post("/email/withTemplate", templated(TemplateId=template_id, TemplateAlias="other"))
    assert sandbox.messages()[-1]["Subject"].startswith("Hi ")


@pytest.mark.parametrize(
    ("fields", "code", "text"),
    [
        ({"TemplateAlias": None}, 1101, "'TemplateId' or 'TemplateAlias'"),
        ({"TemplateAlias": "nope"}, 1101, "The Template's 'Alias' associated with this request"),
        ({"TemplateAlias": None, "TemplateId": 999}, 1101, "'TemplateId'"),
        ({"TemplateModel": None}, 1120, "'TemplateModel'"),
        ({"Subject": "x"}, 1123, "'Subject'"),
        ({"HtmlBody": "<p>x</p>"}, 1123, "'HtmlBody'"),
        ({"TemplateId": "12"}, 403, "'TemplateId'"),
        ({"InlineCss": "yes"}, 403, "'InlineCss'"),
        ({"To": "bad"}, 300, "Invalid 'To' address"),
    ],
)
def test_template_send_errors(api: Api, fields: dict[str, Any], code: int, text: str) -> None:
    create(api)
    assert_error(api.post("/email/withTemplate", templated(**fields)), 422, code, text)


def test_layouts_cannot_be_sent(api: Api) -> None:
    api.post("/templates", LAYOUT)
    assert_error(api.post("/email/withTemplate", templated(TemplateAlias="base")), 422, 1101)


def test_template_send_with_test_token(api: Api, sandbox: Sandbox) -> None:
    create(api)
    result = api.post("/email/withTemplate", templated(), token="POSTMARK_API_TEST")
    assert result.json["Message"] == "Test job accepted"
    assert sandbox.messages() == []


def test_batch_with_templates(api: Api, sandbox: Sandbox) -> None:
    create(api)
    api.post(
        "/message-streams/outbound/suppressions",
        {"Suppressions": [{"EmailAddress": "gone@example.com"}]},
    )
    result = api.post(
        "/email/batchWithTemplates",
        {
            "Messages": [
                templated(To="one@example.com"),
                templated(TemplateAlias="missing"),
                templated(To="gone@example.com"),
                templated(Subject="not allowed"),
                templated(To="two@example.com", TemplateModel={"name": "Zed"}),
            ]
        },
    )
    assert result.status == 200
    assert [i["ErrorCode"] for i in result.json] == [0, 1101, 406, 1123, 0]
    assert [m["Subject"] for m in sandbox.messages()] == ["Hi Ann & <Bob>", "Hi Zed"]


def test_batch_with_templates_shape_errors(api: Api) -> None:
    assert_error(api.post("/email/batchWithTemplates", [templated()]), 422, 403)
    assert_error(api.post("/email/batchWithTemplates", {"Messages": "x"}), 422, 403)
    assert_error(api.post("/email/batchWithTemplates", {"Messages": [], "Extra": 1}), 422, 403)
    bad = api.post(
        "/email/batchWithTemplates", {"Messages": [templated(), templated(TemplateId="x")]}
    )
    assert_error(bad, 422, 403, "'Messages[1].TemplateId'")
    assert_error(api.post("/email/batchWithTemplates", {"Messages": [templated()] * 501}), 422, 410)


def test_validate(api: Api) -> None:
    result = api.post(
        "/templates/validate",
        {
            "Subject": "Hi {{name}}",
            "HtmlBody": "<p>{{name}}</p>{{#each items}}<i>{{title}}</i>{{/each}}",
            "TextBody": "Hello {{name}",
            "TestRenderModel": {"name": "<Ann>"},
        },
    )
    assert result.status == 200
    body = result.json
    assert body["AllContentIsValid"] is False
    assert body["Subject"] == {
        "ContentIsValid": True,
        "ValidationErrors": [],
        "RenderedContent": "Hi <Ann>",
    }
    assert body["HtmlBody"]["RenderedContent"] == "<p>&lt;Ann&gt;</p><i>title_Value</i>"
    assert body["TextBody"]["ContentIsValid"] is False
    [error] = body["TextBody"]["ValidationErrors"]
    assert (error["Line"], error["CharacterPosition"]) == (1, 7)
    assert body["SuggestedTemplateModel"] == {"name": "<Ann>", "items": [{"title": "title_Value"}]}


def test_validate_with_layout(api: Api) -> None:
    api.post("/templates", LAYOUT)
    body = api.post(
        "/templates/validate",
        {
            "HtmlBody": "<b>{{x}}</b>",
            "LayoutTemplate": "base",
            "TestRenderModel": {"company": "ACME"},
        },
    ).json
    assert body["AllContentIsValid"] is True
    assert body["HtmlBody"]["RenderedContent"] == (
        "<html><body><b>x_Value</b><footer>ACME</footer></body></html>"
    )
    layout_check = api.post(
        "/templates/validate", {"HtmlBody": "<p>no slot</p>", "TemplateType": "Layout"}
    ).json
    assert layout_check["AllContentIsValid"] is False
    assert_error(api.post("/templates/validate", {"TestRenderModel": {}}), 422, 1120)
    assert_error(
        api.post("/templates/validate", {"HtmlBody": "x", "LayoutTemplate": "nope"}), 422, 1101
    )
