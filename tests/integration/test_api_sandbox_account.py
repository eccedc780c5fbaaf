"""End to end over real sockets, for the areas the sandbox learned last: stats, opens and
clicks, bulk sends, and the account API (servers, domains, sender signatures, data removals).

ServerClient / AccountClient -> HTTP -> the sandbox -> SQLite, as in test_api_sandbox.py
(fixtures in conftest.py).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from postmark import AccountClient, ServerClient
from postmark.exceptions import APIError, UnauthorizedError
from postmark.sandbox import Sandbox
from postmark.sandbox.rules import events

from .test_api_sandbox import SENDER, error_code, send


def record(sandbox: Sandbox, kind: str, message_id: str, **payload: Any) -> None:
    """What an open or a click leaves in the events table."""
    body = {"RecordType": kind, "MessageID": message_id, "MessageStream": "outbound", **payload}
    events.record(sandbox._running_app(), body, time.time(), post=False)


# --- stats, opens, clicks --------------------------------------------------------------


def test_stats_from_sends_bounces_opens_and_clicks(client: ServerClient, sandbox: Sandbox) -> None:
    tracked = send(
        client,
        tag="news",
        track_opens=True,
        html_body='<a href="https://x.example">x</a>',
        track_links="HtmlAndText",
    )
    send(client, to="HardBounce@bounce-testing.postmarkapp.com", tag="news")
    record(
        sandbox,
        "Open",
        tracked,
        Recipient="ann@example.com",
        Platform="Desktop",
        Client={"Name": "Thunderbird", "Family": "Thunderbird"},
        Tag="news",
    )
    record(
        sandbox,
        "Click",
        tracked,
        Recipient="ann@example.com",
        Platform="Mobile",
        ClickLocation="HTML",
        OriginalLink="https://x.example",
        Tag="news",
    )

    overview = client.stats.outbound(tag="news")
    assert (overview["Sent"], overview["Bounced"], overview["BounceRate"]) == (2, 1, 50.0)
    assert (overview["Opens"], overview["TotalClicks"], overview["Tracked"]) == (1, 1, 1)
    assert client.stats.outbound(tag="other")["Sent"] == 0
    assert client.stats.sends()["Sent"] == 2
    assert client.stats.bounces()["HardBounce"] == 1
    assert client.stats.spam()["SpamComplaint"] == 0
    assert client.stats.tracked()["Tracked"] == 1
    assert client.stats.opens()["Unique"] == 1
    assert client.stats.open_platforms()["Desktop"] == 1
    assert client.stats.email_clients()["Thunderbird"] == 1
    assert client.stats.read_times()["Days"] == []
    assert client.stats.clicks()["Clicks"] == 1
    assert client.stats.browser_families()["Unknown"] == 1
    assert client.stats.click_platforms()["Mobile"] == 1
    assert client.stats.click_location()["HTML"] == 1

    opens = client.messages.list_opens(count=10, offset=0, client_name="Thunderbird")
    assert [o["MessageID"] for o in opens["Opens"]] == [tracked]
    assert (
        client.messages.message_clicks(tracked)["Clicks"][0]["OriginalLink"] == "https://x.example"
    )
    assert [o["Recipient"] for o in client.messages.iter_opens()] == ["ann@example.com"]
    assert error_code(client.messages.message_opens, "no-such-message") == 701


# --- bulk ------------------------------------------------------------------------------


def test_bulk_send_get_list(client: ServerClient, sandbox: Sandbox) -> None:
    status = client.email.send_bulk(
        sender=SENDER,
        subject="Hi {{name}}",
        text_body="Hello {{name}}",
        messages=[
            {"to": "a@example.com", "template_model": {"name": "A"}},
            {"to": "b@example.com", "template_model": {"name": "B"}},
        ],
    )
    assert status["Status"] == "Accepted"
    deadline = time.monotonic() + 10
    while client.email.get_bulk(status["Id"])["Status"] != "Completed":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert client.email.get_bulk(status["Id"])["ReleasedCount"] == 2
    assert sorted(m["Subject"] for m in sandbox.messages()) == ["Hi A", "Hi B"]
    assert [r["Id"] for r in client.email.iter_bulk(count=1)] == [status["Id"]]
    with pytest.raises(APIError) as missing:
        client.email.get_bulk("00000000-0000-0000-0000-000000000000")
    assert (missing.value.http_status, missing.value.error_code) == (404, 12)


# --- servers -----------------------------------------------------------------------------


def test_servers_crud_and_isolation(account: AccountClient, sandbox: Sandbox) -> None:
    created = account.servers.create(name="Staging", color="Green", track_opens=True)
    assert (created["Name"], created["Color"], created["TrackOpens"]) == ("Staging", "Green", True)
    with ServerClient(created["ApiTokens"][0], base_url=sandbox.url, retries=0) as staging:
        assert staging.server.get()["ID"] == created["ID"]
        send(staging, subject="staging only")
        assert staging.messages.list(count=10, offset=0)["TotalCount"] == 1
    assert sandbox.messages() == []  # the default server holds nothing
    assert [s["Name"] for s in account.servers.iter()] == ["Sandbox", "Staging"]
    assert account.servers.edit(created["ID"], name="Renamed")["Name"] == "Renamed"
    assert account.servers.get(created["ID"])["Name"] == "Renamed"
    assert account.servers.delete(created["ID"])["ErrorCode"] == 0
    assert error_code(account.servers.get, created["ID"]) == 601


def test_tokens_of_the_wrong_kind_are_refused(sandbox: Sandbox) -> None:
    wrong = AccountClient("e2e-server-token", base_url=sandbox.url, retries=0)
    wrong_server = ServerClient("e2e-account-token", base_url=sandbox.url, retries=0)
    with wrong, pytest.raises(UnauthorizedError):
        wrong.servers.list()
    with wrong_server, pytest.raises(UnauthorizedError) as caught:
        wrong_server.server.get()
    assert "account token" in str(caught.value.api_message)


# --- domains, signatures, data removals ---------------------------------------------------


def test_domains_and_their_checks(account: AccountClient) -> None:
    domain = account.domains.create(name="example.com", return_path_domain="pm.example.com")
    assert domain["DKIMVerified"] is False
    assert account.domains.verify_dkim(domain["ID"])["DKIMVerified"] is True
    assert account.domains.verify_return_path(domain["ID"])["ReturnPathDomainVerified"] is True
    assert account.domains.verify_spf(domain["ID"])["SPFVerified"] is True
    assert account.domains.rotate_dkim(domain["ID"])["DKIMUpdateStatus"] == "Pending"
    assert (
        account.domains.edit(domain["ID"], return_path_domain="bounces.example.com")[
            "ReturnPathDomain"
        ]
        == "bounces.example.com"
    )
    assert [d["Name"] for d in account.domains.iter()] == ["example.com"]
    assert account.domains.delete(domain["ID"])["ErrorCode"] == 0
    assert error_code(account.domains.get, domain["ID"]) == 510


def test_sender_signatures_and_confirmation(account: AccountClient) -> None:
    signature = account.sender_signatures.create(from_email="help@example.com", name="Help")
    assert signature["Confirmed"] is False
    assert account.sender_signatures.resend_confirmation(signature["ID"])["ErrorCode"] == 0
    assert account.sender_signatures.get(signature["ID"])["Confirmed"] is True
    assert error_code(account.sender_signatures.resend_confirmation, signature["ID"]) == 506
    edited = account.sender_signatures.edit(signature["ID"], name="Help desk")
    assert edited["Name"] == "Help desk"
    assert [s["EmailAddress"] for s in account.sender_signatures.iter()] == ["help@example.com"]
    assert account.sender_signatures.verify_spf(signature["ID"])["SPFVerified"] is True
    assert account.sender_signatures.delete(signature["ID"])["ErrorCode"] == 0


def test_data_removal(account: AccountClient, client: ServerClient, sandbox: Sandbox) -> None:
    send(client, to="forget@example.com")
    removal = account.data_removals.create(
        requested_by="dpo@example.com", requested_for="forget@example.com"
    )
    assert removal["Status"] == "Pending"
    assert account.data_removals.get(removal["ID"])["Status"] == "Done"
    assert sandbox.messages() == []
