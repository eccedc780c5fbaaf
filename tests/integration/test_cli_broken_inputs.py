"""Every subcommand against broken inputs: one line on stderr, no traceback, the documented code.

docs/cli.md promises ``postmark: error: ...`` on one line and the exit codes
0 ok, 1 refused by Postmark, 2 bad usage or input, 3 configuration, 4
network. Each case runs the real command in a subprocess against a real
sandbox (which accepts only ``SECRET``), a closed port, or HTTPS spoken to
the plain-HTTP sandbox.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from postmark.client import ServerClient
from postmark.sandbox import Sandbox

from .cli_run import SECRET, SEND, assert_clean, closed_port, postmark

USAGE, API, CONFIG, NETWORK = 2, 1, 3, 4


@dataclass(frozen=True)
class Case:
    """A command line ({tmp}, {closed}, {https}, {busy} are filled in), its code and words."""

    name: str
    argv: tuple[str, ...]
    code: int
    says: str
    token: str | None = SECRET
    url: str = "{sandbox}"
    env: tuple[tuple[str, str], ...] = ()


MESSAGE = SEND
CSV = ("batch", "{tmp}/good.csv", "--results", "{tmp}/results-{name}.jsonl")

CASES = [
    # -- send ------------------------------------------------------------------
    Case("send-bad-json", ("send", "--json", "{tmp}/bad.json"), USAGE, "is not valid JSON"),
    Case("send-json-latin1", ("send", "--json", "{tmp}/latin1.json"), USAGE, "is not UTF-8"),
    Case("send-json-list", ("send", "--json", "{tmp}/list.json"), USAGE, "one JSON object"),
    Case("send-missing-file", ("send", "--json", "{tmp}/nope.json"), USAGE, "No such file"),
    Case("send-eml-directory", ("send", "--eml", "{tmp}"), USAGE, "Is a directory"),
    Case("send-attach-missing", (*MESSAGE, "--attach", "{tmp}/nope.pdf"), USAGE, "nope.pdf"),
    Case("send-bad-metadata", (*MESSAGE, "--metadata", "novalue"), USAGE, "NAME=VALUE"),
    Case("send-bad-header", (*MESSAGE, "--header", "X-No-Colon"), USAGE, "NAME:VALUE"),
    Case(
        "send-bad-model",
        (*MESSAGE[:5], "--template-alias", "x", "--model", "{name:Ada}"),
        USAGE,
        "--model is not valid JSON",
    ),
    Case("send-unknown-option", ("send", "--frm", "x"), USAGE, "unrecognized arguments"),
    Case("send-no-token", MESSAGE, CONFIG, "--token or set POSTMARK_SERVER_TOKEN", None),
    Case("send-wrong-token", MESSAGE, API, "refused the token", "wrong-token-9876"),
    Case("send-closed-port", MESSAGE, NETWORK, "cannot reach {closed}", url="{closed}"),
    Case("send-https-to-http", MESSAGE, NETWORK, "does not speak TLS", url="{https}"),
    Case("send-bad-url", MESSAGE, CONFIG, "--base-url", url="ftp://example.com"),
    Case("send-bad-timeout", ("--timeout", "soon", "send", *MESSAGE), USAGE, "--timeout"),
    Case(
        "send-bad-env-timeout",
        MESSAGE,
        CONFIG,
        "POSTMARK_TIMEOUT",
        env=(("POSTMARK_TIMEOUT", "x"),),
    ),
    # -- batch -----------------------------------------------------------------
    Case(
        "batch-latin1",
        ("batch", "{tmp}/latin1.csv", "--results", "{tmp}/r1.jsonl"),
        USAGE,
        "line 2 is not UTF-8",
    ),
    Case("batch-unknown-encoding", (*CSV, "--encoding", "klingon"), USAGE, "unknown --encoding"),
    Case(
        "batch-header-typo",
        ("batch", "{tmp}/typo.csv", "--results", "{tmp}/r2.jsonl"),
        USAGE,
        "did you mean 'subject'",
    ),
    Case(
        "batch-jsonl-typo",
        ("batch", "{tmp}/typo.jsonl", "--results", "{tmp}/r3.jsonl"),
        USAGE,
        "line 1: unknown field 'txt_body'",
    ),
    Case(
        "batch-empty-csv",
        ("batch", "{tmp}/empty.csv", "--results", "{tmp}/r4.jsonl"),
        USAGE,
        "is empty",
    ),
    Case(
        "batch-bad-results",
        ("batch", "{tmp}/good.csv", "--results", "{tmp}/bad.json"),
        USAGE,
        "not a result",
    ),
    Case(
        "batch-missing-input",
        ("batch", "{tmp}/nope.csv", "--results", "{tmp}/r5.jsonl"),
        USAGE,
        "No such file",
    ),
    Case(
        "batch-input-directory",
        ("batch", "{tmp}", "--results", "{tmp}/r6.jsonl"),
        USAGE,
        "Is a directory",
    ),
    Case("batch-no-results-option", ("batch", "{tmp}/good.csv"), USAGE, "--results"),
    Case(
        "batch-concurrency-zero",
        (*CSV, "--concurrency", "0"),
        USAGE,
        "argument --concurrency: must be from 1 to 64 (got 0)",
    ),
    Case(
        "batch-concurrency-word",
        (*CSV, "--concurrency", "many"),
        USAGE,
        "argument --concurrency: 'many' is not a whole number",
    ),
    Case(
        "batch-concurrency-too-many",
        (*CSV, "--concurrency", "65"),
        USAGE,
        "argument --concurrency: must be from 1 to 64 (got 65)",
    ),
    Case("batch-wrong-token", CSV, API, "stopped at the first failed request", "wrong-token-9876"),
    Case("batch-closed-port", CSV, NETWORK, "cannot reach {closed}", url="{closed}"),
    Case("batch-https-to-http", CSV, NETWORK, "does not speak TLS", url="{https}"),
    # -- bounces / messages ----------------------------------------------------
    Case(
        "bounces-get-unknown",
        ("bounces", "get", "424242"),
        API,
        "Postmark refused the request (HTTP",
    ),
    Case("bounces-bad-count", ("bounces", "list", "--count", "many"), USAGE, "invalid int value"),
    Case(
        "bounces-token-after",
        ("bounces", "list", "--token", "wrong-token-9876"),
        API,
        "refused the token",
        None,
    ),
    Case("bounces-closed-port", ("bounces", "list"), NETWORK, "cannot reach", url="{closed}"),
    Case("bounces-dump-https", ("bounces", "dump", "1"), NETWORK, "TLS", url="{https}"),
    Case("messages-details-unknown", ("messages", "details", "nope"), API, "Postmark refused"),
    Case(
        "messages-bad-status", ("messages", "search", "--status", "lost"), USAGE, "invalid choice"
    ),
    Case("messages-search-closed", ("messages", "search"), NETWORK, "cannot reach", url="{closed}"),
    # -- templates -------------------------------------------------------------
    Case(
        "templates-validate-bad-model",
        ("templates", "validate", "{tmp}/templates", "--model", "{name:Ada}"),
        USAGE,
        "--model is not valid JSON",
    ),
    Case(
        "templates-validate-list-model",
        ("templates", "validate", "{tmp}/templates", "--model", "[1]"),
        USAGE,
        "JSON object",
    ),
    Case(
        "templates-push-missing", ("templates", "push", "{tmp}/nowhere"), USAGE, "is not a folder"
    ),
    Case(
        "templates-push-empty", ("templates", "push", "{tmp}/empty-folder"), USAGE, "no templates"
    ),
    Case(
        "templates-push-bad-meta",
        ("templates", "push", "{tmp}/bad-meta"),
        USAGE,
        "meta.json is not valid JSON",
    ),
    Case(
        "templates-push-latin1",
        ("templates", "push", "{tmp}/latin1-templates"),
        USAGE,
        "is not UTF-8",
    ),
    Case("templates-pull-onto-file", ("templates", "pull", "{tmp}/good.csv"), USAGE, "good.csv"),
    Case(
        "templates-list-wrong-token",
        ("templates", "list"),
        API,
        "refused the token",
        "wrong-token-9876",
    ),
    # -- server, streams, suppressions, webhooks -------------------------------
    Case(
        "server-edit-bad-json",
        ("server", "edit", "--set", "{TrackOpens: true}"),
        USAGE,
        "--set is not valid JSON",
    ),
    Case(
        "server-edit-unknown-key",
        ("server", "edit", "--set", '{"Bogus": 1}'),
        USAGE,
        "unknown server setting",
    ),
    Case("server-get-https", ("server", "get"), NETWORK, "TLS", url="{https}"),
    Case("streams-get-unknown", ("streams", "get", "nope"), API, "Postmark refused"),
    Case(
        "streams-create-bad-type",
        ("streams", "create", "x", "--name", "X", "--type", "Bulk"),
        USAGE,
        "invalid choice",
    ),
    Case(
        "suppressions-list-closed",
        ("suppressions", "list", "outbound"),
        NETWORK,
        "cannot reach",
        url="{closed}",
    ),
    Case(
        "webhooks-create-bad-url",
        ("webhooks", "create", "--url", "ftp://x"),
        API,
        "pass --url an absolute",
    ),
    Case(
        "webhooks-create-inbound",
        (
            "webhooks",
            "create",
            "--url",
            "https://example.com/h",
            "--stream",
            "inbound",
            "--trigger",
            "open",
        ),
        API,
        "postmark server edit --set",
    ),
    Case(
        "webhooks-create-bad-trigger",
        ("webhooks", "create", "--url", "https://example.com/h", "--trigger", "opened"),
        USAGE,
        "invalid choice",
    ),
    Case("webhooks-get-unknown", ("webhooks", "get", "424242"), API, "Postmark refused"),
    # -- account commands ------------------------------------------------------
    Case(
        "servers-no-account-token",
        ("servers", "list"),
        CONFIG,
        "--account-token or set POSTMARK_ACCOUNT_TOKEN",
    ),
    Case(
        "domains-closed-port",
        ("--account-token", "acct-token-5555", "domains", "list"),
        NETWORK,
        "cannot reach",
        url="{closed}",
    ),
    Case(
        "senders-https",
        ("senders", "get", "1", "--account-token", "acct-token-5555"),
        NETWORK,
        "TLS",
        url="{https}",
    ),
    # -- sandbox ---------------------------------------------------------------
    Case(
        "sandbox-db-missing-dir",
        ("sandbox", "--port", "0", "--db", "/nonexistent/dir/x.sqlite3"),
        USAGE,
        "cannot use --db",
    ),
    Case(
        "sandbox-db-not-a-database",
        ("sandbox", "--port", "0", "--db", "{tmp}/good.csv"),
        USAGE,
        "not a database",
    ),
    Case(
        "sandbox-port-in-use",
        ("sandbox", "--port", "{busy}", "--db", ":memory:"),
        USAGE,
        "choose another --port",
    ),
    Case(
        "sandbox-port-too-big", ("sandbox", "--port", "99999", "--db", ":memory:"), USAGE, "--port"
    ),
    # -- no command at all -------------------------------------------------------
    Case("no-command", (), USAGE, "required"),
    Case("unknown-command", ("sned",), USAGE, "invalid choice"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The broken files, a sandbox accepting only SECRET, a closed port and a busy one."""
    tmp = tmp_path_factory.mktemp("broken")
    files = {
        "bad.json": b'{"From": "me@example.com",',
        "list.json": b"[1, 2]",
        "latin1.json": '{"Subject": "Café"}'.encode("latin-1"),
        "good.csv": b"from,to,subject,text_body\nme@example.com,a@example.com,Hi,x\n",
        "latin1.csv": "from,to,subject,text_body\nme@example.com,a@example.com,Café,x\n".encode(
            "latin-1"
        ),
        "typo.csv": b"from,to,subjet,text_body\nme@example.com,a@example.com,Hi,x\n",
        "typo.jsonl": json.dumps({"to": "a@example.com", "txt_body": "x"}).encode() + b"\n",
        "empty.csv": b"",
        "templates/welcome/meta.json": b'{"Name": "Welcome", "Subject": "Hi"}',
        "templates/welcome/content.txt": b"Hello {{name}}",
        "bad-meta/welcome/meta.json": b"{Name: Welcome}",
        "latin1-templates/welcome/meta.json": b'{"Name": "Welcome", "Subject": "Hi"}',
        "latin1-templates/welcome/content.html": "<p>Café</p>".encode("latin-1"),
    }
    for name, content in files.items():
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / name).write_bytes(content)
    (tmp / "empty-folder").mkdir()
    with Sandbox(tokens=[SECRET]) as sandbox, socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with postmark_client(sandbox) as client:  # something for templates pull to write
            client.templates.create(name="Welcome", alias="welcome", subject="Hi", text_body="x")
        yield {
            "tmp": str(tmp),
            "sandbox": sandbox.url,
            "closed": f"http://127.0.0.1:{closed_port()}",
            "https": sandbox.url.replace("http://", "https://"),
            "busy": str(busy.getsockname()[1]),
        }


