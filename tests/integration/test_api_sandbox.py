"""End to end over real sockets: ServerClient / AccountClient -> HTTP -> the sandbox -> SQLite.

One test (or a few) per area the sandbox models. The sandbox is an
independent reading of Postmark's documentation, so these tests check that
the client and that reading agree: paths, token headers, bodies, paging,
error mapping.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from postmark import AccountClient, ServerClient
from postmark.api.webhooks import webhook_triggers
from postmark.exceptions import InactiveRecipientError, UnauthorizedError, UnprocessableEntityError
from postmark.sandbox import Sandbox

SENDER = "app@example.com"
REMOTE_HOOK = "https://hooks.example.com/postmark"
INBOUND = "4f7c2d1e9a0b@inbound.postmarkapp.com"


class Hook:
    """A loopback endpoint: records the JSON posted to it, answers 200 (or queued statuses)."""

    def __init__(self) -> None:
        self.posted: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                hook.posted.append(json.loads(self.rfile.read(length)))
                self.send_response(hook.statuses.pop(0) if hook.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def hook() -> Iterator[Hook]:
    endpoint = Hook()
    thread = threading.Thread(
        target=endpoint.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield endpoint
    endpoint.server.shutdown()
    endpoint.server.server_close()


def send(client: ServerClient, to: str = "ann@example.com", **fields: Any) -> str:
    values: dict[str, Any] = {"sender": SENDER, "to": to, "subject": "Hello", "text_body": "Hi"}
    values.update(fields)
    message_id = client.email.send(**values).message_id
    assert message_id is not None
    return message_id


def error_code(call: Any, *args: Any, **kwargs: Any) -> int | None:
    with pytest.raises(UnprocessableEntityError) as caught:
        call(*args, **kwargs)
    return caught.value.error_code


# --- email ---------------------------------------------------------------------------------


def test_send_batch_and_template_sends(client: ServerClient, sandbox: Sandbox) -> None:
    plain = send(client, tag="welcome", metadata={"user": "1"})
    client.templates.create(
        name="Welcome",
        alias="welcome",
        subject="Hi {{name}}",
        html_body="<p>Hello {{name}}</p>",
        text_body="Hello {{name}}",
    )
    templated = client.email.send_with_template(
        sender=SENDER,
        to="bob@example.com",
        template_alias="welcome",
        template_model={"name": "Bob"},
    ).message_id
    batch = client.email.send_batch(
        [
            {"From": SENDER, "To": "c1@example.com", "Subject": "B1", "TextBody": "x"},
            {
                "From": SENDER,
                "To": "c2@example.com",
                "TemplateAlias": "welcome",
                "TemplateModel": {"name": "Cy"},
            },
            {"From": SENDER, "To": "c3@example.com", "Subject": "B3", "TextBody": "x",
             "MessageStream": "inbound"},
        ]
    )  # fmt: skip
    assert [o.ok for o in batch] == [True, True, False]
    assert batch[2].error_code == 1236
    stored = {m["MessageID"]: m for m in sandbox.messages()}
    assert len(stored) == 4
    assert (stored[plain]["Tag"], stored[plain]["Metadata"]) == ("welcome", {"user": "1"})
    assert stored[templated]["Subject"] == "Hi Bob"
    assert stored[templated]["HtmlBody"] == "<p>Hello Bob</p>"
    assert stored[batch[1].message_id]["TextBody"] == "Hello Cy"
    assert stored[batch[0].message_id]["Subject"] == "B1"


# --- bounces -------------------------------------------------------------------------------


def test_bounces_list_iter_get_dump_activate(client: ServerClient) -> None:
    for kind in ("HardBounce", "SoftBounce", "Transient"):
        send(client, to=f"{kind}@bounce-testing.postmarkapp.com", tag="bouncy")
    page = client.bounces.list(count=2, offset=0)
    assert page["TotalCount"] == 3 and len(page["Bounces"]) == 2
    every = list(client.bounces.iter())
    assert [b["Type"] for b in every] == ["Transient", "SoftBounce", "HardBounce"]
    [hard] = list(client.bounces.iter(type="HardBounce", tag="bouncy"))
    assert hard["Inactive"] is True
    assert "X-PM-Bounce-Type: HardBounce" in client.bounces.get(hard["ID"])["Content"]
    assert "X-PM-Bounce-Type: HardBounce" in client.bounces.dump(hard["ID"])["Body"]
    assert client.bounces.delivery_stats()["InactiveMails"] == 1
    with pytest.raises(InactiveRecipientError) as caught:
        send(client, to="hardbounce@bounce-testing.postmarkapp.com")
    assert caught.value.error_code == 406
    activated = client.bounces.activate(hard["ID"])
    assert activated["Bounce"]["Inactive"] is False
    send(client, to="ann@example.com")  # an ordinary address still works
    assert client.bounces.delivery_stats()["InactiveMails"] == 0


# --- templates -----------------------------------------------------------------------------


def test_templates_crud_validate_and_push(client: ServerClient, account: AccountClient) -> None:
    created = client.templates.create(
        name="Receipt", alias="receipt", subject="Receipt {{number}}", text_body="Total {{total}}"
    )
    template_id = created["TemplateId"]
    assert client.templates.get("receipt")["TemplateId"] == template_id
    assert client.templates.get(template_id)["Subject"] == "Receipt {{number}}"
    client.templates.create(name="Plain", subject="Plain", text_body="plain")
    assert client.templates.list(count=1)["TotalCount"] == 2
    assert [t["Name"] for t in client.templates.iter()] == ["Receipt", "Plain"]
    edited = client.templates.edit("receipt", subject="Your receipt {{number}}")
    assert edited["Name"] == "Receipt"
    assert client.templates.get(template_id)["Subject"] == "Your receipt {{number}}"

    checked = client.templates.validate(
        subject="Hi {{name}}", text_body="{{#each items}}{{title}} {{/each}}",
        test_render_model={"name": "Ann", "items": [{"title": "a"}, {"title": "b"}]},
    )  # fmt: skip
    assert checked["AllContentIsValid"] is True
    assert checked["Subject"]["RenderedContent"] == "Hi Ann"
    assert checked["TextBody"]["RenderedContent"] == "a b "
    broken = client.templates.validate(subject="Hi {{#name}}")
    assert broken["AllContentIsValid"] is False
    assert broken["Subject"]["ValidationErrors"]

    dry = account.templates.push(source_server_id=1, destination_server_id=1)
    assert dry == {
        "TotalCount": 1,
        "Templates": [
            {
                "Action": "Edit",
                "TemplateId": template_id,
                "Alias": "receipt",
                "Name": "Receipt",
                "TemplateType": "Standard",
            }
        ],
    }
    assert (
        account.templates.push(source_server_id=1, destination_server_id=1, perform_changes=True)
        == dry
    )
    assert error_code(account.templates.push, source_server_id=2, destination_server_id=1) == 601

    deleted = client.templates.delete(template_id)
    assert deleted == {"ErrorCode": 0, "Message": f"Template {template_id} removed."}
    assert client.templates.get(template_id)["Active"] is False
    assert error_code(client.templates.get, "no-such-template") == 1101


def test_push_needs_a_valid_account_token(sandbox: Sandbox) -> None:
    wrong = AccountClient("wrong-account-token", base_url=sandbox.url, retries=0)
    with wrong, pytest.raises(UnauthorizedError):
        wrong.templates.push(source_server_id=1, destination_server_id=1)


# --- outbound messages ---------------------------------------------------------------------


def test_outbound_search_details_dump_and_iter(client: ServerClient) -> None:
    first = send(client, to="ann@example.com", tag="t1", metadata={"order": "42"})
    send(client, to="bob@example.com", subject="Other subject", tag="t2")
    page = client.messages.list(count=1)
    assert page["TotalCount"] == 2
    assert page["Messages"][0]["Subject"] == "Other subject"  # newest first
    assert [m["MessageID"] for m in client.messages.list(recipient="ann@")["Messages"]] == [first]
    assert client.messages.list(metadata={"order": "42"})["Messages"][0]["MessageID"] == first
    assert client.messages.list(tag="t2", subject="other")["TotalCount"] == 1
    details = client.messages.get(first)
    assert details["MessageEvents"][0]["Type"] == "Delivered"
    assert details["TextBody"] == "Hi"
    assert "Subject: Hello" in client.messages.dump(first)["Body"]

    result = client.email.send_batch(
        {"From": SENDER, "To": f"user{i}@example.com", "Subject": f"Bulk {i}", "TextBody": "x"}
        for i in range(520)
    )
    assert len(result.succeeded) == 520
    every = list(client.messages.iter())  # two pages of 500
    assert len(every) == 522
    assert len({m["MessageID"] for m in every}) == 522
    assert every[-1]["MessageID"] == first
    assert len(list(client.messages.iter(subject="Bulk 51"))) == 11  # 51, 510-519


# --- message streams -----------------------------------------------------------------------


def test_message_streams_create_edit_archive_unarchive(client: ServerClient) -> None:
    streams = client.message_streams
    assert [s["ID"] for s in streams.list()["MessageStreams"]] == [
        "outbound",
        "inbound",
        "broadcast",
    ]
    created = streams.create(stream_id="dev", name="Dev", message_stream_type="Transactional")
    assert created["ID"] == "dev" and created["ArchivedAt"] is None
    edited = streams.edit("dev", name="Dev 2", description="For tests")
    assert (edited["Name"], edited["Description"]) == ("Dev 2", "For tests")
    assert streams.get("dev") == edited
    send(client, message_stream="dev")

    archived = streams.archive("dev")
    assert archived["ID"] == "dev" and archived["ExpectedPurgeDate"]
    assert "dev" not in [s["ID"] for s in streams.list()["MessageStreams"]]
    assert "dev" in [s["ID"] for s in streams.list(include_archived_streams=True)["MessageStreams"]]
    assert error_code(send, client, message_stream="dev") == 1236
    assert streams.unarchive("dev")["ArchivedAt"] is None
    send(client, message_stream="dev")

    bad_id = {"stream_id": "Dev!", "name": "x", "message_stream_type": "Transactional"}
    assert error_code(streams.create, **bad_id) == 1227
    assert error_code(streams.archive, "outbound") == 1229
    assert error_code(streams.get, "nope") == 1226


# --- suppressions --------------------------------------------------------------------------


def test_suppressions_and_their_effect_on_sends(client: ServerClient) -> None:
    changes = client.suppressions.create("outbound", ["blocked@example.com", "not-an-address"])
    assert [c["Status"] for c in changes["Suppressions"]] == ["Suppressed", "Failed"]
    [row] = client.suppressions.dump("outbound")["Suppressions"]
    assert (row["EmailAddress"], row["SuppressionReason"], row["Origin"]) == (
        "blocked@example.com",
        "ManualSuppression",
        "Customer",
    )
    with pytest.raises(InactiveRecipientError):
        send(client, to="blocked@example.com")
    batch = client.email.send_batch(
        [
            {"From": SENDER, "To": "blocked@example.com", "Subject": "s", "TextBody": "x"},
            {"From": SENDER, "To": "fine@example.com", "Subject": "s", "TextBody": "x"},
        ]
    )
    assert [o.error_code for o in batch] == [406, 0]
    send(client, to="blocked@example.com", message_stream="broadcast")  # per stream

    deleted = client.suppressions.delete("outbound", "blocked@example.com")
    assert deleted["Suppressions"][0]["Status"] == "Deleted"
    send(client, to="blocked@example.com")

    send(client, to="hardbounce@bounce-testing.postmarkapp.com")
    [hard] = client.suppressions.dump("outbound", suppression_reason="HardBounce")["Suppressions"]
    assert hard["Origin"] == "Recipient"
    client.suppressions.delete("outbound", [hard["EmailAddress"]])
    [bounce] = client.bounces.list()["Bounces"]
    assert bounce["Inactive"] is False  # deleting a hard-bounce suppression reactivates
    send(client, to="hardbounce@bounce-testing.postmarkapp.com")


# --- webhooks ------------------------------------------------------------------------------


def test_webhooks_crud(client: ServerClient) -> None:
    created = client.webhooks.create(
        url=REMOTE_HOOK,
        http_auth=("user", "secret"),
        http_headers={"X-Secret": "s3"},
        triggers=webhook_triggers(open=True, post_first_open_only=True, bounce=True),
    )
    assert created["Status"] == "unverified"  # remote URLs are never called
    assert created["HttpAuth"] == {"Username": "user", "Password": "secret"}
    assert created["HttpHeaders"] == [{"Name": "X-Secret", "Value": "s3"}]
    hook_id = created["ID"]
    assert client.webhooks.list()["Webhooks"] == [created]
    assert client.webhooks.list(message_stream="broadcast")["Webhooks"] == []
    assert client.webhooks.get(hook_id) == created

    edited = client.webhooks.edit(hook_id, triggers=webhook_triggers(open=False))
    assert edited["Triggers"]["Open"] == {"Enabled": False, "PostFirstOpenOnly": True}
    assert edited["Triggers"]["Bounce"]["Enabled"] is True
    assert edited["Url"] == REMOTE_HOOK

    assert client.webhooks.delete(hook_id) == {
        "ErrorCode": 0,
        "Message": f"Webhook {hook_id} removed.",
    }
    assert error_code(client.webhooks.get, hook_id) == 1352
    assert error_code(client.webhooks.list, message_stream="nope") == 1226
    assert error_code(client.webhooks.create, url="not a url") == 1354


def test_webhooks_verified_against_a_local_endpoint(client: ServerClient, hook: Hook) -> None:
    created = client.webhooks.create(url=hook.url, triggers=webhook_triggers(delivery=True))
    assert created["Status"] == "verified"
    assert [p["RecordType"] for p in hook.posted] == ["Delivery"]
    verification = client.webhooks.verify(created["ID"])
    assert verification["Success"] is True
    assert verification["Results"][0]["StatusCode"] == 200
    stats = client.webhooks.statistics(created["ID"])
    assert stats["Statuses"] == {"Delivery": "verified"}
    hook.statuses.append(500)
    bounces = webhook_triggers(bounce=True)
    assert error_code(client.webhooks.create, url=hook.url, triggers=bounces) == 1364
    unchecked = client.webhooks.create(url=hook.url, verify=False)
    assert unchecked["Status"] == "unverified"


# --- inbound -------------------------------------------------------------------------------


def test_inbound_search_details_bypass_retry(
    client: ServerClient, sandbox: Sandbox, hook: Hook
) -> None:
    client.server.edit(inbound_hook_url=hook.url)
    rule = client.inbound_rules.create(rule="junk.example")
    assert client.inbound_rules.list()["InboundRules"] == [rule]
    assert list(client.inbound_rules.iter()) == [rule]

    ok = sandbox.receive_inbound(
        {"From": "ann@example.com", "To": "abc+t-1@inbound.postmarkapp.com", "Subject": "Ok",
         "Tag": "support"}
    )  # fmt: skip
    blocked = sandbox.receive_inbound({"From": "x@junk.example", "To": INBOUND, "Subject": "Junk"})
    hook.statuses.append(500)
    failed = sandbox.receive_inbound({"From": "bob@example.com", "To": INBOUND, "Subject": "Fail"})
    assert (ok["Status"], blocked["Status"], failed["Status"]) == ("Processed", "Blocked", "Failed")

    page = client.inbound.list()  # processed only, by default
    assert [m["MessageID"] for m in page["InboundMessages"]] == [ok["MessageID"]]
    assert client.inbound.list(status="blocked")["InboundMessages"][0]["Subject"] == "Junk"
    assert client.inbound.list(mailbox_hash="t-1", tag="support")["TotalCount"] == 1
    assert client.inbound.list(from_email="nobody@")["TotalCount"] == 0
    details = client.inbound.get(blocked["MessageID"])
    assert details["BlockedReason"] == "Inbound request blocked by domain rule: junk.example"

    assert client.inbound.bypass(blocked["MessageID"])["ErrorCode"] == 0
    assert client.inbound.retry(failed["MessageID"])["Message"] == (
        f"Successfully rescheduled failed message: {failed['MessageID']}."
    )
    assert error_code(client.inbound.bypass, ok["MessageID"]) == 701
    assert error_code(client.inbound.retry, ok["MessageID"]) == 701
    assert {m["Subject"] for m in client.inbound.iter()} == {"Ok", "Junk", "Fail"}
    assert [p["Subject"] for p in hook.posted] == ["Ok", "Fail", "Junk", "Fail"]

    assert client.inbound_rules.delete(rule["ID"])["Message"] == "Rule junk.example removed."
    assert client.inbound_rules.list()["TotalCount"] == 0


# --- server --------------------------------------------------------------------------------


def test_server_get_and_edit(client: ServerClient, sandbox: Sandbox) -> None:
    server = client.server.get()
    assert (server["Name"], server["DeliveryType"]) == ("Sandbox", "Sandbox")
    edited = client.server.edit(
        name="E2E", color="green", track_opens=True, track_links="htmlonly",
        inbound_spam_threshold=5,
    )  # fmt: skip
    assert (edited["Name"], edited["Color"], edited["TrackLinks"]) == ("E2E", "Green", "HtmlOnly")
    assert client.server.get() == edited
    assert error_code(client.server.edit, color="pink") == 607
    assert error_code(client.server.edit, track_links="Sometimes") == 612
    assert error_code(client.server.edit, inbound_spam_threshold=31) == 611
    message_id = send(client)
    details = client.messages.get(message_id)
    assert (details["TrackOpens"], details["TrackLinks"]) == (True, "HtmlOnly")
