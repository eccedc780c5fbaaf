"""The ``postmark`` command, run as a subprocess against an in-process sandbox."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from postmark.sandbox import Sandbox

from .cli_run import SEND, assert_clean, batch_results, closed_port, postmark


@pytest.fixture
def sandbox(postmark_sandbox: Sandbox) -> Sandbox:
    """``postmark.testing``'s sandbox, emptied for this test."""
    return postmark_sandbox


def test_send_from_flags(sandbox: Sandbox, tmp_path: Path) -> None:
    attachment = tmp_path / "notes.txt"
    attachment.write_text("attached")
    result = postmark(
        sandbox,
        "send",
        "--from",
        "me@example.com",
        "--to",
        "you@example.com",
        "--subject",
        "CLI hello",
        "--text",
        "Hi",
        "--tag",
        "cli",
        "--metadata",
        "user=42",
        "--header",
        "X-Campaign: spring",
        "--attach",
        str(attachment),
    )
    assert result.returncode == 0, result.stderr
    assert_clean(result)
    answer = json.loads(result.stdout)
    stored = sandbox.messages()
    assert len(stored) == 1
    assert stored[0]["MessageID"] == answer["MessageID"]
    assert stored[0]["Subject"] == "CLI hello"
    assert stored[0]["Metadata"] == {"user": "42"}


def test_send_from_json_and_eml(sandbox: Sandbox, tmp_path: Path) -> None:
    message = tmp_path / "m.json"
    message.write_text(
        json.dumps(
            {
                "From": "me@example.com",
                "To": "a@example.com",
                "Subject": "From JSON",
                "TextBody": "x",
            }
        )
    )
    eml = tmp_path / "m.eml"
    eml.write_text(
        "From: Me <me@example.com>\r\nTo: b@example.com\r\nSubject: From EML\r\n"
        "X-Custom: kept\r\nContent-Type: text/plain\r\n\r\nBody text\r\n"
    )
    assert postmark(sandbox, "send", "--json", str(message)).returncode == 0
    result = postmark(sandbox, "send", "--eml", str(eml))
    assert result.returncode == 0, result.stderr
    subjects = [m["Subject"] for m in sandbox.messages()]
    assert subjects == ["From JSON", "From EML"]
    eml_message = sandbox.messages()[1]
    assert eml_message["TextBody"].strip() == "Body text"
    assert {"Name": "X-Custom", "Value": "kept"} in eml_message["Headers"]


def test_invalid_input_exits_2_without_traceback(sandbox: Sandbox) -> None:
    result = postmark(
        sandbox,
        "send",
        "--from",
        "me@example.com",
        "--to",
        "a@example.com",
        "--subject",
        "bad\r\nBcc: x@example.com",
        "--text",
        "x",
    )
    assert result.returncode == 2
    assert "line break" in result.stderr
    assert_clean(result)
    assert sandbox.messages() == []


def test_missing_token_exits_3(sandbox: Sandbox) -> None:
    result = postmark(sandbox, "bounces", "list", token=None)
    assert result.returncode == 3
    assert "POSTMARK_SERVER_TOKEN" in result.stderr
    assert_clean(result)


def test_rejected_token_exits_1_and_never_prints_it() -> None:
    with Sandbox(tokens=["the-only-good-token"]) as server:
        result = postmark(server, *SEND)
    assert result.returncode == 1
    assert "401" in result.stderr
    assert_clean(result)


def test_network_failure_exits_4() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = postmark(url, "--retries", "0", "bounces", "list")
    assert result.returncode == 4
    assert result.stderr == f"postmark: error: cannot reach {url} (connection refused); " + (
        "check --base-url / POSTMARK_API_URL and the network\n"
    )
    assert_clean(result)


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_batch_csv_sends_everything_once_and_resumes(sandbox: Sandbox, tmp_path: Path) -> None:
    rows = [
        {
            "from": "me@example.com",
            "to": f"user{i}@example.com",
            "subject": f"Row {i}",
            "text_body": "hello",
        }
        for i in range(1200)
    ]
    rows[600]["subject"] = ""  # invalid at Postmark: no subject and no template
    source = tmp_path / "messages.csv"
    results = tmp_path / "results.jsonl"
    write_csv(source, rows)

    first = postmark(sandbox, "batch", str(source), "--results", str(results))
    assert first.returncode == 1
    assert_clean(first)
    lines = batch_results(results)
    assert len(lines) == 1200
    assert sum(1 for line in lines if line.get("MessageID")) == 1199
    assert len(sandbox.messages()) == 1199
    assert "sent 1199" in first.stdout

    rows[600]["subject"] = "Row 600 fixed"
    write_csv(source, rows)
    second = postmark(sandbox, "batch", str(source), "--results", str(results))
    assert second.returncode == 0, second.stderr
    assert "sent 1, already sent before 1199, failed 0" in second.stdout
    assert len(sandbox.messages()) == 1200
    third = postmark(sandbox, "batch", str(source), "--results", str(results))
    assert "sent 0, already sent before 1200" in third.stdout
    assert len(sandbox.messages()) == 1200


def test_batch_jsonl_accepts_postmark_keys(sandbox: Sandbox, tmp_path: Path) -> None:
    source = tmp_path / "m.jsonl"
    source.write_text(
        json.dumps(
            {"From": "me@example.com", "To": "a@example.com", "Subject": "A", "TextBody": "x"}
        )
        + "\n\n"
        + json.dumps({"to": "b@example.com", "subject": "B", "text_body": "y"})
        + "\n"
    )
    results = tmp_path / "r.jsonl"
    result = postmark(
        sandbox, "batch", str(source), "--results", str(results), "--from", "default@example.com"
    )
    assert result.returncode == 0, result.stderr
    stored = sandbox.messages()
    assert [m["Subject"] for m in stored] == ["A", "B"]
    assert stored[1]["From"] == "default@example.com"


