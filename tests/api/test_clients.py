"""ServerClient and AccountClient: sections, configuration, request(), sharing."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import responses

import postmark
from postmark.api.base import Section

from .wire import ACCOUNT_TOKEN, API, SERVER_TOKEN, sent

SERVER_SECTIONS = {
    "email",
    "bounces",
    "templates",
    "server",
    "messages",
    "inbound",
    "message_streams",
    "suppressions",
    "webhooks",
    "stats",
    "inbound_rules",
}
ACCOUNT_SECTIONS = {"servers", "domains", "sender_signatures", "templates", "data_removals"}


def sections(client: Any) -> set[str]:
    names = {name for name in dir(client) if not name.startswith("_")}
    return {name for name in names if isinstance(getattr(client, name), Section)}


def test_each_client_has_its_doc_sections(
    server: postmark.ServerClient, account: postmark.AccountClient
) -> None:
    assert sections(server) == SERVER_SECTIONS
    assert sections(account) == ACCOUNT_SECTIONS


def test_sections_are_built_once_and_share_the_executor(
    server: postmark.ServerClient,
) -> None:
    # Loaded on first use (cheap imports), then the same object every time.
    assert server.templates is server.templates
    assert server.templates._executor is server._executor is server.bounces._executor


def test_legacy_classes_load_only_the_sections_they_use() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from postmark import PMMail; "
        "print(sorted(m for m in sys.modules if m.startswith('postmark.api.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "postmark.api.templates" not in loaded
    assert "postmark.api.stats" not in loaded


def test_tokens_come_from_the_environment_and_never_show(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSTMARK_ACCOUNT_TOKEN", "acct-secret")
    monkeypatch.setenv("POSTMARK_API_URL", "http://127.0.0.1:9")
    with postmark.AccountClient() as account:
        assert account.transport.base_url == "http://127.0.0.1:9"
        assert "acct-secret" not in repr(account) + repr(account.domains)
    with pytest.raises(postmark.ConfigurationError, match="POSTMARK_SERVER_TOKEN"):
        postmark.ServerClient()


def test_base_url_and_session_options_pass_through() -> None:
    import requests

    session = requests.Session()
    responses.get("http://127.0.0.1:9/server", json={"ID": 1})
    with postmark.ServerClient("t", base_url="http://127.0.0.1:9/", session=session) as client:
        assert client.server.get() == {"ID": 1}
        assert client.transport.session is session


def test_request_reaches_anything_not_wrapped(server: postmark.ServerClient) -> None:
    responses.get(f"{API}/smtp-tokens", json={"Tokens": []})
    assert server.request("GET", "/smtp-tokens", params={"count": 1}) == {"Tokens": []}
    assert sent().query == {"count": "1"}
    assert sent().headers["X-Postmark-Server-Token"] == SERVER_TOKEN


def test_errors_are_the_librarys_exceptions(account: postmark.AccountClient) -> None:
    responses.get(
        f"{API}/domains/9", status=422, json={"ErrorCode": 510, "Message": "Domain not found."}
    )
    with pytest.raises(postmark.UnprocessableEntityError) as caught:
        account.domains.get(9)
    assert caught.value.error_code == 510
    assert ACCOUNT_TOKEN not in str(caught.value)


def test_one_client_shared_by_threads(server: postmark.ServerClient) -> None:
    responses.get(f"{API}/server", json={"ID": 1})
    responses.get(f"{API}/message-streams", json={"MessageStreams": [], "TotalCount": 0})
    responses.get(f"{API}/stats/outbound", json={"Sent": 3})
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                assert server.server.get() == {"ID": 1}
                assert server.message_streams.list()["TotalCount"] == 0
                assert server.stats.outbound() == {"Sent": 3}
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(responses.calls) == 8 * 20 * 3
    assert {c.request.headers["X-Postmark-Server-Token"] for c in responses.calls} == {SERVER_TOKEN}
