"""What the command prints for people: tables in a terminal, JSON in a pipe, no token."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterator

import pytest

from postmark.cli import build_parser
from postmark.cli.output import mask, redact
from postmark.sandbox import Sandbox

from .cli_run import ROOT, SECRET, assert_clean, postmark


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as server:
        result = postmark(
            server, "send", "--from", "me@example.com", "--to", "ada@example.com",
            "--subject", "Table me", "--text", "x",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        yield server


def in_terminal(sandbox: Sandbox, *args: str) -> str:
    """The command's stdout when stdout is a terminal (a pseudo-terminal)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTMARK_")}
    env.update(POSTMARK_API_URL=sandbox.url, POSTMARK_SERVER_TOKEN=SECRET, PYTHONPATH=str(ROOT))
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "postmark", *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the command closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    return output.decode().replace("\r\n", "\n")


def test_list_is_a_table_in_a_terminal(sandbox: Sandbox) -> None:
    lines = in_terminal(sandbox, "messages", "search").splitlines()
    assert lines[0].split() == ["MessageID", "Status", "Recipients", "Subject", "ReceivedAt"]
    assert "ada@example.com" in lines[1] and "Table me" in lines[1]
    assert len(lines) == 2


def test_list_is_json_when_piped_or_asked(sandbox: Sandbox) -> None:
    piped = postmark(sandbox, "messages", "search")
    assert json.loads(piped.stdout)["Messages"][0]["Subject"] == "Table me"
    asked = in_terminal(sandbox, "messages", "search", "--json")
    assert json.loads(asked)["TotalCount"] == 1


def test_get_is_key_value_lines_in_a_terminal(sandbox: Sandbox) -> None:
    text = in_terminal(sandbox, "server", "get")
    assert SECRET not in text
    fields = dict(line.split(None, 1) for line in text.splitlines() if " " in line.strip())
    assert fields["Name"] == "Sandbox"
    assert fields["ApiTokens"] == '["' + mask(SECRET) + '"]'


def test_server_get_never_prints_the_token(sandbox: Sandbox) -> None:
    result = postmark(sandbox, "server", "get")
    assert_clean(result)
    assert json.loads(result.stdout)["ApiTokens"] == ["****-123"]


def test_redaction_masks_token_keys_and_known_secrets() -> None:
    answer = {
        "ApiTokens": ["a-long-server-token-abcd", "short"],
        "Servers": [{"ApiTokens": ["another-long-token-wxyz"], "Name": "x"}],
        "Note": "token a-long-server-token-abcd appears in text",
    }
    assert redact(answer, ["a-long-server-token-abcd"]) == {
        "ApiTokens": ["****abcd", "****"],
        "Servers": [{"ApiTokens": ["****wxyz"], "Name": "x"}],
        "Note": "token ****abcd appears in text",
    }


def test_global_options_work_after_the_command(sandbox: Sandbox) -> None:
    result = postmark(
        None, "messages", "search", "--token", SECRET, "--base-url", sandbox.url, "--json",
        token=None,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["TotalCount"] == 1
    before = postmark(None, "--token", SECRET, "--base-url", sandbox.url, "bounces", "list",
                      token=None)  # fmt: skip
    assert before.returncode == 0, before.stderr


def _every_parser() -> list[tuple[str, str]]:
    found = [("postmark", build_parser().format_help())]
    stack = [build_parser()]
    while stack:
        parser = stack.pop()
        for action in parser._actions:
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict):
                for sub in choices.values():
                    found.append((sub.prog, sub.format_help()))
                    stack.append(sub)
    return found


@pytest.mark.parametrize(("prog", "text"), _every_parser(), ids=lambda value: value[:40])
def test_help_has_no_markup(prog: str, text: str) -> None:
    assert "`" not in text, prog
    assert "::" not in text, prog
    assert ":class:" not in text and ":func:" not in text, prog
