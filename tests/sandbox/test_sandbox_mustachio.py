"""The Mustachio subset used by template sends and /templates/validate."""

from __future__ import annotations

from typing import Any

import pytest

from postmark.sandbox.rules.mustachio import TemplateSyntaxError, deep_merge, parse, render

MODEL = {
    "name": "Ann <b>",
    "person": {"first_name": "Ann", "address": {"city": "Oslo"}},
    "company_name": "ACME",
    "employees": [{"name": "Wile"}, {"name": "Road Runner"}],
    "tags": ["a", "b"],
    "empty": [],
    "blank": "",
    "off": False,
    "count": 3,
    "ratio": 2.0,
    "flag": True,
}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Hi {{ name }}", "Hi Ann &lt;b&gt;"),
        ("Hi {{{ name }}}", "Hi Ann <b>"),
        ("Hi {{& name }}", "Hi Ann <b>"),
        ("{{person.first_name}} in {{ person.address.city }}", "Ann in Oslo"),
        ("[{{missing}}][{{person.missing.deeper}}]", "[][]"),
        ("{{#person}}Hello {{first_name}}{{/person}}", "Hello Ann"),
        (
            "{{#each employees}}<{{name}} @ {{../company_name}}>{{/each}}",
            "<Wile @ ACME><Road Runner @ ACME>",
        ),
        ("{{#each tags}}{{.}},{{/each}}", "a,b,"),
        ("{{#each tags}}{{this}};{{/each}}", "a;b;"),
        ("{{#employees}}{{name}}|{{/employees}}", "Wile|Road Runner|"),
        ("{{#each employees}}{{~company_name}}{{/each}}", "ACMEACME"),
        (
            "{{#empty}}x{{/empty}}{{#off}}x{{/off}}{{#blank}}x{{/blank}}{{#missing}}x{{/missing}}",
            "",
        ),
        (
            "{{^empty}}a{{/empty}}{{^off}}b{{/off}}{{^missing}}c{{/missing}}{{^count}}d{{/count}}",
            "abc",
        ),
        ("{{#flag}}yes{{/flag}} {{count}} {{ratio}} {{flag}}", "yes 3 2 true"),
        ("a{{! a comment }}b", "ab"),
        ("{{#person}}{{company_name}}{{/person}}", ""),  # no implicit reach-up
        ("{{{ pm:unsubscribe }}}", ""),
        ("no tags at all", "no tags at all"),
    ],
)
def test_render(template: str, expected: str) -> None:
    assert render(template, MODEL) == expected


def test_escaping_can_be_turned_off_for_text_parts() -> None:
    assert render("{{name}} & co", MODEL, escape_html=False) == "Ann <b> & co"


def test_layout_content_placeholder() -> None:
    layout = parse("<main>{{{ @content }}}</main>{{company_name}}")
    assert layout.content_placeholders == 1
    assert layout.render(MODEL, content="<p>x</p>") == "<main><p>x</p></main>ACME"
    assert parse("{{{ @content }}}{{{@content}}}").content_placeholders == 2


@pytest.mark.parametrize(
    ("template", "line", "column", "text"),
    [
        ("Hello {{name", 1, 7, "never closed"),
        ("a\nb {{#items}}\n", 2, 3, "'items' is never closed"),
        ("{{#a}}x{{/b}}", 1, 8, "does not match"),
        ("ok\n  {{/a}}", 2, 3, "no open section"),
        ("{{}}", 1, 1, "Empty tag"),
        ("{{ bad name }}", 1, 1, "not a valid model path"),
        ("{{#each}}{{/each}}", 1, 1, "needs a collection path"),
    ],
)
def test_syntax_errors_have_positions(template: str, line: int, column: int, text: str) -> None:
    with pytest.raises(TemplateSyntaxError) as err:
        parse(template)
    assert (err.value.line, err.value.column) == (line, column)
    assert text in err.value.message


def test_suggested_model() -> None:
    template = parse(
        "{{subject}} {{person.name}} {{#each items}}{{title}} {{../currency}}{{/each}}"
        "{{#each tags}}{{.}}{{/each}}{{#account}}{{id}}{{/account}}{{^vip}}{{offer}}{{/vip}}"
    )
    assert template.suggested_model() == {
        "subject": "subject_Value",
        "person": {"name": "name_Value"},
        "items": [{"title": "title_Value"}],
        "currency": "currency_Value",
        "tags": ["tags_Value"],
        "account": {"id": "id_Value"},
        "vip": "vip_Value",
        "offer": "offer_Value",
    }


def test_deep_merge_prefers_the_override() -> None:
    base: dict[str, Any] = {"a": {"b": 1, "c": 2}, "d": 3}
    assert deep_merge(base, {"a": {"b": 9}, "e": 5}) == {"a": {"b": 9, "c": 2}, "d": 3, "e": 5}
