"""Every code block of README.md runs, against the sandbox and with no stub.

The README is the first thing a newcomer runs, so its blocks are checked
like the guides' (``test_examples.py``, same extractor and page sessions),
but without ``doc_stub``: an endpoint the sandbox does not serve yet fails
here instead of being answered with a canned example. The full-API example
makes what it uses (a domain, a second server for the template push), so it
needs nothing from ``GIVEN``. A last test keeps the guides' stub down to the
one endpoint the sandbox cannot serve (Postmark removed it).

* ``python`` blocks run in one namespace, in order, after ``GIVEN`` (the
  names and the server state the README's snippets assume: an attachment's
  base64, two ``PMMail`` objects, a ``welcome`` template, a hard bounce).
  Markers as in the guides: ``django-settings``, ``django-urls``, ``pytest``.
* ``sh`` blocks: every command must parse (``postmark`` lines with the real
  parser, ``make`` targets must exist ...). With the ``run`` marker they are
  executed: ``postmark`` lines in-process against the sandbox (exit 0),
  ``postmark sandbox`` as a real server on a free port that the rest of the
  block then uses, and ``make demo`` as the demo script with a dead
  ``POSTMARK_API_URL``, which it must ignore.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import doc_stub
import pytest
from doc_blocks import DATA, PYTHON, ROOT, SHELL, Block, blocks
from doc_pages import Page, Pages
from test_examples import checked_commands, postmark_argv, run_in_session

README = ROOT / "README.md"
BLOCKS = blocks(README)
PYTHON_BLOCKS = [b for b in BLOCKS if b.lang == PYTHON]
SHELL_BLOCKS = [b for b in BLOCKS if b.lang in SHELL]

#: What the README's snippets take for granted, run before its first Python block.
GIVEN = """
import base64
import postmark
from postmark import PMMail

base64_pdf = base64.b64encode(open("report.pdf", "rb").read()).decode()
png_bytes = logo_png_bytes = open("logo.png", "rb").read()
msg1 = PMMail(sender="me@example.com", to="ada@example.com", subject="One", text_body="1")
msg2 = PMMail(sender="me@example.com", to="grace@example.com", subject="Two", text_body="2")
with postmark.ServerClient() as _client:
    _client.templates.create(name="Welcome", alias="welcome", subject="Welcome, {{name}}",
                             text_body="Hello {{name}}")
    _client.email.send(sender="me@example.com", to="HardBounce@bounce-testing.postmarkapp.com",
                       subject="Bounces", text_body="x")
"""


def _ids(block: Block) -> str:
    return block.id


def test_readme_has_blocks_of_every_kind() -> None:
    assert len(PYTHON_BLOCKS) >= 15
    assert len([b for b in SHELL_BLOCKS if b.marker == "run"]) >= 2
    assert all(b.lang in (PYTHON, *SHELL, *DATA) for b in BLOCKS)


def test_the_docs_stub_answers_only_the_removed_bounce_tags_endpoint() -> None:
    """Every other endpoint of the client is served by the sandbox for real."""
    assert [e.operation for e in doc_stub.stubbed()] == ["bounces.tags"]


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=_ids)
def test_readme_python(
    block: Block, docs_pages: Pages, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    page = docs_pages.get(README)
    with page.activated(monkeypatch, stub=False):
        if page.done == 0:
            exec(GIVEN, page.namespace)
        run_in_session(block, PYTHON_BLOCKS, page, tmp_path)


@pytest.mark.parametrize("block", SHELL_BLOCKS, ids=_ids)
def test_readme_shell(
    block: Block,
    docs_pages: Pages,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    commands = checked_commands(block)
    if block.marker != "run":
        return
    page = docs_pages.get(README)
    with page.activated(monkeypatch, stub=False), contextlib.ExitStack() as servers:
        block_sandbox: list[str] = []  # the URL of a `postmark sandbox` the block started
        for argv in commands:
            run_command(block, argv, page, monkeypatch, capsys, servers, block_sandbox)


def run_command(
    block: Block,
    argv: list[str],
    page: Page,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    servers: contextlib.ExitStack,
    block_sandbox: list[str],
) -> None:
    """Run one command of a ``run`` block (see the module docstring)."""
    where = f"{block.id}: {shlex.join(argv)}"
    if argv[0] == "export":
        for assignment in argv[1:]:
            name, _, value = assignment.partition("=")
            if name == "POSTMARK_API_URL":  # the sandbox the block runs, wherever it listens
                value = block_sandbox[0] if block_sandbox else page.sandbox.url
            monkeypatch.setenv(name, value)
        return
    if argv[:2] == ["make", "demo"]:
        check_demo(where)
        return
    args = postmark_argv(argv)
    if args is None:
        return  # checked by check_command; not something to run here
    if args[:1] == ["sandbox"]:
        block_sandbox.append(servers.enter_context(sandbox_process()))
        return
    from postmark.cli import main

    status = main(args)
    output = capsys.readouterr()
    assert status == 0, f"{where} exited {status}\n{output.err}"


@contextlib.contextmanager
def sandbox_process() -> Iterator[str]:
    """``postmark sandbox`` for real, on a free port; yields its URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTMARK_")}
    env["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen(
        [sys.executable, "-m", "postmark", "sandbox", "--port", "0", "--db", ":memory:"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = next(word for word in line.split() if word.startswith("http://127.0.0.1:"))
        yield url.rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=10)


def check_demo(where: str) -> None:
    """What ``make demo`` runs, with a stray POSTMARK_API_URL it must not use."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTMARK_")}
    env.update(POSTMARK_API_URL="http://127.0.0.1:9", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "examples/quickstart.py", "--no-keep"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{where}\n{result.stdout}\n{result.stderr}"
    assert "ignoring POSTMARK_API_URL" in result.stdout
    assert "PMBatchMail sent 1000 of 1000 messages" in result.stdout
    assert "Bounce recorded: HardBounce" in result.stdout
    assert "127.0.0.1:9/" not in result.stdout
