"""Servers API (account token) and the multi-server model: isolation, tokens, wrong-kind tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sandbox_helpers import Api, Result, assert_error, message

from postmark.sandbox import Sandbox

ACCOUNT = {"X-Postmark-Account-Token": "account-token"}


def account(api: Api, method: str, path: str, body: Any = None) -> Result:
    if body is None:
        return api.request(method, path, token=None, headers=ACCOUNT)
    return api.request(method, path, body, token=None, headers=ACCOUNT)


def create(api: Api, **fields: Any) -> dict[str, Any]:
    result = account(api, "POST", "/servers", {"Name": "Staging", **fields})
    assert result.status == 200, result.body
    return dict(result.json)


def test_create_answers_a_server_with_its_own_token(api: Api) -> None:
    server = create(api, Color="Blue", TrackOpens=True, DeliveryType="Live")
    assert server["ID"] == 2
    assert server["Name"] == "Staging"
    assert server["Color"] == "Blue" and server["TrackOpens"] is True
    assert server["DeliveryType"] == "Live"
    [token] = server["ApiTokens"]
    assert len(token) >= 32
    own = api.get("/server", token=token).json
    assert (own["ID"], own["Name"], own["ApiTokens"]) == (2, "Staging", [token])


def test_each_server_keeps_its_own_messages_templates_and_streams(api: Api) -> None:
    token = create(api)["ApiTokens"][0]
    assert api.send(token=token, Subject="for staging").status == 200
    assert api.send(Subject="for the default server").status == 200
    template = {"Name": "T", "Alias": "welcome", "Subject": "s", "TextBody": "t"}
    assert api.post("/templates", template, token=token).status == 200
    stream = {"ID": "news", "Name": "News", "MessageStreamType": "Broadcasts"}
    assert api.post("/message-streams", stream, token=token).status == 200

    staging = api.get("/messages/outbound?count=10&offset=0", token=token).json
    default = api.get("/messages/outbound?count=10&offset=0").json
    assert [m["Subject"] for m in staging["Messages"]] == ["for staging"]
    assert [m["Subject"] for m in default["Messages"]] == ["for the default server"]
    assert api.get("/templates?count=10&offset=0").json["TotalCount"] == 0
    assert api.get("/templates/welcome", token=token).status == 200
    assert_error(api.get("/message-streams/news"), 422, 1226)


def test_default_server_tokens_still_work_and_restrictions_apply(api: Api) -> None:
    token = create(api)["ApiTokens"][0]
    assert api.get("/server", token="anything").json["ID"] == 1
    assert api.get("/server", token=token.upper()).json["ID"] == 2  # tokens ignore case
    with Sandbox(tokens=["only-this"]) as restricted:
        client = Api(restricted.url)
        try:
            made = account(client, "POST", "/servers", {"Name": "Other"}).json
            assert client.get("/server", token=made["ApiTokens"][0]).json["ID"] == 2
            assert_error(client.get("/server", token="anything"), 401, 10)
            assert client.get("/server", token="only-this").json["ID"] == 1
        finally:
            client.close()


def test_list_get_edit_delete(api: Api) -> None:
    first = create(api, Name="Alpha")
    create(api, Name="Beta")
    page = account(api, "GET", "/servers?count=2&offset=1").json
    assert page["TotalCount"] == 3
    assert [s["Name"] for s in page["Servers"]] == ["Alpha", "Beta"]
    named = account(api, "GET", "/servers?count=10&offset=0&name=alp").json
    assert [s["ID"] for s in named["Servers"]] == [first["ID"]]
    assert account(api, "GET", f"/servers/{first['ID']}").json["Name"] == "Alpha"
    edited = account(api, "PUT", f"/servers/{first['ID']}", {"Name": "Alpha 2", "Color": "red"})
    assert (edited.json["Name"], edited.json["Color"]) == ("Alpha 2", "Red")
    gone = account(api, "DELETE", f"/servers/{first['ID']}")
    assert gone.json == {"ErrorCode": 0, "Message": f"Server {first['ID']} removed."}
    assert_error(account(api, "GET", f"/servers/{first['ID']}"), 422, 601)
    # the deleted server's token now reaches the default server like any other token
    assert api.get("/server", token=first["ApiTokens"][0]).json["ID"] == 1


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("POST", "/servers", {}, 422, 609),
        ("POST", "/servers", {"Color": "Blue"}, 422, 608),
        ("POST", "/servers", {"Name": "  "}, 422, 608),
        ("POST", "/servers", {"Name": "Sandbox"}, 422, 603),
        ("POST", "/servers", {"Name": "X", "Color": "Pink"}, 422, 607),
        ("POST", "/servers", {"Name": "X", "DeliveryType": "Maybe"}, 422, 613),
        ("POST", "/servers", {"Name": "X", "Bogus": 1}, 422, 403),
        ("GET", "/servers/99", None, 422, 601),
        ("GET", "/servers/99999999999999999999999", None, 422, 601),
        ("GET", "/servers/abc", None, 422, 601),
        ("GET", "/servers?count=501&offset=0", None, 422, 600),
        ("GET", "/servers", None, 422, 600),
        ("DELETE", "/servers/1", None, 422, 605),
        ("PUT", "/servers/1", {"DeliveryType": "Live"}, 422, 615),
    ],
)
def test_errors(api: Api, method: str, path: str, body: Any, status: int, code: int) -> None:
    assert_error(account(api, method, path, body), status, code)


def test_names_are_unique_across_servers(api: Api) -> None:
    create(api, Name="Alpha")
    beta = create(api, Name="Beta")
    assert_error(account(api, "PUT", f"/servers/{beta['ID']}", {"Name": "ALPHA"}), 422, 603)
    assert account(api, "PUT", f"/servers/{beta['ID']}", {"Name": "Beta"}).status == 200


def test_wrong_kind_of_token_is_told_which_header(api: Api) -> None:
    server_only = api.get("/servers?count=1&offset=0")
    assert_error(server_only, 401, 10, "X-Postmark-Account-Token")
    account_only = api.get("/server", token=None, headers=ACCOUNT)
    assert_error(account_only, 401, 10, "X-Postmark-Server-Token")
    token = create(api)["ApiTokens"][0]
    as_account = api.get(
        "/servers?count=1&offset=0", token=None, headers={"X-Postmark-Account-Token": token}
    )
    assert_error(as_account, 401, 10, "is a server token")
    with Sandbox(account_tokens=["acct"]) as restricted:
        client = Api(restricted.url)
        try:
            assert_error(client.get("/server", token="acct"), 401, 10, "is an account token")
        finally:
            client.close()


def test_template_push_between_servers(api: Api) -> None:
    staging = create(api)
    template = {"Name": "Welcome", "Alias": "welcome", "Subject": "Hi {{n}}", "TextBody": "t"}
    assert api.post("/templates", template).status == 200
    body = {"SourceServerID": 1, "DestinationServerID": staging["ID"], "PerformChanges": False}
    dry = account(api, "PUT", "/templates/push", body).json
    assert [t["Action"] for t in dry["Templates"]] == ["Create"]
    token = staging["ApiTokens"][0]
    assert_error(api.get("/templates/welcome", token=token), 422, 1101)
    account(api, "PUT", "/templates/push", {**body, "PerformChanges": True})
    assert api.get("/templates/welcome", token=token).json["Subject"] == "Hi {{n}}"
    again = account(api, "PUT", "/templates/push", body).json
    assert [t["Action"] for t in again["Templates"]] == ["Edit"]


def test_servers_survive_a_restart_with_a_database_file(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.sqlite3")
    with Sandbox(db=db) as first:
        client = Api(first.url)
        token = account(client, "POST", "/servers", {"Name": "Kept"}).json["ApiTokens"][0]
        assert client.post("/email", message(Subject="kept"), token=token).status == 200
        client.close()
    assert (tmp_path / "sandbox.server-2.sqlite3").exists()
    with Sandbox(db=db) as second:
        client = Api(second.url)
        found = client.get("/messages/outbound?count=5&offset=0", token=token).json
        assert [m["Subject"] for m in found["Messages"]] == ["kept"]
        client.close()


def test_clear_forgets_created_servers(sandbox: Sandbox, api: Api) -> None:
    token = create(api)["ApiTokens"][0]
    sandbox.clear()
    assert api.get("/server", token=token).json["ID"] == 1
    assert account(api, "GET", "/servers?count=10&offset=0").json["TotalCount"] == 1