def postmark_client(sandbox: Sandbox) -> ServerClient:
    return ServerClient(SECRET, base_url=sandbox.url)


def fill(text: str, world: dict[str, str], case: Case) -> str:
    for key, value in {**world, "name": case.name}.items():
        text = text.replace("{" + key + "}", value)
    return text


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_broken_input_is_one_line_and_its_exit_code(case: Case, world: dict[str, str]) -> None:
    argv = [fill(arg, world, case) for arg in case.argv]
    result = postmark(
        fill(case.url, world, case),
        "--retries",
        "0",
        *argv,
        token=case.token,
        env=dict(case.env),
        timeout=60,
    )
    assert_clean(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("postmark: error: "), lines[0]
    assert fill(case.says, world, case) in lines[0]
    assert result.returncode == case.code, lines[0]
    # Hints name the command's own flags, never the library's arguments or headers.
    for library_word in ("ServerClient(", "AccountClient(", "base_url", "ca_bundle", "Traceback"):
        assert library_word not in lines[0]


def test_every_subcommand_has_a_broken_input_case() -> None:
    """A new subcommand needs its own case here (the list above is the contract)."""
    from postmark.cli import build_parser

    covered = {case.argv[0] for case in CASES if case.argv and not case.argv[0].startswith("-")}
    covered |= {case.argv[2] for case in CASES if case.argv[:1] == ("--account-token",)}
    commands = set(next(a for a in build_parser()._actions if a.dest == "command").choices)
    assert commands - covered == set()
