"""PUT /templates/push: account token, the one-server model, dry run and answer shape."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox

ACCOUNT = {"X-Postmark-Account-Token": "account-token-for-tests"}
PUSH = {"SourceServerID": 1, "DestinationServerID": 1, "PerformChanges": False}


def push(api: Api, body: Any = None, headers: dict[str, Any] | None = None) -> Any:
    return api.put(
        "/templates/push",
        PUSH if body is None else body,
        token=None,
        headers=ACCOUNT if headers is None else headers,
    )


def template(api: Api, **fields: Any) -> dict[str, Any]:
    body = {"Name": "Welcome", "Subject": "Hi {{name}}", "TextBody": "Hello {{name}}", **fields}
    result = api.post("/templates", {k: v for k, v in body.items() if v is not None})
    assert result.status == 200, result.body
    created: dict[str, Any] = result.json
    return created


def test_push_lists_every_aliased_template(api: Api) -> None:
    welcome = template(api, Alias="welcome")
    template(api, Name="No alias")
    layout = template(
        api,
        Name="Base",
        Alias="base",
        Subject=None,
        TemplateType="Layout",
        TextBody="{{{ @content }}}",
    )
    result = push(api)
    assert result.status == 200, result.body
    assert result.json == {
        "TotalCount": 2,
        "Templates": [
            {
                "Action": "Edit",
                "TemplateId": welcome["TemplateId"],
                "Alias": "welcome",
                "Name": "Welcome",
                "TemplateType": "Standard",
            },
            {
                "Action": "Edit",
                "TemplateId": layout["TemplateId"],
                "Alias": "base",
                "Name": "Base",
                "TemplateType": "Layout",
            },
        ],
    }


def test_performing_a_push_onto_the_same_server_changes_nothing(api: Api) -> None:
    welcome = template(api, Alias="welcome")
    before = api.get(f"/templates/{welcome['TemplateId']}").json
    dry = push(api).json
    done = push(api, {**PUSH, "PerformChanges": True})
    assert done.status == 200 and done.json == dry
    assert api.get(f"/templates/{welcome['TemplateId']}").json == before
    assert api.get("/templates?count=10&offset=0").json["TotalCount"] == 1


def test_nothing_to_push(api: Api) -> None:
    template(api)  # no alias
    assert_error(push(api), 422, 1124)


@pytest.mark.parametrize(
    "body",
    [
        {**PUSH, "SourceServerID": 2},
        {**PUSH, "DestinationServerID": 99},
        {"PerformChanges": True},
    ],
)
def test_unknown_servers(api: Api, body: dict[str, Any]) -> None:
    template(api, Alias="welcome")
    assert_error(push(api, body), 422, 601, "server")


def test_unknown_field(api: Api) -> None:
    assert_error(push(api, {**PUSH, "SourceServerId": 1}), 422, 403)


def test_push_needs_the_account_token(api: Api) -> None:
    template(api, Alias="welcome")
    assert_error(push(api, headers={}), 401, 10)
    server_only = api.put("/templates/push", PUSH)  # server token header only
    assert_error(server_only, 401, 10, "X-Postmark-Account-Token")


def test_configured_account_tokens() -> None:
    with Sandbox(account_tokens=["right-account-token"]) as sandbox:
        client = Api(sandbox.url)
        template(client, Alias="welcome")
        assert_error(push(client), 401, 10)
        accepted = push(client, headers={"X-Postmark-Account-Token": "RIGHT-account-token"})
        assert accepted.status == 200
        client.close()
