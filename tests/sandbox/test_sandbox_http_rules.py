"""Rules every API request goes through: tokens, media types, JSON, routing, keep-alive."""

from __future__ import annotations

import pytest
from sandbox_helpers import Api, assert_error, message

from postmark.sandbox import Sandbox
from postmark.sandbox.app import Config
from postmark.sandbox.http.errors import AUTH_BAD_ACCOUNT, AUTH_BAD_SERVER, AUTH_MISSING, ApiError
from postmark.sandbox.http.pipeline import check_token
from postmark.sandbox.http.router import Request, Route


def test_missing_token_is_401_errorcode_10(api: Api) -> None:
    result = api.send(token=None)
    assert_error(result, 401, 10)
    assert result.json == {"ErrorCode": 10, "Message": AUTH_MISSING}


def test_blank_token_counts_as_missing(api: Api) -> None:
    assert_error(api.send(token="   "), 401, 10, "No Account or Server API tokens")


def test_any_non_empty_token_is_accepted_by_default(api: Api) -> None:
    assert api.send(token="anything-at-all").status == 200


def test_configured_tokens_reject_others() -> None:
    with Sandbox(tokens=["good-token"]) as sandbox:
        client = Api(sandbox.url)
        result = client.send(token="bad-token")
        assert_error(result, 401, 10)
        assert result.json["Message"] == AUTH_BAD_SERVER
        assert client.send(token="good-token").status == 200
        # Postmark: "The header name and value are case insensitive."
        assert client.send(token="GOOD-TOKEN").status == 200
        assert client.get("/server", token="good-token").json["ApiTokens"] == ["good-token"]
        client.close()


def test_account_token_header_does_not_open_server_routes(api: Api) -> None:
    result = api.send(token=None, headers={"X-Postmark-Account-Token": "account"})
    assert_error(result, 401, 10)


def _route(auth: str, test_token: bool = False) -> Route:
    return Route("GET", "/x", lambda ctx: None, auth=auth, test_token=test_token)


def test_account_routes_check_the_account_header() -> None:
    config = Config(account_tokens=frozenset({"acct"}))
    ok = Request("GET", "/x", headers={"x-postmark-account-token": "ACCT"})
    assert check_token(config, _route("account"), ok) == ("ACCT", False)
    bad = Request("GET", "/x", headers={"x-postmark-account-token": "nope"})
    with pytest.raises(ApiError) as err:
        check_token(config, _route("account"), bad)
    assert (err.value.status, err.value.error_code, err.value.message) == (
        401,
        10,
        AUTH_BAD_ACCOUNT,
    )
    server_only = Request("GET", "/x", headers={"x-postmark-server-token": "acct"})
    with pytest.raises(ApiError):
        check_token(config, _route("account"), server_only)


def test_test_token_validates_and_stores_nothing(api: Api, sandbox: Sandbox) -> None:
    result = api.send(token="POSTMARK_API_TEST")
    assert result.status == 200
    body = result.json
    assert body["Message"] == "Test job accepted"
    assert body["ErrorCode"] == 0
    assert len(body["MessageID"]) == 36
    assert body["To"] == "receiver@example.com"
    # Invalid payloads still fail, as on Postmark.
    assert_error(api.send(token="POSTMARK_API_TEST", To=None), 422, 300)
    batch = api.post("/email/batch", [message(), message(To="x")], token="POSTMARK_API_TEST")
    assert [item["ErrorCode"] for item in batch.json] == [0, 300]
    # Bounce-testing addresses bounce nothing under the test token.
    api.send(token="POSTMARK_API_TEST", To="HardBounce@bounce-testing.postmarkapp.com")
    assert sandbox.messages() == []
    assert sandbox.bounces() == []


def test_test_token_only_opens_send_routes(api: Api) -> None:
    assert_error(api.get("/server", token="POSTMARK_API_TEST"), 401, 10)
    assert_error(api.get("/deliverystats", token="postmark_api_test"), 401, 10)


@pytest.mark.parametrize(
    "headers",
    [
        {"Accept": None},
        {"Accept": "*/*"},
        {"Accept": "text/html"},
        {"Content-Type": "text/plain"},
        {"Content-Type": None},
        {"Content-Type": "application/x-www-form-urlencoded"},
    ],
)
def test_non_json_media_types_are_415(api: Api, headers: dict[str, str | None]) -> None:
    result = api.post("/email", message(), headers=headers)
    assert_error(result, 415, 409, "Unsupported Media Type")


