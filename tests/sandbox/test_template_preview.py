"""Template previews (the inbox's templates page): the send's rendering, layout included."""

from __future__ import annotations

import pytest
from sandbox_helpers import Api

from postmark.sandbox import Sandbox
from postmark.sandbox.http.errors import ApiError
from postmark.sandbox.rules.templates import preview, suggested_model

LAYOUT = {
    "Name": "Base",
    "Alias": "base",
    "TemplateType": "Layout",
    "HtmlBody": "<div class='frame'>{{ company }}: {{{ @content }}}</div>",
    "TextBody": "{{ company }}\n{{{ @content }}}",
}
WELCOME = {
    "Name": "Welcome",
    "Alias": "welcome",
    "Subject": "Hi {{ name }}",
    "HtmlBody": "<p>Hello <b>{{ name }}</b>{{#items}} [{{ title }}]{{/items}}</p>",
    "LayoutTemplate": "base",
}


def _templates(api: Api) -> None:
    for body in (LAYOUT, WELCOME):
        assert api.post("/templates", body).status == 200


def test_preview_is_what_a_send_carries(sandbox: Sandbox, api: Api) -> None:
    _templates(api)
    store = sandbox._running_app().store
    template = store.template("welcome")
    assert template is not None
    model = {"name": "<Ann>", "company": "ACME", "items": [{"title": "a"}, {"title": "b"}]}
    shown = preview(store, template, model)
    assert shown == {
        "Subject": "Hi <Ann>",
        "HtmlBody": "<div class='frame'>ACME: <p>Hello <b>&lt;Ann&gt;</b> [a] [b]</p></div>",
    }
    sent = api.post(
        "/email/withTemplate",
        {
            "From": "a@example.com",
            "To": "b@example.com",
            "TemplateAlias": "welcome",
            "TemplateModel": model,
        },
    )
    assert sent.status == 200, sent.body
    stored = store.message(sent.json["MessageID"])
    assert stored is not None
    assert stored.content["HtmlBody"] == shown["HtmlBody"]


def test_suggested_model_covers_the_template_and_its_layout(sandbox: Sandbox, api: Api) -> None:
    _templates(api)
    store = sandbox._running_app().store
    template = store.template("welcome")
    assert template is not None
    suggested = suggested_model(store, template)
    assert suggested["name"] == "name_Value"
    assert suggested["company"] == "company_Value"
    assert suggested["items"] == {"title": "title_Value"}


def test_preview_of_a_layout_is_refused_like_a_send(sandbox: Sandbox, api: Api) -> None:
    _templates(api)
    store = sandbox._running_app().store
    layout = store.template("base")
    assert layout is not None
    with pytest.raises(ApiError) as caught:
        preview(store, layout, {})
    assert caught.value.error_code == 1101
