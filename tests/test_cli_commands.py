"""The ``postmark`` management commands, run in-process with HTTP faked by responses."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses

from postmark.cli import main

API = "https://api.postmarkapp.com"
SERVER = "server-secret"
ACCOUNT = "account-secret"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(["--token", SERVER, "--account-token", ACCOUNT, "--retries", "0", *argv])
    out, err = capsys.readouterr()
    assert SERVER not in out + err and ACCOUNT not in out + err
    try:
        return code, json.loads(out)
    except ValueError:
        return code, out + err


def sent() -> Any:
    call = responses.calls[-1]
    return call.request.method, call.request.path_url, call.request.headers, call.request.body


@pytest.mark.parametrize(
    ("argv", "method", "path", "header"),
    [
        (["server", "get"], "GET", "/server", "X-Postmark-Server-Token"),
        (["streams", "list"], "GET", "/message-streams", "X-Postmark-Server-Token"),
        (["streams", "get", "news"], "GET", "/message-streams/news", "X-Postmark-Server-Token"),
        (
            ["streams", "archive", "news"],
            "POST",
            "/message-streams/news/archive",
            "X-Postmark-Server-Token",
        ),
        (
            ["streams", "unarchive", "news"],
            "POST",
            "/message-streams/news/unarchive",
            "X-Postmark-Server-Token",
        ),
        (
            ["suppressions", "list", "outbound"],
            "GET",
            "/message-streams/outbound/suppressions/dump",
            "X-Postmark-Server-Token",
        ),
        (["webhooks", "list"], "GET", "/webhooks", "X-Postmark-Server-Token"),
        (["webhooks", "get", "7"], "GET", "/webhooks/7", "X-Postmark-Server-Token"),
        (["webhooks", "delete", "7"], "DELETE", "/webhooks/7", "X-Postmark-Server-Token"),
        (
            ["messages", "details", "abc"],
            "GET",
            "/messages/outbound/abc/details",
            "X-Postmark-Server-Token",
        ),
        (["servers", "get", "3"], "GET", "/servers/3", "X-Postmark-Account-Token"),
        (["servers", "delete", "3"], "DELETE", "/servers/3", "X-Postmark-Account-Token"),
        (["domains", "get", "5"], "GET", "/domains/5", "X-Postmark-Account-Token"),
        (
            ["domains", "verify-dkim", "5"],
            "PUT",
            "/domains/5/verifyDkim",
            "X-Postmark-Account-Token",
        ),
        (
            ["domains", "verify-return-path", "5"],
            "PUT",
            "/domains/5/verifyReturnPath",
            "X-Postmark-Account-Token",
        ),
        (
            ["domains", "rotate-dkim", "5"],
            "POST",
            "/domains/5/rotatedkim",
            "X-Postmark-Account-Token",
        ),
        (["domains", "delete", "5"], "DELETE", "/domains/5", "X-Postmark-Account-Token"),
        (["senders", "get", "9"], "GET", "/senders/9", "X-Postmark-Account-Token"),
        (["senders", "resend", "9"], "POST", "/senders/9/resend", "X-Postmark-Account-Token"),
        (["senders", "delete", "9"], "DELETE", "/senders/9", "X-Postmark-Account-Token"),
    ],
)
@responses.activate
def test_simple_commands_call_their_endpoint(
    capsys: pytest.CaptureFixture[str], argv: list[str], method: str, path: str, header: str
) -> None:
    responses.add(method, API + path, json={"Answer": path})
    code, output = run(capsys, *argv)
    assert code == 0
    assert output == {"Answer": path}
    got_method, got_path, headers, _ = sent()
    assert (got_method, got_path.split("?")[0]) == (method, path)
    assert headers[header] == (ACCOUNT if "Account" in header else SERVER)


@responses.activate
def test_list_commands_walk_every_page(capsys: pytest.CaptureFixture[str]) -> None:
    responses.get(f"{API}/servers", json={"TotalCount": 1, "Servers": [{"ID": 1}]})
    responses.get(f"{API}/domains", json={"TotalCount": 1, "Domains": [{"ID": 2}]})
    responses.get(f"{API}/senders", json={"TotalCount": 1, "SenderSignatures": [{"ID": 3}]})
    assert run(capsys, "servers", "list", "--name", "shop") == (0, [{"ID": 1}])
    assert "name=shop" in responses.calls[0].request.url
    assert run(capsys, "domains", "list") == (0, [{"ID": 2}])
    assert run(capsys, "senders", "list") == (0, [{"ID": 3}])


@responses.activate
def test_create_commands_send_postmark_fields(capsys: pytest.CaptureFixture[str]) -> None:
    responses.post(f"{API}/message-streams", json={"ID": "news"})
    responses.post(f"{API}/webhooks", json={"ID": 1})
    responses.post(f"{API}/servers", json={"ID": 2})
    responses.post(f"{API}/domains", json={"ID": 3})
    responses.post(f"{API}/senders", json={"ID": 4})
    responses.post(f"{API}/message-streams/outbound/suppressions", json={"Suppressions": []})
    responses.post(f"{API}/message-streams/outbound/suppressions/delete", json={"Suppressions": []})
    expectations = [
        (
            ["streams", "create", "news", "--name", "News", "--type", "Broadcasts"],
            {"ID": "news", "Name": "News", "MessageStreamType": "Broadcasts"},
        ),
        (
            [
                "webhooks",
                "create",
                "--url",
                "https://example.com/h",
                "--trigger",
                "bounce",
                "--trigger",
                "delivery",
            ],
            {
                "Url": "https://example.com/h",
                "Triggers": {"Bounce": {"Enabled": True}, "Delivery": {"Enabled": True}},
            },
        ),
        (["servers", "create", "--name", "Shop"], {"Name": "Shop"}),
        (["domains", "create", "--name", "example.com"], {"Name": "example.com"}),
        (
            ["senders", "create", "--email", "me@example.com", "--name", "Me"],
            {"FromEmail": "me@example.com", "Name": "Me"},
        ),
        (
            ["suppressions", "add", "outbound", "a@example.com", "b@example.com"],
            {
                "Suppressions": [
                    {"EmailAddress": "a@example.com"},
                    {"EmailAddress": "b@example.com"},
                ]
            },
        ),
        (
            ["suppressions", "remove", "outbound", "a@example.com"],
            {"Suppressions": [{"EmailAddress": "a@example.com"}]},
        ),
    ]
    for argv, body in expectations:
        code, _ = run(capsys, *argv)
        assert code == 0, argv
        assert json.loads(sent()[3]) == body, argv


@responses.activate
def test_server_edit_maps_keys_and_refuses_unknown_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    responses.put(f"{API}/server", json={"Name": "Shop"})
    code, _ = run(capsys, "server", "edit", "--set", '{"Name": "Shop", "TrackOpens": true}')
    assert code == 0
    assert json.loads(sent()[3]) == {"Name": "Shop", "TrackOpens": True}
    code, output = run(capsys, "server", "edit", "--set", '{"Colour": "Red"}')
    assert "Colour" in output
    assert code == 2
    assert len(responses.calls) == 1


@responses.activate
def test_api_error_exit_code_and_message(capsys: pytest.CaptureFixture[str]) -> None:
    responses.get(
        f"{API}/domains/5", status=422, json={"ErrorCode": 510, "Message": "Domain not found."}
    )
    code = main(["--account-token", ACCOUNT, "domains", "get", "5"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Domain not found." in err
    assert ACCOUNT not in err


def test_account_command_without_account_token(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["domains", "list"])
    assert code == 3
    assert "POSTMARK_ACCOUNT_TOKEN" in capsys.readouterr().err
