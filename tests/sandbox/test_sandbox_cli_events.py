"""``postmark sandbox event|inbound|deliveries`` against a running (in-process) sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from event_helpers import add_webhook, tracked_send
from receiver import Receiver
from sandbox_helpers import Api

from postmark.cli import build_parser, main
from postmark.sandbox import Sandbox


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(["sandbox", *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else None, err


def test_event_open_and_click(
    capsys: pytest.CaptureFixture[str], events_sandbox: Sandbox, events_api: Api, hook: Receiver
) -> None:
    add_webhook(events_api, hook, Triggers={"Open": {"Enabled": True}, "Click": {"Enabled": True}})
    message_id = tracked_send(events_api)
    url = events_sandbox.url
    code, out, _ = run(capsys, "event", "open", message_id, "--url", url, "--platform", "Desktop")
    assert code == 0 and out["Events"][0]["Platform"] == "Desktop"
    link = "https://example.com/b"
    code, out, _ = run(capsys, "event", "click", message_id, "--link", link, "--url", url)
    assert code == 0 and out["Events"][0]["OriginalLink"] == link
    code, out, _ = run(
        capsys, "deliveries", "--message-id", message_id, "--wait", "5", "--url", url
    )
    assert code == 0
    assert [(d["RecordType"], d["Outcome"]) for d in out["Deliveries"]] == [
        ("Open", "Delivered"),
        ("Click", "Delivered"),
    ]
    assert [r.json["RecordType"] for r in hook.requests] == ["Open", "Click"]


def test_the_sandbox_url_defaults_to_the_api_url(
    capsys: pytest.CaptureFixture[str],
    events_sandbox: Sandbox,
    events_api: Api,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSTMARK_API_URL", events_sandbox.url)
    message_id = tracked_send(events_api)
    code, out, _ = run(capsys, "event", "bounce", message_id, "--bounce-type", "SoftBounce")
    assert code == 0 and out["Events"][0]["Type"] == "SoftBounce"


def test_a_refused_event_exits_1_with_the_reason(
    capsys: pytest.CaptureFixture[str], events_sandbox: Sandbox, events_api: Api
) -> None:
    message_id = tracked_send(events_api, TrackOpens=False)
    code, out, err = run(capsys, "event", "open", message_id, "--url", events_sandbox.url)
    assert code == 1 and out is None
    assert "the sandbox refused (422)" in err and "TrackOpens" in err
    code, _, err = run(capsys, "event", "spam", "no-such-id", "--url", events_sandbox.url)
    assert code == 1 and "no-such-id" in err


def test_no_sandbox_exits_4(capsys: pytest.CaptureFixture[str], hook: Receiver) -> None:
    code, _, err = run(capsys, "event", "open", "x", "--url", "http://127.0.0.1:9")
    assert code == 4 and "no sandbox answered at http://127.0.0.1:9" in err
    hook.answer(404)  # something that is not a sandbox
    code, _, err = run(capsys, "event", "open", "x", "--url", hook.url)
    assert code == 1 and "is not a Postmark sandbox" in err


def test_inbound_posts_an_eml_file(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, api: Api, hook: Receiver, tmp_path: Path
) -> None:
    assert api.put("/server", {"InboundHookUrl": hook.url, "RawEmailEnabled": True}).status == 200
    eml = tmp_path / "reply.eml"
    raw = "From: ada@example.com\r\nTo: help@inbound.example.com\r\nSubject: Hi\r\n\r\nHello\r\n"
    eml.write_bytes(raw.encode())
    code, out, _ = run(capsys, "inbound", str(eml), "--url", sandbox.url)
    assert code == 0 and out["Status"] == "Processed"
    posted = hook.requests[0].json
    assert (posted["Subject"], posted["TextBody"].strip()) == ("Hi", "Hello")
    assert posted["RawEmail"] == raw
    code, out, _ = run(capsys, "inbound", str(eml), "--status", "blocked", "--url", sandbox.url)
    assert code == 0 and out["Status"] == "Blocked" and len(hook.requests) == 1


def test_the_server_command_still_parses_and_takes_a_retry_scale() -> None:
    args = build_parser().parse_args(["sandbox", "--port", "0", "--webhook-retry-scale", "0.01"])
    assert (args.port, args.webhook_retry_scale, args.sandbox_command) == (0, 0.01, None)
    assert args.handler.__module__ == "postmark.cli.sandbox"