def test_json_media_types_with_parameters_are_fine(api: Api) -> None:
    headers = {
        "Accept": "text/html, application/json; q=0.9",
        "Content-Type": "application/json; charset=utf-8",
    }
    assert api.post("/email", message(), headers=headers).status == 200


def test_get_without_body_needs_no_content_type(api: Api) -> None:
    assert api.get("/deliverystats", headers={"Content-Type": None}).status == 200


@pytest.mark.parametrize(
    "raw", [b"{", b'{"From": }', b"[1,]", b'{"a": NaN}', b"\xff\xfe{}", b"nope"]
)
def test_malformed_json_is_422_402(api: Api, raw: bytes) -> None:
    assert_error(api.post("/email", raw=raw), 422, 402, "Invalid JSON")


def test_unknown_field_is_422_403_naming_it(api: Api) -> None:
    result = api.post("/email", message(Htmlbody="<p>typo</p>"))
    assert_error(result, 422, 403)
    assert result.json["Message"] == "Invalid request field(s): 'Htmlbody'."


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("TrackOpens", "yes"),
        ("To", ["a@example.com"]),
        ("Metadata", "color=blue"),
        ("Headers", {"Name": "X", "Value": "y"}),
        ("Headers", [{"Name": 1, "Value": "y"}]),
        ("Attachments", [{"Name": "a.txt", "Content": 5}]),
        ("Subject", 12),
    ],
)
def test_ill_typed_field_is_422_403(api: Api, field: str, value: object) -> None:
    result = api.post("/email", message(**{field: value}))
    assert_error(result, 422, 403, f"'{field}'")


def test_json_null_means_not_given(api: Api) -> None:
    body = message()
    body.update({"Cc": None, "Headers": None, "TrackOpens": None, "HtmlBody": None})
    assert api.post("/email", body).status == 200


def test_body_that_is_not_an_object_is_403(api: Api) -> None:
    assert_error(api.post("/email", [message()]), 422, 403)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nope"),
        ("POST", "/email/nope"),
        ("GET", "/bounces/tags"),
        ("GET", "/bounces/abc"),
        ("GET", "/email"),
        ("DELETE", "/deliverystats"),
    ],
)
def test_unknown_paths_and_methods_are_404_json(api: Api, method: str, path: str) -> None:
    result = api.request(method, path)
    assert_error(result, 404, 404, "no API route")


def test_unknown_path_answers_404_before_checking_the_token(api: Api) -> None:
    assert_error(api.get("/nope", token=None), 404, 404)


def test_paths_ignore_case_and_trailing_slash(api: Api) -> None:
    assert api.post("/EMAIL", message()).status == 200
    assert api.get("/DeliveryStats").status == 200
    assert api.get("/deliverystats/").status == 200
    assert api.get("/templates/?count=10&offset=0").status == 200


def test_query_names_ignore_case(api: Api) -> None:
    api.send(From="someone@example.org")
    found = api.get("/messages/outbound?Count=10&OFFSET=0&fromEmail=someone@example.org")
    assert found.json["TotalCount"] == 1


def test_keep_alive_survives_errors(api: Api) -> None:
    """Clients reuse connections: every answer, error or not, has a Content-Length."""
    for _ in range(3):
        assert api.send(To=None).status == 422
        ok = api.send()
        assert ok.status == 200
        assert ok.headers["content-length"] == str(len(ok.body))
        assert ok.headers["content-type"].startswith("application/json")
    assert api.post("/email", raw=b"{").status == 422
    assert api.send().status == 200


def test_chunked_request_body(sandbox: Sandbox) -> None:
    import http.client
    import json

    conn = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=10)
    body = json.dumps(message()).encode()
    conn.putrequest("POST", "/email")
    for name, value in {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "X-Postmark-Server-Token": "t",
        "Transfer-Encoding": "chunked",
    }.items():
        conn.putheader(name, value)
    conn.endheaders()
    for start in range(0, len(body), 7):
        piece = body[start : start + 7]
        conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
    conn.send(b"0\r\n\r\n")
    response = conn.getresponse()
    assert response.status == 200, response.read()
    conn.close()


def test_head_request_has_no_body(api: Api) -> None:
    result = api.request("HEAD", "/deliverystats")
    assert result.status == 200
    assert result.body == b""
