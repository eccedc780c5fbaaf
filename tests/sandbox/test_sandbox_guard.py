"""Protection against web pages: DNS rebinding (``Host``) and cross-site admin writes."""

from __future__ import annotations

import socket

import pytest
from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox
from postmark.sandbox.http.guard import host_name, is_local_host

FAULT = {"kind": "500", "count": 1}
HTML = {"Accept": "text/html"}


@pytest.mark.parametrize(
    "path", ["/__sandbox/messages", "/", "/inbox/messages/x", "/server", "/messages/outbound"]
)
def test_a_foreign_host_is_refused_everywhere(api: Api, path: str) -> None:
    result = api.get(path, headers={"Host": "rebound.evil.example:8025", **HTML})
    assert result.status == 403, result.body[:200]
    assert "rebound.evil.example" in result.json["Message"]
    assert "ErrorCode" not in result.json


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST:1", "app.localhost", "127.0.0.1:9", "[::1]:80", "10.1.2.3"]
)
def test_local_names_and_ip_literals_are_answered(api: Api, host: str) -> None:
    assert api.get("/__sandbox/health", headers={"Host": host}).status == 200


def test_allowed_hosts_add_names() -> None:
    with Sandbox(allowed_hosts=["sandbox"]) as sandbox:
        api = Api(sandbox.url)
        try:
            assert api.get("/__sandbox/health", headers={"Host": "sandbox:8025"}).status == 200
            assert api.get("/__sandbox/health", headers={"Host": "other:8025"}).status == 403
        finally:
            api.close()


def test_host_names_are_normalised() -> None:
    assert host_name("Example.COM.:80") == "example.com"
    assert host_name("[::1]:8025") == "::1"
    assert host_name("::1") == "::1"
    assert not is_local_host("localhost.evil.example")
    assert not is_local_host("127.0.0.1.nip.io")


def test_cross_origin_admin_writes_are_refused(sandbox: Sandbox, api: Api) -> None:
    evil = {"Origin": "https://evil.example"}
    assert_error(api.post("/__sandbox/faults", FAULT, headers=evil), 403, 403, "Cross-origin")
    assert_error(api.delete("/__sandbox/messages", headers={"Origin": "null"}), 403, 403)
    assert api.get("/__sandbox/faults").json == {"Faults": []}


def test_same_origin_or_no_origin_admin_writes_work(sandbox: Sandbox, api: Api) -> None:
    own = {"Origin": f"http://127.0.0.1:{sandbox.port}"}
    assert api.post("/__sandbox/faults", FAULT, headers=own).status == 200
    assert api.delete("/__sandbox/faults").status == 200


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
def test_admin_writes_need_a_json_content_type(api: Api, content_type: str | None) -> None:
    raw = b'{"kind": "500"}'
    result = api.post("/__sandbox/faults", raw=raw, headers={"Content-Type": content_type})
    assert_error(result, 403, 403, "application/json")
    forged = api.post(
        "/__sandbox/inbound",
        raw=b'{"From": "a@example.com", "To": "b@example.com"}',
        headers={"Content-Type": content_type},
    )
    assert forged.status == 403
    assert api.get("/__sandbox/faults").json == {"Faults": []}
    assert api.get("/__sandbox/inbound").json["TotalCount"] == 0


def test_admin_reads_need_no_content_type(api: Api) -> None:
    assert api.get("/__sandbox/messages", headers={"Origin": "https://evil.example"}).status == 200


def test_the_machines_own_name_is_answered(api: Api) -> None:
    name = socket.gethostname()
    assert api.get("/__sandbox/health", headers={"Host": f"{name}:8025"}).status == 200