def test_bounces_commands(sandbox: Sandbox) -> None:
    sent = postmark(
        sandbox,
        "send",
        "--from",
        "me@example.com",
        "--to",
        "HardBounce@bounce-testing.postmarkapp.com",
        "--subject",
        "s",
        "--text",
        "t",
    )
    assert sent.returncode == 0, sent.stderr
    listing = postmark(sandbox, "bounces", "list", "--type", "HardBounce")
    assert listing.returncode == 0, listing.stderr
    bounces = json.loads(listing.stdout)["Bounces"]
    assert [b["Email"].lower() for b in bounces] == ["hardbounce@bounce-testing.postmarkapp.com"]
    bounce_id = str(bounces[0]["ID"])
    assert (
        json.loads(postmark(sandbox, "bounces", "get", bounce_id).stdout)["ID"] == bounces[0]["ID"]
    )
    assert postmark(sandbox, "bounces", "dump", bounce_id).returncode == 0
    activated = postmark(sandbox, "bounces", "activate", bounce_id)
    assert activated.returncode == 0, activated.stderr
    assert json.loads(activated.stdout)["Bounce"]["Inactive"] is False


@pytest.mark.parametrize(
    "command",
    [[], ["send"], ["batch"], ["bounces"], ["bounces", "list"], ["sandbox"]],
)
def test_help_everywhere(command: list[str]) -> None:
    result = postmark(None, *command, "--help")
    assert result.returncode == 0
    assert "usage: postmark" in result.stdout


def test_sandbox_command_serves_and_prints_its_url(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTMARK_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "postmark",
            "sandbox",
            "--port",
            "0",
            "--db",
            str(tmp_path / "box.sqlite3"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = next(word for word in line.split() if word.startswith("http://127.0.0.1:"))
        server = type("Running", (), {"url": url.rstrip("/")})()
        sent = postmark(
            server,
            "send",
            "--from",
            "me@example.com",
            "--to",
            "a@example.com",  # type: ignore[arg-type]
            "--subject",
            "via CLI sandbox",
            "--text",
            "x",
        )
        assert sent.returncode == 0, sent.stderr
    finally:
        process.terminate()
        process.wait(timeout=10)
    with Sandbox(db=str(tmp_path / "box.sqlite3")) as reopened:
        assert [m["Subject"] for m in reopened.messages()] == ["via CLI sandbox"]


def test_messages_search_details_and_dump(sandbox: Sandbox) -> None:
    postmark(
        sandbox,
        "send",
        "--from",
        "me@example.com",
        "--to",
        "ada@example.com",
        "--subject",
        "Findable",
        "--text",
        "body text",
    )
    found = postmark(sandbox, "messages", "search", "--recipient", "ada@example.com")
    assert found.returncode == 0, found.stderr
    messages = json.loads(found.stdout)["Messages"]
    assert [m["Subject"] for m in messages] == ["Findable"]
    message_id = messages[0]["MessageID"]
    details = json.loads(postmark(sandbox, "messages", "details", message_id).stdout)
    assert details["TextBody"] == "body text"
    dump = postmark(sandbox, "messages", "dump", message_id)
    assert "Subject: Findable" in dump.stdout


def test_templates_push_pull_validate_round_trip(sandbox: Sandbox, tmp_path: Path) -> None:
    source = tmp_path / "source"
    (source / "welcome").mkdir(parents=True)
    (source / "welcome" / "meta.json").write_text(
        json.dumps({"Name": "Welcome", "Alias": "welcome", "Subject": "Hi {{name}}"})
    )
    (source / "welcome" / "content.html").write_text("<p>Hello {{name}}</p>")
    (source / "welcome" / "content.txt").write_text("Hello {{name}}")

    dry = postmark(sandbox, "templates", "push", str(source), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[0].split() == ["would", "create", "welcome"]
    assert "nothing changed" in dry.stdout
    listed = json.loads(postmark(sandbox, "templates", "list").stdout)
    assert listed == []

    pushed = postmark(sandbox, "templates", "push", str(source))
    assert pushed.returncode == 0, pushed.stderr
    again = postmark(sandbox, "templates", "push", str(source))
    assert pushed.stdout.split() == ["created", "welcome"]
    assert again.stdout.split() == ["unchanged", "welcome"]
    (source / "welcome" / "content.txt").write_text("Hello again {{name}}")
    assert postmark(sandbox, "templates", "push", str(source)).stdout.split() == [
        "updated",
        "welcome",
    ]

    pulled_dir = tmp_path / "pulled"
    pulled = postmark(sandbox, "templates", "pull", str(pulled_dir))
    assert pulled.returncode == 0, pulled.stderr
    assert (pulled_dir / "welcome" / "content.txt").read_text() == "Hello again {{name}}"
    meta = json.loads((pulled_dir / "welcome" / "meta.json").read_text())
    assert meta["Subject"] == "Hi {{name}}"

    valid = postmark(
        sandbox, "templates", "validate", str(pulled_dir), "--model", '{"name": "Ada"}'
    )
    assert valid.returncode == 0, valid.stdout + valid.stderr
    (pulled_dir / "welcome" / "content.html").write_text("<p>{{#each}}</p>")
    invalid = postmark(sandbox, "templates", "validate", str(pulled_dir))
    assert invalid.returncode == 1
    assert "INVALID" in invalid.stdout
    assert_clean(invalid)
